"""`feeds`: poll feeds, then fetch every article they link to; re-check articles due a look.

A feed's entries wait in the spider, as `FeedEntry` objects, and `start()` turns them into
requests only while Scrapy's engine has room for more (Scrapy's "lazy start requests"): handed
over at once, every entry of every feed would sit in Scrapy's scheduler as a request from the
moment its feed is read, and a crawl's memory would grow with its size.
"""

from __future__ import annotations

from collections import deque
from typing import TYPE_CHECKING, Any

import scrapy
from scrapy import signals

from crawler.feeds import FeedError, parse_feed
from crawler.items import ENTRY_META, FEED_META, UNCHANGED_META, FeedEntry, FeedPolled
from spiders.base import ArticleSpider, describe_failure

if TYPE_CHECKING:
    from collections.abc import AsyncIterator, Iterator

    from scrapy.http import Response
    from twisted.python.failure import Failure as TwistedFailure


class FeedSpider(ArticleSpider):
    name = "feeds"

    def __init__(
        self, feeds: str | list[str] = "", revisits: str | list[FeedEntry] = "", **kwargs: Any
    ) -> None:
        super().__init__(**kwargs)
        # `-a feeds=URL,URL` arrives as a string; the Python API passes a list.
        self.feeds = as_list(feeds)
        # Article pages to fetch again (revision checks, retries), with the feed that carried
        # each; `-a revisits=URL,URL` gives bare URLs.
        self.revisits = (
            [FeedEntry(link=url, feed_url="") for url in as_list(revisits)]
            if isinstance(revisits, str)
            else revisits
        )
        # Entries of the feeds read so far whose articles are not requested yet, and the feeds
        # not answered yet, which may still bring some.
        self.entries: deque[FeedEntry] = deque()
        self.feeds_pending = set(self.feeds)

    async def start(self) -> AsyncIterator[scrapy.Request]:
        for url in self.feeds:
            yield scrapy.Request(
                url,
                callback=self.parse_feed,
                cb_kwargs={"feed_url": url},
                errback=self.feed_failed,
                priority=10,
                dont_filter=True,
                meta={FEED_META: url, "handle_httpstatus_list": [304]},
            )
        for entry in self.revisits:
            await self.engine_room()
            yield self.article_request(entry.link, entry if entry.feed_url else None)
        while self.entries or self.feeds_pending:
            if self.entries:
                await self.engine_room()
                yield self.entry_request(self.entries.popleft())
            else:  # a feed is still on its way; the engine asks for work after each answer
                await self.crawler.signals.wait_for(signals.scheduler_empty)

    async def engine_room(self) -> None:
        """Return once Scrapy's engine would take another request: its downloader and its
        scraper are not full (the scraper holds pages waiting for extraction)."""
        engine = self.crawler.engine
        assert engine is not None
        while engine.needs_backout():
            await self.crawler.signals.wait_for(signals.scheduler_empty)

    def entry_request(self, entry: FeedEntry) -> scrapy.Request:
        """A request for a feed entry's article; KnownEntryMiddleware (crawler/incremental.py)
        turns it into `EntrySeen` when the archive has the article already."""
        request = self.article_request(entry.link, entry)
        request.meta[ENTRY_META] = True
        return request

    def parse_feed(self, response: Response, feed_url: str) -> Iterator[FeedPolled]:
        """Yield the feed's poll record; its entries join the queue that `start()` requests."""
        try:
            yield from self.read_feed(response, feed_url)
        finally:  # however reading it ended, this feed brings no more entries
            self.feeds_pending.discard(feed_url)

    def read_feed(self, response: Response, feed_url: str) -> Iterator[FeedPolled]:
        if response.status == 304 or response.meta.get(UNCHANGED_META):
            yield FeedPolled(feed_url, "unchanged")
            return
        content_type = (response.headers.get("Content-Type") or b"").decode("latin-1")
        try:
            feed = parse_feed(response.body, url=response.url, content_type=content_type)
        except FeedError as exc:
            self.logger.warning("feed %s: %s", response.url, exc)
            yield FeedPolled(feed_url, "failed", error=str(exc))
            return
        if feed.warning:
            self.logger.warning("feed %s: %s", response.url, feed.warning)
        yield FeedPolled(
            feed_url,
            "malformed" if feed.warning else "ok",
            error=feed.warning,
            title=feed.title,
            site_url=feed.site_url,
            entries=len(feed.entries),
        )
        for entry in feed.entries:
            entry.feed_url = feed_url  # the feed as the user named it, before any redirect
        self.entries.extend(feed.entries)

    def feed_failed(self, failure: TwistedFailure) -> Iterator[FeedPolled]:
        request = failure.request  # type: ignore[attr-defined]
        self.feeds_pending.discard(request.meta.get(FEED_META))
        _, reason = describe_failure(failure)
        self.logger.warning("feed %s: %s", request.url, reason)
        yield FeedPolled(request.url, "failed", error=reason)


def as_list(urls: str | list[str]) -> list[str]:
    return [u for u in (urls.split(",") if isinstance(urls, str) else urls) if u]
