"""`feeds`: poll feeds, then fetch every article they link to; re-check articles due a look."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import scrapy

from crawler.feeds import FeedError, parse_feed
from crawler.items import FEED_META, UNCHANGED_META, FeedEntry, FeedPolled
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
            yield self.article_request(entry.link, entry if entry.feed_url else None)

    def parse_feed(
        self, response: Response, feed_url: str
    ) -> Iterator[scrapy.Request | FeedPolled]:
        """Yield the feed's poll record, then a request for each entry's article."""
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
            yield self.article_request(entry.link, entry)

    def feed_failed(self, failure: TwistedFailure) -> Iterator[FeedPolled]:
        url = failure.request.url  # type: ignore[attr-defined]
        _, reason = describe_failure(failure)
        self.logger.warning("feed %s: %s", url, reason)
        yield FeedPolled(url, "failed", error=reason)


def as_list(urls: str | list[str]) -> list[str]:
    return [u for u in (urls.split(",") if isinstance(urls, str) else urls) if u]
