"""The reasons a page or feed was not stored, as `failures.reason` records them: one wording
whichever downloader met the failure (Scrapy in a crawl, crawler/app/direct.py in a quick fetch)."""

from __future__ import annotations

ROBOTS_FORBIDDEN = "forbidden by robots.txt"
HOST_NOT_FOUND = "unreachable: host name not found"
CONNECTION_REFUSED = "unreachable: connection refused"
TIMED_OUT = "unreachable: timed out"
UNREACHABLE = (HOST_NOT_FOUND, CONNECTION_REFUSED, TIMED_OUT)
ROBOTS_UNREACHABLE = "robots.txt unreachable"
CUT_SHORT = "answer cut short: the connection closed before the end of the page"
INTERRUPTED = "interrupted: the crawl stopped before it was downloaded"
# A status line or headers no HTTP client reads (`HTTP/1.1 abc`, a 200 KB header line, more
# than 100 headers for `fetch`), or a connection closed before any answer.
NOT_HTTP = "no HTTP answer: the connection closed, or what came was not HTTP"
# A gzip (deflate, br, zstd) body that does not decode.
BAD_ENCODING = "unreadable answer: the body does not decode as its Content-Encoding says"
# Download errors by class name (Scrapy's, Twisted's, the standard library's), so that every
# downloader words them alike without this module importing any of them.
BY_EXCEPTION = {
    "CannotResolveHostError": HOST_NOT_FOUND,
    "DNSLookupError": HOST_NOT_FOUND,
    "DownloadConnectionRefusedError": CONNECTION_REFUSED,
    "ConnectionRefusedError": CONNECTION_REFUSED,
    "DownloadTimeoutError": TIMED_OUT,
    "TimeoutError": TIMED_OUT,
    "TCPTimedOutError": TIMED_OUT,
    "ResponseDataLossError": CUT_SHORT,  # fewer bytes than its Content-Length
    "DownloadFailedError": NOT_HTTP,  # Twisted's ResponseFailed: no (whole) answer
    "BadGzipFile": BAD_ENCODING,
    "ZstdError": BAD_ENCODING,
    "DecodeError": BAD_ENCODING,  # urllib3's
    "InvalidHeader": NOT_HTTP,  # urllib3's: Content-Length twice, with two values
    "zlib.error": BAD_ENCODING,  # by module: their class is called `error`
    "brotli.error": BAD_ENCODING,
    "Interrupted": INTERRUPTED,  # crawler/components/stop.py: cut off by a stop
}


def http_status(status: int) -> str:
    return f"HTTP {status}"


def not_html(content_type: str, content_encoding: str = "") -> str:
    """An answer that is not a web page, by its Content-Type header, and the Content-Encoding
    left on its body when it is one that could not be decoded (`xyz`)."""
    kind = content_type.split(";")[0].strip() or "unknown type"
    if content_encoding:
        return f"not HTML: {kind} in a Content-Encoding that cannot be decoded ({content_encoding})"
    return f"not HTML: {kind}"


def too_many_redirects(limit: int) -> str:
    """A chain of redirects longer than REDIRECT_MAX_TIMES (a loop, most often)."""
    return f"more than {limit} redirects (REDIRECT_MAX_TIMES)"


def too_large(limit: int, setting: str = "DOWNLOAD_MAXSIZE", unit: str = "") -> str:
    """A page or feed bigger than newsdesk takes: the same words whether the size was announced
    (Content-Length) or found while downloading or before extracting; `unit` when the limit
    is not in bytes."""
    return f"too large: more than {f'{limit:,} {unit}' if unit else size(limit)} ({setting})"


def size(count: int) -> str:
    """A byte count as people read it: 10 MB, 500 KB, 900 bytes (1 MB = 1,048,576 bytes)."""
    for unit, scale in (("MB", 1 << 20), ("KB", 1 << 10)):
        if count >= scale:
            return f"{count / scale:.3g} {unit}"
    return f"{count} bytes"


def labelled(label: str, exc: BaseException) -> str:
    """`label: what the error says`, its white space squashed, cut at 300 characters."""
    return f"{label}: {' '.join(str(exc).split())}"[:300]


def unexpected(exc: BaseException) -> str:
    """Any other error, named, on one line."""
    return labelled(type(exc).__name__, exc)


def bad_url(exc: BaseException) -> str:
    """A link no request can be made for (a port out of range, a broken IPv6 host)."""
    return labelled("bad URL", exc)


def bad_redirect(exc: BaseException) -> str:
    """A redirect (Location, or `<meta http-equiv="refresh">`) to a URL no request can be made
    for."""
    return labelled("bad redirect", exc)


def url_too_long(limit: int) -> str:
    """A link longer than Scrapy requests (URLLENGTH_LIMIT, 2,083 characters by default)."""
    return f"URL too long: more than {limit:,} characters (URLLENGTH_LIMIT)"


def download_error(exc: BaseException) -> str:
    """A download that got no answer: unreachable (and why), or the error named."""
    for cls in type(exc).__mro__:
        for name in (cls.__name__, f"{cls.__module__}.{cls.__name__}"):
            if name in BY_EXCEPTION:
                return BY_EXCEPTION[name]
    return unexpected(exc)


def robots_unreachable(why: str) -> str:
    """RFC 9309: a robots.txt that answers 5xx (or 429), or not at all, disallows the site."""
    return f"{ROBOTS_UNREACHABLE} ({why.removeprefix('unreachable: ')}): host treated as disallowed"


def transient(status: int | None, reason: str) -> bool:
    """Whether a failure may go away by itself: the site was unreachable, overloaded or
    limiting us, or its robots.txt was (not a 404, a PDF, a page without an article or a
    robots.txt ban)."""
    return (
        reason in UNREACHABLE
        or reason == INTERRUPTED
        or reason.startswith(ROBOTS_UNREACHABLE)
        or status == 429
        or (status or 0) >= 500
    )
