"""Cron-grade crawling, measured: the real CLI in a subprocess against a local site that counts
every request, and a real SQLite archive."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import threading
from dataclasses import replace
from datetime import UTC, datetime

import psutil
import pytest
from sqlite_utils import Database

from crawler.ingest.items import FeedEntry
from crawler.policy.feedstate import known_entry
from storage import Archive
from tests.helpers import FAST, ROOT, article_row, run_newsdesk, wait_for_articles
from tests.newsroom import Newsroom

FEEDS = ("rss.xml", "atom.xml", "feed.json", "malformed.xml")
STORIES = ("harbour-pontoon", "ferry-strike", "lighthouse")


def crawl(db, *args, feeds=()):
    feed_args = [a for url in feeds for a in ("--feed", url)]
    return run_newsdesk("crawl", *feed_args, "--db", str(db), *FAST, *args)


def counts(db):
    [row] = Database(db).query("SELECT * FROM crawl_runs ORDER BY id DESC LIMIT 1")
    return row


@pytest.fixture(scope="module")
def measured(tmp_path_factory):
    """Three crawls: the first, one with nothing changed, one after an edit and an addition."""
    tmp_path = tmp_path_factory.mktemp("measured")
    site = Newsroom.copy_of_site(tmp_path)
    db = tmp_path / "archive.db"
    runs = {}
    first = crawl(db, feeds=[f"{site.url}/{name}" for name in FEEDS])
    runs["first"] = (first, dict(site.requests), counts(db))
    before = {r["canonical_url"]: r for r in Database(db)["articles"].rows}

    site.reset_counts()
    second = crawl(db, "--all")
    runs["second"] = (second, dict(site.answers), counts(db))
    conditional = dict(site.conditional)

    site.edit_one_story_and_publish_one()
    site.reset_counts()
    third = crawl(db, "--all")
    runs["third"] = (third, dict(site.requests), counts(db))
    runs["second conditional"] = conditional
    yield db, site, runs, before
    site.shutdown()


def test_first_run_stores_everything(measured):
    _, site, runs, before = measured
    proc, requests, run = runs["first"]
    assert proc.returncode == 0, proc.stderr
    assert set(before) == {f"{site.url}/news/{s}.html" for s in STORIES}
    assert (run["status"], run["exit_code"], run["feeds_polled"], run["articles_new"]) == (
        "finished",
        0,
        4,
        3,
    )
    assert requests["/news/lighthouse.html"] == 1


def test_second_run_makes_only_conditional_feed_requests_answered_304(measured):
    _, _, runs, _ = measured
    proc, answers, run = runs["second"]
    assert proc.returncode == 0, proc.stderr
    assert {path for path, _ in answers} - {"/robots.txt"} == {f"/{name}" for name in FEEDS}
    assert {answers[(f"/{name}", 304)] for name in FEEDS} == {1}
    assert runs["second conditional"] == {f"/{name}": 1 for name in FEEDS}
    assert sum(n for (path, _), n in answers.items() if path.startswith("/news/")) == 0
    assert (run["feeds_polled"], run["feeds_unchanged"], run["articles_new"]) == (4, 4, 0)
    [line] = proc.stderr.splitlines()  # quiet under cron: the summary only
    assert line.startswith(
        "newsdesk crawl: 4 feeds polled (0 failed), 4 unchanged; articles: 0 new"
    )


def test_third_run_fetches_exactly_the_edit_and_the_addition(measured):
    db, site, runs, before = measured
    proc, requests, run = runs["third"]
    assert proc.returncode == 0, proc.stderr
    articles = {p: n for p, n in requests.items() if p.startswith("/news/")}
    assert articles == {"/news/lighthouse.html": 1, "/news/new-pier.html": 1}
    assert (run["articles_new"], run["articles_updated"], run["feeds_unchanged"]) == (1, 1, 2)
    archive = Database(db)
    assert archive["articles"].count == 4
    [version] = archive["article_versions"].rows
    lighthouse = before[f"{site.url}/news/lighthouse.html"]
    assert (version["article_id"], version["text"]) == (lighthouse["id"], lighthouse["text"])
    assert version["fetched_at"] == lighthouse["fetched_at"]
    assert (version["words_added"], version["words_removed"]) == (13, 0)
    [now] = archive.query("SELECT * FROM articles WHERE id = ?", [lighthouse["id"]])
    assert "guide museum tours" in now["text"] and now["revisions"] == 1
    assert now["first_seen"] == lighthouse["first_seen"]


def test_one_story_through_two_feeds_and_two_links_is_one_row(measured):
    db, site, _, _ = measured
    archive = Database(db)
    [pontoon] = archive.query(
        "SELECT id FROM articles WHERE canonical_url = ?", [f"{site.url}/news/harbour-pontoon.html"]
    )
    aliases = {
        (a["kind"], a["alias"], a["feed_url"])
        for a in archive.query("SELECT * FROM aliases WHERE article_id = ?", [pontoon["id"]])
    }
    assert ("guid", "ledger-4411", f"{site.url}/rss.xml") in aliases
    assert ("guid", "urn:ledger:4411", f"{site.url}/atom.xml") in aliases
    assert {feed for _, _, feed in aliases} == {f"{site.url}/rss.xml", f"{site.url}/atom.xml"}


def test_crawl_polls_only_feeds_that_are_due(site, tmp_path):
    db = tmp_path / "archive.db"
    assert crawl(db, feeds=[f"{site.url}/atom.xml"]).returncode == 0
    site.reset_counts()
    proc = crawl(db)
    assert proc.returncode == 0, proc.stderr
    assert site.requests == {}
    assert "nothing due; next feed poll at 20" in proc.stderr
    assert counts(db)["status"] == "nothing due"
    [feed] = json.loads(run_newsdesk("feeds", "list", "--json", "--db", str(db)).stdout)
    assert (feed["url"], feed["last_status"], feed["articles_found"]) == (
        f"{site.url}/atom.xml",
        "ok",
        2,
    )
    assert feed["next_poll"] > feed["last_polled"]


def test_feed_without_validators_is_skipped_by_its_body_hash(tmp_path):
    site = Newsroom.copy_of_site(tmp_path, validators=False)
    db = tmp_path / "archive.db"
    try:
        assert crawl(db, feeds=[f"{site.url}/atom.xml"]).returncode == 0
        site.reset_counts()
        proc = crawl(db, "--all")
    finally:
        site.shutdown()
    assert proc.returncode == 0, proc.stderr
    assert site.answers == {("/robots.txt", 200): 1, ("/atom.xml", 200): 1}
    assert (counts(db)["feeds_unchanged"], counts(db)["articles_new"]) == (1, 0)


def start_crawl(db, *args):
    return subprocess.Popen(
        [sys.executable, "-m", "crawler", "crawl", "--db", str(db), *FAST, *args],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_two_crawls_of_one_archive_never_overlap(site, tmp_path):
    db = tmp_path / "archive.db"
    feeds = [f"{site.url}/{name}" for name in FEEDS]
    assert run_newsdesk("feeds", "add", *feeds, "--db", str(db)).returncode == 0
    site.gate = threading.Event()  # the first crawl hangs on its first article
    first = start_crawl(db)
    assert site.wait_for_article_requests(1)
    busy = crawl(db, "--all")
    assert busy.returncode == 4
    assert busy.stderr.strip() == (
        f"Error: {db}: another crawl is running on this archive; "
        "this one stops (pass --wait to wait for it)"
    )
    impatient = crawl(db, "--all", "--wait", "--max-runtime", "1")
    assert impatient.returncode == 4
    assert "waited 1 s, this one stops" in impatient.stderr
    waiting = start_crawl(db, "--all", "--wait")
    site.gate.set()
    assert first.wait(60) == 0, first.stderr.read()
    assert waiting.wait(60) == 0, waiting.stderr.read()
    runs = list(Database(db).query("SELECT * FROM crawl_runs ORDER BY id"))
    assert [r["status"] for r in runs] == ["finished", "finished"]
    assert runs[1]["started"] >= runs[0]["finished"]


def test_a_crawl_killed_half_way_is_completed_by_the_next(site, tmp_path):
    db = tmp_path / "archive.db"
    feeds = [f"{site.url}/{name}" for name in FEEDS]
    assert run_newsdesk("feeds", "add", *feeds, "--db", str(db)).returncode == 0
    site.gate, site.held = threading.Event(), {"/news/lighthouse.html"}
    victim = start_crawl(db)
    stored = wait_for_articles(db, 2)  # the pontoon and the ferry; the lighthouse hangs
    workers = psutil.Process(victim.pid).children(recursive=True)
    assert workers  # extraction runs in worker processes
    os.kill(victim.pid, signal.SIGKILL)
    victim.wait(10)
    site.gate.set()
    site.reset_counts()
    proc = crawl(db)
    assert proc.returncode == 0, proc.stderr
    conn = sqlite3.connect(db)
    assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    rows = conn.execute("SELECT canonical_url, count(*) FROM articles GROUP BY 1").fetchall()
    assert sorted(rows) == sorted((f"{site.url}/news/{s}.html", 1) for s in STORIES)
    # What was missed is fetched once: the lighthouse, and any page whose failure the kill
    # came before (under load, /news/empty.html's); nothing stored is fetched again.
    again = site.article_requests()
    assert again["/news/lighthouse.html"] == 1
    assert set(again.values()) == {1}
    assert {site.url + p for p in site.requests}.isdisjoint(stored)
    statuses = [r[0] for r in conn.execute("SELECT status FROM crawl_runs ORDER BY id")]
    assert statuses == ["interrupted", "finished"]
    _, alive = psutil.wait_procs(workers, timeout=10)
    assert alive == []  # the killed crawl's extraction workers ended too


def test_max_runtime_stops_the_run_cleanly(site, tmp_path):
    db = tmp_path / "archive.db"
    site.delay = 3
    proc = crawl(db, "--max-runtime", "1", feeds=[f"{site.url}/atom.xml"])
    assert proc.returncode == 5, proc.stderr
    assert "stopped by --max-runtime" in proc.stderr.splitlines()[-1]
    assert "Traceback" not in proc.stderr
    run = counts(db)
    assert (run["status"], run["exit_code"]) == ("stopped", 5)
    [feed] = Database(db)["feeds"].rows
    assert feed["etag"] is None  # not read to the end: the next run reads it again


def test_articles_due_a_revision_check_are_fetched_again(site, tmp_path):
    db = tmp_path / "archive.db"
    assert crawl(db, feeds=[f"{site.url}/rss.xml"]).returncode == 0
    archive = Database(db)
    archive.execute(  # two hours later: the 1h check is due, the feed is not
        "UPDATE articles SET first_seen = strftime(?, first_seen, '-2 hours'), "
        "fetched_at = strftime(?, fetched_at, '-2 hours')",
        ["%Y-%m-%dT%H:%M:%S+00:00"] * 2,
    )
    archive.conn.commit()
    (site.root / "news" / "ferry-strike.html").write_text(
        (site.root / "news" / "ferry-strike.html").read_text().replace("December", "January")
    )
    site.reset_counts()
    off = crawl(db, "-s", "NEWSDESK_REVISION_CHECKS=off")
    assert (off.returncode, site.requests) == (0, {})
    proc = crawl(db)
    assert proc.returncode == 0, proc.stderr
    assert site.article_requests() == {
        "/news/harbour-pontoon.html": 1,
        "/news/ferry-strike.html": 1,
    }
    run = counts(db)
    assert (run["feeds_polled"], run["revision_checks"]) == (0, 2)
    assert (run["articles_updated"], run["articles_unchanged"]) == (1, 1)
    [version] = archive["article_versions"].rows
    assert (version["words_added"], version["words_removed"]) == (1, 1)
    site.reset_counts()
    assert crawl(db).returncode == 0
    assert site.requests == {}  # the 6h check is not due yet


def test_retry_after_and_429_push_the_next_poll_back(site, tmp_path):
    db = tmp_path / "archive.db"
    site.overrides["/atom.xml"] = (429, {"Retry-After": "7200"})
    proc = crawl(db, "-s", "RETRY_TIMES=2", feeds=[f"{site.url}/atom.xml"])
    assert proc.returncode == 3, proc.stderr
    assert site.requests["/atom.xml"] == 1  # not retried at once
    [feed] = Database(db)["feeds"].rows
    assert feed["consecutive_failures"] == 1
    wait = datetime.fromisoformat(feed["next_poll"]) - datetime.now(UTC)
    assert 7000 < wait.total_seconds() <= 7200
    assert "nothing due" in crawl(db).stderr


def test_a_bad_revision_schedule_is_one_line(tmp_path):
    proc = crawl(
        tmp_path / "a.db", "-s", "NEWSDESK_REVISION_CHECKS=1h,soon", feeds=["http://127.0.0.1:9/"]
    )
    assert proc.returncode == 1
    assert proc.stderr == (
        "Error: -s NEWSDESK_REVISION_CHECKS=1h,soon: 'soon' is not a duration; "
        "use e.g. 90s, 5m, 6h or 3d\n"
    )
    assert not (tmp_path / "a.db").exists()


def test_an_article_that_failed_for_a_passing_reason_is_retried_later(site, tmp_path):
    db = tmp_path / "archive.db"
    site.overrides["/news/lighthouse.html"] = (503, {})
    assert crawl(db, feeds=[f"{site.url}/atom.xml"]).returncode == 0
    archive = Database(db)
    [failure] = archive["failures"].rows
    assert (failure["reason"], failure["attempts"]) == ("HTTP 503", 1)
    del site.overrides["/news/lighthouse.html"]
    site.reset_counts()
    assert crawl(db).returncode == 0
    assert site.requests == {}  # an hour has not passed
    archive.execute("UPDATE failures SET failed_at = '2026-01-01T00:00:00+00:00'")
    archive.conn.commit()
    proc = crawl(db)
    assert proc.returncode == 0, proc.stderr
    assert site.article_requests() == {"/news/lighthouse.html": 1}  # the feed was not due
    assert [r["title"] for r in archive.query("SELECT title FROM articles ORDER BY id")] == [
        "Storm tears north pontoon from Kessel harbour",
        "Lighthouse keeper retires after 40 years",
    ]
    assert list(archive["failures"].rows) == []
    [lighthouse] = archive.query("SELECT feed_url FROM articles WHERE title LIKE 'Lighthouse%'")
    assert lighthouse["feed_url"] == f"{site.url}/atom.xml"


NOW = datetime(2026, 11, 21, tzinfo=UTC)


def test_an_entry_edited_in_the_second_of_our_fetch_is_fetched_again(tmp_path):
    """A feed's `updated` has whole seconds: 10:00:00 may be after a fetch at 10:00:00.7."""
    archive = Archive(tmp_path / "archive.db")
    archive.upsert_articles([article_row(fetched_at="2026-11-20T10:00:00.700000+00:00")])
    entry = FeedEntry(
        link="https://ledger.example/news/pontoon", feed_url="https://ledger.example/rss.xml"
    )

    def why(modified: str | None) -> str:
        return known_entry(archive, replace(entry, modified=modified), revisits=(), now=NOW)[1]

    assert why("2026-11-20T10:00:00+00:00") == "modified"
    assert why("2026-11-20T11:00:00+01:00") == "modified"  # the same second, another offset
    assert why("2026-11-20T09:59:59+00:00") == "archived"
    assert why(None) == "archived"
