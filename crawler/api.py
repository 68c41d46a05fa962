"""newsdesk's Python API: crawl feeds or fetch pages into an archive. The CLI is a thin layer on it.

Each function runs Scrapy's reactor, which can run once per process: call one per process.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from scrapy import signals
from scrapy.crawler import AsyncCrawlerProcess

from crawler.items import Failure, FeedPolled, StoredArticle
from crawler.urls import is_http_url
from spiders.feeds import FeedSpider
from spiders.page import PageSpider
from storage import Archive

if TYPE_CHECKING:
    from scrapy import Spider
    from scrapy.settings import Settings


# Scrapy components that log failures (with tracebacks) that newsdesk reports in one line itself.
REPORTED_BY_NEWSDESK = (
    "scrapy.downloadermiddlewares.robotstxt",
    "scrapy.downloadermiddlewares.retry",
)


class UsageError(ValueError):
    """The request cannot be run as given (no feeds, a URL that is not http(s), ...)."""


@dataclass
class RunResult:
    """What one crawl or fetch did."""

    stats: dict[str, Any]
    stored: list[StoredArticle] = field(default_factory=list)
    failures: list[Failure] = field(default_factory=list)
    feeds: list[FeedPolled] = field(default_factory=list)

    @property
    def finished(self) -> bool:
        return self.stats.get("finish_reason") == "finished"


def run_spider(spidercls: type[Spider], settings: Settings, **spider_args: Any) -> RunResult:
    """Run one spider to the end in this process and report what it stored and what failed."""
    process = AsyncCrawlerProcess(settings)  # configures logging from LOG_LEVEL
    if logging.getLevelName(settings.get("LOG_LEVEL")) >= logging.WARNING:
        for name in REPORTED_BY_NEWSDESK:
            logging.getLogger(name).setLevel(logging.CRITICAL)
    crawler = process.create_crawler(spidercls)
    result = RunResult(stats={})

    def collect(item: Any) -> None:
        match item:
            case StoredArticle():
                result.stored.append(item)
            case Failure():
                result.failures.append(item)
            case FeedPolled():
                result.feeds.append(item)

    crawler.signals.connect(collect, signal=signals.item_scraped)
    process.crawl(crawler, **spider_args)
    process.start()
    assert crawler.stats is not None
    result.stats = crawler.stats.get_stats()
    return result


def check_urls(urls: list[str]) -> None:
    bad = [u for u in urls if not is_http_url(u)]
    if bad:
        raise UsageError(f"not an http(s) URL: {bad[0]}")


def open_archive(settings: Settings) -> Archive:
    """Open (and create or migrate) the archive named by NEWSDESK_DB; raises StorageError."""
    return Archive(settings.get("NEWSDESK_DB"))


def crawl_feeds(settings: Settings, feeds: list[str] | None = None) -> RunResult:
    """Poll `feeds` (remembering them), or every remembered feed, and store their articles."""
    archive = open_archive(settings)
    try:
        if feeds:
            check_urls(feeds)
            archive.add_feeds(feeds)
        else:
            feeds = [f["url"] for f in archive.feeds()]
    finally:
        archive.close()
    if not feeds:
        raise UsageError(
            "no feeds to crawl: add one with `newsdesk feeds add URL` or pass --feed URL"
        )
    return run_spider(FeedSpider, settings, feeds=feeds)


def fetch_urls(settings: Settings, urls: list[str]) -> RunResult:
    """Fetch article pages now (robots.txt still applies) and store them."""
    check_urls(urls)
    open_archive(settings).close()
    if len(urls) <= 4:  # a pool costs more than it saves; a user's own setting still wins
        settings.set("NEWSDESK_EXTRACT_INLINE", True, priority="project")
    return run_spider(PageSpider, settings, urls=urls)
