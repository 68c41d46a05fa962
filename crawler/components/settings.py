"""newsdesk's Scrapy settings: polite defaults a publisher would accept.

Every value here can be changed by a config file (`--config`), `NEWSDESK_*` environment
variables, CLI flags and `-s NAME=VALUE`, in that order of precedence (see crawler/app/config.py).
"""

from crawler import __version__
from crawler.extraction import MIN_CHARS
from crawler.ingest.bounds import DEFAULT as EXTRACT_BOUNDS

BOT_NAME = "newsdesk"
SPIDER_MODULES = ["spiders"]
NEWSPIDER_MODULE = "spiders"

# -- newsdesk's own settings ---------------------------------------------------------------------
NEWSDESK_DB = "news.db"  # the archive, a SQLite file
NEWSDESK_CONTACT_URL = (
    "https://github.com/newsdesk/newsdesk"  # put your own here: publishers read it
)
NEWSDESK_MIN_CHARS = MIN_CHARS  # less article text is a failure: "no article text (N characters)"
NEWSDESK_WORKERS = 0  # extraction processes; 0 means one per core
# `fetch` of up to this many URLs goes without Scrapy (crawler/app/direct.py) when no setting
# needs Scrapy; 0 sends every fetch through Scrapy.
NEWSDESK_DIRECT_MAX_URLS = 4
NEWSDESK_EXTRACT_INLINE = (
    False  # extract in the crawling process instead (fetch does, for a few URLs)
)
# What extraction is given (crawler/ingest/bounds.py): a page over either bound is reduced to what
# may hold an article (no scripts, styles, SVG, comments), and refused if still over: "too large".
NEWSDESK_EXTRACT_MAXSIZE = EXTRACT_BOUNDS.max_size  # bytes of HTML: 4 MB
NEWSDESK_EXTRACT_MAX_ELEMENTS = EXTRACT_BOUNDS.max_elements  # elements: 15,000
# Seconds a write waits for another process's write lock on the archive (SQLite retries all
# along) before the command fails in one line; the next run fetches what was not stored.
NEWSDESK_LOCK_TIMEOUT = 30

# Incremental crawling (crawler/components/incremental.py): feeds are polled when due, between
# these bounds
# (durations: 90s, 5m, 6h, 3d), and archived articles are re-checked for revisions this long after
# they were first seen ("off" for never).
NEWSDESK_INCREMENTAL = True
NEWSDESK_POLL_MIN = "5m"
NEWSDESK_POLL_MAX = "1d"
NEWSDESK_REVISION_CHECKS = "1h,6h,24h,72h"
# A source that fails this many polls in a row is switched off (`newsdesk feeds enable` turns it
# back on); 0 never. Sitemap entries older than this (by news:publication_date, else lastmod) are
# not followed.
NEWSDESK_DISABLE_AFTER = 10
NEWSDESK_SITEMAP_MAX_AGE = "2d"

# Keep each article's raw page, compressed (zstd, else gzip), in the archive's `pages` table, so
# that `newsdesk reextract` can run a newer extractor over it.
NEWSDESK_KEEP_PAGES = True

# Progress (crawler/components/progress.py): a live status line when stderr is a terminal
# (`crawl --quiet` turns it off), else an INFO line with the same counts every this many seconds
# (0: none), and the run's `crawl_runs` row updated every this many seconds.
NEWSDESK_PROGRESS = True
NEWSDESK_PROGRESS_INTERVAL = 60
NEWSDESK_RUN_UPDATE_INTERVAL = 5
NEWSDESK_RUN_ID = 0  # set by `crawl` for the run it records; not a user setting
LOGSTATS_INTERVAL = 0  # Scrapy's "Crawled N pages" line: progress.py logs the same, with totals

# Scaling out (`--redis`, crawler/scaleout/): a worker's jobs stay its own while it renews its
# lease, which lasts this long without a sign of life; a worker or the ingester waits this long
# for a Redis that went away (a restart) before it stops.
NEWSDESK_REDIS_LEASE = 30.0
NEWSDESK_REDIS_PATIENCE = 60.0

