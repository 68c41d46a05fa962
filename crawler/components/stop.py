"""Stops that end a run in seconds, whatever the network does: `--max-runtime`, Ctrl-C, SIGTERM.

Scrapy's own stop waits for every download in flight, each up to DOWNLOAD_TIMEOUT (a hanging
page holds a stop for 30 s, and a retry for longer), and its Ctrl-C says nothing at the default
log level. `Stopper`, an extension, stops a run in two steps:

1. the stop: no new request is made, and the downloads in flight get NEWSDESK_STOP_GRACE
   seconds (2) to finish. Ctrl-C says so at once on stderr ("stopping after 3 pages in flight;
   press Ctrl-C again to stop now");
2. the cut, when the grace is over or at a second Ctrl-C: every download still in flight, and
   every wait for a `Retry-After`, ends with `Interrupted`, which the spiders record as
   "interrupted" (due again at once: the next run fetches it).

Then Scrapy closes the spider as usual: the pipeline writes what it holds, the feeds read in full
keep their state. A third Ctrl-C ends the process at once, as kill would (the archive stays
consistent; the next run marks this one interrupted).

`--max-runtime` sets NEWSDESK_STOP_AT (a `time.monotonic()` deadline in this process): the stop
begins NEWSDESK_STOP_GRACE before the cut, which comes `CLOSING` (1 s) before the deadline.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import signal
import sys
import time
from typing import TYPE_CHECKING, Any, Self

from scrapy import signals
from scrapy.core.downloader.handlers.http11 import HTTP11DownloadHandler
from scrapy.utils.defer import deferred_from_coro

from crawler.ingest import reasons
from crawler.ingest.config import Config
from crawler.policy.runs import CRAWL_EXIT

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable
    from types import FrameType

    from scrapy import Request
    from scrapy.crawler import Crawler
    from scrapy.http import Response

logger = logging.getLogger(__name__)

# Scrapy's finish reasons for the two kinds of stop (crawler/app/api.py maps them to statuses).
DEADLINE = "closespider_timeout"
SIGNALLED = "shutdown"
CLOSING = 1.0  # seconds kept after the cut, before NEWSDESK_STOP_AT, to close the run


class Interrupted(Exception):
    """A download (or a wait before one) cut off by a stop."""

    def __init__(self) -> None:
        super().__init__(reasons.INTERRUPTED)


class Stopper:
    """Scrapy extension: the two-step stop described above."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        config = Config.from_settings(crawler.settings)
        self.grace = config.stop_grace
        self.stop_at = config.stop_at or None
        self.in_flight: set[asyncio.Future[Any]] = set()  # downloads and waits to cut
        self.stopping: str | None = None  # the finish reason, once a stop has begun
        self.cutting = False
        self.signals_seen = 0
        self.timers: list[asyncio.TimerHandle] = []
        self.loop: asyncio.AbstractEventLoop | None = None
        crawler.signals.connect(self.engine_started, signal=signals.engine_started)
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        return cls(crawler)

    def engine_started(self) -> None:
        self.loop = asyncio.get_running_loop()
        # In place of Scrapy's handlers, installed when the reactor started, before this.
        for signum in (signal.SIGINT, signal.SIGTERM):
            signal.signal(signum, self.signalled)
        if self.stop_at is not None:
            delay = max(0.0, self.stop_at - CLOSING - self.grace - time.monotonic())
            self.timers.append(self.loop.call_later(delay, self.stop, DEADLINE))

    def spider_closed(self) -> None:
        for timer in self.timers:
            timer.cancel()

    # -- the stop ---------------------------------------------------------------------------
    def signalled(self, signum: int, frame: FrameType | None) -> None:
        """A signal handler: it only writes (unbuffered) and hands over to the event loop."""
        self.signals_seen += 1
        if self.signals_seen == 1:
            again = "press Ctrl-C again" if signum == signal.SIGINT else "send it again"
            write(f"stopping after {len(self.in_flight)} pages in flight; {again} to stop now")
            self.soon(self.stop, SIGNALLED)
        elif self.signals_seen == 2:
            write("stopping now; the next run fetches what was cut off")
            self.soon(self.cut)
        else:  # as kill would: the archive stays consistent, the next run marks this one
            write("stopped at once; the next run fetches the rest")
            os._exit(CRAWL_EXIT["aborted"])

    def soon(self, action: Callable[..., None], *args: Any) -> None:
        with contextlib.suppress(RuntimeError):  # the loop has closed: nothing left to stop
            if self.loop is not None:
                self.loop.call_soon_threadsafe(action, *args)

    def stop(self, reason: str) -> None:
        """Begin the stop: no new request; the cut follows after the grace period."""
        if self.stopping is not None:
            return
        self.stopping = reason
        logger.info("stopping (%s): %d downloads in flight", reason, len(self.in_flight))
        for future in list(self.in_flight):  # waits for a Retry-After end now
            if getattr(future, "newsdesk_wait", False):
                future.cancel()
        self.timers.append(asyncio.get_running_loop().call_later(self.grace, self.cut))
        if reason == SIGNALLED:
            deferred_from_coro(self.crawler.stop_async())
        elif self.crawler.engine is not None:
            deferred_from_coro(self.crawler.engine.close_spider_async(reason=reason))

    def cut(self) -> None:
        """End every download and wait still in flight."""
        if self.cutting:
            return
        self.cutting = True
        if self.stopping is None:
            self.stop(SIGNALLED)
        if self.in_flight:
            logger.info("stop: %d downloads cut off", len(self.in_flight))
        for future in list(self.in_flight):
            future.cancel()

    # -- what the cut ends ------------------------------------------------------------------
    async def run(self, work: Awaitable[Any], *, wait: bool = False) -> Any:
        """Await `work` (a download, or a wait with `wait=True`) unless the cut comes first,
        in which case raise `Interrupted`. A wait ends at the stop already."""
        if self.cutting or (wait and self.stopping):
            if asyncio.iscoroutine(work):
                work.close()
            raise Interrupted()
        future = asyncio.ensure_future(work)
        future.newsdesk_wait = wait  # type: ignore[attr-defined]
        self.in_flight.add(future)
        try:
            return await future
        except asyncio.CancelledError:
            if future.cancelled() and (self.cutting or (wait and self.stopping)):
                raise Interrupted() from None
            raise
        finally:
            self.in_flight.discard(future)

    async def sleep(self, seconds: float) -> None:
        """Wait `seconds`, or raise `Interrupted` if a stop comes first."""
        await self.run(asyncio.sleep(seconds), wait=True)


def stopper_of(crawler: Crawler) -> Stopper | None:
    return crawler.get_extension(Stopper)


def write(line: str) -> None:
    """One line on stderr, whatever the log level: the answer to a person's Ctrl-C. From a
    signal handler, which may have interrupted a write to the same stream: then unbuffered."""
    text = f"newsdesk: {line}\n"
    try:
        print(text, end="", file=sys.stderr, flush=True)  # above the live progress line
    except RuntimeError:  # "reentrant call": the handler interrupted a write to stderr
        os.write(2, text.encode())


class StoppableDownloadHandler(HTTP11DownloadHandler):
    """Scrapy's HTTP/1.1 download handler, whose downloads a stop can cut off (`Stopper.cut`):
    cancelling one closes its connection."""

    async def download_request(self, request: Request) -> Response:
        stopper = stopper_of(self._crawler)
        download = super().download_request(request)
        if stopper is None:
            return await download
        response: Response = await stopper.run(download)
        return response
