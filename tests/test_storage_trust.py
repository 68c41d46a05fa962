"""The archive keeps what it knew and says in one line why it cannot write (real SQLite files)."""

from __future__ import annotations

import multiprocessing
import sqlite3
import time

import pytest

from storage import Archive, StorageError
from storage.archive import ArchiveDamaged
from tests.helpers import article_row as row


def stored(archive: Archive) -> dict[str, object]:
    [article] = archive.articles()
    return article


def test_a_refetch_never_drops_a_field_it_cannot_replace(tmp_path):
    archive = Archive(tmp_path / "archive.db")
    archive.upsert_articles(
        [row(metadata_source={"authors": "feed", "published": "feed", "title": "html"})]
    )
    archive.upsert_articles(  # the page alone: no authors, no date, another title
        [
            row(
                authors=[],
                published=None,
                tags=[],
                title="Storm rips pontoon loose",
                fetched_at="2026-11-21T10:00:00+00:00",
                metadata_source={"title": "json-ld"},
            )
        ]
    )
    article = stored(archive)
    assert article["authors"] == ["Mara Lindqvist"]
    assert article["published"] == "2026-11-20T07:30:00+01:00"
    assert article["tags"] == ["Weather"]
    assert article["title"] == "Storm rips pontoon loose"
    assert article["fetched_at"] == "2026-11-21T10:00:00+00:00"
    assert article["metadata_source"] == {
        "authors": "feed",
        "published": "feed",
        "title": "json-ld",
    }


def test_a_refetch_replaces_a_field_only_from_an_equal_or_better_source(tmp_path):
    archive = Archive(tmp_path / "archive.db")
    archive.upsert_articles(
        [row(published="2026-11-20T00:00:00+00:00", metadata_source={"published": "htmldate"})]
    )
    archive.upsert_articles(  # the page now declares its date: better than a guess
        [row(published="2026-11-19T08:00:00+00:00", metadata_source={"published": "meta"})]
    )
    assert stored(archive)["published"] == "2026-11-19T08:00:00+00:00"
    archive.upsert_articles(  # a guess never replaces what the page declared
        [row(published="2026-11-25T00:00:00+00:00", metadata_source={"published": "htmldate"})]
    )
    archive.upsert_articles(  # nor does the feed
        [row(published="2026-11-26T00:00:00+00:00", metadata_source={"published": "feed"})]
    )
    assert stored(archive)["published"] == "2026-11-19T08:00:00+00:00"
    archive.upsert_articles(  # the page corrected its declared date: equal source, replaced
        [row(published="2026-11-19T09:00:00+00:00", metadata_source={"published": "json-ld"})]
    )
    article = stored(archive)
    assert article["published"] == "2026-11-19T09:00:00+00:00"
    assert article["metadata_source"] == {"published": "json-ld"}


def test_a_page_dated_by_its_update_keeps_the_first_update_seen(tmp_path):
    """A page that says only when it was updated is dated by that update; a later update on a
    re-fetch is its `modified`, not a later publication."""
    archive = Archive(tmp_path / "archive.db")
    first = "2026-11-20T00:00:00+00:00"
    archive.upsert_articles([row(published=first, metadata_source={"published": "updated"})])
    later = "2026-11-27T00:00:00+00:00"
    archive.upsert_articles(
        [row(published=later, modified=later, metadata_source={"published": "updated"})]
    )
    article = stored(archive)
    assert (article["published"], article["modified"]) == (first, later)
    assert article["metadata_source"] == {"published": "updated"}
    archive.upsert_articles(  # the page now declares when it was published: that wins
        [row(published="2026-11-19T08:00:00+00:00", metadata_source={"published": "meta"})]
    )
    assert stored(archive)["published"] == "2026-11-19T08:00:00+00:00"


def test_a_held_write_lock_is_one_storage_error_after_the_timeout(tmp_path):
    path = tmp_path / "archive.db"
    Archive(path).close()
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    archive = Archive(path, lock_timeout=0.5)
    started = time.monotonic()
    with pytest.raises(StorageError, match=r"database is locked.* 0\.5 s"):
        archive.record_failure("https://a.example/x", "HTTP 404")
    assert 0.4 < time.monotonic() - started < 5
    holder.execute("ROLLBACK")
    archive.record_failure("https://a.example/x", "HTTP 404")  # free again: it writes
    assert len(archive.failures()) == 1


def test_a_full_archive_is_one_storage_error(tmp_path):
    path = tmp_path / "archive.db"
    archive = Archive(path)
    pages = archive.db.execute("PRAGMA page_count").fetchone()[0]
    archive.db.execute(f"PRAGMA max_page_count = {pages}")
    with pytest.raises(StorageError, match="database or disk is full"):
        archive.upsert_articles([row(text="word " * 5000)])
    assert list(archive.articles()) == []


def damage(path) -> None:
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    pages = conn.execute("PRAGMA page_count").fetchone()[0]
    conn.close()
    with open(path, "r+b") as file:
        file.seek(pages // 2 * 4096)
        file.write(b"\xa5" * 4096)


def test_a_damaged_archive_is_refused_before_any_write(tmp_path):
    path = tmp_path / "archive.db"
    archive = Archive(path)
    archive.upsert_articles([row(canonical_url=f"https://a.example/{i}") for i in range(30)])
    archive.close()
    damage(path)
    before = path.read_bytes()
    with pytest.raises(ArchiveDamaged, match=r"PRAGMA integrity_check.*backup"):
        Archive(path, check=True)
    assert path.read_bytes() == before


def open_archive(path: str) -> str:
    try:
        Archive(path).close()
    except StorageError as exc:
        return str(exc)
    return "ok"


def test_archives_created_by_several_processes_at_once(tmp_path):
    context = multiprocessing.get_context("fork")
    with context.Pool(6) as pool:
        for attempt in range(30):  # 9 of 60 such rounds failed before `use_wal` retried
            path = str(tmp_path / f"new-{attempt}.db")
            assert pool.map(open_archive, [path] * 6) == ["ok"] * 6
