"""`feeds`: poll feeds, then fetch every article they link to; re-check articles due a look.

The articles to fetch wait in the spider, as `FeedEntry` objects grouped by site, and `start()`
turns them into requests only as Scrapy's engine has room for them, for the least busy site
first (Scrapy's "lazy start requests"). Handed over at once, every entry of every feed would sit
in Scrapy's scheduler as a request from the moment its feed is read, and a crawl's memory would
grow with its size.
"""

from __future__ import annotations

from collections import Counter, deque
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import scrapy
from scrapy import signals
from scrapy.utils.httpobj import urlparse_cached

from crawler.ingest import reasons
from crawler.ingest.feeds import FeedError, parse_feed
from crawler.ingest.items import (
    ENTRY_META,
    FEED_META,
    UNCHANGED_META,
    Failure,
    FeedEntry,
    FeedPolled,
    feed_url_of,
)
from crawler.ingest.sources import looks_like_sitemap, normalize_feed_url
from spiders.base import ArticleSpider, describe_failure
from spiders.sitemap_reader import IndexRead, SitemapReader

if TYPE_CHECKING:
    from collections.abc import AsyncIterator, Iterator

    from scrapy.http import Response
    from twisted.python.failure import Failure as TwistedFailure


class FeedSpider(SitemapReader, ArticleSpider):
    """Reads feeds and sitemaps (spiders/sitemap_reader.py), then their articles."""

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
        # Article requests not handed to Scrapy yet, by site: each entry, and whether a feed
        # listed it in this run (to be checked against the archive) or it is due a revisit.
        self.waiting: dict[str, deque[tuple[FeedEntry, bool]]] = {}
        self.feeds_pending = set(self.feeds)  # feeds not answered yet, which may bring entries
        self.indexes: dict[str, IndexRead] = {}  # sitemap indexes whose sitemaps are being read
        for entry in self.revisits:
            self.hold(entry, listed=False)

    async def start(self) -> AsyncIterator[scrapy.Request | Failure]:
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
        # Scrapy's "lazy start requests": an article request is made when the engine has room
        # for it (its downloader and its scraper, which holds pages waiting for extraction, are
        # not full), for the site the engine would have picked; with the entries of one site
        # left there is no choice to make, and up to a downloader's worth of its requests are
        # made in one go, to wait in the scheduler.
        engine = self.crawler.engine
        assert engine is not None and engine.scheduler is not None
        backlog = self.settings.getint("CONCURRENT_REQUESTS")
        ahead = 0  # requests made without room for them since the scheduler was last empty
        while self.waiting or self.feeds_pending:
            if not engine.scheduler.has_pending_requests():
                ahead = 0
            if self.waiting and not engine.needs_backout():
                yield self.next_request()
            elif len(self.waiting) == 1 and ahead < backlog:
                ahead += 1
                yield self.next_request()
            else:  # the engine asks for more once it has taken all it was given
                await self.crawler.signals.wait_for(signals.scheduler_empty)

    def hold(self, entry: FeedEntry, *, listed: bool) -> None:
        self.waiting.setdefault(site_of(entry.link), deque()).append((entry, listed))

    def next_request(self) -> scrapy.Request | Failure:
        """A request for the next entry of the site with the fewest requests in Scrapy's
        downloader, the one Scrapy's own queue (DownloaderAwarePriorityQueue) would pick, so
        that a slow site does not hold up the others."""
        site = next(iter(self.waiting))
        if len(self.waiting) > 1:
            assert self.crawler.engine is not None
            active = self.crawler.engine.downloader.active
            busy = Counter(urlparse_cached(request).hostname or "" for request in active)
            site = min(self.waiting, key=busy.__getitem__)
        queue = self.waiting[site]
        entry, listed = queue.popleft()
        if not queue:
            del self.waiting[site]
        limit = self.settings.getint("URLLENGTH_LIMIT")
        if limit and len(entry.link) > limit:  # UrlLengthMiddleware would drop it unrecorded
            return self.entry_failed(entry, reasons.url_too_long(limit))
        try:
            return self.entry_request(entry, listed=listed)
        except ValueError as exc:  # a link Scrapy refuses: raised here, it would end `start()`
            return self.entry_failed(entry, reasons.bad_url(exc))

    def entry_failed(self, entry: FeedEntry, reason: str) -> Failure:
        self.logger.warning("%s: %s", entry.link[:200], reason)
        return Failure(entry.link, reason, feed_url=feed_url_of(entry))

    def entry_request(self, entry: FeedEntry, *, listed: bool) -> scrapy.Request:
        if not listed:
            return self.article_request(entry.link, entry if entry.feed_url else None)
        # KnownEntryMiddleware (crawler/components/incremental.py) turns it into `EntrySeen` when
        # the archive has the article already.
        request = self.article_request(entry.link, entry)
        request.meta[ENTRY_META] = True
        return request

    def parse_feed(
        self, response: Response, feed_url: str
    ) -> Iterator[FeedPolled | scrapy.Request]:
        """Yield the feed's poll record; its entries wait for `start()` to request them."""
        try:
            yield from self.read_feed(response, feed_url)
        finally:  # however reading it ended, this feed brings no more entries
            self.feeds_pending.discard(feed_url)

    def read_feed(self, response: Response, feed_url: str) -> Iterator[FeedPolled | scrapy.Request]:
        unchanged = response.status == 304 or response.meta.get(UNCHANGED_META)
        if not unchanged and looks_like_sitemap(response.body):
            yield from self.read_sitemap(response, feed_url, moved_permanently(response))
            return
        polled, entries = self.poll_feed(response, feed_url)
        yield polled
        for entry in entries:
            self.hold(entry, listed=True)

    def poll_feed(self, response: Response, feed_url: str) -> tuple[FeedPolled, list[FeedEntry]]:
        """A feed's poll record and the entries it lists (none when unchanged or unreadable)."""
        if response.status == 304 or response.meta.get(UNCHANGED_META):
            return FeedPolled(feed_url, "unchanged"), []
        moved_to = moved_permanently(response)
        content_type = (response.headers.get("Content-Type") or b"").decode("latin-1")
        try:
            feed = parse_feed(response.body, url=response.url, content_type=content_type)
        except Exception as exc:  # FeedError, or any fault in reading it: this feed's failure
            error = str(exc) if isinstance(exc, FeedError) else reasons.unexpected(exc)
            self.logger.warning("feed %s: %s", response.url, error)
            return FeedPolled(feed_url, "failed", error=error, moved_to=moved_to), []
        if feed.warning:
            self.logger.warning("feed %s: %s", response.url, feed.warning)
        for entry in feed.entries:
            # the feed as the user named it, before any redirect but a permanent one
            entry.feed_url = moved_to or feed_url
        polled = FeedPolled(
            feed_url,
            "malformed" if feed.warning else "ok",
            error=feed.warning,
            title=feed.title,
            site_url=feed.site_url,
            entries=len(feed.entries),
            kind=feed.kind,
            moved_to=moved_to,
        )
        return polled, feed.entries

    def feed_failed(self, failure: TwistedFailure) -> Iterator[FeedPolled]:
        request = failure.request  # type: ignore[attr-defined]
        self.feeds_pending.discard(request.meta.get(FEED_META))
        _, reason = describe_failure(failure, max_size=self.max_size(request))
        if reason == reasons.INTERRUPTED:  # not polled: still due, the next run reads it
            self.logger.info("feed %s: %s", request.url, reason)
            return
        self.logger.warning("feed %s: %s", request.url, reason)
        yield FeedPolled(request.url, "failed", error=reason)


def moved_permanently(response: Response) -> str | None:
    """The source's new URL (normalised) when every redirect on the way was permanent."""
    statuses = response.meta.get("redirect_reasons") or []
    if statuses and all(status in (301, 308) for status in statuses):
        return normalize_feed_url(response.url)
    return None


def as_list(urls: str | list[str]) -> list[str]:
    return [u for u in (urls.split(",") if isinstance(urls, str) else urls) if u]


def site_of(url: str) -> str:
    """The host name: Scrapy's downloader groups requests by it (its download slots)."""
    return urlsplit(url).hostname or ""
