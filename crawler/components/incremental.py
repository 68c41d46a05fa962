"""Incremental crawling: a crawl costs only what is new.

`Incremental`, a Scrapy extension, is the archive's memory for one crawl: each feed's validators
(ETag, Last-Modified, body hash) and schedule, and which entries are already archived. Two
middlewares ask it: `ConditionalFeedMiddleware` (downloader) makes feed requests conditional and
marks unchanged answers; `KnownEntryMiddleware` (spider) turns requests for archived articles into
`EntrySeen` items. When the spider closes after a full run, the extension writes each polled
feed's new validators and next poll time; after a run that was stopped or killed it writes none,
so the next run reads those feeds again and fetches whatever was missed. Nor does it for a feed
one of whose items failed in the pipeline, nor for any feed when the archive could not be used
(`ARCHIVE_ERROR`): a feed is saved as read only once every entry it listed is stored, recorded
as a failure or known to be archived.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, Self

from scrapy import Request, signals
from scrapy.exceptions import NotConfigured

from crawler.ingest.config import Config
from crawler.ingest.items import (
    ARCHIVE_ERROR,
    ENTRY_META,
    FEED_META,
    UNCHANGED_META,
    ArticlePage,
    EntrySeen,
    Failure,
    FeedEntry,
    FeedPolled,
)
from crawler.ingest.pipeline import closer
from crawler.policy.feedstate import (
    FeedPoll,
    conditional_headers,
    feed_states,
    known_entry,
    read_answer,
)
from storage import Archive, StorageError

if TYPE_CHECKING:
    from collections.abc import AsyncIterator

    from scrapy import Spider
    from scrapy.crawler import Crawler
    from scrapy.http import Response

logger = logging.getLogger(__name__)


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
        crawler.signals.connect(self.item_error, signal=signals.item_error)
        self.stop = closer(crawler)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        config = Config.from_settings(crawler.settings)
        if not config.incremental:
            raise NotConfigured("NEWSDESK_INCREMENTAL is off")
        return cls(crawler, config)

    def spider_opened(self, spider: Spider) -> None:
        self.archive = Archive(self.config.db_path, lock_timeout=self.config.lock_timeout)
        self.revisits = {entry.link for entry in getattr(spider, "revisits", ())}

    # -- feeds ------------------------------------------------------------------------------
    def feed_headers(self, feed_url: str) -> dict[str, str]:
        """Conditional-request headers for a feed we have read before."""
        return conditional_headers(self.feed(feed_url))

    def feed_answered(self, feed_url: str, response: Response) -> bool:
        """Note a feed's answer; True when it holds nothing new (304, or the same body)."""
        poll = self.polls.setdefault(feed_url, FeedPoll())
        known = self.feed(feed_url).get("body_hash")
        return read_answer(
            poll,
            status=response.status,
            headers=answer_headers(response),
            body=response.body,
            known_hash=known,
            now=datetime.now(UTC),
        )

    def feed(self, feed_url: str) -> dict[str, Any]:
        """The feed's row in the archive ({} when it cannot be read: the run then stops)."""
        assert self.archive is not None
        try:
            return self.archive.feed(feed_url) or {}
        except StorageError as exc:
            self.fail(exc)
            return {}

    def fail(self, error: StorageError) -> None:
        """The archive cannot be used: the run stops and no feed state is saved."""
        assert self.crawler.stats is not None
        if not self.crawler.stats.get_value(ARCHIVE_ERROR):
            self.crawler.stats.set_value(ARCHIVE_ERROR, str(error))
            self.stop()

    def item_error(self, item: Any) -> None:
        """An item the pipeline failed on (a bug, a dead extraction worker): its feed is not
        saved as read, so the next run reads it again."""
        match item:
            case (
                ArticlePage(entry=FeedEntry(feed_url=url))
                | EntrySeen(entry=FeedEntry(feed_url=url))
            ):
                urls = [url]
            case Failure(feed_url=str(url)) | FeedPolled(url=url):
                urls = [url]
            case _:
                urls = list(self.polls)
        for url in urls:
            self.polls.setdefault(url, FeedPoll()).incomplete = True

    def item_scraped(self, item: Any) -> None:
        if not isinstance(item, FeedPolled):
            return
        if item.status == "failed":
            self.polls.setdefault(item.url, FeedPoll()).failed = True
        if item.moved_to and item.moved_to != item.url and item.url in self.polls:
            # the archive has moved the feed's row (the pipeline ran first): so does its poll
            poll = self.polls.pop(item.url)
            poll.new_entries += self.polls.pop(item.moved_to, FeedPoll()).new_entries
            self.polls[item.moved_to] = poll

    # -- entries ----------------------------------------------------------------------------
    def known_entry(self, entry: FeedEntry) -> EntrySeen | None:
        """An `EntrySeen` when the entry's article need not be fetched now, else None (see
        `crawler.policy.feedstate.known_entry`)."""
        assert self.archive is not None
        try:
            seen, why = known_entry(
                self.archive, entry, revisits=self.revisits, now=datetime.now(UTC)
            )
        except StorageError as exc:
            self.fail(exc)
            return None
        if why == "new":
            self.polls.setdefault(entry.feed_url, FeedPoll()).new_entries += 1
        elif why == "modified":
            self.inc("entries_modified")
        return seen

    def inc(self, event: str) -> None:
        assert self.crawler.stats is not None
        self.crawler.stats.inc_value(f"newsdesk/{event}")

    # -- end of the run ---------------------------------------------------------------------
    def spider_closed(self, reason: str) -> None:
        """Write each polled feed's state: validators and schedule after a full run, only the
        failure backoff after a stopped one, nothing when the archive failed."""
        if self.archive is None:
            return
        assert self.crawler.stats is not None
        if self.crawler.stats.get_value(ARCHIVE_ERROR):
            logger.info("no poll state written: the archive failed")
            self.archive.close()
            return
        try:
            states = feed_states(
                self.archive,
                self.polls,
                finished=reason == "finished",
                bounds=self.config.poll_bounds,
                now=datetime.now(UTC),
                disable_after=self.config.disable_after,
            )
            self.archive.update_feeds(states)
        except StorageError as exc:
            self.crawler.stats.set_value(ARCHIVE_ERROR, str(exc))
            logger.info("no poll state written: %s", exc)
        else:
            logger.info("poll state of %d feeds written (%s run)", len(states), reason)
        self.archive.close()


def answer_headers(response: Response) -> dict[str, str | None]:
    """The headers of an answer that say how fresh it is and when to come back."""
    values = {name: response.headers.get(name) for name in ("ETag", "Last-Modified", "Retry-After")}
    return {name: value.decode("latin-1") if value else None for name, value in values.items()}


def incremental_of(crawler: Crawler) -> Incremental | None:
    return crawler.get_extension(Incremental)


class IncrementalComponent:
    """Base for the middlewares below: on only while NEWSDESK_INCREMENTAL is."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        if not Config.from_settings(crawler.settings).incremental:
            raise NotConfigured("NEWSDESK_INCREMENTAL is off")
        return cls(crawler)


class ConditionalFeedMiddleware(IncrementalComponent):
    """Downloader middleware: conditional GET for feeds; marks answers that bring nothing new
    (and notes a `Retry-After`: crawler/components/retryafter.py acts on it)."""

    def process_request(self, request: Request) -> None:
        state = incremental_of(self.crawler)
        if state is not None and FEED_META in request.meta:
            for name, value in state.feed_headers(request.meta[FEED_META]).items():
                request.headers.setdefault(name, value)

    def process_response(self, request: Request, response: Response) -> Response:
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
