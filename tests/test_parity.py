"""One way to fetch a page: every page of the test site and every hostile answer of the test
suite (tests/answers.py), fetched by `newsdesk fetch` through Scrapy and through the direct path
into two archives, give the same rows and the same failure reasons."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Any

from sqlite_utils import Database

from crawler.ingest import reasons
from tests.answers import (
    HUGE,
    RULES,
    SITE,
    SilentHost,
    answer,
    install,
    install_slow,
    refused_url,
)
from tests.helpers import ROOT, run_newsdesk
from tests.newsroom import Newsroom

# Columns that say when or which id, not what.
# published_utc falls back to first_seen for an undated page; retry_at counts from failed_at.
WHEN = (
    "id", "article_id", "fetched_at", "first_seen", "last_seen", "failed_at", "published_utc",
    "retry_at",
)  # fmt: skip
FAST = ("DOWNLOAD_DELAY=0", "AUTOTHROTTLE_ENABLED=False")
VIA = {"scrapy": "NEWSDESK_DIRECT_MAX_URLS=0", "direct": "NEWSDESK_DIRECT_MAX_URLS=1000"}
SITE_PAGES = sorted(
    str(p.relative_to(SITE)) for p in SITE.rglob("*") if p.is_file() and p.name != "robots.txt"
)


def table(db: Path, name: str, base: str) -> list[dict[str, Any]]:
    """A table's rows, the site's address made "SITE", without ids and times, sorted."""

    def plain(value: Any) -> Any:
        return value.replace(base, "SITE") if isinstance(value, str) else value

    rows = [
        {k: plain(v) for k, v in row.items() if k not in WHEN} for row in Database(db)[name].rows
    ]
    return sorted(rows, key=repr)


@contextmanager
def site_with(tmp: Path, *, slow: bool = False) -> Iterator[Newsroom]:
    stop = threading.Event()
    server = Newsroom.copy_of_site(tmp)
    install_slow(server, stop) if slow else install(server)
    try:
        yield server
    finally:
        stop.set()
        server.shutdown()


def fetch_both_ways(
    tmp_path: Path,
    paths: list[str],
    settings: list[str],
    *,
    slow: bool = False,
    extra: tuple[str, ...] = (),
) -> dict[str, dict[str, list[dict[str, Any]]]]:
    """Fetch `paths` of a fresh site for each way at once, and the `extra` URLs; each
    archive's tables."""
    tables: dict[str, dict[str, list[dict[str, Any]]]] = {}
    with ExitStack() as stack:
        runs = {}
        for via, setting in VIA.items():
            site = stack.enter_context(site_with(tmp_path / via, slow=slow))
            urls = [f"{site.url}/{p.lstrip('/')}" for p in paths] + list(extra)
            db = tmp_path / f"{via}.db"
            args = ["fetch", *urls, "--db", str(db), "-s", setting]
            args += [a for s in settings for a in ("-s", s)]
            proc = subprocess.Popen(
                [sys.executable, "-m", "crawler", *args],
                cwd=ROOT,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
            runs[via] = (proc, db, site.url)
        for via, (proc, db, base) in runs.items():
            _, stderr = proc.communicate(timeout=120)
            assert proc.returncode == 3, stderr  # some pages are not stored: exit 3
            assert "Traceback" not in stderr, stderr
            tables[via] = {
                name: table(db, name, base) for name in ("articles", "failures", "aliases")
            }
    return tables


def test_the_site_and_the_hostile_answers_give_the_same_archive_both_ways(tmp_path):
    hostile = [
        "moved", "to-private", "loop", "refresh", "story", "gzipped", "untyped", "octet.html",
        "latin-1", "flaky", "busy", "huge", "huge-unsized", "huge-gzipped", "cut-short",
    ]  # fmt: skip
    settings = [*FAST, "RETRY_TIMES=1", f"DOWNLOAD_MAXSIZE={HUGE}", "DOWNLOAD_TIMEOUT=20"]
    refused = refused_url()
    with ExitStack() as stack:  # sites whose robots.txt answers 503 (none may be read) or 404,
        robots = {}  # or is over 500 KiB (only so much is read) and over DOWNLOAD_MAXSIZE
        filler = b"# " + b"x" * 1000 + b"\n"
        huge = RULES + filler * 600 + b"Disallow: /story\n"
        for status, body in ((503, b""), (404, b""), (200, huge)):
            robots[status] = site = stack.enter_context(site_with(tmp_path / f"robots-{status}"))
            site.routes["/robots.txt"] = answer(status, body, "text/plain")
        extra = (refused, f"{robots[503].url}/story", f"{robots[404].url}/private/story")
        extra += (f"{robots[200].url}/private/story", f"{robots[200].url}/story")
        both = fetch_both_ways(
            tmp_path, [*SITE_PAGES, "news/gone.html", *hostile], settings, extra=extra
        )
    scrapy, direct = both["scrapy"], both["direct"]
    assert direct["articles"] == scrapy["articles"]
    assert direct["failures"] == scrapy["failures"]
    assert direct["aliases"] == scrapy["aliases"]
    failed = {row["url"].replace("SITE/", ""): row["reason"] for row in direct["failures"]}
    too_large = reasons.too_large(HUGE)
    feeds = {p: "not HTML: application/rss+xml" for p in SITE_PAGES if p.endswith(".xml")}
    # A page with no story is refused both ways; its wording is the extractor's (tests/golden).
    assert failed.pop("news/empty.html").startswith(("no article text", "not an article"))
    assert failed == feeds | {  # tests/newsroom.py serves .xml as RSS
        "feed.json": "not HTML: application/feed+json",
        "not-a-feed.txt": "not HTML: text/plain",
        "news/annual-report.pdf": "not HTML: application/pdf",
        "news/gone.html": "HTTP 404",
        "private/secret-story.html": reasons.ROBOTS_FORBIDDEN,
        "private/story": reasons.ROBOTS_FORBIDDEN,  # redirected there from /to-private
        "loop": reasons.too_many_redirects(20),
        "busy": "HTTP 503",
        "huge": too_large,
        "huge-unsized": too_large,
        "huge-gzipped": too_large,
        "cut-short": reasons.CUT_SHORT,
        refused: reasons.CONNECTION_REFUSED,
        extra[1]: reasons.robots_unreachable("HTTP 503"),
        extra[3]: reasons.ROBOTS_FORBIDDEN,
    }
    assert {extra[2], extra[4]} <= {row["url"] for row in direct["articles"]}
    stored = {row["url"].replace("SITE/", "") for row in direct["articles"]}
    assert {"news/hafen-mueller.html", "story", "gzipped", "flaky", "latin-1"} <= stored
    [german] = [row for row in direct["articles"] if row["url"].endswith("hafen-mueller.html")]
    assert "Hafenmeister Klaus Müller" in german["text"]


def test_answers_that_never_end_fail_the_same_way_both_ways(tmp_path):
    silent = SilentHost()
    try:
        both = fetch_both_ways(
            tmp_path,
            ["drip-body", "drip-status", "hang"],
            [*FAST, "RETRY_TIMES=0", "DOWNLOAD_TIMEOUT=1"],
            slow=True,
            extra=(f"{silent.url}/story",),
        )
    finally:
        silent.close()
    assert both["direct"]["failures"] == both["scrapy"]["failures"]
    assert {row["reason"] for row in both["direct"]["failures"]} == {reasons.TIMED_OUT}
    assert len(both["direct"]["failures"]) == 4


def test_a_page_without_a_declared_charset_is_stored_alike_by_crawl_and_fetch(tmp_path):
    site = Newsroom.copy_of_site(tmp_path)
    try:
        (site.root / "german.xml").write_text(
            '<?xml version="1.0"?><rss version="2.0"><channel><title>Küstenbote</title>'
            "<link>/</link><item><title>Müller</title><link>news/hafen-mueller.html</link>"
            "</item></channel></rss>"
        )
        fast = [a for setting in FAST for a in ("-s", setting)]
        crawl_db, fetch_db = tmp_path / "crawl.db", tmp_path / "fetch.db"
        feed = f"{site.url}/german.xml"
        crawl = run_newsdesk("crawl", "--feed", feed, "--db", str(crawl_db), *fast)
        assert crawl.returncode == 0, crawl.stderr
        url = f"{site.url}/news/hafen-mueller.html"
        fetch = run_newsdesk("fetch", url, "--db", str(fetch_db), *fast)
        assert fetch.returncode == 0, fetch.stderr
    finally:
        site.shutdown()
    ignore = ("feed_url", "metadata_source", "published")  # the crawl had the feed's entry too
    [crawled], [fetched] = (
        [{k: v for k, v in r.items() if k not in ignore} for r in table(db, "articles", site.url)]
        for db in (crawl_db, fetch_db)
    )
    assert fetched == crawled
    assert "Hafenmeister Klaus Müller" in fetched["text"]
    assert json.loads(fetched["authors"]) == ["Jörg Weiß"]