# -- politeness ----------------------------------------------------------------------------------
# An honest User-Agent: who we are and where to reach the operator. Changing
# NEWSDESK_CONTACT_URL rebuilds it (crawler/app/config.py) unless USER_AGENT itself is set.
USER_AGENT = f"newsdesk/{__version__} (+{NEWSDESK_CONTACT_URL})"
ROBOTSTXT_OBEY = True
# How long a site's robots.txt is kept before it is read again (RFC 9309: at most a day).
NEWSDESK_ROBOTS_MAX_AGE = "24h"
CONCURRENT_REQUESTS = 16
CONCURRENT_REQUESTS_PER_DOMAIN = 2
# Items are processed this many at a time per response; an article page yields one, and Scrapy
# starts this many tasks for every response (its default of 100 cost a fifth of a crawl's CPU).
CONCURRENT_ITEMS = 8
DOWNLOAD_DELAY = 0.5
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 1.0
AUTOTHROTTLE_MAX_DELAY = 30.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 1.0
RETRY_ENABLED = True
RETRY_TIMES = 2
RETRY_HTTP_CODES = [500, 502, 503, 504, 522, 524, 408, 429]
# An answer that says when to come back (Retry-After) is retried then: within the run when that
# is this long or less, else by the first run after that time (crawler/components/retryafter.py).
NEWSDESK_RETRY_AFTER_MAX = "30s"
# A stop (--max-runtime, Ctrl-C, SIGTERM) gives the downloads in flight this many seconds, then
# cuts them off; they are recorded as "interrupted" and fetched by the next run
# (crawler/components/stop.py). NEWSDESK_STOP_AT, set by --max-runtime, is when the run must end.
NEWSDESK_STOP_GRACE = 2.0
NEWSDESK_STOP_AT = 0.0
DOWNLOAD_TIMEOUT = 30
DOWNLOAD_MAXSIZE = 10 * 1024 * 1024
REDIRECT_MAX_TIMES = 20
# A redirect loop (HTTP or <meta http-equiv="refresh">) runs to REDIRECT_MAX_TIMES and fails,
# instead of being dropped silently as a duplicate request.
DUPEFILTER_CLASS = "crawler.components.loops.RedirectLoopDupeFilter"
COOKIES_ENABLED = False

# -- plumbing -------------------------------------------------------------------------------------
ITEM_PIPELINES = {"crawler.ingest.pipeline.ArchivePipeline": 300}
EXTENSIONS = {
    "crawler.components.incremental.Incremental": 500,
    "crawler.components.progress.Progress": 510,
    "crawler.components.stop.Stopper": 520,
}
# Scrapy's HTTP/1.1 handler, whose downloads a stop can cut off (crawler/components/stop.py).
DOWNLOAD_HANDLERS = {
    "http": "crawler.components.stop.StoppableDownloadHandler",
    "https": "crawler.components.stop.StoppableDownloadHandler",
}
# Scrapy's own extensions less its telnet console and its remote-control HTTP server (which runs
# Python code sent to it): a crawler has no use for either. Left out of the base list, not just
# disabled, they cost no imports either (aiohttp, Twisted's conch). tests/test_config.py checks
# that this is Scrapy's list less those two.
EXTENSIONS_BASE = {
    "scrapy.extensions.corestats.CoreStats": 0,
    "scrapy.extensions.logcount.LogCount": 0,
    "scrapy.extensions.memusage.MemoryUsage": 0,
    "scrapy.extensions.memdebug.MemoryDebugger": 0,
    "scrapy.extensions.closespider.CloseSpider": 0,
    "scrapy.extensions.feedexport.FeedExporter": 0,
    "scrapy.extensions.logstats.LogStats": 0,
    "scrapy.extensions.spiderstate.SpiderState": 0,
    "scrapy.extensions.throttle.AutoThrottle": 0,
}
# Between decompression (590) and RetryMiddleware (550), which see every answer after them, in
# that order: the feeds' validators, unzipped; then the retries that Retry-After asks for.
DOWNLOADER_MIDDLEWARES = {
    "crawler.components.incremental.ConditionalFeedMiddleware": 560,
    "crawler.components.retryafter.RetryAfterMiddleware": 555,
    # Scrapy's robots.txt middleware let requests that waited for robots.txt through unchecked.
    "scrapy.downloadermiddlewares.robotstxt.RobotsTxtMiddleware": None,
    "crawler.components.robots.RobotsTxtMiddleware": 100,
    # A compressed robots.txt is decoded up to the 500 KiB parsed, before Scrapy inflates it all.
    "crawler.components.robots.RobotsDecompression": 595,
}
SPIDER_MIDDLEWARES = {"crawler.components.incremental.KnownEntryMiddleware": 600}
HTTPERROR_ALLOW_ALL = False
LOG_LEVEL = "INFO"
FEED_EXPORT_ENCODING = "utf-8"
