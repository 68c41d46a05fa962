"""Scaling out, with a real Redis (tests/redisserver.py), the real CLI in subprocesses and the
local test site: crawl workers share one queue and one seen filter, one ingester owns the
archive, and the archive ends as a local crawl of the same feeds leaves it."""

from __future__ import annotations

import contextlib
import itertools
import signal
import sqlite3
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest
from scrapy import Request
from scrapy.utils.request import request_from_dict
from scrapy_redis.dupefilter import RFPDupeFilter

from crawler.ingest.items import FeedEntry
from crawler.scaleout import messages, serializer
from crawler.scaleout.cycle import article_job, feed_job
from crawler.scaleout.jobs import fingerprint
from crawler.scaleout.messages import FeedRead, Outcome
from crawler.scaleout.worker import ClusterSpider
from tests.helpers import FAST, ROOT, run_newsdesk
from tests.newsroom import Newsroom
from tests.redisserver import RedisServer

STORY = """<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>{title}</title>
</head><body><article><h1>{title}</h1>
<p>Story {n} of the cluster desk: the harbour board met again on Tuesday and heard that the
north pontoon, torn away by the storm, will be rebuilt in steel before the winter gales.</p>
<p>The ferry company said crossings would keep to the winter timetable, and the museum asked
for volunteers to guide visitors round the lighthouse on Saturdays. Item {n} ends here.</p>
</article></body></html>"""
FEEDS, PER_FEED = 3, 8
# Local feeds of tests/site/ whose articles no other feed lists (so which feed brought an
# article, and so its feed metadata, cannot depend on which answer came first)
SITE_FEEDS = ("rss.xml",)
WORKER = (*FAST, "-s", "NEWSDESK_WORKERS=1", "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=2")


def add_stories(site: Newsroom) -> list[str]:
    """`FEEDS` more feeds of `PER_FEED` stories each on `site`; their feed paths."""
    paths = []
    for f in range(FEEDS):
        items = []
        for i in range(PER_FEED):
            n = f * PER_FEED + i
            (site.root / "news" / f"desk-{n}.html").write_text(
                STORY.format(n=n, title=f"Cluster desk story {n}")
            )
            items.append(f"<item><title>Desk {n}</title><link>news/desk-{n}.html</link></item>")
        (site.root / f"desk-{f}.xml").write_text(
            '<?xml version="1.0"?><rss version="2.0"><channel><title>Desk</title><link>/</link>'
            + "".join(items)
            + "</channel></rss>"
        )
        paths.append(f"desk-{f}.xml")
    return paths


def desk(tmp_path: Path, *, feeds: int = FEEDS) -> tuple[Newsroom, Path]:
    """A copy of the test site with the desk's stories, and an archive that knows its feeds."""
    site = Newsroom.copy_of_site(tmp_path)
    urls = [f"{site.url}/{path}" for path in add_stories(site)[:feeds]]
    db = tmp_path / "cluster.db"
    assert run_newsdesk("feeds", "add", *urls, "--db", str(db)).returncode == 0
    site.reset_counts()  # `feeds add` had a look at each feed
    return site, db


def newsdesk(*args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "crawler", *args],
        cwd=ROOT,
        stderr=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        text=True,
    )


def worker(redis_url: str, *args: str) -> subprocess.Popen[str]:
    return newsdesk("crawl", "--redis", redis_url, *WORKER, *args)


