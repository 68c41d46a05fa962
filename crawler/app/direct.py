"""`fetch` of a few pages without starting Scrapy, and which fetches must start it.

Importing and starting Scrapy and Twisted takes longer (about 0.45 s) than all of `trafilatura -u`
does, so a person fetching up to NEWSDESK_DIRECT_MAX_URLS pages gets this lean path:
crawler/app/download.py downloads as Scrapy's middlewares would, and every page then takes the
crawl's own way into the archive, crawler/ingest/pipeline.py (the same extraction, rows and
failure reasons). `scrapy_needed` says when a fetch must go through Scrapy instead:
crawler/app/api.py asks it before choosing.
"""

from __future__ import annotations

import asyncio
import contextlib
import fnmatch
import logging
import urllib.request
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING, Any

from crawler.app import responses
from crawler.app.download import SCRAPY_DEFAULTS, Downloader
from crawler.components import settings as defaults
from crawler.ingest.config import Config
from crawler.ingest.items import ArticlePage, StoredArticle
from crawler.policy.runs import RunResult, not_stored
from storage import Archive, StorageError

if TYPE_CHECKING:
    from collections.abc import Iterable

    from crawler.app.config import PlainSettings
    from crawler.ingest.items import Failure

logger = logging.getLogger(__name__)

# Settings the direct path honours as Scrapy does (crawler/app/download.py, the pipeline).
HONOURED = (
    "NEWSDESK_DB", "NEWSDESK_MIN_CHARS", "NEWSDESK_CONTACT_URL", "NEWSDESK_INCREMENTAL",
    "NEWSDESK_DIRECT_MAX_URLS", "NEWSDESK_KEEP_PAGES", "NEWSDESK_LOCK_TIMEOUT", "USER_AGENT",
    "DEFAULT_REQUEST_HEADERS",
    "ROBOTSTXT_OBEY", "ROBOTSTXT_USER_AGENT", "DOWNLOAD_TIMEOUT", "DOWNLOAD_MAXSIZE",
    "DOWNLOAD_DELAY", "DOWNLOAD_VERIFY_CERTIFICATES", "RETRY_ENABLED", "RETRY_TIMES",
    "RETRY_HTTP_CODES", "REDIRECT_ENABLED", "REDIRECT_MAX_TIMES", "METAREFRESH_ENABLED",
    "METAREFRESH_MAXDELAY", "METAREFRESH_IGNORE_TAGS", "REFERER_ENABLED", "HTTPPROXY_ENABLED",
    "LOG_LEVEL", "LOG_FORMAT", "LOG_DATEFORMAT", "NEWSDESK_EXTRACT_MAX*", "URLLENGTH_LIMIT",
)  # fmt: skip
# Settings that change nothing in a fetch of a few pages, one at a time, extracted in-process
# (crawl schedules, progress, the Redis cluster). tests/test_direct.py checks that every
# NEWSDESK_* setting is in one of the two lists.
NO_EFFECT = (
    "NEWSDESK_WORKERS", "NEWSDESK_EXTRACT_INLINE", "NEWSDESK_POLL_*", "NEWSDESK_REVISION_CHECKS",
    "NEWSDESK_DISABLE_AFTER", "NEWSDESK_SITEMAP_MAX_AGE", "NEWSDESK_ROBOTS_MAX_AGE",
    "NEWSDESK_PROGRESS*", "NEWSDESK_RUN_*", "NEWSDESK_REDIS*", "NEWSDESK_CLUSTER_*",
    "NEWSDESK_WORKER_ID", "NEWSDESK_STOP_*", "NEWSDESK_RETRY_AFTER_MAX",  # no stop, no wait
    "CONCURRENT_*", "AUTOTHROTTLE_*", "RANDOMIZE_DOWNLOAD_DELAY", "DOWNLOAD_DELAY_JITTER",
    "DOWNLOAD_WARNSIZE", "RETRY_PRIORITY_ADJUST", "RETRY_GIVE_UP_LOG_LEVEL",
    "REDIRECT_PRIORITY_ADJUST", "CLOSESPIDER_*", "LOG_*", "LOGSTATS_INTERVAL", "STATS_DUMP",
    "MEMUSAGE_*", "TELNETCONSOLE_*", "BOT_NAME", "SPIDER_MODULES", "NEWSPIDER_MODULE",
    "FEED_EXPORT_ENCODING",
)  # fmt: skip
PROJECT = {name: getattr(defaults, name) for name in dir(defaults) if name.isupper()}


class Stats(dict[str, Any]):
    """The pipeline's counters, as Scrapy's stats collector would keep them."""

    def inc_value(self, key: str) -> None:
        self[key] = self.get(key, 0) + 1

    def set_value(self, key: str, value: Any) -> None:
        self[key] = value


