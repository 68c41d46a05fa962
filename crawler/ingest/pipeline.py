"""The one path into the archive: extract each page, merge metadata, store; record failures.

Pages are extracted in worker processes (crawler/ingest/workers.py) while the reactor goes on
downloading; their rows are written in batches, one transaction per `BATCH_ROWS` articles or
`BATCH_SECONDS`, whichever comes first, and at the end of the crawl. A killed crawl loses at most
the open batch, whose pages the next crawl fetches again.
"""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING, Any, Protocol, Self

from crawler.extraction.extract import ExtractionFailed
from crawler.ingest.bounds import Bounds
from crawler.ingest.config import Config
from crawler.ingest.items import (
    ArticlePage,
    EntrySeen,
    Failure,
    FeedPolled,
    StoredArticle,
    feed_url_of,
)
from crawler.ingest.records import entry_aliases
from crawler.ingest.workers import ExtractionPool
from storage import Archive

if TYPE_CHECKING:
    from scrapy.crawler import Crawler

    from storage import ArticleRow

logger = logging.getLogger(__name__)

BATCH_ROWS = 100  # articles written in one transaction
BATCH_SECONDS = 1.0  # the longest an extracted article waits to be written


class Stats(Protocol):
    """Where the pipeline counts what it did: Scrapy's stats collector in a crawl."""

    def inc_value(self, key: str) -> None: ...

    def set_value(self, key: str, value: Any) -> None: ...


class ArchivePipeline:
    """Scrapy's item pipeline; `fetch`'s direct path (crawler/app/direct.py) drives it too."""

    def __init__(self, db_path: str, stats: Stats, pool: ExtractionPool) -> None:
        self.db_path, self.stats, self.pool = db_path, stats, pool
        self.archive: Archive | None = None
        self.batch: list[ArticleRow] = []
        self.flush_timer: asyncio.TimerHandle | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        assert crawler.stats is not None
        return cls.from_settings(crawler.settings, crawler.stats)

    @classmethod
    def from_settings(cls, settings: Any, stats: Stats) -> Self:
        config = Config.from_settings(settings)
        pool = ExtractionPool(
            config.workers,
            min_chars=config.min_chars,
            inline=config.extract_inline,
            keep_pages=config.keep_pages,
            bounds=Bounds(config.extract_max_size, config.extract_max_elements),
        )
        return cls(config.db_path, stats, pool)

    def open_spider(self) -> None:
        self.archive = Archive(self.db_path)

    def close_spider(self) -> None:
        self.flush()
        self.pool.close()
        if self.pool.workers:
            self.set_stat("extraction_workers", self.pool.workers)
            self.set_stat("extraction_processes_used", len(self.pool.pids))
            self.set_stat("extracted_in_workers", self.pool.rows)
        if self.archive is not None:
            self.archive.close()

    async def process_item(self, item: Any) -> Any:
        if isinstance(item, ArticlePage):
            return await self.store_article(item)
        return self.record(item)

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
        if isinstance(row, Failure):
            return self.store_failure(row)
        self.add_row(row)
        if self.batch and self.flush_timer is None:
            self.flush_timer = asyncio.get_running_loop().call_later(BATCH_SECONDS, self.flush)
        return StoredArticle(url=row["url"], canonical_url=row["canonical_url"], row=row)

    def add_row(self, row: ArticleRow) -> None:
        """Queue an extracted article for the next write; write the batch once it is full."""
        self.batch.append(row)
        if len(self.batch) >= BATCH_ROWS:
            self.flush()

    def flush(self) -> None:
        """Write the open batch of articles in one transaction."""
        if self.flush_timer is not None:
            self.flush_timer.cancel()
            self.flush_timer = None
        if not self.batch or self.archive is None:
            return
        rows, self.batch = self.batch, []
        for outcome in self.archive.upsert_articles(rows):
            self.inc("articles_stored")
            self.inc(f"articles_{outcome}")  # new, updated or unchanged

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
