"""The names of everything a newsdesk cluster keeps in Redis, under one prefix."""

from __future__ import annotations

from dataclasses import dataclass

JOB_META = "newsdesk_job"  # request.meta: the job a request belongs to (crawler/scaleout/jobs.py)
KNOWN_HASH_META = "newsdesk_known_hash"  # request.meta: the archive's hash of a feed's last body


@dataclass(frozen=True)
class Keys:
    """Redis keys of one cluster; another `prefix` (or another Redis database) is another one."""

    prefix: str = "newsdesk"

    @property
    def queue(self) -> str:
        """The shared request queue, a list (scrapy-redis' SCHEDULER_QUEUE_KEY)."""
        return f"{self.prefix}:requests"

    @property
    def seen(self) -> str:
        """The seen-request filter, a set of fingerprints (SCHEDULER_DUPEFILTER_KEY); emptied
        when a cycle ends."""
        return f"{self.prefix}:seen"

    @property
    def jobs(self) -> str:
        """The open cycle's jobs not ingested yet: a hash, job id -> what it fetches."""
        return f"{self.prefix}:jobs"

    @property
    def job_ids(self) -> str:
        return f"{self.prefix}:job-ids"

    @property
    def results(self) -> str:
        """Outcomes of jobs, JSON, for the ingester: a list, newest first."""
        return f"{self.prefix}:results"

    @property
    def cycle(self) -> str:
        """The open cycle: a hash (id, started, run, flags); absent between cycles."""
        return f"{self.prefix}:cycle"

    @property
    def polls(self) -> str:
        """What the open cycle learned about each feed: a hash, feed URL -> FeedPoll as JSON."""
        return f"{self.prefix}:polls"

    @property
    def stats(self) -> str:
        """The open cycle's counters (`newsdesk/<event>`), for its `crawl_runs` row."""
        return f"{self.prefix}:stats"

    def claims(self, worker: str) -> str:
        """The jobs a worker has taken and not finished: a hash, job id -> request."""
        return f"{self.prefix}:claims:{worker}"

    @property
    def all_claims(self) -> str:
        return f"{self.prefix}:claims:*"

    def alive(self, worker: str) -> str:
        """Set while a worker lives: it renews the key before it expires."""
        return f"{self.prefix}:worker:{worker}"

    def host(self, host: str) -> str:
        """A host's requests in flight across the cluster: a sorted set, lease -> expiry (ms)."""
        return f"{self.prefix}:host:{host}"

    def host_next(self, host: str) -> str:
        """When the next request to a host may start (ms, Redis's clock)."""
        return f"{self.prefix}:host-next:{host}"
