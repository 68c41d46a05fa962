"""Article extraction off the reactor: a pool of worker processes, kept for the whole crawl."""

from __future__ import annotations

import asyncio
import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor

from crawler.extract import Extracted, extract_article


def _extract(body: bytes, encoding: str, url: str, min_chars: int) -> Extracted:
    html = body.decode(encoding or "utf-8", errors="replace")
    return extract_article(html, url=url, min_chars=min_chars)


class ExtractionPool:
    """Runs `extract_article` in `workers` processes (0: one per core); `inline=True` runs it
    in this process, which is faster for a handful of pages."""

    def __init__(self, workers: int = 0, *, min_chars: int, inline: bool = False) -> None:
        self.min_chars = min_chars
        self.workers = 0 if inline else (workers or os.cpu_count() or 1)
        self.executor = (
            ProcessPoolExecutor(self.workers, mp_context=multiprocessing.get_context("fork"))
            if self.workers
            else None
        )

    async def extract(self, body: bytes, encoding: str, url: str) -> Extracted:
        """Extract one page; raises `ExtractionFailed` with a reason when it holds no article."""
        if self.executor is None:
            return _extract(body, encoding, url, self.min_chars)
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(
            self.executor, _extract, body, encoding, url, self.min_chars
        )

    def close(self) -> None:
        if self.executor is not None:
            self.executor.shutdown(wait=True, cancel_futures=True)
