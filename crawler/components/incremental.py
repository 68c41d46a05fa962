"""Incremental crawling: a crawl costs only what is new.

`Incremental`, a Scrapy extension, is the archive's memory for one crawl: each feed's validators
(ETag, Last-Modified, body hash) and schedule, and which entries are already archived. Two
middlewares ask it: `ConditionalFeedMiddleware` (downloader) makes feed requests conditional and
marks unchanged answers; `KnownEntryMiddleware` (spider) turns requests for archived articles into
`EntrySeen` items. When the spider closes after a full run, the extension writes each polled
feed's new validators and next poll time; after a run that was stopped or killed it writes none,
so the next run reads those feeds again and fetches whatever was missed.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any, Self

from scrapy import Request, signals
from scrapy.exceptions import NotConfigured

from crawler.ingest.items import (
    ENTRY_META,
    FEED_META,
    UNCHANGED_META,
    EntrySeen,
    FeedEntry,
    FeedPolled,
)
from crawler.ingest.urls import normalize_url
from crawler.policy.plan import Config
from crawler.policy.schedule import (
    failure_delay,
    failure_retry_due,
    iso,
    next_interval,
    parse_time,
    retry_after,
)
from storage import Archive

if TYPE_CHECKING:
    from collections.abc import AsyncIterator

    from scrapy import Spider
    from scrapy.crawler import Crawler
    from scrapy.http import Response

logger = logging.getLogger(__name__)


@dataclass
class FeedPoll:
    """What this run learned about one feed."""

    etag: str | None = None
    last_modified: str | None = None
    body_hash: str | None = None
    unchanged: bool = False
    failed: bool = False
    retry_after: int | None = None
    new_entries: int = 0


class Incremental:
    """Scrapy extension: the archive's view of feeds and entries during one crawl."""

    def __init__(self, crawler: Crawler, config: Config) -> None:
        self.crawler, self.config = crawler, config
        self.archive: Archive | None = None
        self.polls: dict[str, FeedPoll] = {}
        self.revisits: set[str] = set()
        crawler.signals.connect(self.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)
        crawler.signals.connect(self.item_scraped, signal=signals.item_scraped)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        if not crawler.settings.getbool("NEWSDESK_INCREMENTAL"):
            raise NotConfigured("NEWSDESK_INCREMENTAL is off")
        return cls(crawler, Config.from_settings(crawler.settings))

    def spider_opened(self, spider: Spider) -> None:
        self.archive = Archive(self.config.db_path)
        self.revisits = {entry.link for entry in getattr(spider, "revisits", ())}

    # -- feeds ------------------------------------------------------------------------------
    def feed_headers(self, feed_url: str) -> dict[str, str]:
        """Conditional-request headers for a feed we have read before."""
        assert self.archive is not None
        row = self.archive.feed(feed_url) or {}
        headers = {"If-None-Match": row.get("etag"), "If-Modified-Since": row.get("last_modified")}
        return {name: value for name, value in headers.items() if value}

    def feed_answered(self, feed_url: str, response: Response) -> bool:
        """Note a feed's answer; True when it holds nothing new (304, or the same body)."""
        assert self.archive is not None
        poll = self.polls.setdefault(feed_url, FeedPoll())
        header = response.headers.get("Retry-After")
        poll.retry_after = retry_after(
            header.decode("latin-1") if header else None, now=datetime.now(UTC)
        )
        if response.status == 304:
            poll.unchanged = True
            return True
        if response.status != 200:
            return False
        etag, modified = response.headers.get("ETag"), response.headers.get("Last-Modified")
        poll.etag = etag.decode("latin-1") if etag else None
        poll.last_modified = modified.decode("latin-1") if modified else None
        poll.body_hash = hashlib.sha256(response.body).hexdigest()
        row = self.archive.feed(feed_url) or {}
        poll.unchanged = poll.body_hash == row.get("body_hash")
        return poll.unchanged

    def item_scraped(self, item: Any) -> None:
        if isinstance(item, FeedPolled) and item.status == "failed":
            self.polls.setdefault(item.url, FeedPoll()).failed = True

    # -- entries ----------------------------------------------------------------------------
    def known_entry(self, entry: FeedEntry) -> EntrySeen | None:
        """An `EntrySeen` when the entry's article need not be fetched now, else None.

        Fetched: entries not archived under any of their URLs or GUID (unless their URL failed
        recently), and archived ones the feed says were modified since our last fetch.
        """
        assert self.archive is not None
        now = datetime.now(UTC)
        found = self.archive.find_article(
            [normalize_url(entry.link)], guid=entry.guid, feed_url=entry.feed_url
        )
        if found is None:
            failure = self.archive.failure([entry.link, normalize_url(entry.link)])
            if failure and not failure_retry_due(
                failure["failed_at"], failure["attempts"], now=now
            ):
                logger.debug("%s: failed recently (%s), not fetched", entry.link, failure["reason"])
                return EntrySeen(entry, None)
            self.polls.setdefault(entry.feed_url, FeedPoll()).new_entries += 1
            return None
        modified = entry.modified and parse_time(entry.modified) > parse_time(found["fetched_at"])
        if modified and found["url"] not in self.revisits:
            self.inc("entries_modified")
            return None
        logger.debug("%s: archived as article %d, not fetched", entry.link, found["id"])
        return EntrySeen(entry, found["id"])

    def inc(self, event: str) -> None:
        assert self.crawler.stats is not None
        self.crawler.stats.inc_value(f"newsdesk/{event}")

    # -- end of the run ---------------------------------------------------------------------
    def spider_closed(self, reason: str) -> None:
        """Write each polled feed's state: validators and schedule after a full run, only the
        failure backoff after a stopped one."""
        if self.archive is None:
            return
        now = datetime.now(UTC)
        bounds = self.config.poll_bounds
        states: dict[str, dict[str, Any]] = {}
        for url, poll in self.polls.items():
            row = self.archive.feed(url)
            if row is None:
                continue
            if poll.failed:
                failures = (row["consecutive_failures"] or 0) + 1
                delay = max(failure_delay(failures, bounds=bounds), poll.retry_after or 0)
                states[url] = {"consecutive_failures": failures, "next_poll": in_(now, delay)}
            elif reason == "finished":
                interval = next_interval(
                    row["poll_interval"], new_entries=poll.new_entries, bounds=bounds
                )
                delay = max(interval, poll.retry_after or 0)
                states[url] = {
                    "consecutive_failures": 0,
                    "poll_interval": interval,
                    "next_poll": in_(now, delay),
                }
                if poll.body_hash is not None:  # a full answer (a 304 keeps the old validators)
                    states[url] |= {
                        "etag": poll.etag,
                        "last_modified": poll.last_modified,
                        "body_hash": poll.body_hash,
                    }
        self.archive.update_feeds(states)
        self.archive.close()
        logger.info("poll state of %d feeds written (%s run)", len(states), reason)


