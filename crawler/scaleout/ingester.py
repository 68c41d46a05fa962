"""`newsdesk ingest`: the one process that owns the archive in a cluster (no Scrapy).

It drains the workers' outcomes from Redis into SQLite with the local crawl's own writer
(`ArchivePipeline.record` and `add_row`, crawler/ingest/pipeline.py), judges each feed's entries
against the archive as a local crawl does (`crawler.policy.feedstate.known_entry`), queues the
articles that are new, and closes a cycle when every job is stored: it writes the feeds' new
validators and next polls (`feed_states`), the cycle's `crawl_runs` row, and empties the seen
filter, so the filter holds one cycle's URLs at most.

Outcomes are read oldest first, written, and only then removed from Redis with the jobs they
finish, in one transaction: an ingester killed in between writes that batch again when it
restarts (the writes are upserts), and never loses one. An outcome whose job is no longer
pending (a job done twice, by a worker taken for dead) is skipped. When the open cycle vanishes
from Redis (a Redis restarted without persistence), the cycle is closed as interrupted: like a
killed local crawl, it writes no validators, so the next cycle reads those feeds again and
fetches what was lost.
"""

from __future__ import annotations

import json
import logging
import math
import os
import time
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import asdict
from datetime import UTC, datetime
from itertools import chain, zip_longest
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import redis

from crawler.ingest.pipeline import ArchivePipeline
from crawler.ingest.workers import ExtractionPool
from crawler.policy.feedstate import FeedPoll, feed_states, known_entry
from crawler.policy.lock import crawl_lock
from crawler.policy.runs import CRAWL_EXIT, RUN_STATS, RunResult
from crawler.scaleout import messages
from crawler.scaleout.cycle import article_job, open_cycle
from crawler.scaleout.jobs import RedisUnavailable, text

if TYPE_CHECKING:
    from crawler.ingest.config import Config
    from crawler.scaleout.jobs import Jobs, NewJob
    from crawler.scaleout.messages import Outcome

logger = logging.getLogger(__name__)

BATCH = 200  # outcomes read and written at once
REAP_EVERY = 1.0  # seconds between looks for dead workers' claims


class CycleStats:
    """Counters of the open cycle (`newsdesk/<event>`, as a crawl's stats): counted here and
    added to Redis's copy with the batch that caused them, so they survive a restart."""

    def __init__(self) -> None:
        self.counts: Counter[str] = Counter()

    def inc_value(self, key: str, count: int = 1) -> None:
        self.counts[key] += count

    def set_value(self, key: str, value: Any) -> None:
        self.counts[key] = value


