"""scrapy-redis' scheduler, queue and dupefilter, for workers that take jobs.

scrapy-redis 0.9.1 predates Scrapy 2.13's async `start()` and the removal of `start_requests()`
in 2.16, which its `RedisSpider` depends on; its scheduler, queue and dupefilter do not, and are
what newsdesk builds on:

- `JobQueue` (a scrapy-redis queue): the shared request queue, a Redis list read oldest first,
  with feeds put at the front. `take()` pops a request and records it as this worker's claim in
  one step (crawler/scaleout/jobs.py).
- `SeenFilter` (scrapy-redis' `RFPDupeFilter`): the seen-request filter, a Redis set of request
  fingerprints shared by every worker and the ingester, emptied when a cycle ends.
- `ClusterScheduler` (scrapy-redis' `Scheduler`): the worker's spider takes jobs from the queue as
  its engine has room (crawler/scaleout/worker.py), and the requests a job leads to (a redirect, a
  retry) stay with the worker that holds the job, in memory; a redirect to a URL requested before
  is dropped, as Scrapy's own dupefilter would, and the job reported done. New requests with no
  job (none of newsdesk's spiders makes them) become jobs for any worker. Requests travel as JSON
  (crawler/scaleout/serializer.py), never pickle.
"""

from __future__ import annotations

import logging
from collections import deque
from typing import TYPE_CHECKING, Any, Self

import redis
from scrapy_redis.dupefilter import RFPDupeFilter
from scrapy_redis.queue import Base
from scrapy_redis.scheduler import Scheduler
from twisted.internet import task

from crawler.ingest.config import Config
from crawler.scaleout import messages, serializer
from crawler.scaleout.jobs import BUSY, Jobs, NewJob, client, fingerprint
from crawler.scaleout.keys import JOB_META, Keys

if TYPE_CHECKING:
    from scrapy import Request, Spider
    from scrapy.crawler import Crawler

logger = logging.getLogger(__name__)

FRESH_META = "newsdesk_fresh"  # request.meta: a job just taken from the queue


class SeenFilter(RFPDupeFilter):  # type: ignore[misc]
    """scrapy-redis' dupefilter, with the fingerprint the ingester computes too."""

    def request_fingerprint(self, request: Request) -> str:
        return fingerprint(request.url, request.method, request.body or b"")


class JobQueue(Base):  # type: ignore[misc]
    """The shared queue of jobs (a scrapy-redis queue): `push` queues a new job, `take` takes
    the oldest as this worker's claim."""

    def __init__(self, server: redis.Redis, spider: Spider, key: str, serializer: Any = None):
        super().__init__(server, spider, key, serializer)
        self.jobs = Jobs(server, Keys())
        self.worker: str = spider.worker  # type: ignore[attr-defined]
        self.lease = Config.from_settings(spider.settings).redis_lease
        self.host_limit = spider.settings.getint("CONCURRENT_REQUESTS_PER_DOMAIN")
        self.busy = False  # the last take() found only jobs waiting for their hosts

    def __len__(self) -> int:
        return self.jobs.queued()

    def push(self, request: Request) -> None:
        job = NewJob(
            request.to_dict(spider=self.spider), filtered=False, front=request.priority > 0
        )
        self.jobs.push([job])

    def pop(self, timeout: int = 0) -> Request | None:
        return self.take()

    def take(self) -> Request | None:
        data = self.jobs.pop(self.worker, self.lease, self.host_limit)
        self.busy = data == BUSY
        if data is None or self.busy:
            return None
        request: Request = self._decode_request(data)
        request.meta[FRESH_META] = True
        return request


class ClusterScheduler(Scheduler):  # type: ignore[misc]
    """scrapy-redis' scheduler: jobs from the shared queue, the requests they lead to in
    memory. It keeps this worker's `alive` key fresh, and on closing puts back the jobs it did
    not finish."""

    queue: JobQueue

    def __init__(self, server: redis.Redis, *, lease: float, **kwargs: Any) -> None:
        super().__init__(server, **kwargs)
        self.lease = lease
        self.local: deque[Request] = deque()
        self.jobs = Jobs(server, Keys())
        self.beating: task.LoopingCall | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        settings, keys = crawler.settings, Keys()
        server = client(settings["REDIS_URL"])
        scheduler = cls(
            server,
            lease=Config.from_settings(settings).redis_lease,
            persist=True,  # the queue and the filter outlive a worker: they are the cluster's
            queue_key=keys.queue,
            queue_cls=f"{JobQueue.__module__}.{JobQueue.__qualname__}",
            dupefilter=SeenFilter(server, key=keys.seen),
            serializer=serializer,
        )
        scheduler.stats = crawler.stats
        return scheduler

    @property
    def worker(self) -> str:
        return self.queue.worker

    def open(self, spider: Spider) -> None:
        # scrapy-redis' own open() makes the same queue but logs through the deprecated
        # Spider.log(); the dupefilter was made in from_crawler
        self.spider = spider
        self.queue = JobQueue(self.server, spider, self.queue_key, self.serializer)
        self.beat()
        self.beating = task.LoopingCall(self.beat)
        self.beating.start(self.lease / 4, now=False)

    def beat(self) -> None:
        try:
            self.jobs.beat(self.worker, self.lease)
        except redis.RedisError as exc:
            logger.debug("cannot renew this worker's lease: %s", exc)

    def close(self, reason: str) -> None:
        if self.beating is not None and self.beating.running:
            self.beating.stop()
        try:
            returned = self.jobs.release(self.worker)
            self.jobs.gone(self.worker)
        except redis.RedisError as exc:
            logger.warning(
                "cannot reach Redis (%s): the jobs this worker holds go back to the queue when "
                "its lease expires (%g s)",
                exc,
                self.lease,
            )
            return
        if returned:
            logger.info("%d unfinished job(s) put back in the queue", returned)

    def take(self) -> Request | None:
        """The oldest job of the shared queue, now this worker's (raises `redis.RedisError`)."""
        return self.queue.take()

    def enqueue_request(self, request: Request) -> bool:
        if request.meta.pop(FRESH_META, False):  # a job this worker has just taken
            self.local.append(request)
            self.inc("taken")
            return True
        job = request.meta.get(JOB_META)
        if job is None:  # a new request: a job for any worker
            if not request.dont_filter and self.df.request_seen(request):
                self.df.log(request, self.spider)
                return False
            self.queue.push(request)
            self.inc("queued")
            return True
        if not request.dont_filter and self.seen(request):  # a redirect to a URL requested before
            outcome = messages.Outcome(str(job), dropped=f"{request.url}: requested already")
            self.jobs.complete(self.worker, str(job), messages.encode(outcome))
            self.inc("dropped")
            return False
        self.local.append(request)  # a redirect or a retry of a job this worker holds
        return True

    def seen(self, request: Request) -> bool:
        try:
            return bool(self.df.request_seen(request))
        except redis.RedisError as exc:  # Redis down: fetch it rather than lose the job
            logger.debug("seen filter unavailable for %s: %s", request.url, exc)
            return False

    def next_request(self) -> Request | None:
        return self.local.popleft() if self.local else None

    def has_pending_requests(self) -> bool:
        return bool(self.local)

    def __len__(self) -> int:
        return len(self.local)

    def inc(self, event: str) -> None:
        if self.stats is not None:
            self.stats.inc_value(f"newsdesk/jobs_{event}")