def in_(now: datetime, seconds: float) -> str:
    return iso(now + timedelta(seconds=seconds))


def incremental_of(crawler: Crawler) -> Incremental | None:
    return crawler.get_extension(Incremental)


class IncrementalComponent:
    """Base for the middlewares below: on only while NEWSDESK_INCREMENTAL is."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        if not crawler.settings.getbool("NEWSDESK_INCREMENTAL"):
            raise NotConfigured("NEWSDESK_INCREMENTAL is off")
        return cls(crawler)


class ConditionalFeedMiddleware(IncrementalComponent):
    """Downloader middleware: conditional GET for feeds; marks answers that bring nothing new.
    A 429 or 503 that says when to come back (`Retry-After`) is not retried in this run."""

    def process_request(self, request: Request) -> None:
        state = incremental_of(self.crawler)
        if state is not None and FEED_META in request.meta:
            for name, value in state.feed_headers(request.meta[FEED_META]).items():
                request.headers.setdefault(name, value)

    def process_response(self, request: Request, response: Response) -> Response:
        if response.status in (429, 503) and response.headers.get("Retry-After"):
            request.meta["dont_retry"] = True  # RetryMiddleware (550) sees the answer after us
        state = incremental_of(self.crawler)
        feed_url = request.meta.get(FEED_META)
        if state is not None and feed_url and state.feed_answered(feed_url, response):
            request.meta[UNCHANGED_META] = True
        return response


class KnownEntryMiddleware(IncrementalComponent):
    """Spider middleware: a request for a feed entry (`ENTRY_META`) whose article is archived
    already becomes `EntrySeen`. The feed spider sends those requests from `start()`, as the
    engine has room for them (spiders/feeds.py); revision checks carry no `ENTRY_META`."""

    async def process_start(self, start: AsyncIterator[Any]) -> AsyncIterator[Any]:
        async for output in start:
            yield self.filter(output)

    def filter(self, output: Any) -> Any:
        if not isinstance(output, Request) or not output.meta.get(ENTRY_META):
            return output
        entry = output.cb_kwargs.get("entry")
        state = incremental_of(self.crawler)
        if state is None or not isinstance(entry, FeedEntry):
            return output
        return state.known_entry(entry) or output