def scrapy_needed(settings: PlainSettings, urls: list[str]) -> str | None:
    """Why this fetch must go through Scrapy, or None when the direct path does all it asks:
    more URLs than NEWSDESK_DIRECT_MAX_URLS (Scrapy fetches from several sites at once), a
    proxy from the environment (http_proxy, https_proxy), or a setting changed from newsdesk's
    default that the direct path does not honour (middlewares, pipelines, add-ons, cookies,
    ...: any not in HONOURED or NO_EFFECT)."""
    most = Config.from_settings(settings).direct_max_urls
    if len(urls) > most:
        return f"more than {most} URLs (NEWSDESK_DIRECT_MAX_URLS)"
    if type(settings)({**SCRAPY_DEFAULTS, **settings}).getbool("HTTPPROXY_ENABLED"):
        proxies = sorted(set(urllib.request.getproxies()) & {"http", "https"})
        if proxies:
            return f"a proxy for {' and '.join(proxies)} in the environment"
    changed = sorted(name for name, value in settings.items() if not is_default(name, value))
    for name in changed:
        if not any(fnmatch.fnmatchcase(name, allowed) for allowed in (*HONOURED, *NO_EFFECT)):
            return f"{name} is set, which only Scrapy honours"
    return None


def is_default(name: str, value: Any) -> bool:
    """Whether `value` is newsdesk's (or Scrapy's) default for `name`; a value from `-s` or
    the environment (a string) counts as the default when it reads the same."""
    if name in PROJECT:
        default = PROJECT[name]
    elif name in SCRAPY_DEFAULTS:
        default = SCRAPY_DEFAULTS[name]
    else:
        return False
    return value == default or (isinstance(value, str) and value == str(default))


def fetch_urls(settings: PlainSettings, urls: list[str]) -> RunResult:
    """Fetch a few article pages now (robots.txt still applies) and store them.

    The downloads start at once, in a thread, and go on while the modules that extraction and
    the archive need are loading; on a distant site the round trips to its robots.txt and page
    cost no extra time. A new archive is created meanwhile in another thread, so that its disk
    waits (about 60 ms) pass too. A pipeline that cannot start (an unusable archive) cancels
    the downloads.
    """
    logging.basicConfig(
        level=settings["LOG_LEVEL"],
        format=settings.get("LOG_FORMAT", logging.BASIC_FORMAT),
        datefmt=settings.get("LOG_DATEFORMAT"),
    )
    logging.getLogger("urllib3").setLevel(logging.ERROR)  # we report what failed, in one line
    downloader = Downloader(settings)
    downloads = ThreadPoolExecutor(1, thread_name_prefix="fetch")
    with ThreadPoolExecutor(1, thread_name_prefix="archive") as creating:
        created = creating.submit(create_archive, Config.from_settings(settings))
        try:
            return store(settings, downloads.map(downloader.page, urls), created)
        finally:
            downloads.shutdown(cancel_futures=True)


def create_archive(config: Config) -> None:
    """Create and migrate the archive if there is none yet. Any error is left for the pipeline,
    which opens the archive after this and reports what is wrong in one line."""
    if not Path(config.db_path).exists():
        with contextlib.suppress(StorageError):
            Archive(config.db_path, lock_timeout=config.lock_timeout).close()


def store_saved(settings: PlainSettings, url: str, body: bytes) -> RunResult:
    """Extract and store a page saved earlier (`fetch --html FILE --url URL`): no download."""
    page = ArticlePage(url=url, body=body, encoding=responses.encoding(body, None))
    return store(settings, [page])


def store(
    settings: PlainSettings,
    pages: Iterable[ArticlePage | Failure],
    created: Future[None] | None = None,
) -> RunResult:
    """Take `pages` the crawl's way into the archive (once `created`, if given, is done)."""
    from crawler.ingest.pipeline import (
        ArchivePipeline,  # trafilatura, sqlite-utils: while we download
    )

    settings["NEWSDESK_EXTRACT_INLINE"] = True  # a pool costs more than it saves here
    stats = Stats(finish_reason="finished")
    pipeline = ArchivePipeline.from_settings(settings, stats, check=True)
    if created is not None:
        created.result()
    pipeline.open_spider()
    result = RunResult(stats=stats)

    async def store_all() -> None:
        for page in pages:
            if pipeline.error is not None:  # the archive failed: nothing more is written
                break
            outcome = await pipeline.process_item(page)
            if isinstance(outcome, StoredArticle):
                result.stored.append(outcome)
            else:
                result.failures.append(outcome)

    try:
        asyncio.run(store_all())
    finally:
        pipeline.close_spider()
    if pipeline.error is not None:
        raise StorageError(not_stored(str(pipeline.error), stats))
    return result
