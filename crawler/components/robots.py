"""Scrapy's robots.txt middleware, with each site's rules given to every request that waited.

Scrapy 2.19's `RobotsTxtMiddleware` makes the requests that reach a site while its robots.txt is
still downloading wait on one Deferred. Awaited through `Deferred.asFuture`, a Deferred gives its
result to the first waiter only and `None` to the rest, which the middleware reads as "no
robots.txt": those requests went out unchecked (a crawl of several pages of a new site fetched
disallowed ones). Scrapy stores the parser in its table before firing the Deferred, so a waiter
that got `None` reads it from there.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from scrapy.downloadermiddlewares import robotstxt
from scrapy.robotstxt import RobotParser
from scrapy.utils.httpobj import urlparse_cached

if TYPE_CHECKING:
    from scrapy import Request


class RobotsTxtMiddleware(robotstxt.RobotsTxtMiddleware):
    async def robot_parser(self, request: Request) -> RobotParser | None:
        parser = await super().robot_parser(request)
        if parser is None:
            stored = self._parsers.get(urlparse_cached(request).netloc)
            if isinstance(stored, RobotParser):
                return stored
        return parser
