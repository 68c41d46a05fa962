"""The feed spider's sitemap side: a source whose body is a sitemap is read as one.

A sitemap index's recent sitemaps are fetched in the same run (their answers are not
conditional: only the source itself has a row and validators), and the source's poll record is
yielded once the last of them is read, with the recent entries of all of them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

import scrapy

from crawler.ingest.config import Config
from crawler.ingest.items import FeedEntry, FeedPolled
from spiders.base import describe_failure
from spiders.sitemaps import SitemapError, read_sitemap

if TYPE_CHECKING:
    from collections.abc import Iterator

    from scrapy.http import Response
    from twisted.python.failure import Failure as TwistedFailure

SITEMAP_OF = "newsdesk_sitemap_of"  # request.meta of an index's sitemap: its source's key


@dataclass
class IndexRead:
    """A sitemap index being read: its sitemaps still to come and what they brought."""

    feed_url: str  # the source as the user named it
    moved_to: str | None
    pending: set[str] = field(default_factory=set)
    seen: set[str] = field(default_factory=set)
    entries: int = 0
    kind: str = "sitemap"
    errors: list[str] = field(default_factory=list)


class SitemapReader(scrapy.Spider):
    """Mixin for `FeedSpider`: needs its `hold(entry, listed=True)` and `feeds_pending`."""

    feeds_pending: set[str]
    indexes: dict[str, IndexRead]

    def hold(self, entry: FeedEntry, *, listed: bool) -> None:
        raise NotImplementedError

    def read_sitemap(
        self, response: Response, feed_url: str, moved_to: str | None
    ) -> Iterator[FeedPolled | scrapy.Request]:
        """Read a source that is a sitemap: hold its recent entries, or request the recent
        sitemaps of an index."""
        source = moved_to or feed_url
        try:
            read = self.parse_sitemap_body(response)
        except SitemapError as exc:
            self.logger.warning("sitemap %s: %s", response.url, exc)
            yield FeedPolled(feed_url, "failed", error=str(exc), moved_to=moved_to)
            return
        self.logger.info("sitemap %s: %s", response.url, read.summary())
        if read.kind != "sitemapindex":
            self.hold_all(read.entries, source)
            yield FeedPolled(
                feed_url,
                "ok",
                title=read.publication,
                entries=len(read.entries),
                kind=read.kind,
                moved_to=moved_to,
            )
            return
        index = self.indexes.setdefault(source, IndexRead(feed_url, moved_to))
        yield from self.follow(index, source, read.children)
        if not index.pending:
            yield self.index_polled(source)

    def parse_index_sitemap(self, response: Response, source: str, child: str) -> Iterator[Any]:
        index = self.indexes[source]
        try:
            read = self.parse_sitemap_body(response)
        except SitemapError as exc:
            self.logger.warning("sitemap %s: %s", response.url, exc)
            index.errors.append(f"{response.url}: {exc}")
        else:
            self.logger.info("sitemap %s: %s", response.url, read.summary())
            if read.kind == "sitemapindex":
                yield from self.follow(index, source, read.children)
            else:
                index.entries += len(read.entries)
                if read.kind == "newssitemap":
                    index.kind = "newssitemap"
                self.hold_all(read.entries, source)
        yield from self.done_with(index, source, child)

    def index_sitemap_failed(self, failure: TwistedFailure) -> Iterator[Any]:
        request = failure.request  # type: ignore[attr-defined]
        source = request.meta[SITEMAP_OF]
        _, reason = describe_failure(failure, max_size=self.settings.getint("DOWNLOAD_MAXSIZE"))
        self.logger.warning("sitemap %s: %s", request.url, reason)
        index = self.indexes[source]
        index.errors.append(f"{request.url}: {reason}")
        yield from self.done_with(index, source, request.cb_kwargs["child"])

    def follow(self, index: IndexRead, source: str, children: list[str]) -> Iterator[Any]:
        for child in children:
            if child in index.seen:
                continue
            index.seen.add(child)
            index.pending.add(child)
            self.feeds_pending.add(child)  # start() goes on while it may bring entries
            yield scrapy.Request(
                child,
                callback=self.parse_index_sitemap,
                errback=self.index_sitemap_failed,
                cb_kwargs={"source": source, "child": child},
                meta={SITEMAP_OF: source},
                priority=10,
            )

    def done_with(self, index: IndexRead, source: str, child: str) -> Iterator[FeedPolled]:
        index.pending.discard(child)
        self.feeds_pending.discard(child)
        if not index.pending:
            yield self.index_polled(source)

    def index_polled(self, source: str) -> FeedPolled:
        index = self.indexes.pop(source)
        read = len(index.seen) - len(index.errors)
        error = None
        if index.errors:
            error = (
                f"{len(index.errors)} of {len(index.seen)} sitemaps unreadable: {index.errors[0]}"
            )
        return FeedPolled(
            index.feed_url,
            "failed" if index.seen and not read else "ok",
            error=error,
            entries=index.entries,
            kind=index.kind,
            moved_to=index.moved_to,
        )

    def parse_sitemap_body(self, response: Response) -> Any:
        config = Config.from_settings(self.settings)
        return read_sitemap(
            response.body,
            url=response.url,
            now=datetime.now(UTC),
            max_age=config.sitemap_max_age,
            max_size=self.settings.getint("DOWNLOAD_MAXSIZE"),
        )

    def hold_all(self, entries: list[FeedEntry], source: str) -> None:
        for entry in entries:
            entry.feed_url = source
            self.hold(entry, listed=True)
