"""The archive on real SQLite files: schema, upserts, FTS, failures, foreign files."""

from __future__ import annotations

import sqlite3
import subprocess
import sys

import pytest
from sqlite_utils import Database

from storage import Archive, StorageError
from tests.helpers import article_row


def test_upsert_keeps_first_seen_and_updates_the_rest(tmp_path):
    path = tmp_path / "archive.db"
    archive = Archive(path)
    archive.upsert_articles([article_row()])
    archive.upsert_articles(
        [article_row(title="Storm rips pontoon loose", fetched_at="2026-11-21T10:00:00+00:00")]
    )
    [stored] = Database(path)["articles"].rows
    assert stored["first_seen"] == "2026-11-20T10:00:00+00:00"
    assert stored["fetched_at"] == "2026-11-21T10:00:00+00:00"
    assert stored["title"] == "Storm rips pontoon loose"
    assert stored["authors"] == '["Mara Lindqvist"]'


def test_full_text_search_follows_updates(tmp_path):
    archive = Archive(tmp_path / "archive.db")
    archive.upsert_articles([article_row()])
    assert [r["title"] for r in archive.search("pontoon")] == ["Storm tears north pontoon"]
    archive.upsert_articles([article_row(text="Harbour repairs begin", title="Repairs")])
    assert archive.search("moorings") == []
    assert [r["title"] for r in archive.search("harbour")] == ["Repairs"]


def test_archive_is_wal_and_migrations_are_idempotent(tmp_path):
    path = tmp_path / "archive.db"
    Archive(path).close()
    Archive(path).close()
    db = Database(path)
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    names = [r["name"] for r in db["_sqlite_migrations"].rows]
    assert names[0] == "m001_create_tables" and len(names) == len(set(names))  # each once


def test_failure_is_recorded_and_cleared_when_the_article_arrives(tmp_path):
    archive = Archive(tmp_path / "archive.db")
    archive.record_failure(article_row()["url"], "HTTP 503", status=503)
    archive.record_failure(article_row()["url"], "HTTP 503", status=503)
    [failure] = archive.failures()
    assert (failure["reason"], failure["status"], failure["attempts"]) == ("HTTP 503", 503, 2)
    archive.upsert_articles([article_row()])
    assert archive.failures() == []


def test_feeds_are_remembered_once(tmp_path):
    archive = Archive(tmp_path / "archive.db")
    assert archive.add_feeds(["https://a.example/rss", "https://a.example/rss"]) == 1
    archive.record_feed_poll("https://a.example/rss", status="ok", title="A", articles_found=3)
    [feed] = archive.feeds()
    assert (feed["title"], feed["last_status"], feed["articles_found"]) == ("A", "ok", 3)


def test_foreign_sqlite_file_is_refused(tmp_path):
    path = tmp_path / "other.db"
    sqlite3.connect(path).execute("CREATE TABLE invoices (id INTEGER)").connection.commit()
    with pytest.raises(StorageError, match="belongs to something else"):
        Archive(path)


def test_non_sqlite_file_is_refused(tmp_path):
    path = tmp_path / "notes.db"
    path.write_text("shopping list\n" * 200)
    with pytest.raises(StorageError, match="not a SQLite database"):
        Archive(path)


def test_storage_does_not_import_scrapy():
    code = "import sys, storage; sys.exit('scrapy' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code]).returncode == 0
