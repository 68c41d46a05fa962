"""A crawl's progress as it goes: a live status line at a terminal, a log line elsewhere, and the
run's `crawl_runs` row kept up to date.

`Progress`, a Scrapy extension, counts from Scrapy's stats and signals: feeds polled of those due,
articles done (stored, failed, already archived) of those known, pages fetched, pages per second,
time elapsed and, once every feed has answered, the time left. At a terminal it draws one line
with rich (off with `NEWSDESK_PROGRESS = False`, `crawl --quiet`); when stderr is not a terminal
(cron, systemd) it logs the same counts at INFO every `NEWSDESK_PROGRESS_INTERVAL` seconds. Every
`NEWSDESK_RUN_UPDATE_INTERVAL` seconds it writes the counts into the run's `crawl_runs` row
(status still `running`), so `newsdesk runs` and the dashboard show a crawl that is going on.
"""

from __future__ import annotations

import atexit
import logging
import sys
import time
from collections import deque
from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING, Any, Self

from scrapy import signals
from scrapy.exceptions import NotConfigured
from scrapy.utils.asyncio import create_looping_call

from crawler.ingest.config import Config
from crawler.ingest.items import ARCHIVE_ERROR, FeedPolled
from crawler.policy.runs import run_counts
from storage import Archive, StorageError

if TYPE_CHECKING:
    from rich.progress import Progress as RichProgress
    from scrapy import Request, Spider
    from scrapy.crawler import Crawler
    from scrapy.http import Response

logger = logging.getLogger(__name__)

TICK_SECONDS = 0.5  # how often the counts are read
RATE_WINDOW_SECONDS = 20.0  # pages/s and the time left are measured over this much recent time


@dataclass
class Counts:
    """One reading of a crawl's progress."""

    feeds: int  # feeds polled
    feeds_due: int
    done: int  # articles stored, failed, already archived or dropped as duplicates
    known: int  # articles known so far: entries of the feeds read, revisits, URLs given
    fetched: int  # article pages downloaded (any HTTP status)
    stored: int
    failed: int
    rate: float  # article pages fetched per second, lately
    elapsed: float
    left: float | None  # seconds, once every feed has answered and the pace is known

    def line(self, sep: str = " · ") -> str:
        parts = [
            f"feeds {self.feeds}/{self.feeds_due}",
            f"articles {self.done}/{self.known}",
            f"fetched {self.fetched}",
            f"stored {self.stored}",
            f"failed {self.failed}",
            f"{self.rate:.1f} pages/s",
            f"elapsed {clock(self.elapsed)}",
        ]
        if self.left is not None:
            parts.append(f"ETA {clock(self.left)}")
        return sep.join(parts)


def clock(seconds: float) -> str:
    return str(timedelta(seconds=round(seconds)))


