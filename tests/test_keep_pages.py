"""Kept pages (storage/pages.py, the `pages` table) and `newsdesk reextract` over them."""

from __future__ import annotations

import gzip
import json
import shutil
import sqlite3

import pytest
from click.testing import CliRunner
from sqlite_utils import Database

from crawler.app.cli import cli
from storage.pages import CODEC, keep_page, page_body
from tests.helpers import FAST, SITE, crawl_archive, run_newsdesk

STORM = "Storm tears north pontoon from Kessel harbour"


@pytest.fixture(scope="module")
def crawled(site_url, tmp_path_factory):
    return crawl_archive(site_url, tmp_path_factory.mktemp("kept") / "archive.db")


@pytest.fixture
def archive(crawled, tmp_path):
    """A copy of the crawled archive that a test may change."""
    return shutil.copy(crawled, tmp_path / "archive.db")


def reextract(db, *args: str, code: int = 0):
    result = CliRunner().invoke(cli, ["reextract", "--db", str(db), *args])
    assert result.exit_code == code, (result.output, result.exception)
    return result


@pytest.mark.parametrize("codec", ["zstd", "gzip"])
def test_a_page_round_trips_through_each_codec(codec):
    body = (SITE / "news" / "harbour-pontoon.html").read_bytes()
    kept = keep_page("https://example.org/a", body, "utf-8", codec)
    assert kept["codec"] == codec and kept["size"] == len(body)
    assert len(kept["body"]) < len(body) * 0.6
    assert page_body(codec, kept["body"]) == body
    if codec == "gzip":
        assert gzip.decompress(kept["body"]) == body


def test_every_stored_story_keeps_its_page(crawled):
    db = Database(crawled)
    pages = {r["url"].split("?")[0]: r for r in db.query("SELECT * FROM pages")}
    assert db["pages"].count == db["articles"].count == 4
    pontoon = pages[next(u for u in pages if u.endswith("/news/harbour-pontoon.html"))]
    assert CODEC == "zstd" and pontoon["codec"] == "zstd"
    served = (SITE / "news" / "harbour-pontoon.html").read_bytes()
    assert page_body(pontoon["codec"], pontoon["body"]) == served
    assert pontoon["size"] == len(served) > len(pontoon["body"])


def test_keep_pages_is_a_setting_on_by_default(site_url, tmp_path):
    url = f"{site_url}/news/ferry-strike.html"
    kept, not_kept = tmp_path / "kept.db", tmp_path / "not-kept.db"
    assert run_newsdesk("fetch", url, "--db", str(kept), *FAST).returncode == 0
    proc = run_newsdesk("fetch", url, "--db", str(not_kept), *FAST, "-s", "NEWSDESK_KEEP_PAGES=0")
    assert proc.returncode == 0, proc.stderr
    assert Database(kept)["pages"].count == 1 and Database(not_kept)["pages"].count == 0


def test_reextract_stores_only_what_changed(archive):
    db = sqlite3.connect(archive, isolation_level=None)
    # What an older extractor might have stored: the storm story with its last paragraph
    # missing, the ferry story with another site name.
    storm_id, text = db.execute("SELECT id, text FROM articles WHERE title = ?", [STORM]).fetchone()
    old_text = text.rsplit("\n\n", 1)[0]
    db.execute(
        "UPDATE articles SET text = ?, content_hash = 'old' WHERE id = ?", [old_text, storm_id]
    )
    db.execute("UPDATE articles SET sitename = 'Ledger' WHERE title LIKE 'Ferry crews%'")
    before = dict(db.execute("SELECT title, fetched_at FROM articles").fetchall())
    db.close()

    result = reextract(archive)
    assert result.stderr.startswith("newsdesk reextract: 4 pages in ")
    assert (
        ": 1 text changed, 1 metadata only, 2 unchanged, 0 no longer extract; archive "
        in result.stderr
    )
    db = Database(archive)
    storm = next(db.query("SELECT * FROM articles WHERE id = ?", [storm_id]))
    assert storm["text"] == text and storm["revisions"] == 1
    [version] = db.query("SELECT * FROM article_versions")
    assert (version["article_id"], version["text"]) == (storm_id, old_text)
    ferry = next(db.query("SELECT * FROM articles WHERE title LIKE 'Ferry crews%'"))
    assert ferry["sitename"] == "The Coastal Ledger" and ferry["revisions"] == 0
    lighthouse = next(db.query("SELECT * FROM articles WHERE title LIKE 'Lighthouse%'"))
    assert json.loads(lighthouse["authors"]) == ["Karin Vik"]  # the feed's byline stays
    assert json.loads(lighthouse["metadata_source"])["authors"] == "feed"
    assert dict(db.execute("SELECT title, fetched_at FROM articles").fetchall()) == before
    again = reextract(archive)
    assert ": 0 text changed, 0 metadata only, 4 unchanged, 0 no longer extract" in again.stderr


def test_reextract_since_where_and_a_page_that_no_longer_extracts(archive):
    db = sqlite3.connect(archive, isolation_level=None)
    kept = keep_page("https://example.org/x", b"<html><body><p>Gone.</p></body></html>", "utf-8")
    db.execute(
        "UPDATE pages SET body = ?, codec = ? WHERE article_id = "
        "(SELECT id FROM articles WHERE title = ?)",
        [kept["body"], kept["codec"], STORM],
    )
    db.close()
    result = reextract(archive, "--where", "title LIKE 'Storm%'", "--since", "1d")
    assert "newsdesk reextract: 1 pages in " in result.stderr
    assert ": 0 text changed, 0 metadata only, 0 unchanged, 1 no longer extract" in result.stderr
    [storm] = Database(archive).query("SELECT revisions FROM articles WHERE title = ?", [STORM])
    assert storm["revisions"] == 0  # left as it was
    none = reextract(archive, "--since", "2099-01-01")
    assert "newsdesk reextract: 0 pages in " in none.stderr
    bad = reextract(archive, "--where", "title LIKE", code=1)
    assert bad.stderr == (
        'Error: --where title LIKE: not a condition SQLite takes (near ")": syntax error)\n'
    )
