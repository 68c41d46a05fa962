"""What a crawl or fetch did and how it ended, and the mistakes that stop one before it starts.

Scrapy-free, so that commands which do not crawl (`fetch` of a few pages, `feeds add`) need not
import it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from crawler.ingest.items import Failure, FeedPolled, StoredArticle
from crawler.ingest.urls import is_http_url

# How a crawl ended (`crawl_runs.status`) and the exit code `newsdesk crawl` gives it.
CRAWL_EXIT = {
    "finished": 0,  # every due feed was polled, every new article fetched
    "nothing due": 0,  # no feed due a poll, no article due a revision check
    "no feed read": 3,  # the run finished, but not one feed could be read
    "stopped": 5,  # --max-runtime came first; the next run fetches the rest
    "aborted": 130,  # stopped by Ctrl-C or SIGTERM (128 + SIGINT, as shells report it)
    "failed": 1,  # the archive could not be written (locked, full, read-only, damaged)
}
# Stats (`newsdesk/<name>`) copied into `crawl_runs`.
RUN_STATS = (
    "feeds_polled", "feeds_unchanged", "feeds_failed", "articles_new", "articles_updated",
    "articles_unchanged", "articles_skipped", "failures",
)  # fmt: skip


def run_counts(stats: dict[str, Any]) -> dict[str, int]:
    """The `crawl_runs` counters a crawl's stats hold (RUN_STATS)."""
    return {name: int(stats.get(f"newsdesk/{name}", 0)) for name in RUN_STATS}


class UsageError(ValueError):
    """The request cannot be run as given (no feeds, a URL that is not http(s), ...)."""


@dataclass
class RunResult:
    """What one crawl or fetch did."""

    stats: dict[str, Any]
    stored: list[StoredArticle] = field(default_factory=list)
    failures: list[Failure] = field(default_factory=list)
    feeds: list[FeedPolled] = field(default_factory=list)
    status: str = "finished"  # a key of CRAWL_EXIT, for crawls
    counts: dict[str, int] = field(default_factory=dict)  # the crawl's `crawl_runs` counters
    next_poll: str | None = None  # when a crawl that found nothing due has work next
    error: str | None = None  # why the archive could not be written (status "failed")

    @property
    def exit_code(self) -> int:
        return CRAWL_EXIT[self.status]

    @property
    def finished(self) -> bool:
        return self.stats.get("finish_reason") == "finished"


def check_urls(urls: list[str]) -> None:
    """Refuse what is not one http(s) URL per argument."""
    for url in urls:
        words = url.split()
        if len(words) > 1 and all(is_http_url(w) for w in words):
            raise UsageError(
                f"{url!r} holds {len(words)} URLs: give each its own argument "
                "(--feed URL1 --feed URL2, or URL1 URL2 unquoted)"
            )
        if not is_http_url(url.strip()):
            raise UsageError(f"not an http(s) URL: {url}")


def not_stored(error: str, stats: dict[str, Any]) -> str:
    """The line for a `fetch` the archive stopped: why, and what was stored before that."""
    stored = stats.get("newsdesk/articles_stored", 0)
    return f"{error}; {stored} page(s) stored before that, the others not"
