"""The real CLI in a subprocess against the local news site and a real SQLite file."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from sqlite_utils import Database

from tests.helpers import FAST, ROOT, run_newsdesk

FEEDS = ("rss.xml", "atom.xml", "feed.json", "malformed.xml")


@pytest.fixture(scope="module")
def crawled(site_url, tmp_path_factory):
    """One crawl of every test feed, then a second identical one."""
    db_path = tmp_path_factory.mktemp("crawl") / "archive.db"
    feed_args = [arg for name in FEEDS for arg in ("--feed", f"{site_url}/{name}")]
    first = run_newsdesk("crawl", *feed_args, "--db", str(db_path), *FAST)
    before = list(Database(db_path)["articles"].rows)
    second = run_newsdesk("crawl", "--db", str(db_path), *FAST)  # the remembered feeds
    return db_path, first, before, second


def test_crawl_stores_clean_articles_with_metadata(crawled, site_url):
    db_path, first, _, _ = crawled
    assert first.returncode == 0, first.stderr
    rows = {r["canonical_url"]: r for r in Database(db_path)["articles"].rows}
    assert set(rows) == {
        f"{site_url}/news/{n}.html" for n in ("harbour-pontoon", "ferry-strike", "lighthouse")
    }
    pontoon = rows[f"{site_url}/news/harbour-pontoon.html"]
    assert pontoon["url"].startswith(f"{site_url}/news/harbour-pontoon.html")
    assert pontoon["title"] == "Storm tears north pontoon from Kessel harbour"
    assert json.loads(pontoon["authors"]) == ["Mara Lindqvist"]
    assert pontoon["sitename"] == "The Coastal Ledger"
    assert pontoon["published"] == "2026-11-20T07:30:00+01:00"
    assert pontoon["modified"] == "2026-11-20T09:05:00+01:00"
    assert pontoon["language"] == "en"
    sources = json.loads(pontoon["metadata_source"])
    assert sources["authors"] == sources["published"] == sources["modified"] == "json-ld"
    assert "north pontoon" in pontoon["text"] and "Repairs are expected" in pontoon["text"]
    assert "\n\n" in pontoon["text"]
    for widget in (
        "follow us",
        "Short link",
        "Leave a comment",
        "one + 3",
        "Cookie settings",
        "Share on Twitter",
        "Related posts",
        "newsletter",
        "All rights reserved",
    ):
        assert widget not in pontoon["text"], widget
    assert pontoon["word_count"] > 150 and len(pontoon["content_hash"]) == 64
    lighthouse = rows[f"{site_url}/news/lighthouse.html"]
    assert json.loads(lighthouse["authors"]) == ["Karin Vik"]  # from the Atom entry
    assert json.loads(lighthouse["metadata_source"])["authors"] == "feed"


def test_crawl_records_failures_with_reasons(crawled, site_url):
    db_path, *_ = crawled
    reasons = {r["url"]: (r["status"], r["reason"]) for r in Database(db_path)["failures"].rows}
    assert reasons[f"{site_url}/news/gone.html"] == (404, "HTTP 404")
    assert reasons[f"{site_url}/news/annual-report.pdf"] == (200, "not HTML: application/pdf")
    assert reasons[f"{site_url}/news/empty.html"][1].startswith("no article text (")
    assert reasons[f"{site_url}/private/secret-story.html"][1] == "forbidden by robots.txt"


def test_crawl_records_feeds(crawled, site_url):
    db_path, *_ = crawled
    feeds = {r["url"]: r for r in Database(db_path)["feeds"].rows}
    assert set(feeds) == {f"{site_url}/{name}" for name in FEEDS}
    assert feeds[f"{site_url}/rss.xml"]["title"] == "The Coastal Ledger"
    assert feeds[f"{site_url}/rss.xml"]["articles_found"] == 6
    assert feeds[f"{site_url}/malformed.xml"]["last_status"] == "malformed"
    assert "1 entries recovered" in feeds[f"{site_url}/malformed.xml"]["last_error"]


def test_full_text_search(crawled):
    db_path, *_ = crawled
    hits = list(Database(db_path)["articles"].search("trawler"))
    assert [h["title"] for h in hits] == ["Storm tears north pontoon from Kessel harbour"]


def test_second_crawl_is_idempotent(crawled):
    db_path, _, before, second = crawled
    assert second.returncode == 0, second.stderr
    after = list(Database(db_path)["articles"].rows)
    assert len(after) == len(before) == 3
    assert {r["id"]: r["first_seen"] for r in after} == {r["id"]: r["first_seen"] for r in before}


def test_crawl_is_quiet_with_one_summary_line(crawled):
    _, first, _, _ = crawled
    lines = first.stderr.strip().splitlines()
    assert lines[-1].startswith("newsdesk crawl: 4 feeds polled (0 failed), ")
    assert "Traceback" not in first.stderr
    assert all(" WARNING " in line for line in lines[:-1]), first.stderr


def test_fetch_prints_what_it_stored(site_url, tmp_path):
    db_path = tmp_path / "archive.db"
    proc = run_newsdesk(
        "fetch", f"{site_url}/news/ferry-strike.html", "--db", str(db_path), "--json", *FAST
    )
    assert proc.returncode == 0, proc.stderr
    [article] = json.loads(proc.stdout)
    assert article["title"] == "Ferry crews vote to strike over winter rota"
    assert article["authors"] == ["Tomas Berg"]
    assert "Subscribe to our newsletter" not in article["text"]
    assert Database(db_path)["articles"].count == 1


def test_fetch_of_a_missing_page_exits_3_and_records_it(site_url, tmp_path):
    db_path = tmp_path / "archive.db"
    proc = run_newsdesk("fetch", f"{site_url}/news/gone.html", "--db", str(db_path), *FAST)
    assert proc.returncode == 3
    assert f"not stored: {site_url}/news/gone.html: HTTP 404" in proc.stderr
    assert [r["reason"] for r in Database(db_path)["failures"].rows] == ["HTTP 404"]


def test_fetch_obeys_robots_txt(site_url, tmp_path):
    proc = run_newsdesk(
        "fetch", f"{site_url}/private/secret-story.html", "--db", str(tmp_path / "a.db"), *FAST
    )
    assert proc.returncode == 3
    assert "forbidden by robots.txt" in proc.stderr


def test_unreachable_feed_is_recorded_and_the_crawl_goes_on(site_url, tmp_path):
    db_path = tmp_path / "archive.db"
    proc = run_newsdesk(
        "crawl",
        "--feed",
        "http://127.0.0.1:9/feed.xml",
        "--feed",
        f"{site_url}/atom.xml",
        "--db",
        str(db_path),
        *FAST,
    )
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stderr
    assert "http://127.0.0.1:9/feed.xml: unreachable: connection refused" in proc.stderr
    assert Database(db_path)["articles"].count == 2
    [failure] = Database(db_path)["failures"].rows
    assert (failure["kind"], failure["reason"]) == ("feed", "unreachable: connection refused")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("fetch", "not-a-url"), "Error: not an http(s) URL: not-a-url"),
        (
            ("crawl", "--db", "/no/such/folder/a.db"),
            "Error: /no/such/folder/a.db: folder /no/such/folder does not exist",
        ),
        (
            ("crawl",),
            "Error: no feeds to crawl: add one with `newsdesk feeds add URL` or pass --feed URL",
        ),
        (("crawl", "--config", "missing.toml"), "Error: missing.toml: cannot read config file"),
        (("settings", "-s", "DOWNLOAD_DELAY=x"), "Error: -s DOWNLOAD_DELAY=x: expected a number"),
        (
            ("crawl", "--feed", "http://127.0.0.1:9/", "-s", "DOWNLOAD_DELAY=x"),
            "Error: -s DOWNLOAD_DELAY=x: expected a number",
        ),
        (
            ("feeds", "list", "--db", "typo.db"),
            "Error: no archive at typo.db; `newsdesk crawl` or `newsdesk feeds add` creates one",
        ),
    ],
)
def test_user_mistakes_get_one_line(args, message, tmp_path):
    proc = run_newsdesk(*args, cwd=tmp_path)
    assert proc.returncode == 1
    assert proc.stderr.startswith(message)
    assert len(proc.stderr.strip().splitlines()) == 1


def readme_config(db_path: Path) -> str:
    """The README's own newsdesk.toml, with its archive moved to `db_path`."""
    readme = (ROOT / "README.md").read_text()
    [block] = re.findall(r"```toml\n(# newsdesk.toml\n.*?)```", readme, re.DOTALL)
    assert 'db = "/var/lib/newsdesk/news.db"' in block
    return block.replace("/var/lib/newsdesk/news.db", str(db_path))


