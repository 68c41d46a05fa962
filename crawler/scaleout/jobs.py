"""Jobs in Redis, shared by workers and the ingester (no Scrapy).

Every request in the shared queue is a job of the open cycle, listed in `Keys.jobs` until the
ingester has stored its outcome. A worker takes a job and records it as its claim in one step
(`pop`), and hands back its outcome and drops the claim in one transaction (`complete`), so a
job is always in exactly one of three places: the queue, a worker's claims, the results. A worker
that dies leaves its claims behind; once its `alive` key has expired, `reap` puts them back at the
front of the queue, and another worker fetches them: nothing a killed worker had taken is lost.
"""

from __future__ import annotations

import hashlib
import json
import logging
import time
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import redis
from redis.backoff import NoBackoff
from redis.retry import Retry
from w3lib.url import canonicalize_url

from crawler.scaleout import serializer
from crawler.scaleout.keys import JOB_META, Keys

logger = logging.getLogger(__name__)

URL_SCHEMES = ("redis", "rediss", "unix")

# Take the oldest job (the list's right end) whose host has room (fewer leases than the limit
# and its next start come, crawler/scaleout/politeness.py), as this worker's claim; jobs for
# hosts without room go to the back, up to ARGV[5] of them, so that one busy site does not hold
# the whole cluster behind it. The worker is alive (a claim without its alive key would be taken
# back). Returns the job, false for an empty queue, 'busy' when every job looked at waits for
# its host. (Host keys are built here from the job's URL: one Redis, not Redis Cluster.)
POP = """
redis.call('SET', KEYS[3], ARGV[2], 'PX', ARGV[1])
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local limit = tonumber(ARGV[3])
for i = 1, tonumber(ARGV[5]) do
  local data = redis.call('RPOP', KEYS[1])
  if not data then
    if i == 1 then return false end
    return 'busy'
  end
  local host = string.match(data, '^{"url":"https?://([^/:?#"]+)')
  local busy = false
  if host and limit > 0 then
    host = string.lower(host)
    local leases = ARGV[4] .. ':host:' .. host
    redis.call('ZREMRANGEBYSCORE', leases, '-inf', now)
    local start = tonumber(redis.call('GET', ARGV[4] .. ':host-next:' .. host) or '0')
    busy = redis.call('ZCARD', leases) >= limit or start > now
  end
  if not busy then
    local job = string.match(data, '"newsdesk_job":"([^"]+)"') or redis.sha1hex(data)
    redis.call('HSET', KEYS[2], job, data)
    return data
  end
  redis.call('LPUSH', KEYS[1], data)
end
return 'busy'
"""
LOOK_AHEAD = 16  # jobs a worker looks at for one whose host has room
BUSY = b"busy"  # `Jobs.pop`: the jobs looked at all wait for their hosts
# Queue a job unless its fingerprint is in the seen set (no fingerprint: always).
PUSH = """
if ARGV[1] ~= '' and redis.call('SADD', KEYS[1], ARGV[1]) == 0 then return 0 end
redis.call('HSET', KEYS[3], ARGV[3], ARGV[4])
if ARGV[5] == '1' then redis.call('RPUSH', KEYS[2], ARGV[2])
else redis.call('LPUSH', KEYS[2], ARGV[2]) end
return 1
"""
# Put a worker's claims back at the front of the queue: always (ARGV[1] '0'), or only when the
# worker is gone (its alive key expired).
REQUEUE = """
if ARGV[1] == '1' and redis.call('EXISTS', KEYS[3]) == 1 then return 0 end
local claims = redis.call('HVALS', KEYS[1])
for _, data in ipairs(claims) do redis.call('RPUSH', KEYS[2], data) end
redis.call('DEL', KEYS[1])
return #claims
"""


class RedisUnavailable(Exception):
    """Redis cannot be reached, or the URL is not one; the message says which, in one line."""


def client(url: str) -> redis.Redis:
    """A client for the Redis at `url` (redis://host:6379/0); it connects on its first command.
    Commands are tried once more on a broken connection (a restarted Redis), never waited on for
    long: the callers wait out a Redis that went away themselves."""
    if urlsplit(url).scheme not in URL_SCHEMES:
        raise RedisUnavailable(f"{url}: not a Redis URL; expected e.g. redis://127.0.0.1:6379/0")
    try:
        return redis.Redis.from_url(
            url,
            socket_timeout=10,
            socket_connect_timeout=3,
            health_check_interval=15,
            retry=Retry(NoBackoff(), 1),
        )
    except ValueError as exc:
        raise RedisUnavailable(f"{url}: not a Redis URL ({exc})") from exc


def connect(url: str) -> redis.Redis:
    """`client(url)`, checked with a PING: raises `RedisUnavailable` saying why it failed."""
    server = client(url)
    try:
        server.ping()
    except redis.RedisError as exc:
        raise RedisUnavailable(
            f"{url}: cannot reach Redis ({exc}); is redis-server running there? "
            "(README: Scaling out)"
        ) from exc
    return server