def ingest(redis_url: str, db: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return run_newsdesk("ingest", "--redis", redis_url, "--db", str(db), "--once", *args)


def stop(proc: subprocess.Popen[str], sig: int = signal.SIGTERM) -> str:
    with contextlib.suppress(ProcessLookupError):
        proc.send_signal(sig)
    return proc.communicate(timeout=60)[1]


def rows(db: Path, sql: str) -> list[tuple[object, ...]]:
    with contextlib.closing(sqlite3.connect(db)) as conn:
        return sorted(conn.execute(sql).fetchall(), key=repr)


# What must match between two archives, times and ids left out.
COMPARED = {
    "articles": "SELECT url, canonical_url, title, authors, published, modified, sitename, "
    "language, description, tags, image, text, html, word_count, feed_url, content_hash, "
    "metadata_source, revisions FROM articles",
    "aliases": "SELECT alias, kind, aliases.feed_url, canonical_url FROM aliases "
    "JOIN articles ON articles.id = article_id",
    "failures": "SELECT url, kind, feed_url, status, reason, attempts FROM failures",
    "feeds": "SELECT url, title, site_url, last_status, last_error, articles_found, etag, "
    "last_modified, body_hash, poll_interval, consecutive_failures FROM feeds",
    "crawl_runs": "SELECT status, exit_code, feeds_due, feeds_polled, feeds_unchanged, "
    "feeds_failed, articles_new, articles_updated, articles_unchanged, articles_skipped, "
    "revision_checks, failures FROM crawl_runs",
}


@pytest.fixture
def redis_server(tmp_path: Path):
    server = RedisServer(tmp_path / "redis").start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory):
    """One site crawled twice: locally, and by two workers and an ingester (then a second
    cycle with nothing changed)."""
    tmp = tmp_path_factory.mktemp("cluster")
    redis_server = RedisServer(tmp / "redis").start()
    site = Newsroom.copy_of_site(tmp)
    feeds = [f"{site.url}/{path}" for path in (*SITE_FEEDS, *add_stories(site))]
    site.delay = 0.05  # long enough for requests to overlap
    local, clustered = tmp / "local.db", tmp / "cluster.db"
    feed_args = [arg for url in feeds for arg in ("--feed", url)]
    proc = run_newsdesk("crawl", *feed_args, "--db", str(local), *FAST)
    assert proc.returncode == 0, proc.stderr
    site.reset_counts()
    assert run_newsdesk("feeds", "add", *feeds, "--db", str(clustered)).returncode == 0
    workers = [worker(redis_server.url) for _ in range(2)]
    first = ingest(redis_server.url, clustered)
    runs = {"first": (first, Counter(site.requests), site.peak_in_flight)}
    after_first = tmp / "first-cycle.db"
    with sqlite3.connect(clustered) as source, sqlite3.connect(after_first) as copy:
        source.backup(copy)
    site.reset_counts()
    second = ingest(redis_server.url, clustered, "--all")
    runs["second"] = (second, Counter(site.answers), site.peak_in_flight)
    logs = [stop(w) for w in workers]
    left = sorted(key.decode() for key in redis_server.client().keys("*"))
    yield local, after_first, runs, logs, left, site
    site.shutdown()
    redis_server.stop()


def test_two_workers_store_what_a_local_crawl_stores(cluster):
    local, clustered, runs, logs, _, _ = cluster
    proc, _, _ = runs["first"]
    assert proc.returncode == 0, proc.stderr + "".join(logs)
    assert proc.stderr.startswith("newsdesk ingest: 4 feeds polled (0 failed), 0 unchanged; ")
    for table, sql in COMPARED.items():
        assert rows(clustered, sql) == rows(local, sql), table
    assert len(rows(clustered, "SELECT id FROM articles")) == 2 + FEEDS * PER_FEED


def test_no_url_twice_and_no_more_than_the_host_limit_at_once(cluster):
    _, _, runs, logs, _, _ = cluster
    _, requests, peak = runs["first"]
    articles = {path: n for path, n in requests.items() if path.startswith("/news/")}
    assert len(articles) == 5 + FEEDS * PER_FEED  # rss.xml's links (robots.txt forbids one)
    assert set(articles.values()) == {1}
    assert requests["/robots.txt"] >= 1  # every worker reads it (and obeys: see the test above)
    assert peak == 2  # CONCURRENT_REQUESTS_PER_DOMAIN for the cluster, not per worker
    taken = [int(log.split(" jobs taken")[0].rsplit(" ", 1)[-1]) for log in logs]
    assert all(taken), logs  # both workers had work


def test_second_cycle_sends_conditional_feed_requests_only(cluster):
    _, after_first, runs, _, _, _ = cluster
    clustered = after_first.with_name("cluster.db")
    proc, answers, _ = runs["second"]
    assert proc.returncode == 0, proc.stderr
    feeds = {path for (path, status) in answers if path != "/robots.txt"}
    assert all(status == 304 for (path, status) in answers if path in feeds)
    assert not any(path.startswith("/news/") for path, _ in answers)
    [last] = rows(clustered, "SELECT feeds_polled, feeds_unchanged, articles_new FROM crawl_runs "
                  "WHERE id = 2")  # fmt: skip
    assert last == (4, 4, 0)


def test_workers_stop_cleanly_and_redis_keeps_no_cycle(cluster):
    _, _, _, logs, left, _ = cluster
    for log in logs:
        assert "Traceback" not in log, log
    assert left == ["newsdesk:cycle-ids", "newsdesk:job-ids"]  # no jobs, claims, seen URLs