class Ingester:
    """Drains one cluster's outcomes into one archive, cycle after cycle."""

    def __init__(self, jobs: Jobs, config: Config, *, push: bool = True) -> None:
        self.jobs, self.config, self.push = jobs, config, push
        self.keys = jobs.keys
        self.stats = CycleStats()
        self.pipeline = ArchivePipeline(
            config.db_path, self.stats, ExtractionPool(min_chars=0, inline=True)
        )
        self.pipeline.open_spider()
        self.cycle: dict[str, str] | None = None  # the open cycle, as this ingester knows it
        self.reaped_at = 0.0
        self.rows = 0  # article rows written by this process
        self.drained = 0  # outcomes read in the last step

    @property
    def archive(self) -> Any:
        return self.pipeline.archive

    def close(self) -> None:
        self.pipeline.close_spider()

    # -- the loop ------------------------------------------------------------------------------
    def open(self, *, every_feed: bool = False) -> RunResult | None:
        """Open a cycle unless one is open; a "nothing due" result when nothing is."""
        opened = open_cycle(self.jobs, self.archive, self.config, every_feed=every_feed)
        if opened.cycle is None and opened.plan is not None:
            return RunResult(stats={}, status="nothing due", next_poll=opened.plan.next_poll)
        return None

    def step(self) -> RunResult | None:
        """One round: put back dead workers' jobs, store a batch of outcomes, and close the
        cycle once everything is stored; the closed cycle's result, or None."""
        self.drained = 0
        if time.monotonic() - self.reaped_at >= REAP_EVERY:
            self.jobs.reap()
            self.reaped_at = time.monotonic()
        found = self.jobs.server.hgetall(self.keys.cycle)
        cycle = {text(key): text(value) for key, value in found.items()}
        if self.cycle is not None and cycle.get("id") != self.cycle["id"]:
            logger.warning("cycle %s vanished from Redis: closed as interrupted", self.cycle["id"])
            return self.finish(interrupted=True)
        if not cycle:
            return None
        if self.cycle is None:
            self.adopt(cycle)
        self.drained = self.drain()
        if self.drained:
            return None
        if self.jobs.pending() == 0 and not self.jobs.server.llen(self.keys.results):
            return self.finish(interrupted=False)
        return None

    def adopt(self, cycle: dict[str, str]) -> None:
        """Take charge of the open cycle: its `crawl_runs` row (opened now when it has none)."""
        if not cycle.get("run"):
            cycle["run"] = str(self.archive.start_run(os.getpid()))
            self.jobs.server.hset(self.keys.cycle, "run", cycle["run"])
        self.cycle = cycle
        self.revisits = set(json.loads(cycle.get("revisits") or "[]"))
        logger.info("ingesting cycle %s (crawl run %s)", cycle["id"], cycle["run"])

    def run(
        self,
        *,
        once: bool,
        every_feed: bool,
        patience: float,
        on_cycle: Callable[[RunResult], None] | None,
    ) -> RunResult | None:
        """The loop of `ingest`: see there."""
        checked = -math.inf
        down_since: float | None = None
        while True:
            try:
                if self.push and self.cycle is None and time.monotonic() - checked >= CHECK_EVERY:
                    checked = time.monotonic()
                    nothing = self.open(every_feed=every_feed)
                    every_feed = False  # --all is for the first cycle
                    if (
                        nothing is not None
                        and once
                        and not self.jobs.server.exists(self.keys.cycle)
                    ):
                        return nothing
                result = self.step()
                if down_since is not None:
                    logger.warning("Redis is back")
                    down_since = None
            except (redis.ConnectionError, redis.TimeoutError) as exc:
                down_since = down_since or time.monotonic()
                if time.monotonic() - down_since > patience:
                    raise RedisUnavailable(
                        f"Redis unreachable for {patience:g} s ({exc}); the cycle stays open "
                        "in Redis, and the next `newsdesk ingest` goes on with it"
                    ) from exc
                logger.warning("Redis unavailable (%s); waiting for it", exc)
                time.sleep(1)
                continue
            if result is not None:
                if once:
                    return result
                if on_cycle is not None:
                    on_cycle(result)
                checked = -math.inf
            elif not self.drained:
                time.sleep(IDLE_SLEEP)

    # -- outcomes ------------------------------------------------------------------------------
    def drain(self) -> int:
        """Store the oldest outcomes; how many were read."""
        server = self.jobs.server
        raw = server.lrange(self.keys.results, -BATCH, -1)
        if not raw:
            return 0
        outcomes = [messages.decode(data) for data in reversed(raw)]  # oldest first
        pending = server.hmget(self.keys.jobs, [o.job for o in outcomes])
        new_jobs: list[NewJob] = []
        done: set[str] = set()
        for outcome, info in zip(outcomes, pending, strict=True):
            if info is None or outcome.job in done:
                self.stats.inc_value("newsdesk/outcomes_duplicate")
                continue
            done.add(outcome.job)
            self.apply(outcome, new_jobs)
        self.pipeline.flush()
        self.jobs.push(interleaved(new_jobs))  # before their feeds' jobs end: never 0 pending
        pipe = server.pipeline(transaction=True)
        pipe.ltrim(self.keys.results, 0, -len(raw) - 1)
        if done:
            pipe.hdel(self.keys.jobs, *done)
        for key, count in self.stats.counts.items():
            pipe.hincrby(self.keys.stats, key, count)
        pipe.execute()
        self.stats.counts.clear()
        return len(raw)

    def apply(self, outcome: Outcome, new_jobs: list[NewJob]) -> None:
        if outcome.row is not None:
            self.pipeline.add_row(outcome.row)
            self.rows += 1
        elif outcome.failure is not None:
            self.pipeline.record(outcome.failure)
        elif outcome.feed is not None:
            self.read_feed(outcome.feed, new_jobs)
        else:
            logger.debug("job %s: nothing to store (%s)", outcome.job, outcome.dropped)

    def read_feed(self, feed: messages.FeedRead, new_jobs: list[NewJob]) -> None:
        """Store a feed's poll, and judge its entries against the archive: those archived are
        noted as seen, the others queued as article jobs."""
        polled, poll = feed.polled, feed.poll
        self.pipeline.record(polled)
        poll.failed = polled.status == "failed"
        now = datetime.now(UTC)
        for entry in feed.entries:
            seen, why = known_entry(self.archive, entry, revisits=self.revisits, now=now)
            if why == "new":
                poll.new_entries += 1
            elif why == "modified":
                self.stats.inc_value("newsdesk/entries_modified")
            if seen is not None:
                self.pipeline.record(seen)
            else:
                new_jobs.append(article_job(entry))
        url = polled.moved_to or polled.url  # the archive has moved a feed that moved for good
        self.jobs.server.hset(self.keys.polls, url, json.dumps(asdict(poll)))

    # -- the end of a cycle --------------------------------------------------------------------
    def finish(self, *, interrupted: bool) -> RunResult:
        """Close the cycle: feed states (validators and schedule, or after an interrupted cycle
        only failure backoffs), its `crawl_runs` row; empty the seen filter."""
        assert self.cycle is not None
        server, keys = self.jobs.server, self.keys
        polls = {
            text(url): FeedPoll(**json.loads(value))
            for url, value in server.hgetall(keys.polls).items()
        }
        states = feed_states(
            self.archive,
            polls,
            finished=not interrupted,
            bounds=self.config.poll_bounds,
            now=datetime.now(UTC),
            disable_after=self.config.disable_after,
        )
        self.archive.update_feeds(states)
        stats = {text(key): int(value) for key, value in server.hgetall(keys.stats).items()}
        feeds_due = int(self.cycle.get("feeds_due", 0))
        status = "finished"
        if interrupted:
            status = "aborted"
        elif feeds_due and polls and all(poll.failed for poll in polls.values()):
            status = "no feed read"
        counts = {
            "feeds_due": feeds_due,
            "revision_checks": int(self.cycle.get("revision_checks", 0)),
            **{name: stats.get(f"newsdesk/{name}", 0) for name in RUN_STATS},
        }
        self.archive.finish_run(
            int(self.cycle["run"]), status=status, exit_code=CRAWL_EXIT[status], counts=counts
        )
        server.delete(keys.cycle, keys.polls, keys.seen, keys.stats, keys.jobs)
        logger.info("cycle %s closed (%s); seen filter emptied", self.cycle["id"], status)
        self.cycle = None
        return RunResult(stats=stats, status=status, counts=counts)


