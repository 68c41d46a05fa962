"""The one path into the archive: extract each page, merge metadata, store; record failures."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any, Self

from crawler.extract import ExtractionFailed
from crawler.items import ArticlePage, EntrySeen, Failure, FeedPolled, StoredArticle
from crawler.records import article_row, entry_aliases
from crawler.workers import ExtractionPool
from storage import Archive
from storage.archive import now

if TYPE_CHECKING:
    from scrapy.crawler import Crawler

logger = logging.getLogger(__name__)


class ArchivePipeline:
    def __init__(self, db_path: str, crawler: Crawler, pool: ExtractionPool) -> None:
        self.db_path, self.crawler, self.pool = db_path, crawler, pool
        self.archive: Archive | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        settings = crawler.settings
        pool = ExtractionPool(
            settings.getint("NEWSDESK_WORKERS"),
            min_chars=settings.getint("NEWSDESK_MIN_CHARS"),
            inline=settings.getbool("NEWSDESK_EXTRACT_INLINE"),
        )
        return cls(settings.get("NEWSDESK_DB"), crawler, pool)

    def open_spider(self) -> None:
        self.archive = Archive(self.db_path)

    def close_spider(self) -> None:
        self.pool.close()
        if self.archive is not None:
            self.archive.close()

    async def process_item(self, item: Any) -> Any:
        assert self.archive is not None
        if isinstance(item, ArticlePage):
            return await self.store_article(item)
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
            )
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
        try:
            extracted = await self.pool.extract(page.body, page.encoding, page.url)
        except ExtractionFailed as exc:
            logger.warning("%s: %s", page.url, exc)
            return self.store_failure(
                Failure(
                    page.url,
                    str(exc),
                    status=200,
                    feed_url=page.entry.feed_url if page.entry else None,
                )
            )
        row = article_row(page, extracted, fetched_at=now())
        [outcome] = self.archive.upsert_articles([row])
        self.inc("articles_stored")
        self.inc(f"articles_{outcome}")  # new, updated or unchanged
        return StoredArticle(url=row["url"], canonical_url=row["canonical_url"])

    def store_failure(self, failure: Failure) -> Failure:
        assert self.archive is not None
        self.archive.record_failure(
            failure.url,
            failure.reason,
            status=failure.status,
            kind=failure.kind,
            feed_url=failure.feed_url,
        )
        self.inc("failures")
        return failure

    def inc(self, event: str) -> None:
        assert self.crawler.stats is not None
        self.crawler.stats.inc_value(f"newsdesk/{event}")
