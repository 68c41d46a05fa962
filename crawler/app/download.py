"""Downloads for `fetch`'s direct path, made as Scrapy's downloader and middlewares make them.

urllib3 (the HTTP client trafilatura brings) sends each request with Scrapy's headers
(DEFAULT_REQUEST_HEADERS, USER_AGENT, Accept-Encoding) and every answer goes through Scrapy's
steps in Scrapy's order: DOWNLOAD_MAXSIZE (announced, received, decompressed), redirects
(REDIRECT_MAX_TIMES, Referer as Scrapy's default policy sets it), `<meta http-equiv="refresh">`
(METAREFRESH_*), retries (RETRY_TIMES, RETRY_HTTP_CODES; counted over the whole chain of
redirects; a 429 or 503 with Retry-After is not retried) and robots.txt (ROBOTSTXT_OBEY,
ROBOTSTXT_USER_AGENT, read per RFC 9309 as crawler/components/robots.py reads it) before every
request, redirects included.

Each download has a deadline, DOWNLOAD_TIMEOUT for the whole answer as in Scrapy: a
connection that says nothing, an answer that drips a byte at a time, status line and headers
included, is cut when the time is up (`Deadline`), whatever its reads do.
"""

from __future__ import annotations

import contextlib
import http.client
import json
import logging
import socket
import threading
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from urllib.parse import urljoin, urlsplit

import urllib3
from protego import Protego
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool
from w3lib.url import safe_url_string

from crawler.app import responses
from crawler.ingest import reasons
from crawler.ingest.config import Config
from crawler.ingest.items import ArticlePage, Failure
from crawler.ingest.robots import PARSE_LIMIT, Robots, robots_answer, within_limit

if TYPE_CHECKING:
    from crawler.app.config import PlainSettings

logger = logging.getLogger(__name__)

REDIRECT_STATUSES = (301, 302, 303, 307, 308)
# HttpCompressionMiddleware's Accept-Encoding, and the encodings it decodes.
ACCEPT_ENCODING = "gzip, deflate, br, zstd"
DECODED = ("gzip", "x-gzip", "deflate", "br", "zstd")
CHUNK = 64 * 1024
# Scrapy's defaults (scrapy/settings/default_settings.py) for what newsdesk's own settings leave
# out; tests/test_responses.py checks them against Scrapy's.
SCRAPY_DEFAULTS: dict[str, Any] = {
    "DEFAULT_REQUEST_HEADERS": {
        "Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
        "Accept-Language": "en",
    },
    "DOWNLOAD_VERIFY_CERTIFICATES": False,
    "HTTPPROXY_ENABLED": True,
    "METAREFRESH_ENABLED": True,
    "METAREFRESH_IGNORE_TAGS": ["noscript"],
    "METAREFRESH_MAXDELAY": 100,
    "REDIRECT_ENABLED": True,
    "REFERER_ENABLED": True,
    "ROBOTSTXT_USER_AGENT": None,
    "URLLENGTH_LIMIT": 2083,
}


@dataclass
class Answer:
    """A whole answer: status, headers and body, decompressed unless Scrapy would keep it so."""

    url: str
    status: int
    headers: urllib3.HTTPHeaderDict
    body: bytes
    encoded: bool = False  # a Content-Encoding Scrapy cannot decode is left on the body
    redirects: list[int] = field(default_factory=list)  # the status of each redirect on the way

    def header(self, name: str) -> str | None:
        """The last value of a header, as Scrapy's `Headers.get` gives it."""
        values = self.headers.getlist(name)
        return values[-1] if values else None

    @property
    def content_type(self) -> str:
        return self.header("Content-Type") or ""

    @property
    def moved_permanently(self) -> bool:
        """Every redirect on the way was permanent (301, 308): the old URL is gone for good."""
        return bool(self.redirects) and all(status in (301, 308) for status in self.redirects)


class DownloadFailed(Exception):
    """A download that brought no answer: `reason` in reasons.py's words."""

    def __init__(self, reason: str, *, retry: bool) -> None:
        super().__init__(reason)
        self.reason, self.retry = reason, retry


# -- the deadline -----------------------------------------------------------------------------
_current = threading.local()  # the Deadline of the download this thread is making


