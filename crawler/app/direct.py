"""`newsdesk fetch` of a few pages without starting Scrapy.

Importing and starting Scrapy and Twisted takes longer (about 0.45 s) than all of `trafilatura -u`
does, so a person fetching up to `MAX_URLS` pages gets this lean path instead. urllib3 (the HTTP
client trafilatura brings) downloads and protego reads robots.txt, both following the crawl's own
settings and rules: USER_AGENT, ROBOTSTXT_OBEY, DOWNLOAD_TIMEOUT, DOWNLOAD_MAXSIZE, DOWNLOAD_DELAY
(between pages of one site), RETRY_TIMES, RETRY_HTTP_CODES (a 429 or 503 with Retry-After is not
retried now) and REDIRECT_MAX_TIMES. Every page then takes the crawl's way into the archive,
crawler/ingest/pipeline.py: the same extraction, rows and failure reasons. More URLs go through
Scrapy
(crawler/app/api.py), which fetches from several sites at once.
"""

from __future__ import annotations

import asyncio
import logging
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import urljoin, urlsplit

import urllib3
from protego import Protego
from w3lib.encoding import (
    html_body_declared_encoding,
    html_to_unicode,
    http_content_type_encoding,
    read_bom,
)
from w3lib.url import safe_url_string

from crawler.ingest import reasons
from crawler.ingest.items import ArticlePage, Failure, StoredArticle
from crawler.policy.runs import RunResult, check_urls

if TYPE_CHECKING:
    from collections.abc import Iterable

    from crawler.app.config import PlainSettings

logger = logging.getLogger(__name__)

MAX_URLS = 4  # `fetch` of more URLs runs Scrapy
HTML_TYPES = ("text/html", "application/xhtml+xml", "application/vnd.wap.xhtml+xml")
REDIRECT_STATUSES = (301, 302, 303, 307, 308)
# Scrapy's DEFAULT_REQUEST_HEADERS, and the encodings urllib3 can decode here.
HEADERS = {
    "Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
    "Accept-Language": "en",
    **urllib3.util.make_headers(accept_encoding=True),
}


class Stats(dict[str, Any]):
    """The pipeline's counters, as Scrapy's stats collector would keep them."""

    def inc_value(self, key: str) -> None:
        self[key] = self.get(key, 0) + 1

    def set_value(self, key: str, value: Any) -> None:
        self[key] = value


class NoWaitRetry(urllib3.Retry):
    """Scrapy's retry policy: at once, and not for an answer that says when to come back."""

    def is_retry(self, method: str, status_code: int, has_retry_after: bool = False) -> bool:
        if has_retry_after and status_code in (429, 503):
            return False
        return super().is_retry(method, status_code, has_retry_after)


