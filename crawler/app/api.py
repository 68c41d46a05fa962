"""newsdesk's Python API: crawl feeds or fetch pages into an archive. The CLI is a thin layer on it.

`fetch_urls` takes plain values and returns plain ones; it picks how to download (Scrapy, or
crawler/app/direct.py without it) and runs Scrapy only when it must. Scrapy's reactor can run
once per process: call `crawl_feeds`, or a `fetch_urls` that needs Scrapy, once per process.
Scrapy, the spiders and the archive load only when a call needs them.
"""

from __future__ import annotations

import logging
import math
import os
import sys
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from crawler.app import direct
from crawler.app.config import build_settings, plain_settings
from crawler.ingest.config import Config
from crawler.ingest.items import (
    ARCHIVE_ERROR,
    Failure,
    FeedEntry,
    FeedPolled,
    StoredArticle,
)
from crawler.policy.runs import (
    CRAWL_EXIT,
    RunResult,
    UsageError,
    check_urls,
    not_stored,
    run_counts,
)

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping
    from pathlib import Path

    from scrapy import Spider
    from scrapy.settings import Settings

    from storage import Archive

logger = logging.getLogger(__name__)

# What the front ends change of crawler/components/settings.py (made for `scrapy crawl`):
# quieter, with logger names, dated as Scrapy dates its lines.
FRONT_END_DEFAULTS = {
    "LOG_LEVEL": "WARNING",
    "LOG_FORMAT": "%(asctime)s %(levelname)s %(name)s: %(message)s",
    "LOG_DATEFORMAT": "%Y-%m-%d %H:%M:%S",
}


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
    from scrapy import signals
    from scrapy.crawler import AsyncCrawlerProcess

    reactor = sys.modules.get("twisted.internet.reactor")
    if getattr(reactor, "_startedBefore", False):
        raise UsageError(
            "Scrapy has run in this process already and cannot run twice: "
            "crawl or fetch through Scrapy in a new process"
        )
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


def open_archive(settings: Settings, *, check: bool = False) -> Archive:
    """Open (and create or migrate) the archive named by NEWSDESK_DB; raises StorageError.
    `check`: first read the whole file, and refuse a damaged one before writing to it."""
    from storage import Archive

    config = Config.from_settings(settings)
    return Archive(config.db_path, lock_timeout=config.lock_timeout, check=check)


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
    from crawler.ingest.sources import normalize_feed_url
    from crawler.policy.lock import crawl_lock
    from crawler.policy.plan import plan_crawl  # the archive: not for a direct fetch

    started = time.monotonic()
    config = Config.from_settings(settings)  # a bad setting stops us before any write
    archive = open_archive(settings, check=True)
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
    with crawl_lock(config.db_path, wait=wait_for):
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
    from spiders.feeds import FeedSpider

    if max_runtime:  # crawler/components/stop.py ends the run then
        settings.set("NEWSDESK_STOP_AT", time.monotonic() + max_runtime, priority="cmdline")
    result = run_spider(FeedSpider, settings, keep_articles=False, feeds=feeds, revisits=pages)
    reason = result.stats.get("finish_reason")
    if error := result.stats.get(ARCHIVE_ERROR):
        result.status, result.error = "failed", error
    elif reason == "closespider_timeout":
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
    """Close the run's `crawl_runs` row. After a run that failed for the archive's sake this
    may fail too: the row then stays "running", and the next run marks it "interrupted"."""
    from storage import StorageError

    try:
        archive = open_archive(settings)
        try:
            archive.finish_run(run_id, status=status, exit_code=CRAWL_EXIT[status], counts=counts)
        finally:
            archive.close()
    except StorageError:
        if status != "failed":
            raise