def test_a_worker_killed_mid_crawl_loses_nothing(redis_server, tmp_path):
    site, db = desk(tmp_path)
    site.delay = 0.3
    lease = ("-s", "NEWSDESK_REDIS_LEASE=2")
    doomed = worker(redis_server.url, *lease)
    ingester = newsdesk("ingest", "--redis", redis_server.url, "--db", str(db), "--once")
    assert site.wait_for_article_requests(3), "the worker fetched no article"
    doomed.send_signal(signal.SIGKILL)
    doomed.wait(30)
    survivor = worker(redis_server.url, *lease, "--idle-exit", "2s")
    assert ingester.wait(120) == 0, stop(ingester) + stop(survivor)
    assert survivor.wait(60) == 0, stop(survivor)
    stored = rows(db, "SELECT url FROM articles")
    assert len(stored) == FEEDS * PER_FEED
    assert {url for (url,) in stored} == {
        f"{site.url}/news/desk-{n}.html" for n in range(FEEDS * PER_FEED)
    }
    [run] = rows(db, "SELECT status, articles_new, failures FROM crawl_runs")
    assert run == ("finished", FEEDS * PER_FEED, 0)
    site.shutdown()


def test_a_redis_restart_mid_crawl_is_survived(redis_server, tmp_path):
    site, db = desk(tmp_path)
    site.delay = 0.2
    workers = [worker(redis_server.url, "--idle-exit", "3s") for _ in range(2)]
    ingester = newsdesk("ingest", "--redis", redis_server.url, "--db", str(db), "--once")
    assert site.wait_for_article_requests(4), "no article fetched"
    redis_server.restart(down=1.0)
    assert ingester.wait(120) == 0, stop(ingester)
    for proc in workers:
        assert proc.wait(60) == 0, stop(proc)
    assert len(rows(db, "SELECT url FROM articles")) == FEEDS * PER_FEED
    articles = site.article_requests()
    assert len(articles) == FEEDS * PER_FEED and set(articles.values()) == {1}
    site.shutdown()


def test_politeness_spaces_a_hosts_requests_across_workers(redis_server, tmp_path):
    site, db = desk(tmp_path, feeds=1)
    spaced = ("-s", "DOWNLOAD_DELAY=0.25", "--idle-exit", "2s")
    workers = [worker(redis_server.url, *spaced) for _ in range(2)]
    proc = ingest(redis_server.url, db)
    assert proc.returncode == 0, proc.stderr
    for w in workers:
        assert w.wait(60) == 0, stop(w)
    starts = [at for at, _ in site.arrivals]
    gaps = [b - a for a, b in itertools.pairwise(starts)]
    # 0.25 s between two leases, as Redis's clock says; when each request reaches the site also
    # varies by how busy its worker's reactor was between lease and request (a worker's first
    # request, robots.txt, was seen 0.2 s late on a loaded machine, so the next came early).
    # Two workers with a delay of their own each would average 0.125 s.
    assert len(starts) >= PER_FEED + 2, starts
    assert sum(gaps) / len(gaps) >= 0.24 and min(gaps) >= 0.1, gaps