class Deadline:
    """DOWNLOAD_TIMEOUT for one whole download: when it passes, the socket of the connection in
    use is shut, which ends any read that is waiting, however slowly the answer arrives. The
    socket itself is kept: http.client lets go of it (`connection.sock` is None) as soon as the
    headers say the body ends when the connection closes (no Content-Length), while the
    answer is still being read from it."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.expired = False
        self.socket: socket.socket | None = None
        self.lock = threading.Lock()
        self.timer = threading.Timer(seconds, self.expire)
        self.timer.daemon = True

    def __enter__(self) -> Deadline:
        _current.deadline = self
        self.timer.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.timer.cancel()
        with self.lock:
            self.socket = None
        _current.deadline = None

    def expire(self) -> None:
        with self.lock:
            self.expired = True
            if self.socket is not None:
                shut(self.socket)

    def watch(self, connection: HTTPConnection) -> None:
        """Called by the connection as it sends the request (and once connected)."""
        with self.lock:
            self.socket = connection.sock or self.socket
            if self.expired and self.socket is not None:
                shut(self.socket)

    def timeout(self) -> urllib3.Timeout:
        return urllib3.Timeout(connect=self.seconds, read=self.seconds)


def shut(sock: socket.socket) -> None:
    with contextlib.suppress(OSError):  # not connected any more
        sock.shutdown(socket.SHUT_RDWR)


class WatchedMixin:
    """A connection that tells the current `Deadline` which socket to shut."""

    def connect(self) -> None:
        super().connect()  # type: ignore[misc]
        deadline = getattr(_current, "deadline", None)
        if deadline is not None:
            deadline.watch(self)

    def request(self, *args: Any, **kwargs: Any) -> None:
        deadline = getattr(_current, "deadline", None)
        if deadline is not None:
            deadline.watch(self)
        super().request(*args, **kwargs)  # type: ignore[misc]


class WatchedHTTPConnection(WatchedMixin, HTTPConnection):
    pass


class WatchedHTTPSConnection(WatchedMixin, HTTPSConnection):
    pass


class WatchedHTTPPool(HTTPConnectionPool):
    ConnectionCls = WatchedHTTPConnection


class WatchedHTTPSPool(HTTPSConnectionPool):
    ConnectionCls = WatchedHTTPSConnection


# -- the downloader ---------------------------------------------------------------------------
class Downloader:
    """Fetches one page at a time as a crawl's Scrapy downloader and middlewares would."""

    def __init__(self, settings: PlainSettings) -> None:
        settings = type(settings)({**SCRAPY_DEFAULTS, **settings})
        self.obey_robots = settings.getbool("ROBOTSTXT_OBEY")
        self.robots_agent = settings.get("ROBOTSTXT_USER_AGENT") or None
        self.timeout = settings.getfloat("DOWNLOAD_TIMEOUT")
        self.max_size = settings.getint("DOWNLOAD_MAXSIZE")
        self.delay = settings.getfloat("DOWNLOAD_DELAY")
        self.follow_redirects = settings.getbool("REDIRECT_ENABLED")
        self.max_redirects = settings.getint("REDIRECT_MAX_TIMES")
        self.max_url_length = settings.getint("URLLENGTH_LIMIT")  # UrlLengthMiddleware's
        self.meta_refresh = settings.getbool("METAREFRESH_ENABLED")
        self.refresh_max_delay = settings.getfloat("METAREFRESH_MAXDELAY")
        self.refresh_ignore = [str(t) for t in settings.getlist("METAREFRESH_IGNORE_TAGS")]
        self.referer = settings.getbool("REFERER_ENABLED")
        retry = settings.getbool("RETRY_ENABLED")
        self.retry_times = settings.getint("RETRY_TIMES") if retry else 0
        self.retry_codes = {int(code) for code in settings.getlist("RETRY_HTTP_CODES")}
        # ConditionalFeedMiddleware (on with NEWSDESK_INCREMENTAL) stops those retries.
        self.obey_retry_after = Config.from_settings(settings).incremental
        self.headers = request_headers(settings)
        verify = settings.getbool("DOWNLOAD_VERIFY_CERTIFICATES")
        if not verify:  # Scrapy's default: the crawl does not check certificates either
            urllib3.disable_warnings(urllib3.exceptions.InsecureRequestWarning)
        self.http = urllib3.PoolManager(
            retries=False, cert_reqs="CERT_REQUIRED" if verify else "CERT_NONE"
        )
        self.http.pool_classes_by_scheme = {"http": WatchedHTTPPool, "https": WatchedHTTPSPool}
        # By host:port, as Scrapy keeps them: rules, None (no rules), or why nothing is allowed.
        self.robots: dict[str, Protego | str | None] = {}
        self.last_page: dict[str, float] = {}  # when we last asked each site for a page

    def page(self, url: str) -> ArticlePage | Failure:
        """The article page at `url` (after redirects), or why there is none."""
        if self.max_url_length and len(url) > self.max_url_length:
            reason = reasons.url_too_long(self.max_url_length)
            logger.warning("%s: %s", url[:200], reason)
            return Failure(url, reason)
        answer = self.get(url)
        if isinstance(answer, Failure):
            logger.warning("%s: %s", answer.url, answer.reason)
            return answer
        content_type = answer.header("Content-Type")
        if not 200 <= answer.status < 300:
            reason = reasons.http_status(answer.status)
            logger.warning("%s: %s", answer.url, reason)
            return Failure(answer.url, reason, status=answer.status)
        if not self.is_html(answer):
            encoding = answer.header("Content-Encoding") if answer.encoded else ""
            reason = reasons.not_html(content_type or "", encoding or "")
            return Failure(answer.url, reason, status=answer.status)
        encoding = responses.encoding(answer.body, content_type)
        return ArticlePage(url=answer.url, body=answer.body, encoding=encoding)

    def get(self, url: str, *, robots_txt: bool = False) -> Answer | Failure:
        """The answer at the end of `url`'s redirects, retried as Scrapy retries it, with
        robots.txt asked and DOWNLOAD_DELAY kept before each request; not for a site's
        robots.txt itself (`robots_txt`)."""
        url = safe_url_string(url)
        headers = urllib3.HTTPHeaderDict(self.headers)
        retries = 0  # Scrapy carries the count along the redirects
        redirects: list[int] = []
        while True:
            if not robots_txt:
                if why := self.forbidden(url):
                    return Failure(url, why)
                self.wait_for_turn(url)
            try:
                answer = self.download(url, headers, robots_txt=robots_txt)
            except DownloadFailed as exc:
                if exc.retry and retries < self.retry_times:
                    retries += 1
                    logger.debug("%s: %s; retrying", url, exc.reason)
                    continue
                return Failure(url, exc.reason)
            try:
                target = self.redirect_target(answer)
            except ValueError as exc:  # a port out of range, a broken IPv6 host
                return Failure(url, reasons.bad_redirect(exc))
            if target is not None:
                if len(redirects) >= self.max_redirects:
                    return Failure(url, reasons.too_many_redirects(self.max_redirects))
                redirects.append(answer.status)
                headers.discard("Referer")
                if referer := self.referrer(answer, target):
                    headers["Referer"] = referer
                url = target
                continue
            if answer.status in self.retry_codes and retries < self.retry_times:
                told_to_wait = answer.status in (429, 503) and answer.header("Retry-After")
                if not (told_to_wait and self.obey_retry_after):
                    retries += 1
                    logger.debug("%s: HTTP %s; retrying", url, answer.status)
                    continue
            answer.redirects = redirects
            return answer

    def download(
        self, url: str, headers: urllib3.HTTPHeaderDict, *, robots_txt: bool = False
    ) -> Answer:
        """One request and its whole answer within DOWNLOAD_TIMEOUT; raises `DownloadFailed`.
        A robots.txt is read up to PARSE_LIMIT bytes, not DOWNLOAD_MAXSIZE."""
        with Deadline(self.timeout) as deadline:
            try:
                response = self.http.urlopen(
                    "GET",
                    url,
                    headers=headers,
                    redirect=False,
                    retries=False,
                    preload_content=False,
                    decode_content=False,
                    timeout=deadline.timeout(),
                )
                try:
                    answer = self.read(url, response, robots_txt=robots_txt)
                finally:
                    response.release_conn()
            except (urllib3.exceptions.HTTPError, OSError) as exc:
                if deadline.expired:
                    raise DownloadFailed(reasons.TIMED_OUT, retry=True) from exc
                if isinstance(exc, TooLarge):
                    raise DownloadFailed(reasons.too_large(self.max_size), retry=False) from exc
                if isinstance(exc, NotHTTP):
                    raise DownloadFailed(reasons.NOT_HTTP, retry=True) from exc
                raise DownloadFailed(describe_error(exc), retry=True) from exc
        if deadline.expired:  # the answer ended when its socket was shut: not whole
            raise DownloadFailed(reasons.TIMED_OUT, retry=True)
        return answer

    def read(
        self, url: str, response: urllib3.BaseHTTPResponse, *, robots_txt: bool = False
    ) -> Answer:
        """The whole body: no more than DOWNLOAD_MAXSIZE bytes, announced, received or
        decompressed; decompressed as Scrapy's HttpCompressionMiddleware would. Of a robots.txt,
        what came until PARSE_LIMIT bytes were received."""
        max_size = 0 if robots_txt else self.max_size
        announced = response.headers.get("Content-Length", "")
        if announced and not announced.strip().isdigit():  # `abc`, `-5`: Twisted reads no answer
            response.close()
            raise NotHTTP
        if max_size and announced.isdigit() and int(announced) > max_size:
            response.close()
            raise TooLarge
        encodings = kept_encodings(response.headers.getlist("Content-Encoding"))
        chunks, size = [], 0
        for chunk in response.stream(CHUNK, decode_content=not encodings):
            size += len(chunk)
            if max_size and max(size, response.tell()) > max_size:
                response.close()
                raise TooLarge
            chunks.append(chunk)
            if robots_txt and max(size, response.tell()) > PARSE_LIMIT:
                response.close()  # the answer so far is parsed (a gzip bomb: not inflated)
                break
        return Answer(url, response.status, response.headers, b"".join(chunks), bool(encodings))

    def is_html(self, answer: Answer) -> bool:
        # A body still encoded is judged by its URL and its first bytes, as Scrapy judges it.
        return responses.is_html(
            answer.url,
            answer.body,
            content_type=answer.header("Content-Type"),
            content_encoding=answer.header("Content-Encoding") if answer.encoded else None,
            content_disposition=answer.header("Content-Disposition"),
        )

    def redirect_target(self, answer: Answer) -> str | None:
        """Where RedirectMiddleware (a 3xx with Location) or MetaRefreshMiddleware (an HTML
        page whose `<meta http-equiv="refresh">` waits less than METAREFRESH_MAXDELAY) send
        the request next; None to keep the answer."""
        location = answer.header("Location")
        if self.follow_redirects and answer.status in REDIRECT_STATUSES and location is not None:
            target: str | None = self.location(answer.url, location)
        elif self.meta_refresh and self.is_html(answer):
            encoding = responses.encoding(answer.body, answer.header("Content-Type"))
            delay, target = responses.meta_refresh(
                answer.url, answer.body, encoding, self.refresh_ignore
            )
            if delay is None or delay >= self.refresh_max_delay:
                return None
        else:
            return None
        target = safe_url_string(target or "")
        return target if urlsplit(target).scheme in ("http", "https") else None

    @staticmethod
    def location(url: str, location: str) -> str:
        """The URL a Location header names, as RedirectMiddleware reads it."""
        raw = location.encode("latin-1")  # the header's bytes, as Scrapy has them
        target = safe_url_string(raw)
        if raw.startswith(b"//"):
            target = f"{urlsplit(url).scheme}://{target.lstrip('/')}"
        target = urljoin(url, target)
        fragment = urlsplit(url).fragment
        if fragment and not urlsplit(target).fragment:
            target = urljoin(target, f"#{fragment}")
        return target

    def referrer(self, answer: Answer, target: str) -> str | None:
        if not self.referer:
            return None
        return responses.referrer(answer.header("Referrer-Policy"), answer.url, target)

    def forbidden(self, url: str) -> str | None:
        """Why robots.txt keeps us from `url` (for our User-Agent, or ROBOTSTXT_USER_AGENT),
        or None. Each site's robots.txt is read once, as crawler/components/robots.py reads it
        (RFC 9309)."""
        if not self.obey_robots:
            return None
        netloc = urlsplit(url).netloc
        if netloc not in self.robots:
            self.robots[netloc] = self.read_robots(url)
        rules = self.robots[netloc]
        if isinstance(rules, str):
            return rules
        agent = self.robots_agent or self.headers["User-Agent"]
        allowed = rules is None or rules.can_fetch(url, agent)
        return None if allowed else reasons.ROBOTS_FORBIDDEN

    def read_robots(self, url: str) -> Protego | str | None:
        """The rules of `url`'s site (none for a 4xx); None for a robots.txt lost in redirects;
        or, when it answers 5xx or 429 or not at all, the reason none of its pages may be
        fetched. Its first PARSE_LIMIT bytes are read, whatever DOWNLOAD_MAXSIZE."""
        parts = urlsplit(url)
        answer = self.get(f"{parts.scheme}://{parts.netloc}/robots.txt", robots_txt=True)
        if isinstance(answer, Failure):
            if answer.reason == reasons.too_many_redirects(self.max_redirects):
                return None  # Scrapy's IgnoreRequest: no rules
            why = answer.reason
            reason = why if why in reasons.UNREACHABLE else reasons.robots_unreachable(why)
        elif (verdict := robots_answer(answer.status)) is Robots.UNREACHABLE:
            reason = reasons.robots_unreachable(f"HTTP {answer.status}")
        else:  # rules, or none at all (a 4xx)
            body = within_limit(answer.body) if verdict is Robots.RULES else b""
            return Protego.parse(body.decode("utf-8-sig", errors="ignore"))
        logger.warning("%s/robots.txt: %s", parts.netloc, reason)
        return reason

    def wait_for_turn(self, url: str) -> None:
        """DOWNLOAD_DELAY between two requests for pages of one site."""
        site = urlsplit(url).netloc
        last = self.last_page.get(site)
        if last is not None:
            time.sleep(max(0.0, last + self.delay - time.monotonic()))
        self.last_page[site] = time.monotonic()