@dataclass
class FetchResult:
    """What `fetch_urls` did: the rows it stored and the URLs it could not store, as plain
    values, and which way it downloaded them."""

    articles: list[dict[str, Any]]  # `articles` rows as stored (lists as lists)
    failures: list[dict[str, Any]]  # {"url", "reason", "status"}, as in `failures`
    via: str  # "direct" (crawler/app/direct.py), "scrapy", or "saved" (`store_page`)
    why_scrapy: str | None = None  # why the direct path would not do
    stats: dict[str, Any] = field(default_factory=dict)


def fetch_urls(
    urls: Iterable[str],
    *,
    db: str | Path | None = None,
    config_file: str | Path | None = None,
    settings: Mapping[str, Any] | None = None,
    env: Mapping[str, str] | None = None,
) -> FetchResult:
    """Fetch article pages now (robots.txt still applies), store them in the archive `db`, and
    return what was stored and what failed.

    Settings come as for the CLI: newsdesk's defaults, the TOML `config_file`, `NEWSDESK_*`
    variables (`env`, default `os.environ`), `db`, then `settings` (any Scrapy or `NEWSDESK_*`
    setting, as `-s` gives them). Up to NEWSDESK_DIRECT_MAX_URLS pages go without Scrapy when
    nothing in the settings or environment needs it (`direct.scrapy_needed`); both ways store
    the same rows and failure reasons. Raises `UsageError` (a URL that is not http(s)),
    `ConfigError` or `StorageError` before any download.
    """
    urls = list(urls)
    check_urls(urls)
    layers = settings_layers(db, config_file, settings, env)
    plain = plain_settings(**layers)
    why = direct.scrapy_needed(plain, urls)
    if why is None:
        result = direct.fetch_urls(plain, urls)
    else:
        result = fetch_with_scrapy(build_settings(**layers), urls)
    return fetch_result(result, "direct" if why is None else "scrapy", why)


def store_page(
    url: str,
    html: bytes,
    *,
    db: str | Path | None = None,
    config_file: str | Path | None = None,
    settings: Mapping[str, Any] | None = None,
    env: Mapping[str, str] | None = None,
) -> FetchResult:
    """Extract and store a page saved earlier, as if fetched from `url` now (no download);
    settings and result as for `fetch_urls`."""
    check_urls([url])
    plain = plain_settings(**settings_layers(db, config_file, settings, env))
    return fetch_result(direct.store_saved(plain, url, html), "saved", None)


def settings_layers(
    db: str | Path | None,
    config_file: str | Path | None,
    settings: Mapping[str, Any] | None,
    env: Mapping[str, str] | None,
) -> dict[str, Any]:
    """The API's arguments as crawler/app/config.py's layers."""
    return {
        "config_file": config_file,
        "env": env,
        "flags": {"db": None if db is None else str(db)},
        "settings": settings,
        "command_defaults": FRONT_END_DEFAULTS,
    }


def fetch_result(result: RunResult, via: str, why: str | None) -> FetchResult:
    return FetchResult(
        articles=[public_row(s) for s in result.stored],
        failures=[{"url": f.url, "reason": f.reason, "status": f.status} for f in result.failures],
        via=via,
        why_scrapy=why,
        stats=dict(result.stats),
    )


def fetch_with_scrapy(settings: Settings, urls: list[str]) -> RunResult:
    """Fetch article pages with Scrapy's `page` spider, which fetches from several sites at
    once."""
    from spiders.page import PageSpider
    from storage import StorageError

    # An unusable or damaged archive stops us before any download.
    open_archive(settings, check=True).close()
    result = run_spider(PageSpider, settings, urls=urls)
    if error := result.stats.get(ARCHIVE_ERROR):
        raise StorageError(not_stored(error, result.stats))
    return result


def public_row(stored: StoredArticle) -> dict[str, Any]:
    """The `articles` row the pipeline stored for a page, without its internal keys."""
    row = dict(stored.row or {"url": stored.url, "canonical_url": stored.canonical_url})
    row.pop("aliases", None)
    row.pop("page", None)  # the raw page, kept compressed in `pages`
    return row
