"""Politeness for a cluster: N workers must not hit one site N times as often as one crawler.

`HostSlotMiddleware` (a downloader middleware, after every other one) takes a lease on the
request's host from Redis before the request goes out and gives it back when the answer (or an
error) comes in. A host has at most `CONCURRENT_REQUESTS_PER_DOMAIN` leases at a time across the
cluster, and two leases on it start at least `DOWNLOAD_DELAY` apart, by Redis's clock; both
settings as each worker is configured (give every worker the same). A lease whose worker died
expires after `DOWNLOAD_TIMEOUT` and a margin. robots.txt requests take leases too, and every
worker reads and obeys robots.txt. Hosts are Scrapy's download slots: the host name, any port.
"""

from __future__ import annotations

import asyncio
import itertools
import logging
from typing import TYPE_CHECKING, Self

import redis
from scrapy.utils.httpobj import urlparse_cached

from crawler.scaleout.jobs import client
from crawler.scaleout.keys import Keys

if TYPE_CHECKING:
    from scrapy import Request
    from scrapy.crawler import Crawler
    from scrapy.http import Response

logger = logging.getLogger(__name__)

LEASE_META = "newsdesk_host_lease"  # request.meta: [host, lease] while the request is out
POLL_MS = 50  # how often a request waiting for a full host asks again
LEASE_MARGIN = 10.0  # seconds a lease outlives DOWNLOAD_TIMEOUT, for a worker that died

# KEYS: the host's leases (a sorted set, lease -> expiry), the host's next start time.
# ARGV: lease, limit, delay (ms), time to live (ms), poll (ms). Returns 0 when the lease is
# taken, else the milliseconds to wait before asking again.
ACQUIRE = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[2]) then return tonumber(ARGV[5]) end
local delay = tonumber(ARGV[3])
local start = tonumber(redis.call('GET', KEYS[2]) or '0')
if now < start then return start - now end
redis.call('ZADD', KEYS[1], now + tonumber(ARGV[4]), ARGV[1])
redis.call('PEXPIRE', KEYS[1], tonumber(ARGV[4]))
if delay > 0 then redis.call('SET', KEYS[2], now + delay, 'PX', delay) end
return 0
"""


class HostSlotMiddleware:
    """Downloader middleware: one host's requests across the cluster, spaced and capped."""

    def __init__(
        self,
        server: redis.Redis,
        *,
        worker: str,
        limit: int,
        delay: float,
        ttl: float,
        keys: Keys | None = None,
    ) -> None:
        self.server, self.worker, self.keys = server, worker, keys or Keys()
        self.limit, self.delay_ms, self.ttl_ms = max(1, limit), int(delay * 1000), int(ttl * 1000)
        self.acquire = server.register_script(ACQUIRE)
        self.leases = itertools.count()

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        settings = crawler.settings
        return cls(
            client(settings["REDIS_URL"]),
            worker=settings["NEWSDESK_WORKER_ID"],
            limit=settings.getint("CONCURRENT_REQUESTS_PER_DOMAIN"),
            delay=settings.getfloat("NEWSDESK_CLUSTER_DELAY"),
            ttl=settings.getfloat("DOWNLOAD_TIMEOUT") + LEASE_MARGIN,
        )

    async def process_request(self, request: Request) -> None:
        host = urlparse_cached(request).hostname or ""
        lease = f"{self.worker}:{next(self.leases)}"
        keys = [self.keys.host(host), self.keys.host_next(host)]
        args: list[str | int] = [lease, self.limit, self.delay_ms, self.ttl_ms, POLL_MS]
        while True:
            try:
                wait = int(self.acquire(keys=keys, args=args))
            except redis.RedisError as exc:  # Redis restarting: wait for it, send nothing
                logger.debug("host slot for %s: %s", host, exc)
                wait = 500
            if wait <= 0:
                break
            await asyncio.sleep(wait / 1000)
        request.meta[LEASE_META] = [host, lease]

    def process_response(self, request: Request, response: Response) -> Response:
        self.release(request)
        return response

    def process_exception(self, request: Request, exception: Exception) -> None:
        self.release(request)

    def release(self, request: Request) -> None:
        held = request.meta.pop(LEASE_META, None)
        if held is None:
            return
        host, lease = held
        try:
            self.server.zrem(self.keys.host(host), lease)
        except redis.RedisError as exc:  # it expires on its own
            logger.debug("host slot for %s not given back: %s", host, exc)
