"""Keeping CONCURRENT_REQUESTS_PER_DOMAIN when there is no delay between requests.

Scrapy 2.19's downloader starts every request queued for a host at once when the host's delay
is 0, whatever CONCURRENT_REQUESTS_PER_DOMAIN says (it counts a download as transferring only
once its task runs). A delay of 1 ms keeps the limit and costs nothing a person would notice.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from scrapy.settings import BaseSettings

MIN_DOWNLOAD_DELAY = 0.001  # seconds


def keep_concurrency_limit(settings: BaseSettings) -> None:
    """Take a DOWNLOAD_DELAY under 1 ms as 1 ms, at the priority it was given with."""
    if settings.getfloat("DOWNLOAD_DELAY") < MIN_DOWNLOAD_DELAY:
        priority = settings.getpriority("DOWNLOAD_DELAY") or 0
        settings.set("DOWNLOAD_DELAY", MIN_DOWNLOAD_DELAY, priority=priority)