class TooLarge(urllib3.exceptions.HTTPError):
    """The body passed DOWNLOAD_MAXSIZE."""


class NotHTTP(urllib3.exceptions.HTTPError):
    """Headers Scrapy's downloader (Twisted) takes for no HTTP answer: a Content-Length that is
    not a number."""


def request_headers(settings: PlainSettings) -> urllib3.HTTPHeaderDict:
    """The headers Scrapy's DefaultHeaders, UserAgent and HttpCompression middlewares give a
    request, in that order, each keeping what an earlier one set."""
    defaults = settings.get("DEFAULT_REQUEST_HEADERS") or {}
    if isinstance(defaults, str):  # -s DEFAULT_REQUEST_HEADERS='{"Accept-Language": "de"}'
        defaults = json.loads(defaults)
    headers = urllib3.HTTPHeaderDict({k: str(v) for k, v in defaults.items() if v is not None})
    headers.setdefault("User-Agent", settings["USER_AGENT"])
    headers.setdefault("Accept-Encoding", ACCEPT_ENCODING)
    return headers


def kept_encodings(values: list[str]) -> list[str]:
    """The Content-Encodings Scrapy leaves on a body: it decodes from the last one applied
    and stops at the first it does not know."""
    kept = [e.strip().lower() for value in values for e in value.split(",")]
    while kept and kept[-1] in DECODED:
        kept.pop()
    return kept