def test_without_redis_nothing_of_it_is_imported(site_url, tmp_path):
    check = (
        "import atexit, sys\n"
        "atexit.register(lambda: print(sorted(m for m in sys.modules if m.split('.')[0] in "
        "('redis', 'scrapy_redis') or m.startswith('crawler.scaleout'))))\n"
        "from crawler.app.cli import cli\n"
        "cli()\n"
    )
    db = tmp_path / "local.db"
    proc = subprocess.run(
        [sys.executable, "-c", check, "crawl", "--feed", f"{site_url}/atom.xml", "--db", str(db),
         *FAST],
        capture_output=True, text=True, cwd=ROOT, timeout=120,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "[]"


def test_mistakes_are_one_line(tmp_path):
    proc = run_newsdesk("crawl", "--redis", "redis://127.0.0.1:1/0")
    assert proc.returncode == 1
    assert proc.stderr.startswith("Error: redis://127.0.0.1:1/0: cannot reach Redis (")
    assert len(proc.stderr.strip().splitlines()) == 1
    proc = run_newsdesk("crawl", "--idle-exit", "5s")
    assert proc.returncode == 2 and "--idle-exit is for workers" in proc.stderr
    proc = run_newsdesk("ingest", "--redis", "http://127.0.0.1/", "--db", str(tmp_path / "a.db"))
    assert proc.returncode == 1 and "not a Redis URL" in proc.stderr


def test_ingest_without_feeds_says_so(redis_server, tmp_path):
    proc = ingest(redis_server.url, tmp_path / "empty.db")
    assert proc.returncode == 1
    assert proc.stderr.strip() == "Error: no feeds to crawl: add one with `newsdesk feeds add URL`"


# -- in one process: what travels through Redis ----------------------------------------------
def test_requests_travel_as_json_and_come_back_the_same():
    spider = ClusterSpider()
    entry = FeedEntry(link="http://127.0.0.1/news/a.html", feed_url="http://127.0.0.1/rss.xml",
                      guid="a-1", authors=["Mara"], tags=["Weather"])  # fmt: skip
    request = spider.article_request(entry.link, entry)
    request.headers["If-None-Match"] = '"abc"'
    request.meta["newsdesk_job"] = "7"
    data = serializer.dumps(request.to_dict(spider=spider))
    assert "pickle" not in data and '"newsdesk_job":"7"' in data
    back = request_from_dict(serializer.loads(data), spider=spider)
    for attribute in Request.attributes:
        assert getattr(back, attribute) == getattr(request, attribute), attribute
    # what the ingester queues without Scrapy is the request the spider would make
    job = article_job(entry).request
    made = request_from_dict(serializer.loads(serializer.dumps(job)), spider=spider)
    assert made.to_dict(spider=spider) == spider.article_request(entry.link, entry).to_dict(
        spider=spider
    )
    feed = request_from_dict(
        serializer.loads(
            serializer.dumps(feed_job({"url": entry.feed_url, "etag": '"e"'}).request)
        ),
        spider=spider,
    )
    assert (feed.callback, feed.errback) == (spider.parse_feed, spider.feed_failed)
    assert feed.headers["If-None-Match"] == b'"e"' and feed.dont_filter and feed.priority == 10


def test_a_request_holding_something_json_cannot_hold_is_refused():
    spider = ClusterSpider()
    request = spider.article_request("http://127.0.0.1/a.html")
    request.meta["odd"] = object()
    with pytest.raises(TypeError, match="cannot travel as JSON"):
        serializer.dumps(request.to_dict(spider=spider))


def test_the_ingesters_fingerprint_is_scrapy_redis():
    seen = RFPDupeFilter(server=None, key="k")
    for url in ("http://127.0.0.1/news/a.html?b=2&a=1", "http://Example.org/caf%C3%A9#x"):
        assert fingerprint(url) == seen.request_fingerprint(Request(url))


def test_outcomes_travel_as_json():
    from crawler.ingest.items import FeedPolled
    from crawler.policy.feedstate import FeedPoll

    entry = FeedEntry(link="http://127.0.0.1/a.html", feed_url="http://127.0.0.1/rss.xml")
    outcome = Outcome("3", feed=FeedRead(FeedPolled(entry.feed_url, "ok", entries=1),
                                         FeedPoll(etag='"e"', body_hash="h"), [entry]))  # fmt: skip
    assert messages.decode(messages.encode(outcome)) == outcome
    row = {"url": entry.link, "aliases": [("url", entry.link), ("guid", "g")]}
    back = messages.decode(messages.encode(Outcome("4", row=row)))  # type: ignore[arg-type]
    assert back.row == row and back.kind == "article"


def test_feeds_push_and_a_sitemap_index_read_by_one_worker(redis_server, tmp_path):
    site = Newsroom.copy_of_site(tmp_path)
    add_stories(site)
    now = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    (site.root / "sitemaps").mkdir()
    for part in ("a", "b"):
        first = 0 if part == "a" else 4
        urls = "".join(
            f"<url><loc>{site.url}/news/desk-{n}.html</loc><lastmod>{now}</lastmod></url>"
            for n in range(first, first + 4)
        )
        (site.root / "sitemaps" / f"{part}.xml").write_text(
            '<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
            f"{urls}</urlset>"
        )
    children = "".join(
        f"<sitemap><loc>{site.url}/sitemaps/{part}.xml</loc><lastmod>{now}</lastmod></sitemap>"
        for part in ("a", "b")
    )
    (site.root / "sitemap-index.xml").write_text(
        '<?xml version="1.0"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        f"{children}</sitemapindex>"
    )
    db = tmp_path / "cluster.db"
    added = run_newsdesk("feeds", "add", f"{site.url}/sitemap-index.xml", "--db", str(db))
    assert added.returncode == 0, added.stderr
    pushed = run_newsdesk("feeds", "push", "--redis", redis_server.url, "--db", str(db))
    assert pushed.stderr.startswith("newsdesk feeds push: cycle 1: 1 feeds, 0 revision checks")
    again = run_newsdesk("feeds", "push", "--redis", redis_server.url, "--db", str(db))
    assert "a cycle is open already; nothing pushed" in again.stderr
    crawler = worker(redis_server.url, "--idle-exit", "2s")
    proc = ingest(redis_server.url, db, "--no-push")
    assert proc.returncode == 0, proc.stderr + stop(crawler)
    assert crawler.wait(60) == 0, stop(crawler)
    stored = {url for (url,) in rows(db, "SELECT url FROM articles")}
    assert stored == {f"{site.url}/news/desk-{n}.html" for n in range(8)}
    [feed] = rows(db, "SELECT last_status, articles_found FROM feeds")
    assert feed == ("ok", 8)
    site.shutdown()