def interleaved(jobs: list[NewJob]) -> list[NewJob]:
    """Jobs in turns by host, so that the workers spread over sites rather than queue up for
    one (each site's requests are spaced by the per-host slots, crawler/scaleout/politeness.py)."""
    by_host: dict[str, list[NewJob]] = defaultdict(list)
    for job in jobs:
        by_host[urlsplit(job.request["url"]).hostname or ""].append(job)
    turns = zip_longest(*by_host.values())
    return [job for job in chain.from_iterable(turns) if job is not None]


CHECK_EVERY = 5.0  # seconds between looks for feeds that became due, between cycles
IDLE_SLEEP = 0.1  # seconds between looks at Redis when there was nothing to do


def ingest(
    jobs: Jobs,
    config: Config,
    *,
    once: bool = False,
    push: bool = True,
    every_feed: bool = False,
    patience: float = 60.0,
    on_cycle: Callable[[RunResult], None] | None = None,
) -> RunResult | None:
    """Drain the cluster into the archive, holding the archive's crawl lock (raises
    `ArchiveBusy` when a crawl or another ingester holds it). With `push`, open a cycle whenever
    feeds are due and none is open. `once`: end with the first cycle closed (or at once when
    nothing is due) and return its result; else run until interrupted, calling `on_cycle` with
    each closed cycle's result. Raises `RedisUnavailable` once Redis has been unreachable for
    `patience` seconds."""
    with crawl_lock(config.db_path):
        ingester = Ingester(jobs, config, push=push)
        try:
            return ingester.run(
                once=once, every_feed=every_feed, patience=patience, on_cycle=on_cycle
            )
        finally:
            ingester.close()