def describe_error(exc: Exception) -> str:
    """The reason spiders/base.py gives for the same failure in a crawl."""
    reason: BaseException = exc
    if isinstance(exc, urllib3.exceptions.MaxRetryError) and exc.reason is not None:
        reason = exc.reason
    if isinstance(reason, urllib3.exceptions.NameResolutionError):
        return reasons.HOST_NOT_FOUND
    # urllib3 makes a failed connection a kind of timeout, whatever the cause.
    if isinstance(reason, urllib3.exceptions.NewConnectionError) and "refused" in str(reason):
        return reasons.CONNECTION_REFUSED
    if isinstance(reason, urllib3.exceptions.TimeoutError | TimeoutError):
        return reasons.TIMED_OUT
    if isinstance(reason, urllib3.exceptions.ProtocolError):
        if any(isinstance(arg, http.client.IncompleteRead) for arg in reason.args):
            return reasons.CUT_SHORT  # fewer bytes than its Content-Length
        if reason.args[:1] == ("Connection aborted.",) or any(
            isinstance(arg, http.client.HTTPException) for arg in reason.args
        ):  # before the body: a bad status line, header line or header count; a hang-up
            return reasons.NOT_HTTP
        if "ended prematurely" in str(reason) or any(
            isinstance(arg, ConnectionResetError) for arg in reason.args
        ):  # a chunked body without its last chunk, a reset in the body
            return reasons.CUT_SHORT
    return reasons.download_error(reason)
