"""newsdesk's Python API: crawl feeds or fetch pages into an archive. The CLI is a thin layer on it.

Each function runs Scrapy's reactor, which can run once per process: call one per process.
"""

from __future__ import annotations

import logging
import math
import os
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from scrapy import signals
from scrapy.crawler import AsyncCrawlerProcess

from crawler.incremental import Config, plan_crawl
from crawler.items import Failure, FeedEntry, FeedPolled, StoredArticle
from crawler.lock import crawl_lock
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


# How a crawl ended (`crawl_runs.status`) and the exit code `newsdesk crawl` gives it.
CRAWL_EXIT = {
    "finished": 0,  # every due feed was polled, every new article fetched
    "nothing due": 0,  # no feed due a poll, no article due a revision check
    "no feed read": 3,  # the run finished, but not one feed could be read
    "stopped": 5,  # --max-runtime came first; the next run fetches the rest
    "aborted": 1,  # stopped some other way (SIGTERM, Ctrl-C)
}
# Stats (`newsdesk/<name>`) copied into `crawl_runs`.
RUN_STATS = (
    "feeds_polled", "feeds_unchanged", "feeds_failed", "articles_new", "articles_updated",
    "articles_unchanged", "articles_skipped", "failures",
)  # fmt: skip


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

    @property
    def exit_code(self) -> int:
        return CRAWL_EXIT[self.status]

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


def crawl_feeds(
    settings: Settings,
    feeds: list[str] | None = None,
    *,
    every_feed: bool = False,
    wait: bool = False,
    max_runtime: float | None = None,
) -> RunResult:
    """Poll `feeds` (remembering them), or every remembered feed, and store their articles.

    Only feeds due a poll are read (`every_feed` reads them all), and archived articles due a
    revision check are fetched again. One crawl per archive at a time: raises `ArchiveBusy`
    when another holds it, unless `wait`. `max_runtime` (seconds) bounds the whole call, the
    wait included, and stops the crawl cleanly.
    """
    started = time.monotonic()
    config = Config.from_settings(settings)  # a bad setting stops us before any write
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
    wait_for = (max_runtime or math.inf) if wait else 0
    with crawl_lock(settings.get("NEWSDESK_DB"), wait=wait_for):
        if max_runtime:
            max_runtime = max(1.0, max_runtime - (time.monotonic() - started))
        archive = open_archive(settings)
        try:
            run_id = archive.start_run(os.getpid())
            plan = plan_crawl(
                archive,
                feeds,
                now=datetime.now(UTC),
                every_feed=every_feed,
                revision_checks=config.revision_checks,
            )
        finally:
            archive.close()
        try:
            result = crawl_plan(settings, plan.feeds, plan.revisits + plan.retries, max_runtime)
        except BaseException:
            finish_run(settings, run_id, "aborted", {})
            raise
        result.next_poll = plan.next_poll
        result.counts = {
            "feeds_due": len(plan.feeds),
            "revision_checks": len(plan.revisits),
            **{name: result.stats.get(f"newsdesk/{name}", 0) for name in RUN_STATS},
        }
        finish_run(settings, run_id, result.status, result.counts)
    return result


def crawl_plan(
    settings: Settings, feeds: list[str], pages: list[FeedEntry], max_runtime: float | None
) -> RunResult:
    """Run the feed spider over the feeds and article pages that are due; the result's status
    says how the run ended."""
    if not feeds and not pages:
        return RunResult(stats={}, status="nothing due")
    if max_runtime:
        settings.set("CLOSESPIDER_TIMEOUT", max_runtime, priority="cmdline")
    result = run_spider(FeedSpider, settings, feeds=feeds, revisits=pages)
    reason = result.stats.get("finish_reason")
    if reason == "closespider_timeout":
        result.status = "stopped"
    elif reason != "finished":
        result.status = "aborted"
    elif feeds and all(f.status == "failed" for f in result.feeds):
        result.status = "no feed read"
    return result


def finish_run(settings: Settings, run_id: int, status: str, counts: dict[str, int]) -> None:
    archive = open_archive(settings)
    try:
        archive.finish_run(run_id, status=status, exit_code=CRAWL_EXIT[status], counts=counts)
    finally:
        archive.close()


def fetch_urls(settings: Settings, urls: list[str]) -> RunResult:
    """Fetch article pages now (robots.txt still applies) and store them."""
    check_urls(urls)
    open_archive(settings).close()
    if len(urls) <= 4:  # a pool costs more than it saves; a user's own setting still wins
        settings.set("NEWSDESK_EXTRACT_INLINE", True, priority="project")
    return run_spider(PageSpider, settings, urls=urls)
