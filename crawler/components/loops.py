"""Redirect loops end as failures: Scrapy's duplicate filter, except for a redirect back to a
URL of the request's own chain.

Scrapy's RedirectMiddleware and MetaRefreshMiddleware hand a redirected request back to the
scheduler, whose duplicate filter drops it without a word (no errback) when its URL was asked
for already. A page that redirected or refreshed to itself, or two pages that sent each other
back and forth, thus left no trace: no article, no failure, and the feed was saved as read.
Let through, the loop ends at REDIRECT_MAX_TIMES, and the page fails with `more than 20
redirects (REDIRECT_MAX_TIMES)`, as `fetch` words it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from scrapy.dupefilters import RFPDupeFilter

if TYPE_CHECKING:
    from scrapy import Request


class RedirectLoopDupeFilter(RFPDupeFilter):
    """`DUPEFILTER_CLASS`: Scrapy's, letting through a request whose URL is in its own
    `redirect_urls`."""

    def request_seen(self, request: Request) -> bool:
        if request.url in request.meta.get("redirect_urls", ()):
            return False
        return super().request_seen(request)