class Downloader:
    """Fetches one page at a time as the crawl's Scrapy middlewares would."""

    def __init__(self, settings: PlainSettings) -> None:
        self.user_agent = settings["USER_AGENT"]
        self.obey_robots = settings.getbool("ROBOTSTXT_OBEY")
        self.max_size = settings.getint("DOWNLOAD_MAXSIZE")
        self.max_redirects = settings.getint("REDIRECT_MAX_TIMES")
        self.delay = settings.getfloat("DOWNLOAD_DELAY")
        self.retries = NoWaitRetry(
            total=settings.getint("RETRY_TIMES") if settings.getbool("RETRY_ENABLED") else 0,
            redirect=False,  # pages: followed one by one, each checked against robots.txt
            status_forcelist=[int(code) for code in settings.getlist("RETRY_HTTP_CODES")],
            raise_on_status=False,
            respect_retry_after_header=False,
        )
        self.http = urllib3.PoolManager(
            headers={**HEADERS, "User-Agent": self.user_agent},
            timeout=urllib3.Timeout(total=settings.getfloat("DOWNLOAD_TIMEOUT")),
            retries=self.retries,
        )
        self.robots: dict[str, Protego | None] = {}  # by scheme://host:port
        self.last_page: dict[str, float] = {}  # when we last asked each site for a page

    def page(self, url: str) -> ArticlePage | Failure:
        """The page at `url` (after redirects), or why there is none."""
        answer = self.get(url)
        if isinstance(answer, Failure):
            return answer
        return self.as_page(answer.url, answer.response, answer.body)

    def get(self, url: str) -> Answer | Failure:
        """Any answer for `url`, after redirects (each checked against robots.txt), or why
        there is none (robots.txt, unreachable, too many redirects)."""
        url = safe_url_string(url)
        redirects: list[int] = []
        for _ in range(self.max_redirects + 1):
            if not self.allowed(url):
                logger.warning("%s: %s", url, reasons.ROBOTS_FORBIDDEN)
                return Failure(url, reasons.ROBOTS_FORBIDDEN)
            self.wait_for_turn(url)
            try:
                response = self.http.request("GET", url, redirect=False, preload_content=False)
                location = response.headers.get("Location")
                if response.status in REDIRECT_STATUSES and location:
                    response.drain_conn()
                    redirects.append(response.status)
                    url = safe_url_string(urljoin(url, location))
                    continue
                body = self.read(response)
            except urllib3.exceptions.HTTPError as exc:
                reason = describe_error(exc)
                logger.warning("%s: %s", url, reason)
                return Failure(url, reason)
            return Answer(url, response, body, redirects)
        return Failure(url, f"more than {self.max_redirects} redirects")

    def as_page(
        self, url: str, response: urllib3.BaseHTTPResponse, body: bytes
    ) -> ArticlePage | Failure:
        if not 200 <= response.status < 300:
            reason = reasons.http_status(response.status)
            logger.warning("%s: %s", url, reason)
            return Failure(url, reason, status=response.status)
        content_type = response.headers.get("Content-Type", "")
        if not is_html(content_type, body):
            return Failure(url, reasons.not_html(content_type), status=response.status)
        return ArticlePage(url=url, body=body, encoding=page_encoding(content_type, body))

    def read(self, response: urllib3.BaseHTTPResponse) -> bytes:
        """The whole (decompressed) body, up to DOWNLOAD_MAXSIZE."""
        chunks, size = [], 0
        for chunk in response.stream(64 * 1024):
            size += len(chunk)
            if self.max_size and size > self.max_size:
                response.release_conn()
                raise TooLarge(f"larger than DOWNLOAD_MAXSIZE ({self.max_size} bytes)")
            chunks.append(chunk)
        response.release_conn()
        return b"".join(chunks)

    def allowed(self, url: str) -> bool:
        """What the site's robots.txt says of `url` for our User-Agent. As with Scrapy's
        middleware, any answer is parsed (a 404 page has no rules) and an unreachable
        robots.txt allows everything."""
        if not self.obey_robots:
            return True
        parts = urlsplit(url)
        site = f"{parts.scheme}://{parts.netloc}"
        if site not in self.robots:
            try:
                answer = self.http.request(
                    "GET",
                    f"{site}/robots.txt",
                    retries=self.retries.new(redirect=self.max_redirects),
                )
                text = answer.data.decode("utf-8-sig", errors="ignore")
                self.robots[site] = Protego.parse(text)
            except urllib3.exceptions.HTTPError as exc:
                logger.debug("%s/robots.txt: %s", site, describe_error(exc))
                self.robots[site] = None
        rules = self.robots[site]
        return rules is None or rules.can_fetch(url, self.user_agent)

    def wait_for_turn(self, url: str) -> None:
        """DOWNLOAD_DELAY between two pages of one site."""
        site = urlsplit(url).netloc
        last = self.last_page.get(site)
        if last is not None:
            time.sleep(max(0.0, last + self.delay - time.monotonic()))
        self.last_page[site] = time.monotonic()


@dataclass
class Answer:
    """What a site answered for a URL, after redirects."""

    url: str  # after redirects
    response: urllib3.BaseHTTPResponse  # status and headers; its body is read
    body: bytes
    redirects: list[int]  # the status of each redirect on the way

    @property
    def moved_permanently(self) -> bool:
        """Every redirect on the way was permanent (301, 308): the old URL is gone for good."""
        return bool(self.redirects) and all(status in (301, 308) for status in self.redirects)

    @property
    def content_type(self) -> str:
        return str(self.response.headers.get("Content-Type", ""))


