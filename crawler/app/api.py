"""newsdesk's Python API: crawl feeds or fetch pages into an archive. The CLI is a thin layer on it.

Each function runs Scrapy's reactor, which can run once per process: call one per process.
"""

from __future__ import annotations

import logging
import math
import os
import time
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from scrapy import signals
from scrapy.crawler import AsyncCrawlerProcess

from crawler.ingest.items import Failure, FeedEntry, FeedPolled, StoredArticle
from crawler.ingest.sources import normalize_feed_url
from crawler.policy.lock import crawl_lock
from crawler.policy.plan import Config, plan_crawl
from crawler.policy.runs import CRAWL_EXIT, RunResult, UsageError, check_urls, run_counts
from spiders.feeds import FeedSpider
from spiders.page import PageSpider
from storage import Archive

if TYPE_CHECKING:
    from scrapy import Spider
    from scrapy.settings import Settings

logger = logging.getLogger(__name__)


# Scrapy components that log failures (with tracebacks) that newsdesk reports in one line itself.
REPORTED_BY_NEWSDESK = (
    "scrapy.downloadermiddlewares.robotstxt",
    "scrapy.downloadermiddlewares.retry",
    "scrapy.core.downloader.handlers.http11",  # DOWNLOAD_MAXSIZE passed: "too large"
)


def run_spider(
    spidercls: type[Spider], settings: Settings, *, keep_articles: bool = True, **spider_args: Any
) -> RunResult:
    """Run one spider to the end in this process and report what it stored and what failed.

    Without `keep_articles`, the result lists the feeds polled but not each article stored or
    failed: a crawl counts those in its stats, and a list would grow with the crawl.
    """
    process = AsyncCrawlerProcess(settings)  # configures logging from LOG_LEVEL
    if logging.getLevelName(settings.get("LOG_LEVEL")) >= logging.WARNING:
        for name in REPORTED_BY_NEWSDESK:
            logging.getLogger(name).setLevel(logging.CRITICAL)
    crawler = process.create_crawler(spidercls)
    result = RunResult(stats={})

    def collect(item: Any) -> None:
        match item:
            case StoredArticle() if keep_articles:
                result.stored.append(item)
            case Failure() if keep_articles:
                result.failures.append(item)
            case FeedPolled():
                result.feeds.append(item)

    crawler.signals.connect(collect, signal=signals.item_scraped)
    process.crawl(crawler, **spider_args)
    process.start()
    assert crawler.stats is not None
    result.stats = crawler.stats.get_stats()
    return result


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
    wait included, and stops the crawl cleanly. The result counts the articles (`counts`,
    `stats`) rather than listing them: `stored` and `failures` stay empty.
    """
    started = time.monotonic()
    config = Config.from_settings(settings)  # a bad setting stops us before any write
    archive = open_archive(settings)
    try:
        if feeds:
            check_urls(feeds)
            named = [normalize_feed_url(url) for url in feeds]
            archive.add_feeds(named)
            feeds = list(dict.fromkeys(archive.resolve_feed(url) or url for url in named))
            for url in feeds:
                if (archive.feed(url) or {}).get("disabled"):
                    logger.warning("%s: disabled, not polled (`newsdesk feeds enable URL`)", url)
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
            archive.update_run(
                run_id, {"feeds_due": len(plan.feeds), "revision_checks": len(plan.revisits)}
            )
        finally:
            archive.close()
        settings.set("NEWSDESK_RUN_ID", run_id, priority="cmdline")  # progress.py updates it
        try:
            result = crawl_plan(settings, plan.feeds, plan.revisits + plan.retries, max_runtime)
        except BaseException:
            finish_run(settings, run_id, "aborted", {})
            raise
        result.next_poll = plan.next_poll
        result.counts = {
            "feeds_due": len(plan.feeds),
            "revision_checks": len(plan.revisits),
            **run_counts(result.stats),
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
    result = run_spider(FeedSpider, settings, keep_articles=False, feeds=feeds, revisits=pages)
    reason = result.stats.get("finish_reason")
    if reason == "closespider_timeout":
        result.status = "stopped"
    elif reason != "finished":
        result.status = "aborted"
    elif feeds and all(f.status == "failed" for f in result.feeds):
        result.status = "no feed read"
    return result


def crawl_redis(
    settings: Settings, redis_url: str, *, idle_exit: float = 0, max_runtime: float | None = None
) -> RunResult:
    """Work as one crawl worker of the cluster on `redis_url` (crawler/scaleout/worker.py):
    take jobs until the queue has stayed empty for `idle_exit` seconds (0: forever), or for
    `max_runtime` seconds in all. The result counts the jobs taken and the outcomes sent."""
    from crawler.scaleout.worker import ClusterSpider, worker_settings  # only for --redis

    settings = worker_settings(settings, redis_url)
    if max_runtime:
        settings.set("CLOSESPIDER_TIMEOUT", max_runtime, priority="cmdline")
    result = run_spider(ClusterSpider, settings, keep_articles=False, idle_exit=idle_exit)
    reason = result.stats.get("finish_reason")
    result.status = {"finished": "finished", "closespider_timeout": "stopped"}.get(
        str(reason), "aborted"
    )
    return result


def finish_run(settings: Settings, run_id: int, status: str, counts: dict[str, int]) -> None:
    archive = open_archive(settings)
    try:
        archive.finish_run(run_id, status=status, exit_code=CRAWL_EXIT[status], counts=counts)
    finally:
        archive.close()


def fetch_urls(settings: Settings, urls: list[str]) -> RunResult:
    """Fetch article pages now (robots.txt still applies) and store them. `newsdesk fetch` of
    a few pages takes crawler/app/direct.py instead, which does not start Scrapy."""
    check_urls(urls)
    open_archive(settings).close()
    return run_spider(PageSpider, settings, urls=urls)
