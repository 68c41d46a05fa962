"""A crawl worker (`newsdesk crawl --redis URL`): takes jobs from the shared queue, fetches them
(robots.txt, per-host slots shared with every other worker), extracts articles in its own process
pool, and hands each job's outcome to the ingester through Redis. It never opens the archive:
feed requests come with the validators and body hash the archive holds (crawler/scaleout/cycle.py)
and the ingester judges the entries a feed lists.

`ClusterSpider` is the feed spider with its jobs coming from Redis: its `start()` takes a job
whenever the engine has room, waits while the queue is empty, and ends once the queue has stayed
empty for `idle_exit` seconds (never, for a worker run as a service). A Redis that goes away is
waited for, `NEWSDESK_REDIS_PATIENCE` seconds at most; then the worker stops (exit 1) and the jobs
it held go back to the queue when its lease expires.
"""

from __future__ import annotations

import asyncio
import logging
import os
import secrets
import socket
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, Self

import redis
from scrapy.exceptions import CloseSpider, DropItem

from crawler.components.incremental import answer_headers
from crawler.ingest.config import Config
from crawler.ingest.items import FEED_META, UNCHANGED_META, ArticlePage, Failure, FeedPolled
from crawler.ingest.pipeline import extract_row
from crawler.ingest.workers import ExtractionPool
from crawler.policy.feedstate import FeedPoll, read_answer
from crawler.scaleout import messages
from crawler.scaleout.jobs import Jobs, client
from crawler.scaleout.keys import JOB_META, KNOWN_HASH_META, Keys
from crawler.scaleout.messages import FeedRead, Outcome
from spiders.feeds import FeedSpider

if TYPE_CHECKING:
    from collections.abc import AsyncIterator, Iterator

    import scrapy
    from scrapy.crawler import Crawler
    from scrapy.http import Response
    from scrapy.settings import Settings
    from twisted.python.failure import Failure as TwistedFailure

    from crawler.ingest.items import FeedEntry
    from crawler.scaleout.scheduler import ClusterScheduler

logger = logging.getLogger(__name__)

POLL_META = "newsdesk_poll"  # response.meta: the FeedPoll of a feed's answer
IDLE_POLL = 0.2  # seconds between looks at an empty queue
BUSY_POLL = 0.05  # seconds between looks for room in the engine


def worker_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(2)}"


def worker_settings(settings: Settings, redis_url: str) -> Settings:
    """A crawl's settings, made a worker's: scrapy-redis' scheduler on `redis_url`, outcomes
    pushed to Redis instead of the archive, host slots shared in Redis. The cluster spaces
    requests to a host by DOWNLOAD_DELAY; each worker's own Scrapy slots then add none."""
    plumbing = {
        "REDIS_URL": redis_url,
        "NEWSDESK_WORKER_ID": worker_id(),
        "NEWSDESK_CLUSTER_DELAY": settings.getfloat("DOWNLOAD_DELAY"),
        "DOWNLOAD_DELAY": 0,
        "RANDOMIZE_DOWNLOAD_DELAY": False,
        "NEWSDESK_INCREMENTAL": False,  # no archive here: the ingester judges feeds and entries
        "SCHEDULER": "crawler.scaleout.scheduler.ClusterScheduler",
        "SCHEDULER_SERIALIZER": "crawler.scaleout.serializer",
        "SCHEDULER_PERSIST": True,
        "ITEM_PIPELINES": {"crawler.scaleout.worker.ResultPipeline": 300},
        "DOWNLOADER_MIDDLEWARES": {
            **settings.getdict("DOWNLOADER_MIDDLEWARES"),
            "crawler.scaleout.worker.ClusterFeedMiddleware": 560,
            "crawler.scaleout.politeness.HostSlotMiddleware": 900,
        },
    }
    settings = settings.copy()
    settings.setdict(plumbing, priority="cmdline")
    return settings


