"""Article revisions, aliases, revision checks and crawl runs on a real SQLite file."""

from __future__ import annotations

import sqlite3

import pytest
from sqlite_utils import Database

from storage import Archive
from storage.schema import m001_create_tables, m002_incremental_crawling
from tests.helpers import article_row

FEED = "https://ledger.example/rss.xml"


def test_a_changed_text_keeps_the_old_version_and_first_seen(tmp_path):
    archive = Archive(tmp_path / "archive.db")
    assert archive.upsert_articles([article_row()]) == ["new"]
    again = article_row(fetched_at="2026-11-20T11:00:00+00:00")
    assert archive.upsert_articles([again]) == ["unchanged"]
    edited = article_row(
        text="Overnight gales tore the new north pontoon loose.",
        content_hash="b",
        fetched_at="2026-11-20T12:00:00+00:00",
    )
    assert archive.upsert_articles([edited]) == ["updated"]
    [article] = archive.articles()
    assert (article["first_seen"], article["revisions"]) == ("2026-11-20T10:00:00+00:00", 1)
    [version] = archive.versions(article["id"])
    assert version["text"] == article_row()["text"] and version["content_hash"] == "a"
    assert (version["fetched_at"], version["replaced_at"]) == (
        "2026-11-20T11:00:00+00:00",
        "2026-11-20T12:00:00+00:00",
    )
    assert (version["words_added"], version["words_removed"]) == (2, 3)


def test_article_versions_are_append_only(tmp_path):
    archive = Archive(tmp_path / "archive.db")
    archive.upsert_articles([article_row()])
    archive.upsert_articles([article_row(text="Repairs begin.", content_hash="b")])
    for statement in ("UPDATE article_versions SET text = ''", "DELETE FROM article_versions"):
        with pytest.raises(sqlite3.IntegrityError, match="append-only"):
            archive.db.execute(statement)


def test_an_article_is_found_by_any_url_or_by_its_guid_in_its_feed(tmp_path):
    archive = Archive(tmp_path / "archive.db")
    archive.upsert_articles([article_row(aliases=[("url", "https://ledger.example/p/4411")])])
    archive.upsert_articles([article_row(aliases=[("guid", "4411")])])
    [article] = archive.articles()
    for urls in (["https://ledger.example/news/pontoon"], ["https://ledger.example/p/4411"]):
        assert archive.find_article(urls)["id"] == article["id"]
    assert archive.find_article(["https://x.example/"], guid="4411", feed_url=FEED)
    assert archive.find_article(["https://x.example/"], guid="4411", feed_url="other") is None


def test_revision_checks_fall_due_as_the_article_ages(tmp_path):
    archive = Archive(tmp_path / "archive.db")
    archive.upsert_articles([article_row()])  # first seen and fetched at 10:00
    checks = (3600, 21600)
    assert archive.due_for_revision(checks, at="2026-11-20T10:59:00+00:00") == []
    [due] = archive.due_for_revision(checks, at="2026-11-20T11:01:00+00:00")
    assert due["url"] == article_row()["url"]
    archive.upsert_articles([article_row(fetched_at="2026-11-20T11:01:00+00:00")])
    assert archive.due_for_revision(checks, at="2026-11-20T15:00:00+00:00") == []
    assert archive.due_for_revision(checks, at="2026-11-20T16:00:00+00:00", feeds=[FEED])
    assert archive.due_for_revision(checks, at="2026-11-20T16:00:00+00:00", feeds=["x"]) == []
    assert archive.due_for_revision((), at="2026-11-20T16:00:00+00:00") == []


def test_a_run_left_running_is_marked_interrupted_by_the_next(tmp_path):
    archive = Archive(tmp_path / "archive.db")
    killed = archive.start_run(pid=1)
    run = archive.start_run(pid=2)
    archive.finish_run(run, status="finished", exit_code=0, counts={"articles_new": 3})
    assert [(r["id"], r["status"], r["articles_new"]) for r in archive.runs()] == [
        (run, "finished", 3),
        (killed, "interrupted", None),
    ]


def test_migrating_an_older_archive_gives_its_articles_their_aliases():
    db = Database(memory=True)
    m001_create_tables(db)
    db["articles"].insert(
        {**article_row(), "authors": "[]", "tags": "[]", "first_seen": "2026-11-20"}
    )
    m002_incremental_crawling(db)
    assert {(a["alias"], a["feed_url"]) for a in db["aliases"].rows} == {
        (article_row()["url"], FEED),
        (article_row()["canonical_url"], FEED),
    }
    assert [r["revisions"] for r in db["articles"].rows] == [0]
