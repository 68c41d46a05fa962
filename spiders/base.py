"""What every newsdesk spider does with an article URL: fetch it, hand HTML on, explain failures."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import scrapy
from scrapy.exceptions import (
    CannotResolveHostError,
    DownloadConnectionRefusedError,
    DownloadTimeoutError,
    IgnoreRequest,
)
from scrapy.http import HtmlResponse
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.internet.error import (
    ConnectionRefusedError,
    DNSLookupError,
    TCPTimedOutError,
    TimeoutError,
)

from crawler.items import ArticlePage, Failure

if TYPE_CHECKING:
    from collections.abc import Iterator

    from scrapy.http import Response
    from twisted.python.failure import Failure as TwistedFailure

    from crawler.items import FeedEntry


class ArticleSpider(scrapy.Spider):
    """Base for spiders that end in article pages."""

    def article_request(self, url: str, entry: FeedEntry | None = None) -> scrapy.Request:
        return scrapy.Request(
            url,
            callback=self.parse_article,
            errback=self.article_failed,
            cb_kwargs={"entry": entry},
        )

    def parse_article(
        self, response: Response, entry: FeedEntry | None = None
    ) -> Iterator[ArticlePage | Failure]:
        if not isinstance(response, HtmlResponse):
            content_type = (response.headers.get("Content-Type") or b"").decode("latin-1")
            kind = content_type.split(";")[0].strip() or "unknown type"
            yield Failure(
                response.url,
                f"not HTML: {kind}",
                status=response.status,
                feed_url=entry.feed_url if entry else None,
            )
            return
        yield ArticlePage(
            url=response.url, body=response.body, encoding=response.encoding, entry=entry
        )

    def article_failed(self, failure: TwistedFailure) -> Iterator[Failure]:
        request = failure.request  # type: ignore[attr-defined]
        entry = request.cb_kwargs.get("entry")
        status, reason = describe_failure(failure)
        self.logger.warning("%s: %s", request.url, reason)
        yield Failure(
            request.url, reason, status=status, feed_url=entry.feed_url if entry else None
        )


def describe_failure(failure: TwistedFailure) -> tuple[int | None, str]:
    """An HTTP status (if any) and a reason a person can act on."""
    exc: Any = failure.value
    if isinstance(exc, HttpError):
        status = exc.response.status
        return status, f"HTTP {status}"
    if isinstance(exc, IgnoreRequest) and "robots.txt" in str(exc):
        return None, "forbidden by robots.txt"
    if isinstance(exc, CannotResolveHostError | DNSLookupError):
        return None, "unreachable: host name not found"
    if isinstance(exc, DownloadConnectionRefusedError | ConnectionRefusedError):
        return None, "unreachable: connection refused"
    if isinstance(exc, DownloadTimeoutError | TimeoutError | TCPTimedOutError):
        return None, "unreachable: timed out"
    return None, f"{type(exc).__name__}: {' '.join(str(exc).split())}"[:300]