@dataclass
class Done:
    """What a job came to in the spider, on its way to the result pipeline."""

    job: str
    item: ArticlePage | Failure | FeedRead


class ClusterSpider(FeedSpider):
    name = "cluster"

    def __init__(self, idle_exit: float = 0, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.idle_exit = float(idle_exit)  # 0: wait for jobs forever
        self.held: dict[str, list[FeedEntry]] = {}  # entries of the sources being read, by source

    @property
    def worker(self) -> str:
        return str(self.settings["NEWSDESK_WORKER_ID"])

    async def start(self) -> AsyncIterator[scrapy.Request]:
        engine = self.crawler.engine
        assert engine is not None
        scheduler: ClusterScheduler = engine.scheduler  # type: ignore[assignment]
        patience = Config.from_settings(self.settings).redis_patience
        idle_since = time.monotonic()
        down_since: float | None = None
        while True:
            busy = scheduler.has_pending_requests() or engine.needs_backout()
            if not busy:
                try:
                    request = scheduler.take()
                except redis.RedisError as exc:
                    down_since = down_since or time.monotonic()
                    if time.monotonic() - down_since > patience:
                        raise CloseSpider("redis_unavailable") from exc
                    logger.warning("Redis unavailable (%s); waiting for it", exc)
                    await asyncio.sleep(1)
                    continue
                if down_since is not None:
                    logger.warning("Redis is back")
                    down_since = None
                if request is not None:
                    idle_since = time.monotonic()
                    yield request
                    continue
                busy = scheduler.queue.busy  # jobs wait for their hosts: not idle
            if busy or engine.downloader.active or not engine.scraper.slot.is_idle():  # type: ignore[union-attr]
                idle_since = time.monotonic()
            elif self.orphans(scheduler):
                continue
            elif self.idle_exit and time.monotonic() - idle_since >= self.idle_exit:
                self.logger.info("queue empty for %g s: this worker stops", self.idle_exit)
                return
            await asyncio.sleep(BUSY_POLL if busy else IDLE_POLL)

    def orphans(self, scheduler: ClusterScheduler) -> int:
        """With nothing in hand, put back any job still claimed in this worker's name: one
        whose taking Redis did but never told (a connection cut by a Redis restart)."""
        try:
            returned = scheduler.jobs.release(self.worker)
        except redis.RedisError:
            return 0
        if returned:
            self.logger.warning("%d job(s) claimed but never received: queued again", returned)
        return returned

    def hold(self, entry: FeedEntry, *, listed: bool) -> None:
        """A feed's entries go to the ingester with its poll record, not to requests here."""
        self.held.setdefault(entry.feed_url, []).append(entry)

    def parse_feed(self, response: Response, feed_url: str) -> Iterator[Any]:
        outputs = list(self.read_feed(response, feed_url))  # a feed, or a sitemap (index)
        yield from self.done(response.meta, outputs)

    def feed_failed(self, failure: TwistedFailure) -> Iterator[Any]:
        meta = failure.request.meta  # type: ignore[attr-defined]
        yield from self.done(meta, list(super().feed_failed(failure)))

    def parse_index_sitemap(self, response: Response, source: str, child: str) -> Iterator[Any]:
        outputs = list(super().parse_index_sitemap(response, source, child))
        yield from self.done(response.meta, outputs)

    def index_sitemap_failed(self, failure: TwistedFailure) -> Iterator[Any]:
        meta = failure.request.meta  # type: ignore[attr-defined]
        yield from self.done(meta, list(super().index_sitemap_failed(failure)))

    def done(self, meta: dict[str, Any], outputs: list[Any]) -> Iterator[Any]:
        """A source's poll record becomes its job's outcome, with the entries it listed and
        what its answer said. The sitemaps of an index are part of the index's job: they stay
        with this worker (crawler/scaleout/scheduler.py), which reads them all before the
        outcome goes out."""
        poll = meta.get(POLL_META) or FeedPoll()
        for output in outputs:
            if isinstance(output, FeedPolled):
                entries = self.held.pop(output.moved_to or output.url, [])
                yield Done(job_of(meta), FeedRead(output, poll, entries))
            else:  # a sitemap of an index
                output.meta[JOB_META] = job_of(meta)
                output.meta[POLL_META] = poll
                output.dont_filter = True
                yield output

    def parse_article(  # type: ignore[override]
        self, response: Response, entry: FeedEntry | None = None
    ) -> Iterator[Done]:
        for item in super().parse_article(response, entry):
            yield Done(job_of(response.meta), item)

    def article_failed(self, failure: TwistedFailure) -> Iterator[Done]:  # type: ignore[override]
        for item in super().article_failed(failure):
            yield Done(job_of(failure.request.meta), item)  # type: ignore[attr-defined]


def job_of(meta: dict[str, Any]) -> str:
    return str(meta[JOB_META])


class ClusterFeedMiddleware:
    """Downloader middleware: what a feed's answer says (validators, body hash against the
    archive's, Retry-After), as `ConditionalFeedMiddleware` notes it in a local crawl; the
    conditional headers came with the job."""

    def process_response(self, request: scrapy.Request, response: Response) -> Response:
        # Retry-After: crawler/components/retryafter.py (555) sees the answer after this.
        if FEED_META in request.meta:
            poll = FeedPoll()
            unchanged = read_answer(
                poll,
                status=response.status,
                headers=answer_headers(response),
                body=response.body,
                known_hash=request.meta.get(KNOWN_HASH_META),
                now=datetime.now(UTC),
            )
            request.meta[POLL_META] = poll
            if unchanged:
                request.meta[UNCHANGED_META] = True
        return response


class ResultPipeline:
    """Item pipeline: extracts each page in the worker's own process pool (as a local crawl
    does) and hands every job's outcome to the ingester, releasing the job in the same Redis
    transaction."""

    def __init__(self, crawler: Crawler, jobs: Jobs, pool: ExtractionPool) -> None:
        self.crawler, self.jobs, self.pool = crawler, jobs, pool
        self.worker = str(crawler.settings["NEWSDESK_WORKER_ID"])
        self.patience = Config.from_settings(crawler.settings).redis_patience
        self.closing: asyncio.Future[None] | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        settings, config = crawler.settings, Config.from_settings(crawler.settings)
        pool = ExtractionPool(
            config.workers, min_chars=config.min_chars, inline=config.extract_inline
        )
        return cls(crawler, Jobs(client(settings["REDIS_URL"]), Keys()), pool)

    def close_spider(self) -> None:
        self.pool.close()

    async def process_item(self, done: Done) -> Done:
        outcome = Outcome(done.job)
        match done.item:
            case ArticlePage() as page:
                row = await extract_row(self.pool, page)
                if isinstance(row, Failure):
                    outcome.failure = row
                else:
                    outcome.row = row
            case Failure() as failure:
                outcome.failure = failure
            case FeedRead() as feed:
                outcome.feed = feed
        await self.send(outcome)
        assert self.crawler.stats is not None
        self.crawler.stats.inc_value(f"newsdesk/sent_{outcome.kind}")
        return done

    async def send(self, outcome: Outcome) -> None:
        """Hand the outcome over, waiting out a Redis restart; past NEWSDESK_REDIS_PATIENCE the
        worker stops, and the job goes back to the queue when its lease expires."""
        data = messages.encode(outcome)
        down_since = None
        while True:
            try:
                self.jobs.complete(self.worker, outcome.job, data)
                return
            except redis.RedisError as exc:
                down_since = down_since or time.monotonic()
                if time.monotonic() - down_since > self.patience:
                    assert self.crawler.engine is not None
                    self.closing = asyncio.ensure_future(
                        self.crawler.engine.close_spider_async(reason="redis_unavailable")
                    )
                    raise DropItem(f"job {outcome.job}: Redis unavailable ({exc})") from exc
                await asyncio.sleep(0.5)