class Progress:
    """Scrapy extension: reads the crawl's counts every TICK_SECONDS and shows, logs and stores
    them."""

    def __init__(self, crawler: Crawler, *, live: bool, log_every: float, row_every: float):
        assert crawler.stats is not None
        self.crawler, self.stats = crawler, crawler.stats
        self.live, self.log_every, self.row_every = live, log_every, row_every
        config = Config.from_settings(crawler.settings)
        self.run_id, self.db_path = config.run_id, config.db_path
        self.started = time.monotonic()
        self.feeds_due = self.known = self.fetched = self.dropped = 0
        self.samples: deque[tuple[float, int, int]] = deque()  # (time, fetched, done)
        self.last_log = self.last_row = self.started
        self.bar: RichProgress | None = None
        self.task: Any = None
        self.swapped: list[tuple[logging.StreamHandler[Any], Any]] = []
        self.archive: Archive | None = None
        self.looping: Any = None
        for handler, signal in (
            (self.spider_opened, signals.spider_opened),
            (self.spider_closed, signals.spider_closed),
            (self.item_scraped, signals.item_scraped),
            (self.response_received, signals.response_received),
            (self.request_dropped, signals.request_dropped),
        ):
            crawler.signals.connect(handler, signal=signal)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        config = Config.from_settings(crawler.settings)
        live = config.progress and sys.stderr.isatty()
        log_every, row_every = config.progress_interval, config.run_update_interval
        if not (live or log_every or config.run_id):
            raise NotConfigured("no live line, no progress log lines and no run row to keep")
        return cls(crawler, live=live, log_every=log_every, row_every=row_every)

    # -- signals ------------------------------------------------------------------------------
    def spider_opened(self, spider: Spider) -> None:
        self.started = self.last_log = self.last_row = time.monotonic()
        self.feeds_due = len(getattr(spider, "feeds", ()))
        self.known = len(getattr(spider, "revisits", ())) + len(getattr(spider, "urls", ()))
        if self.run_id:
            lock_timeout = self.crawler.settings.getfloat("NEWSDESK_LOCK_TIMEOUT")
            self.archive = Archive(self.db_path, lock_timeout=lock_timeout)
        if self.live:
            self.start_live()
        self.looping = create_looping_call(self.tick)
        self.looping.start(TICK_SECONDS, now=False)

    def item_scraped(self, item: Any) -> None:
        if isinstance(item, FeedPolled) and item.status in ("ok", "malformed"):
            self.known += item.entries

    def response_received(self, response: Response, request: Request) -> None:
        if is_article(request):
            self.fetched += 1

    def request_dropped(self, request: Request) -> None:
        if is_article(request):  # the same link from two feeds: the scheduler keeps one
            self.dropped += 1

    def spider_closed(self) -> None:
        if self.looping is not None and self.looping.running:
            self.looping.stop()
        counts = self.counts()
        self.stop_live()
        if not self.live and self.log_every:
            logger.info("progress: %s", counts.line(", "))
        if self.archive is not None:
            self.write_row()
            self.archive.close()
            self.archive = None

    # -- the readings -------------------------------------------------------------------------
    def stat(self, name: str) -> int:
        return int(self.stats.get_value(f"newsdesk/{name}", 0))

    def counts(self) -> Counts:
        now = time.monotonic()
        feeds = self.stat("feeds_polled")
        failed = self.stat("failures")
        done = (
            self.stat("articles_stored")
            + failed
            - self.stat("feeds_failed")
            + self.stat("articles_skipped")
            + self.stat("failures_skipped")
            + self.dropped
        )
        self.samples.append((now, self.fetched, done))
        while self.samples[0][0] < now - RATE_WINDOW_SECONDS:
            self.samples.popleft()
        since, fetched_then, done_then = self.samples[0]
        span = now - since
        rate = (self.fetched - fetched_then) / span if span > 1 else 0.0
        pace = (done - done_then) / span if span > 1 else 0.0
        known = max(self.known, done)
        left = None
        if feeds >= self.feeds_due and pace > 0:
            left = (known - done) / pace
        return Counts(
            feeds=feeds,
            feeds_due=self.feeds_due,
            done=done,
            known=known,
            fetched=self.fetched,
            stored=self.stat("articles_stored"),
            failed=failed,
            rate=rate,
            elapsed=now - self.started,
            left=left,
        )

    def tick(self) -> None:
        counts = self.counts()
        now = time.monotonic()
        if self.bar is not None:
            self.bar.update(
                self.task,
                description=counts.line(),
                completed=counts.done,
                total=counts.known if counts.feeds >= counts.feeds_due else None,
            )
        elif self.log_every and now - self.last_log >= self.log_every:
            self.last_log = now
            logger.info("progress: %s", counts.line(", "))
        if self.archive is not None and now - self.last_row >= self.row_every:
            self.last_row = now
            self.write_row()

    def write_row(self) -> None:
        """The run's counters so far into its `crawl_runs` row; skipped, not fatal, when the
        archive cannot be written (the pipeline's next write fails the run, in one line)."""
        assert self.archive is not None
        if self.stats.get_value(ARCHIVE_ERROR):
            return
        try:
            self.archive.update_run(self.run_id, run_counts(self.stats.get_stats()))
        except StorageError as exc:
            logger.debug("run row not updated: %s", exc)

    # -- the live line ------------------------------------------------------------------------
    def start_live(self) -> None:
        """One line at the bottom of the terminal; log lines scroll above it."""
        from rich.console import Console
        from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn
        from rich.table import Column

        self.bar = Progress(
            SpinnerColumn(),
            BarColumn(bar_width=16),
            TextColumn("{task.description}", table_column=Column(no_wrap=True)),
            console=Console(stderr=True, soft_wrap=True),  # long log lines stay whole
            transient=True,  # the crawl's summary line replaces it
            redirect_stdout=False,
        )
        self.task = self.bar.add_task(self.counts().line(), total=None)
        self.bar.start()
        # Scrapy's log handler holds the real stderr: send it through rich's proxy instead, so
        # that a warning prints above the line rather than through it.
        for handler in logging.getLogger().handlers:
            if isinstance(handler, logging.StreamHandler) and handler.stream is sys.__stderr__:
                self.swapped.append((handler, handler.setStream(sys.stderr)))
        atexit.register(self.stop_live)  # a second Ctrl-C skips spider_closed: show the cursor

    def stop_live(self) -> None:
        if self.bar is None:
            return
        for handler, stream in self.swapped:
            handler.setStream(stream)
        self.swapped.clear()
        self.bar.stop()
        self.bar = None


def is_article(request: Request) -> bool:
    """Article requests carry their feed entry (spiders/base.py); feeds and robots.txt not."""
    return "entry" in request.cb_kwargs