def test_every_command_reads_the_archive_from_the_readme_config(site_url, tmp_path):
    db_path = tmp_path / "lib" / "news.db"
    db_path.parent.mkdir()
    (tmp_path / "newsdesk.toml").write_text(readme_config(db_path))
    config = ("--config", "newsdesk.toml")

    def newsdesk(*args: str) -> subprocess.CompletedProcess[str]:
        proc = run_newsdesk(*args, *config, cwd=tmp_path)
        assert proc.returncode == 0, proc.stderr
        return proc

    newsdesk("feeds", "add", f"{site_url}/atom.xml")
    crawl = newsdesk("crawl", *FAST)
    assert crawl.stderr.strip().endswith(f"-> {db_path}")
    [row] = newsdesk("feeds", "list").stdout.splitlines()[1:]  # polled by that crawl
    assert row.startswith("ok ") and f"{site_url}/atom.xml" in row
    assert json.loads(newsdesk("settings").stdout)["NEWSDESK_DB"] == str(db_path)
    assert Database(db_path)["articles"].count == 2
    assert sorted(p.name for p in tmp_path.iterdir()) == ["lib", "newsdesk.toml"]


def test_foreign_database_is_refused(tmp_path):
    path = tmp_path / "notes.db"
    path.write_text("not sqlite " * 100)
    proc = run_newsdesk("feeds", "add", "https://example.org/rss", "--db", str(path))
    assert proc.returncode == 1
    assert "not a SQLite database newsdesk can use" in proc.stderr


def test_feeds_add_list_remove_and_default_db(site_url, tmp_path):
    feed = f"{site_url}/rss.xml"
    assert run_newsdesk("feeds", "add", feed, *FAST, cwd=tmp_path).returncode == 0
    assert (tmp_path / "news.db").exists()
    listing = run_newsdesk("feeds", "list", cwd=tmp_path).stdout.splitlines()
    assert listing[1].split()[:7] == ["new", "rss", "0", "never", "due", "now", "0"]
    assert listing[1].endswith(f"{feed}  The Coastal Ledger")
    assert run_newsdesk("feeds", "remove", feed, cwd=tmp_path).returncode == 0
    assert run_newsdesk("feeds", "list", cwd=tmp_path).stdout == ""


def test_scrapy_crawl_works_too(site_url, tmp_path):
    db_path = tmp_path / "archive.db"
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "scrapy",
            "crawl",
            "feeds",
            "-a",
            f"feeds={site_url}/atom.xml",
            "-s",
            f"NEWSDESK_DB={db_path}",
            *FAST,
        ],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
    )
    assert proc.returncode == 0, proc.stderr
    assert Database(db_path)["articles"].count == 2
