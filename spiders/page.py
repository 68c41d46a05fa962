"""`page`: fetch given article URLs now (what `newsdesk fetch` runs when it needs Scrapy; see
crawler/app/direct.py)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from crawler.ingest import reasons
from crawler.ingest.items import Failure
from spiders.base import ArticleSpider

if TYPE_CHECKING:
    from collections.abc import AsyncIterator

    import scrapy


class PageSpider(ArticleSpider):
    name = "page"

    def __init__(self, urls: str | list[str] = "", **kwargs: Any) -> None:
        super().__init__(**kwargs)
        # `-a urls=URL,URL` arrives as a string; the Python API passes a list.
        self.urls = [u for u in (urls.split(",") if isinstance(urls, str) else urls) if u]

    async def start(self) -> AsyncIterator[scrapy.Request | Failure]:
        limit = self.settings.getint("URLLENGTH_LIMIT")
        for url in self.urls:
            if limit and len(url) > limit:  # UrlLengthMiddleware would drop it without a word
                self.logger.warning("%s: %s", url[:200], reasons.url_too_long(limit))
                yield Failure(url, reasons.url_too_long(limit))
                continue
            yield self.article_request(url, dont_filter=True)  # fetch each as asked
