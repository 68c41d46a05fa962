"""Scrapy's robots.txt middleware, made to follow RFC 9309 (crawler/ingest/robots.py says what an
answer means) and to give each site's rules to every request that waited for them.

- A robots.txt that answers 5xx (or 429), or not at all (refused, timed out, host not found),
  disallows the whole site: its requests fail with "robots.txt unreachable (HTTP 503): host
  treated as disallowed", or "unreachable: connection refused" when the site cannot be reached
  at all (Scrapy allows everything then). A 4xx means no rules.
- Its first 500 KiB are parsed, whatever its size (Scrapy gave up on one over DOWNLOAD_MAXSIZE
  and allowed everything), and only so much of a compressed one is decoded
  (`RobotsDecompression`: Scrapy inflated a 1 MB gzip bomb to 1 GB in memory, as a robots.txt
  is downloaded without DOWNLOAD_MAXSIZE).
- A site's robots.txt is read again once NEWSDESK_ROBOTS_MAX_AGE (24 h) has passed.
- Scrapy 2.19 makes the requests that reach a site while its robots.txt is still downloading
  wait on one Deferred. Awaited through `Deferred.asFuture`, a Deferred gives its result to the
  first waiter only and `None` to the rest, which the middleware reads as "no robots.txt":
  those requests went out unchecked. Scrapy stores the parser in its table before firing the
  Deferred, so a waiter that got `None` reads it from there.
"""

from __future__ import annotations

import logging
import time
from typing import TYPE_CHECKING, Self

from scrapy import signals
from scrapy.downloadermiddlewares import robotstxt
from scrapy.exceptions import IgnoreRequest, StopDownload
from scrapy.http.request import NO_CALLBACK
from scrapy.robotstxt import RobotParser
from scrapy.utils.httpobj import urlparse_cached
from twisted.internet.defer import Deferred

from crawler.ingest import reasons
from crawler.ingest.config import Config
from crawler.ingest.robots import (
    PARSE_LIMIT,
    Robots,
    decoded_prefix,
    robots_answer,
    within_limit,
)

if TYPE_CHECKING:
    from scrapy import Request, Spider
    from scrapy.crawler import Crawler
    from scrapy.http import Response

logger = logging.getLogger(__name__)

ROBOTS_META = "newsdesk_robots"  # request.meta: a robots.txt request, read up to PARSE_LIMIT


class Unreachable(RobotParser):
    """The rules of a site whose robots.txt could not be read: nothing is allowed."""

    def __init__(self, reason: str) -> None:
        self.reason = reason

    @classmethod
    def from_crawler(cls, crawler: Crawler, robotstxt_body: bytes) -> Self:
        return cls(reasons.robots_unreachable("no answer"))

    def allowed(self, url: str | bytes, user_agent: str | bytes) -> bool:
        return False


class RobotsTxtMiddleware(robotstxt.RobotsTxtMiddleware):
    def __init__(self, crawler: Crawler) -> None:
        super().__init__(crawler)
        self.max_age = Config.from_settings(crawler.settings).robots_max_age
        self.read_at: dict[str, float] = {}  # when each site's robots.txt was asked for
        crawler.signals.connect(self.bytes_received, signal=signals.bytes_received)

    async def process_request(self, request: Request, spider: Spider | None = None) -> None:
        if is_robots_request(request):
            # Read it whatever its size, up to PARSE_LIMIT (`bytes_received`), not DOWNLOAD_MAXSIZE.
            request.meta[ROBOTS_META] = True
            request.meta["download_maxsize"] = 0
            return
        await super().process_request(request)

    def bytes_received(self, data: bytes, request: Request, spider: Spider) -> None:
        if request.meta.get(ROBOTS_META):
            received = request.meta.get("newsdesk_robots_bytes", 0) + len(data)
            request.meta["newsdesk_robots_bytes"] = received
            if received > PARSE_LIMIT:
                raise StopDownload(fail=False)  # the answer so far is parsed

    def process_request_2(self, rp: RobotParser | None, request: Request) -> None:
        if isinstance(rp, Unreachable):
            self._stats.inc_value("robotstxt/unreachable_forbidden")
            raise IgnoreRequest(rp.reason)  # spiders/base.py takes it as the failure's reason
        super().process_request_2(rp, request)

    async def robot_parser(self, request: Request) -> RobotParser | None:
        netloc = urlparse_cached(request).netloc
        read_at = self.read_at.setdefault(netloc, time.monotonic())
        if time.monotonic() - read_at > self.max_age and not isinstance(
            self._parsers.get(netloc), Deferred
        ):  # too old: read it again
            self._parsers.pop(netloc, None)
            self.read_at[netloc] = time.monotonic()
        parser = await super().robot_parser(request)
        if parser is None:
            stored = self._parsers.get(netloc)
            if isinstance(stored, RobotParser):
                return stored
        return parser

    async def _parse_robots(self, response: Response, netloc: str, request: Request) -> None:
        answer = robots_answer(response.status)
        if answer is Robots.UNREACHABLE:
            self.unreachable(netloc, reasons.robots_unreachable(f"HTTP {response.status}"))
            return
        body = within_limit(response.body) if answer is Robots.RULES else b""
        await super()._parse_robots(response.replace(body=body), netloc, request)

    def _robots_error(self, exc: Exception, netloc: str) -> None:
        if isinstance(exc, IgnoreRequest):  # our own decision (too many redirects...): no rules
            super()._robots_error(exc, netloc)
            return
            return
        why = reasons.download_error(exc)
        # A site that cannot be reached at all fails as unreachable, a stop as interrupted;
        # any other error is named.
        plain = (*reasons.UNREACHABLE, reasons.INTERRUPTED)
        self.unreachable(netloc, why if why in plain else reasons.robots_unreachable(why))

    def unreachable(self, netloc: str, reason: str) -> None:
        """Disallow a site for as long as its robots.txt is kept (this run, or MAX_AGE)."""
        logger.warning("%s/robots.txt: %s", netloc, reason)
        waiting = self._parsers.get(netloc)
        rules = self._parsers[netloc] = Unreachable(reason)
        if isinstance(waiting, Deferred):
            waiting.callback(rules)


class RobotsDecompression:
    """Downloader middleware, before Scrapy's HttpCompressionMiddleware (590) sees the answer:
    a compressed robots.txt is decoded up to PARSE_LIMIT (`decoded_prefix`), the rest never
    inflated. One it cannot decode is left to Scrapy."""

    def process_response(self, request: Request, response: Response) -> Response:
        values = response.headers.getlist("Content-Encoding")
        if not values or not is_robots_request(request):
            return response
        encodings = [e.strip().lower() for v in values for e in v.decode("latin-1").split(",")]
        body = decoded_prefix(response.body, encodings)
        if body is None:
            return response
        del response.headers["Content-Encoding"]
        return response.replace(body=body)


def is_robots_request(request: Request) -> bool:
    """The robots.txt request Scrapy's middleware makes (or one of its redirects)."""
    return bool(request.meta.get(ROBOTS_META)) or (
        request.meta.get("dont_obey_robotstxt", False)
        and request.callback is NO_CALLBACK
        and urlparse_cached(request).path == "/robots.txt"
    )
