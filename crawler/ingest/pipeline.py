"""The one path into the archive: extract each page, merge metadata, store; record failures.

Pages are extracted in worker processes (crawler/ingest/workers.py) while the reactor goes on
downloading; their rows are written in batches, one transaction per `BATCH_ROWS` articles or
`BATCH_SECONDS`, whichever comes first, and at the end of the crawl. A killed crawl loses at most
the open batch, whose pages the next crawl fetches again.

A write that fails (the archive is locked past its `lock_timeout`, full, read-only or damaged)
stops the run: nothing more is written, the `ARCHIVE_ERROR` stat says why, and the feeds of the
run keep their old poll state (crawler/components/incremental.py), so that the next run fetches
again whatever was not stored. The error never escapes from the flush timer.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Protocol, Self

from crawler.extraction.extract import ExtractionFailed
from crawler.ingest.bounds import Bounds
from crawler.ingest.config import Config
from crawler.ingest.items import (
    ARCHIVE_ERROR,
    ArticlePage,
    EntrySeen,
    Failure,
    FeedPolled,
    StoredArticle,
    feed_url_of,
)
from crawler.ingest.records import entry_aliases
from crawler.ingest.workers import ExtractionPool
from storage import Archive, StorageError
from storage.archive import LOCK_TIMEOUT

if TYPE_CHECKING:
    from scrapy.crawler import Crawler

    from storage import ArticleRow

logger = logging.getLogger(__name__)

BATCH_ROWS = 100  # articles written in one transaction
BATCH_SECONDS = 1.0  # the longest an extracted article waits to be written
ARCHIVE_ERROR_REASON = "archive_error"  # the reason a crawl is closed with


class Stats(Protocol):
    """Where the pipeline counts what it did: Scrapy's stats collector in a crawl."""

    def inc_value(self, key: str) -> None: ...

    def set_value(self, key: str, value: Any) -> None: ...