class TooLarge(urllib3.exceptions.HTTPError):
    """The body passed DOWNLOAD_MAXSIZE."""


def is_html(content_type: str, body: bytes) -> bool:
    """Whether Scrapy would make an `HtmlResponse` of this answer: by its Content-Type, or by
    sniffing the body when there is none."""
    kind = content_type.split(";")[0].strip().lower()
    if kind and kind != "application/octet-stream":
        return kind in HTML_TYPES
    head = body[:5000].lower()
    return b"<html>" in head or b"<!doctype html>" in head


def page_encoding(content_type: str, body: bytes) -> str:
    """The encoding Scrapy's `TextResponse` would find: BOM, header, `<meta>`, then a guess."""
    declared = (
        read_bom(body)[0]
        or http_content_type_encoding(content_type)
        or html_body_declared_encoding(body)
    )
    return declared or html_to_unicode(content_type, body)[0]


def describe_error(exc: urllib3.exceptions.HTTPError) -> str:
    """The reason spiders/base.py gives for the same failure in a crawl."""
    reason: Exception = exc
    if isinstance(exc, urllib3.exceptions.MaxRetryError) and exc.reason is not None:
        reason = exc.reason
    if isinstance(reason, urllib3.exceptions.NameResolutionError):
        return reasons.HOST_NOT_FOUND
    # urllib3 makes a failed connection a kind of timeout, whatever the cause.
    if isinstance(reason, urllib3.exceptions.NewConnectionError) and "refused" in str(reason):
        return reasons.CONNECTION_REFUSED
    if isinstance(reason, urllib3.exceptions.TimeoutError):
        return reasons.TIMED_OUT
    if isinstance(reason, TooLarge):
        return str(reason)
    return reasons.unexpected(reason)


def fetch_urls(settings: PlainSettings, urls: list[str]) -> RunResult:
    """Fetch a few article pages now (robots.txt still applies) and store them.

    The downloads start at once, in a thread, and go on while the modules that extraction and
    the archive need are loading; on a distant site the round trips to its robots.txt and page
    cost no extra time. A pipeline that cannot start (an unusable archive) cancels them.
    """
    check_urls(urls)
    logging.basicConfig(
        level=settings["LOG_LEVEL"],
        format=settings.get("LOG_FORMAT", logging.BASIC_FORMAT),
        datefmt=settings.get("LOG_DATEFORMAT"),
    )
    logging.getLogger("urllib3").setLevel(logging.ERROR)  # its retries; we report the outcome
    downloads = ThreadPoolExecutor(1, thread_name_prefix="fetch")
    try:
        pages = downloads.map(Downloader(settings).page, urls)
        return store(settings, pages)
    finally:
        downloads.shutdown(cancel_futures=True)


def store_saved(settings: PlainSettings, url: str, body: bytes) -> RunResult:
    """Extract and store a page saved earlier (`fetch --html FILE --url URL`): no download."""
    check_urls([url])
    return store(settings, [ArticlePage(url=url, body=body, encoding=page_encoding("", body))])


def store(settings: PlainSettings, pages: Iterable[ArticlePage | Failure]) -> RunResult:
    """Take `pages` the crawl's way into the archive."""
    from crawler.ingest.pipeline import (
        ArchivePipeline,  # trafilatura, sqlite-utils: while we download
    )

    settings["NEWSDESK_EXTRACT_INLINE"] = True  # a pool costs more than it saves here
    stats = Stats(finish_reason="finished")
    pipeline = ArchivePipeline.from_settings(settings, stats)
    pipeline.open_spider()
    result = RunResult(stats=stats)

    async def store_all() -> None:
        for page in pages:
            outcome = await pipeline.process_item(page)
            if isinstance(outcome, StoredArticle):
                result.stored.append(outcome)
            else:
                result.failures.append(outcome)

    try:
        asyncio.run(store_all())
    finally:
        pipeline.close_spider()
    return result
