"""Article extraction off the reactor: a pool of worker processes, kept for the whole crawl.

The reactor process only downloads and writes: each page goes to a worker as raw bytes, and the
worker decodes it once, extracts the article and builds its archive row
(crawler/ingest/records.py), so
that the reactor gets back a finished row to store.
"""

from __future__ import annotations

import asyncio
import ctypes
import gc
import logging
import multiprocessing
import os
import threading
import time
from concurrent.futures import ProcessPoolExecutor
from typing import TYPE_CHECKING

from justext.core import define_stoplist
from trafilatura import external

from crawler.extraction.extract import WARM_UP_PAGE, WARM_UP_URL, ExtractionFailed, extract_article
from crawler.ingest.bounds import DEFAULT, Bounds, within
from crawler.ingest.records import article_row
from storage.pages import keep_page as kept
from storage.times import now

if TYPE_CHECKING:
    from crawler.ingest.items import ArticlePage
    from storage import ArticleRow

logger = logging.getLogger(__name__)


# glibc's mallopt() parameter, and the size from which a block gets its own mapping.
M_MMAP_THRESHOLD = -3
MMAP_THRESHOLD = 128 * 1024


def release_large_blocks() -> None:
    """Fix glibc's mmap threshold at 128 KiB, so that page bodies and their decoded text (most
    are larger) go back to the system when freed. Left dynamic, the threshold climbs after the
    first large page and later ones stay on a heap that only grows with the crawl. Inherited by
    the workers; a no-op without glibc."""
    mallopt = getattr(ctypes.CDLL(None), "mallopt", None)  # the C library this process runs on
    if mallopt is not None:
        mallopt(M_MMAP_THRESHOLD, MMAP_THRESHOLD)


def warm_up() -> None:
    """Extract a page in this process before forking, so that what extraction loads lazily
    (trafilatura's and py3langid's models, justext's stop words) is loaded once and shared by
    every worker, and freeze it out of the garbage collector, whose passes would otherwise copy
    it into each worker."""
    try:
        extract_article(WARM_UP_PAGE, url=WARM_UP_URL, min_chars=0)
    except ExtractionFailed as exc:
        logger.debug("warm-up page: %s", exc)
    # The recall pass's last resort, justext, reads every language's stop words (33 MB as
    # trafilatura and justext keep them); a page that is easy to extract never gets that far.
    define_stoplist(external.JT_STOPLIST or external.jt_stoplist_init())
    gc.freeze()


def build_row(
    page: ArticlePage, min_chars: int, keep_page: bool = False, bounds: Bounds = DEFAULT
) -> tuple[ArticleRow, int]:
    """The archive row of one page (with the page itself, compressed, when `keep_page`) and the
    id of the process that built it; raises `ExtractionFailed` with a reason when the page
    holds no article, or is too large to extract within `bounds`."""
    html = decoded(within(page.body, bounds), page.encoding)
    extracted = extract_article(html, url=page.url, min_chars=min_chars)
    row = article_row(page, extracted, fetched_at=now())
    if keep_page:
        row["page"] = kept(page.url, page.body, page.encoding or "utf-8")
    return row, os.getpid()


def decoded(body: bytes, encoding: str | None) -> str:
    """A page's text in its encoding, UTF-8 when it names none Python knows."""
    try:
        return body.decode(encoding or "utf-8", errors="replace")
    except LookupError:
        return body.decode("utf-8", errors="replace")


def exit_with_parent() -> None:
    """In a worker: end as soon as the crawl process is gone. A crawl killed with SIGKILL cannot
    shut its pool down, and its workers would otherwise wait for work forever."""
    parent = os.getppid()

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(1)
        os._exit(1)

    threading.Thread(target=watch, daemon=True, name="exit-with-parent").start()


class ExtractionPool:
    """Runs `build_row` in `workers` processes (0: one per core), forked once when the pool is
    made, before the crawl has threads, and alive until `close()`. `inline=True` runs it in this
    process instead, which is faster for a handful of pages."""

    def __init__(
        self,
        workers: int = 0,
        *,
        min_chars: int,
        inline: bool = False,
        keep_pages: bool = False,
        bounds: Bounds = DEFAULT,
    ) -> None:
        self.min_chars, self.keep_pages, self.bounds = min_chars, keep_pages, bounds
        self.workers = 0 if inline else (workers or os.cpu_count() or 1)
        self.executor: ProcessPoolExecutor | None = None
        self.pids: set[int] = set()  # the worker processes that built rows
        self.rows = 0  # rows built by workers
        release_large_blocks()
        if self.workers:
            warm_up()
            self.executor = ProcessPoolExecutor(
                self.workers,
                mp_context=multiprocessing.get_context("fork"),
                initializer=exit_with_parent,
            )
            self.executor.submit(os.getpid).result()  # fork all workers now, not mid-crawl
            logger.info("extracting in %d worker processes", self.workers)

    async def extract(self, page: ArticlePage) -> ArticleRow:
        """The archive row of one page; raises `ExtractionFailed` when it holds no article."""
        if self.executor is None:
            row, _ = build_row(page, self.min_chars, self.keep_pages, self.bounds)
            return row
        loop = asyncio.get_running_loop()
        row, pid = await loop.run_in_executor(
            self.executor, build_row, page, self.min_chars, self.keep_pages, self.bounds
        )
        self.pids.add(pid)
        self.rows += 1
        return row

    def close(self) -> None:
        if self.executor is not None:
            self.executor.shutdown(wait=True, cancel_futures=True)