class ArchivePipeline:
    """Scrapy's item pipeline; `fetch`'s direct path (crawler/app/direct.py) drives it too."""

    def __init__(
        self,
        db_path: str,
        stats: Stats,
        pool: ExtractionPool,
        *,
        lock_timeout: float = LOCK_TIMEOUT,
        check: bool = False,
    ) -> None:
        self.db_path, self.stats, self.pool = db_path, stats, pool
        self.lock_timeout, self.check = lock_timeout, check
        self.archive: Archive | None = None
        self.batch: list[ArticleRow] = []
        self.flush_timer: asyncio.TimerHandle | None = None
        self.error: StorageError | None = None  # the write that failed; nothing after it
        self.stop: Callable[[], None] | None = None  # ends the run (a crawl: closes the spider)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        assert crawler.stats is not None
        pipeline = cls.from_settings(crawler.settings, crawler.stats)
        pipeline.stop = closer(crawler)
        return pipeline

    @classmethod
    def from_settings(cls, settings: Any, stats: Stats, *, check: bool = False) -> Self:
        """`check`: read the whole archive file for damage before writing to it."""
        config = Config.from_settings(settings)
        pool = ExtractionPool(
            config.workers,
            min_chars=config.min_chars,
            inline=config.extract_inline,
            keep_pages=config.keep_pages,
            bounds=Bounds(config.extract_max_size, config.extract_max_elements),
        )
        return cls(config.db_path, stats, pool, lock_timeout=config.lock_timeout, check=check)

    def open_spider(self) -> None:
        self.archive = Archive(self.db_path, lock_timeout=self.lock_timeout, check=self.check)

    def close_spider(self) -> None:
        with contextlib.suppress(StorageError):  # `fail` has recorded it
            self.flush()
        self.pool.close()
        if self.pool.workers:
            self.set_stat("extraction_workers", self.pool.workers)
            self.set_stat("extraction_processes_used", len(self.pool.pids))
            self.set_stat("extracted_in_workers", self.pool.rows)
        if self.archive is not None:
            self.archive.close()

    def fail(self, error: StorageError) -> None:
        """The archive cannot be written: end the run, and write nothing more."""
        if self.error is not None:
            return
        self.error = error
        self.stats.set_value(ARCHIVE_ERROR, str(error))
        logger.info("stopping: %s", error)  # the command reports it, in one line
        if self.stop is not None:
            self.stop()

    async def process_item(self, item: Any) -> Any:
        if self.error is not None:  # the run has failed: nothing more is written
            if isinstance(item, ArticlePage):
                self.inc("articles_not_stored")
            return item
        try:
            if isinstance(item, ArticlePage):
                return await self.store_article(item)
            return self.record(item)
        except StorageError as exc:  # a batch that failed counted its rows as not stored
            self.fail(exc)
            return item

    def record(self, item: Any) -> Any:
        """Store what a crawl learned other than a page to extract: a failure, an entry already
        archived, a feed's poll. A cluster's ingester (crawler/scaleout/ingester.py) calls this
        and `add_row` with what its workers sent."""
        assert self.archive is not None
        if isinstance(item, Failure):
            return self.store_failure(item)
        if isinstance(item, EntrySeen):
            if item.article_id is None:
                self.inc("failures_skipped")
            else:
                self.archive.record_aliases(
                    item.article_id, entry_aliases(item.entry), feed_url=item.entry.feed_url
                )
                self.inc("articles_skipped")
            return item
        if isinstance(item, FeedPolled):
            self.archive.record_feed_poll(
                item.url,
                status=item.status,
                error=item.error,
                title=item.title,
                site_url=item.site_url,
                articles_found=item.entries,
                kind=item.kind,
            )
            if item.moved_to and item.moved_to != item.url:
                logger.warning("feed %s moved permanently to %s", item.url, item.moved_to)
                self.archive.move_feed(item.url, item.moved_to, reason="moved permanently")
            self.inc("feeds_polled")
            if item.status == "unchanged":
                self.inc("feeds_unchanged")
            if item.status == "failed":
                self.inc("feeds_failed")
                self.archive.record_failure(
                    item.url, item.error or "feed failed", kind="feed", feed_url=item.url
                )
        return item

    async def store_article(self, page: ArticlePage) -> Any:
        assert self.archive is not None
        row = await extract_row(self.pool, page)
        if self.error is not None:  # the archive failed while this page was extracted
            self.inc("articles_not_stored")
            return page
        if isinstance(row, Failure):
            return self.store_failure(row)
        self.add_row(row)  # raises StorageError when a full batch cannot be written
        if self.batch and self.flush_timer is None:
            self.flush_timer = asyncio.get_running_loop().call_later(
                BATCH_SECONDS, self.flush_on_time
            )
        return StoredArticle(url=row["url"], canonical_url=row["canonical_url"], row=row)

    def add_row(self, row: ArticleRow) -> None:
        """Queue an extracted article for the next write; write the batch once it is full."""
        self.batch.append(row)
        if len(self.batch) >= BATCH_ROWS:
            self.flush()

    def flush(self) -> None:
        """Write the open batch of articles in one transaction. When that fails, the run has
        failed (`fail`) and `StorageError` is raised; once it has, nothing more is written."""
        if self.flush_timer is not None:
            self.flush_timer.cancel()
            self.flush_timer = None
        if not self.batch or self.archive is None:
            return
        rows, self.batch = self.batch, []
        try:
            if self.error is not None:
                raise self.error
            outcomes = self.archive.upsert_articles(rows)
        except StorageError as exc:
            for _ in rows:
                self.inc("articles_not_stored")
            self.fail(exc)
            raise
        for outcome in outcomes:
            self.inc("articles_stored")
            self.inc(f"articles_{outcome}")  # new, updated or unchanged

    def flush_on_time(self) -> None:
        """The flush timer's call: a failed write has failed the run (`fail`), and its error
        must not reach asyncio's "Exception in callback" log."""
        with contextlib.suppress(StorageError):
            self.flush()

    def store_failure(self, failure: Failure) -> Failure:
        assert self.archive is not None
        self.archive.record_failure(
            failure.url,
            failure.reason,
            status=failure.status,
            kind=failure.kind,
            feed_url=failure.feed_url,
            retry_at=failure.retry_at,
        )
        self.inc("failures")
        return failure

    def inc(self, event: str) -> None:
        self.stats.inc_value(f"newsdesk/{event}")

    def set_stat(self, name: str, value: int) -> None:
        self.stats.set_value(f"newsdesk/{name}", value)


async def extract_row(pool: ExtractionPool, page: ArticlePage) -> ArticleRow | Failure:
    """The archive row of a page, or the `Failure` that says why it holds no article."""
    try:
        return await pool.extract(page)
    except ExtractionFailed as exc:
        logger.warning("%s: %s", page.url, exc)
        return Failure(page.url, str(exc), status=200, feed_url=feed_url_of(page.entry))


def closer(crawler: Crawler) -> Callable[[], None]:
    """A function that closes the crawler's spider (reason `ARCHIVE_ERROR_REASON`) from the
    reactor's event loop, as Scrapy's CloseSpider extension does; a spider that is closing or
    closed already is left alone."""
    tasks: set[asyncio.Task[None]] = set()

    async def close() -> None:
        engine = crawler.engine
        with contextlib.suppress(RuntimeError):  # not open, or closed meanwhile
            if engine is not None and engine.spider is not None:
                await engine.close_spider_async(reason=ARCHIVE_ERROR_REASON)

    def stop() -> None:
        try:
            task = asyncio.get_running_loop().create_task(close())
        except RuntimeError:  # no loop running: the crawl is over
            return
        tasks.add(task)
        task.add_done_callback(tasks.discard)

    return stop