def fingerprint(url: str, method: str = "GET", body: bytes = b"") -> str:
    """The seen filter's fingerprint of a request: scrapy-redis' `RFPDupeFilter` computes the
    same (tests/test_scaleout.py checks it), so the ingester can test and add URLs without
    Scrapy."""
    data = {"method": method, "url": canonicalize_url(url), "body": body.hex()}
    return hashlib.sha1(json.dumps(data, sort_keys=True).encode()).hexdigest()


def text(value: bytes | str) -> str:
    """A Redis reply as text (the client returns bytes)."""
    return value.decode() if isinstance(value, bytes) else value


@dataclass
class NewJob:
    """A request to queue as a job: its dict (`Request.to_dict` form), whether the seen filter
    applies, whether it goes to the front of the queue, and what to note about it."""

    request: dict[str, Any]
    filtered: bool = True
    front: bool = False


class Jobs:
    """The cluster's jobs in one Redis."""

    def __init__(self, server: redis.Redis, keys: Keys | None = None) -> None:
        self.server, self.keys = server, keys or Keys()
        self._pop = server.register_script(POP)
        self._push = server.register_script(PUSH)
        self._requeue = server.register_script(REQUEUE)

    def push(self, jobs: Iterable[NewJob]) -> list[str]:
        """Queue jobs (the seen filter drops those already requested this cycle); returns the
        ids of those queued."""
        jobs = list(jobs)
        if not jobs:
            return []
        last = int(self.server.incrby(self.keys.job_ids, len(jobs)))
        ids = [str(n) for n in range(last - len(jobs) + 1, last + 1)]
        pipe = self.server.pipeline(transaction=False)
        for job_id, job in zip(ids, jobs, strict=True):
            request = job.request
            request["meta"] = {**request.get("meta", {}), JOB_META: job_id}
            print_ = fingerprint(request["url"]) if job.filtered else ""
            info = json.dumps({"url": request["url"], "callback": request.get("callback")})
            keys = [self.keys.seen, self.keys.queue, self.keys.jobs]
            args = [print_, serializer.dumps(request), job_id, info, "1" if job.front else "0"]
            self._push(keys=keys, args=args, client=pipe)
        queued = pipe.execute()
        return [job_id for job_id, done in zip(ids, queued, strict=True) if done]

    def pop(self, worker: str, lease: float, host_limit: int = 0) -> bytes | None:
        """Take the oldest job whose host has room (fewer than `host_limit` requests out; 0:
        any job) as `worker`'s claim, and say `worker` is alive for `lease` more seconds. None
        when the queue is empty, `BUSY` when the jobs at its head all wait for their hosts."""
        keys = [self.keys.queue, self.keys.claims(worker), self.keys.alive(worker)]
        args: list[int | str] = [
            int(lease * 1000),
            int(time.time()),
            host_limit,
            self.keys.prefix,
            LOOK_AHEAD,
        ]
        data = self._pop(keys=keys, args=args)
        return data if data else None

    def complete(self, worker: str, job: str, outcome: str) -> None:
        """Hand a job's outcome to the ingester and drop `worker`'s claim, in one transaction."""
        pipe = self.server.pipeline(transaction=True)
        pipe.lpush(self.keys.results, outcome)
        pipe.hdel(self.keys.claims(worker), job)
        pipe.execute()

    def release(self, worker: str) -> int:
        """Put every job `worker` still claims back at the front of the queue (a worker that
        stops before finishing them)."""
        return int(self._requeue(keys=self._claim_keys(worker), args=["0"]))

    def reap(self) -> int:
        """Put back the claims of every worker whose alive key has expired; how many."""
        requeued = 0
        prefix = self.keys.claims("")
        for key in self.server.scan_iter(match=self.keys.all_claims, count=100):
            worker = text(key)[len(prefix) :]
            found = int(self._requeue(keys=self._claim_keys(worker), args=["1"]))
            if found:
                logger.warning("worker %s is gone: %d job(s) it took queued again", worker, found)
                self.free_hosts(worker)
            requeued += found
        return requeued

    def free_hosts(self, worker: str) -> None:
        """Drop a dead worker's host leases (crawler/scaleout/politeness.py) rather than wait
        for them to expire."""
        mine = f"{worker}:"
        for key in self.server.scan_iter(match=self.keys.host("*"), count=100):
            held = [text(lease) for lease in self.server.zrange(key, 0, -1)]  # type: ignore[arg-type]
            leases = [lease for lease in held if lease.startswith(mine)]
            if leases:
                self.server.zrem(key, *leases)

    def beat(self, worker: str, ttl: float) -> None:
        """Say `worker` is alive for `ttl` more seconds."""
        self.server.set(self.keys.alive(worker), int(time.time()), px=int(ttl * 1000))

    def gone(self, worker: str) -> None:
        self.server.delete(self.keys.alive(worker))

    def pending(self) -> int:
        """Jobs of the open cycle whose outcome the ingester has not stored yet."""
        return int(self.server.hlen(self.keys.jobs))

    def queued(self) -> int:
        return int(self.server.llen(self.keys.queue))

    def _claim_keys(self, worker: str) -> list[str]:
        return [self.keys.claims(worker), self.keys.queue, self.keys.alive(worker)]
