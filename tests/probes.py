"""A Scrapy extension for tests that look inside a crawl run by the real CLI: enable it with
`-s EXTENSIONS=...` (see `with_probe`) and read its stat from the crawl's stats dump (`-v`)."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from scrapy import signals

from crawler.components import settings

if TYPE_CHECKING:
    from scrapy.crawler import Crawler


class SchedulerPeak:
    """`newsdesk/scheduler_peak`: the most requests Scrapy's scheduler held at once."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        crawler.signals.connect(self.request_scheduled, signal=signals.request_scheduled)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> SchedulerPeak:
        return cls(crawler)

    def request_scheduled(self, request: Any) -> None:
        # Sent just before the request joins the scheduler: count it in.
        assert self.crawler.engine is not None and self.crawler.stats is not None
        held = len(self.crawler.engine.scheduler or ()) + 1  # type: ignore[arg-type]
        self.crawler.stats.max_value("newsdesk/scheduler_peak", held)


def with_probe(probe: type) -> tuple[str, str]:
    """`-s EXTENSIONS=...`: newsdesk's own extensions and `probe`."""
    extensions = {**settings.EXTENSIONS, f"{probe.__module__}.{probe.__qualname__}": 900}
    return "-s", f"EXTENSIONS={json.dumps(extensions)}"
