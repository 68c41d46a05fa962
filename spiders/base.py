"""What every newsdesk spider does with an article URL: fetch it, hand HTML on, explain failures."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

import scrapy
from scrapy.exceptions import DownloadCancelledError, IgnoreRequest
from scrapy.http import HtmlResponse
from scrapy.spidermiddlewares.httperror import HttpError

from crawler.ingest import reasons
from crawler.ingest.items import ArticlePage, Failure, feed_url_of
from crawler.policy.schedule import retry_after
from storage.times import iso

if TYPE_CHECKING:
    from collections.abc import Iterator

    from scrapy.http import Response
    from twisted.python.failure import Failure as TwistedFailure

    from crawler.ingest.items import FeedEntry


class ArticleSpider(scrapy.Spider):
    """Base for spiders that end in article pages."""

    def article_request(
        self, url: str, entry: FeedEntry | None = None, *, dont_filter: bool = False
    ) -> scrapy.Request:
        """`dont_filter`: fetch it even if a request of this run went (or was redirected) to
        the same URL, and follow its redirects until REDIRECT_MAX_TIMES."""
        return scrapy.Request(
            url,
            callback=self.parse_article,
            errback=self.article_failed,
            cb_kwargs={"entry": entry},
            dont_filter=dont_filter,
        )

    def parse_article(
        self, response: Response, entry: FeedEntry | None = None
    ) -> Iterator[ArticlePage | Failure]:
        if not isinstance(response, HtmlResponse):
            content_type = (response.headers.get("Content-Type") or b"").decode("latin-1")
            # what HttpCompressionMiddleware could not decode is left on it
            encoding = (response.headers.get("Content-Encoding") or b"").decode("latin-1")
            yield Failure(
                response.url,
                reasons.not_html(content_type, encoding),
                status=response.status,
                feed_url=feed_url_of(entry),
            )
            return
        yield ArticlePage(
            url=response.url, body=response.body, encoding=response.encoding, entry=entry
        )

    def max_size(self, request: scrapy.Request) -> int:
        """The DOWNLOAD_MAXSIZE a request was downloaded under."""
        return int(request.meta.get("download_maxsize") or self.settings.getint("DOWNLOAD_MAXSIZE"))

    def article_failed(self, failure: TwistedFailure) -> Iterator[Failure]:
        request = failure.request  # type: ignore[attr-defined]
        entry = request.cb_kwargs.get("entry")
        status, reason = describe_failure(failure, max_size=self.max_size(request))
        if reason == reasons.INTERRUPTED:  # fetched by the next run
            self.logger.info("%s: %s", request.url, reason)
        else:
            self.logger.warning("%s: %s", request.url, reason)
        yield Failure(
            request.url,
            reason,
            status=status,
            feed_url=feed_url_of(entry),
            retry_at=retry_at(failure, reason),
        )


# Where Scrapy's RedirectMiddleware and MetaRefreshMiddleware live.
REDIRECTS = "/scrapy/downloadermiddlewares/redirect.py"


def describe_failure(failure: TwistedFailure, *, max_size: int) -> tuple[int | None, str]:
    """An HTTP status (if any) and a reason a person can act on; `max_size` is the
    DOWNLOAD_MAXSIZE the request was made under."""
    exc: Any = failure.value
    if isinstance(exc, DownloadCancelledError) or (
        isinstance(exc, IgnoreRequest) and "DOWNLOAD_MAXSIZE" in str(exc)
    ):  # the body passed DOWNLOAD_MAXSIZE: announced, received, or once decompressed
        return None, reasons.too_large(max_size)
    if isinstance(exc, HttpError):
        status = exc.response.status
        return status, reasons.http_status(status)
    if isinstance(exc, IgnoreRequest) and (
        str(exc).startswith(reasons.ROBOTS_UNREACHABLE)
        or str(exc) in (*reasons.UNREACHABLE, reasons.INTERRUPTED)
    ):  # robots.txt could not be read: crawler/components/robots.py words it
        return None, str(exc)
    if isinstance(exc, IgnoreRequest) and "robots.txt" in str(exc):
        return None, reasons.ROBOTS_FORBIDDEN
    if isinstance(exc, IgnoreRequest) and "max redirections" in str(exc):
        # RedirectMiddleware gives up on the request that has made REDIRECT_MAX_TIMES redirects
        redirects = failure.request.meta.get("redirect_times", 0)  # type: ignore[attr-defined]
        return None, reasons.too_many_redirects(redirects)
    if isinstance(exc, ValueError) and any(
        frame[1].endswith(REDIRECTS) for frame in failure.frames
    ):  # RedirectMiddleware or MetaRefreshMiddleware could not read where the answer sent it
        return None, reasons.bad_redirect(exc)
    return None, reasons.download_error(exc)


def retry_at(failure: TwistedFailure, reason: str) -> str | None:
    """When a failed page may be fetched again, if not on the usual backoff: once the site's
    `Retry-After` has passed, or at once for a page a stop cut off."""
    now = datetime.now(UTC)
    if reason == reasons.INTERRUPTED:
        return iso(now)
    exc: Any = failure.value
    if isinstance(exc, HttpError) and (header := exc.response.headers.get("Retry-After")):
        wait = retry_after(header.decode("latin-1"), now=now)
        return iso(now + timedelta(seconds=wait)) if wait is not None else None
    return None
