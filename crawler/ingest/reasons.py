"""The reasons a page or feed was not stored, as `failures.reason` records them: one wording
whichever downloader met the failure (Scrapy in a crawl, crawler/app/direct.py in a quick fetch)."""

from __future__ import annotations

ROBOTS_FORBIDDEN = "forbidden by robots.txt"
HOST_NOT_FOUND = "unreachable: host name not found"
CONNECTION_REFUSED = "unreachable: connection refused"
TIMED_OUT = "unreachable: timed out"
UNREACHABLE = (HOST_NOT_FOUND, CONNECTION_REFUSED, TIMED_OUT)


def http_status(status: int) -> str:
    return f"HTTP {status}"


def not_html(content_type: str) -> str:
    """An answer that is not a web page, by its Content-Type header."""
    return f"not HTML: {content_type.split(';')[0].strip() or 'unknown type'}"


def too_large(limit: int, setting: str = "DOWNLOAD_MAXSIZE") -> str:
    """A page or feed bigger than newsdesk takes: the same words whether the size was announced
    (Content-Length) or found while downloading or before extracting."""
    return f"too large: more than {size(limit)} ({setting})"


def size(count: int) -> str:
    """A byte count as people read it: 10 MB, 500 KB, 900 bytes (1 MB = 1,048,576 bytes)."""
    for unit, scale in (("MB", 1 << 20), ("KB", 1 << 10)):
        if count >= scale:
            return f"{count / scale:.3g} {unit}"
    return f"{count} bytes"


def unexpected(exc: BaseException) -> str:
    """Any other error, named, on one line."""
    return f"{type(exc).__name__}: {' '.join(str(exc).split())}"[:300]


def transient(status: int | None, reason: str) -> bool:
    """Whether a failure may go away by itself: the site was unreachable, overloaded or
    limiting us (not a 404, a PDF, a page without an article or a robots.txt ban)."""
    return reason in UNREACHABLE or status == 429 or (status or 0) >= 500
