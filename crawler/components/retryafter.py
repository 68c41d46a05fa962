"""`Retry-After`, obeyed: an answer that says when to come back is retried then, not sooner.

Scrapy's RetryMiddleware retries a 503 or 429 at once, whatever the answer asked. Here, an
answer with a status in RETRY_HTTP_CODES and a `Retry-After` header (seconds or an HTTP date):

- asking for NEWSDESK_RETRY_AFTER_MAX (30 s) or less, is retried within the run once that time
  has passed (up to RETRY_TIMES times). Only that request waits: the downloader goes on with
  every other, other sites' and this site's;
- asking for longer, is not retried in this run: the spider records the failure with its
  `retry_at` (crawler/policy/schedule.py `failure_due`), and the first run after that time
  fetches it again, not one before. A feed's next poll waits as long
  (crawler/policy/feedstate.py).

A stop (crawler/components/stop.py) ends the waits: those pages are "interrupted".
"""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Self

from scrapy.exceptions import NotConfigured

from crawler.components.stop import stopper_of
from crawler.ingest.config import Config
from crawler.policy.schedule import retry_after

if TYPE_CHECKING:
    from scrapy import Request
    from scrapy.crawler import Crawler
    from scrapy.http import Response

logger = logging.getLogger(__name__)

WAITED_META = "newsdesk_retry_after_waits"  # request.meta: how many times it waited already


class RetryAfterMiddleware:
    """Downloader middleware, between decompression and RetryMiddleware (which sees the answer
    after it, and is told not to retry one that says when to come back)."""

    def __init__(self, crawler: Crawler) -> None:
        config = Config.from_settings(crawler.settings)
        self.crawler = crawler
        self.max_wait = config.retry_after_max
        self.times = config.retries
        self.codes = set(config.retry_http_codes)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        if not Config.from_settings(crawler.settings).retry_enabled:
            raise NotConfigured("RETRY_ENABLED is off")
        return cls(crawler)

    async def process_response(self, request: Request, response: Response) -> Request | Response:
        wait = when_to_come_back(response)
        if wait is None or response.status not in self.codes or request.meta.get("dont_retry"):
            return response
        request.meta["dont_retry"] = True  # not at once, whatever happens below
        waited = request.meta.get(WAITED_META, 0)
        if wait > self.max_wait or waited >= self.times:
            return response  # a failure; the spider records when to come back
        logger.info("%s: HTTP %d, Retry-After %d s: waiting", request.url, response.status, wait)
        stopper = stopper_of(self.crawler)
        await (stopper.sleep(wait) if stopper is not None else asyncio.sleep(wait))
        assert self.crawler.stats is not None
        self.crawler.stats.inc_value("newsdesk/retry_after_waits")
        retry = request.replace(dont_filter=True)
        retry.meta[WAITED_META] = waited + 1
        retry.meta.pop("dont_retry", None)
        return retry


def when_to_come_back(response: Response) -> int | None:
    """Seconds an answer's `Retry-After` asks us to wait, or None."""
    header = response.headers.get("Retry-After")
    if not header:
        return None
    return retry_after(header.decode("latin-1"), now=datetime.now(UTC))
