"""`Archive`: the one object that reads and writes a newsdesk SQLite file."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, NotRequired, TypedDict

from sqlite_utils import Database

from storage.schema import migrations

BUSY_TIMEOUT_MS = 30_000


class StorageError(Exception):
    """The archive file cannot be opened, created or written."""


class ArticleRow(TypedDict):
    """One row of `articles`; lists (`authors`, `tags`) and `metadata_source` are stored as JSON."""

    url: str
    canonical_url: str
    title: str | None
    authors: list[str]
    published: str | None
    modified: str | None
    sitename: str | None
    language: str | None
    description: str | None
    tags: list[str]
    image: str | None
    text: str
    html: str | None
    word_count: int
    feed_url: str | None
    fetched_at: str
    content_hash: str
    metadata_source: NotRequired[dict[str, str]]


JSON_COLUMNS = ("authors", "tags", "metadata_source")
# Columns a re-fetch may change; `first_seen` is written once, on insert.
UPDATABLE = (
    "url", "title", "authors", "published", "modified", "sitename", "language", "description",
    "tags", "image", "text", "html", "word_count", "fetched_at", "content_hash", "metadata_source",
)  # fmt: skip


def now() -> str:
    """The current UTC time as ISO 8601 with an offset, to the second."""
    return datetime.now(UTC).isoformat(timespec="seconds")


def open_database(path: str | Path) -> Database:
    """Open (creating if needed) a SQLite file in WAL mode, or raise `StorageError` saying why."""
    path = Path(path)
    if path.is_dir():
        raise StorageError(f"{path}: is a folder; give the path of a .db file")
    if not path.parent.exists():
        raise StorageError(f"{path}: folder {path.parent} does not exist")
    try:
        conn = sqlite3.connect(path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None)
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA synchronous = NORMAL")
    except sqlite3.DatabaseError as exc:
        raise StorageError(f"{path}: not a SQLite database newsdesk can use ({exc})") from exc
    return Database(conn)


class Archive:
    """A newsdesk archive: articles, feeds and failures in one SQLite file."""

    def __init__(self, db: Database | str | Path) -> None:
        self.db = db if isinstance(db, Database) else open_database(db)
        try:
            self._check_foreign_tables()
            migrations.apply(self.db)
        except sqlite3.DatabaseError as exc:
            raise StorageError(f"cannot use this archive: {exc}") from exc

    def _check_foreign_tables(self) -> None:
        names = set(self.db.table_names())
        if names and "_sqlite_migrations" not in names:
            raise StorageError(
                "this SQLite file belongs to something else (tables: "
                f"{', '.join(sorted(names)[:5])}); give newsdesk a new or newsdesk-made file"
            )

    def close(self) -> None:
        self.db.close()

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """One write transaction, taking the write lock up front (waits up to the busy timeout)."""
        self.db.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            self.db.execute("ROLLBACK")
            raise
        self.db.execute("COMMIT")

    # -- feeds -----------------------------------------------------------------------------
    def add_feeds(self, urls: Iterable[str]) -> int:
        """Remember feeds; already known ones are left as they are. Returns how many were new."""
        before = self.db.table("feeds").count
        with self.transaction():
            for url in urls:
                self.db.execute(
                    "INSERT OR IGNORE INTO feeds (url, added, articles_found) VALUES (?, ?, 0)",
                    [url, now()],
                )
        return self.db.table("feeds").count - before

    def remove_feed(self, url: str) -> bool:
        with self.transaction():
            cursor = self.db.execute("DELETE FROM feeds WHERE url = ?", [url])
        return cursor.rowcount > 0

    def feeds(self) -> list[dict[str, Any]]:
        return list(self.db.query("SELECT * FROM feeds ORDER BY added, url"))

    def record_feed_poll(
        self,
        url: str,
        *,
        status: str,
        error: str | None = None,
        title: str | None = None,
        site_url: str | None = None,
        articles_found: int = 0,
    ) -> None:
        """Note the outcome of one poll of a feed (remembering the feed if it is new)."""
        polled = now()
        with self.transaction():
            self.db.execute(
                "INSERT OR IGNORE INTO feeds (url, added, articles_found) VALUES (?, ?, 0)",
                [url, polled],
            )
            self.db.execute(
                """UPDATE feeds SET last_polled = ?, last_status = ?, last_error = ?,
                   title = coalesce(?, title), site_url = coalesce(?, site_url),
                   articles_found = ? WHERE url = ?""",
                [polled, status, error, title, site_url, articles_found, url],
            )

    # -- articles --------------------------------------------------------------------------
    def upsert_articles(self, rows: Iterable[ArticleRow]) -> int:
        """Insert or update articles by `canonical_url`, in one transaction.

        A new article gets `first_seen`; an existing one keeps it and takes the rest.
        Any failure recorded for the article's URLs is cleared. Returns the rows written.
        """
        columns = ("canonical_url", "first_seen", "feed_url", *UPDATABLE)
        sql = (
            f"INSERT INTO articles ({', '.join(columns)}) "
            f"VALUES ({', '.join('?' for _ in columns)}) "
            "ON CONFLICT(canonical_url) DO UPDATE SET "
            + ", ".join(f"{c} = excluded.{c}" for c in UPDATABLE)
            + ", feed_url = coalesce(articles.feed_url, excluded.feed_url)"
        )
        written = 0
        with self.transaction():
            for row in rows:
                values: dict[str, Any] = {**row, "first_seen": row["fetched_at"]}
                for key in JSON_COLUMNS:
                    values[key] = json.dumps(
                        values.get(key) or ([] if key != "metadata_source" else {})
                    )
                self.db.execute(sql, [values.get(c) for c in columns])
                self.db.execute(
                    "DELETE FROM failures WHERE url IN (?, ?)", [row["url"], row["canonical_url"]]
                )
                written += 1
        return written

    def articles(self, *, since: str | None = None) -> Iterator[dict[str, Any]]:
        """Articles with lists decoded, newest `fetched_at` first; `since` filters on it."""
        where, params = ("WHERE fetched_at >= ?", [since]) if since else ("", [])
        for row in self.db.query(
            f"SELECT * FROM articles {where} ORDER BY fetched_at DESC", params
        ):
            yield decode(row)

    def article_by_url(self, url: str) -> dict[str, Any] | None:
        for row in self.db.query(
            "SELECT * FROM articles WHERE url = ? OR canonical_url = ? LIMIT 1", [url, url]
        ):
            return decode(row)
        return None

    def search(self, query: str, *, limit: int = 20) -> list[dict[str, Any]]:
        """Full-text search over title and text, best match first."""
        return [decode(r) for r in self.db.table("articles").search(query, limit=limit)]

    # -- failures --------------------------------------------------------------------------
    def record_failure(
        self,
        url: str,
        reason: str,
        *,
        status: int | None = None,
        kind: str = "article",
        feed_url: str | None = None,
    ) -> None:
        """Note that `url` did not become an article (or, kind="feed", could not be read)."""
        with self.transaction():
            self.db.execute(
                """INSERT INTO failures (url, kind, feed_url, status, reason, failed_at, attempts)
                   VALUES (?, ?, ?, ?, ?, ?, 1)
                   ON CONFLICT(url) DO UPDATE SET kind = excluded.kind,
                   feed_url = coalesce(excluded.feed_url, failures.feed_url),
                   status = excluded.status, reason = excluded.reason,
                   failed_at = excluded.failed_at, attempts = failures.attempts + 1""",
                [url, kind, feed_url, status, reason, now()],
            )

    def failures(self) -> list[dict[str, Any]]:
        return list(self.db.query("SELECT * FROM failures ORDER BY failed_at DESC"))


def decode(row: dict[str, Any]) -> dict[str, Any]:
    """Turn the JSON columns of an `articles` row back into Python values."""
    for key in JSON_COLUMNS:
        if isinstance(row.get(key), str):
            row[key] = json.loads(row[key])
    return row
