"""The archive's questions: runs, failures, feeds due, size, search, one story, export.

Read-only queries for the `newsdesk status/runs/failures/search/show/export` commands; `Archive`
inherits them. Times are compared with `julianday()`, so offsets other than UTC sort correctly.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from sqlite_utils import Database

# Marks around the matched words in search snippets (SQLite's `snippet()`); the caller styles them.
MATCH_START, MATCH_END = "\x02", "\x03"
# The columns `export` writes, in this order: the story, its metadata and where it came from.
EXPORT_COLUMNS = (
    "id", "url", "canonical_url", "title", "authors", "published", "modified", "sitename",
    "language", "description", "tags", "image", "word_count", "feed_url", "first_seen",
    "fetched_at", "revisions", "content_hash", "metadata_source", "text",
)  # fmt: skip
ARTICLE_JSON = ("authors", "tags", "metadata_source")


def fts_query(db: Database, query: str, table: str = "articles_fts") -> tuple[str, str]:
    """`query` as FTS5 syntax ("raw": prefix*, OR, NOT, "phrases", NEAR) when SQLite accepts it,
    else every word quoted ("escaped"), so a stray quote or dash never becomes an error."""
    try:
        db.execute(f"SELECT 1 FROM [{table}] WHERE [{table}] MATCH ? LIMIT 1", [query]).fetchall()
        return query, "raw"
    except sqlite3.OperationalError:
        return db.quote_fts(query), "escaped"


class ArchiveQueries:
    """Mixin: what the read commands ask of an archive (`self.db`, a sqlite-utils Database)."""

    db: Database

    def last_runs(self, limit: int = 10) -> list[dict[str, Any]]:
        """The latest crawl runs, newest first."""
        return list(self.db.query("SELECT * FROM crawl_runs ORDER BY id DESC LIMIT ?", [limit]))

    def feeds_due_next(self, limit: int = 5) -> list[dict[str, Any]]:
        """Feeds in the order they come due (never polled first), with their last outcome;
        disabled ones are not polled, so not listed."""
        return list(
            self.db.query(
                """SELECT url, title, next_poll, last_polled, last_status, last_error
                   FROM feeds WHERE disabled IS NULL
                   ORDER BY next_poll IS NOT NULL, julianday(next_poll), url LIMIT ?""",
                [limit],
            )
        )

    def failures_by_reason(self, *, since: str | None = None) -> list[dict[str, Any]]:
        """Failures grouped by reason and kind, most frequent first; `since` (ISO 8601) keeps
        those that last failed at or after it."""
        where, params = since_clause("failed_at", since)
        return list(
            self.db.query(
                f"""SELECT reason, kind, count(*) AS urls, sum(attempts) AS attempts,
                    max(failed_at) AS last_failed, max(url) AS example
                    FROM failures {where} GROUP BY reason, kind ORDER BY urls DESC, reason""",
                params,
            )
        )

    def failures_matching(
        self, *, since: str | None = None, reasons: Iterable[str] = ()
    ) -> list[dict[str, Any]]:
        """Failures, latest first; `reasons` keeps those whose reason contains one of them
        (case-insensitive: "404", "robots")."""
        where, params = since_clause("failed_at", since)
        reasons = [r.lower() for r in reasons]
        if reasons:
            where += (" AND " if where else "WHERE ") + (
                "(" + " OR ".join("instr(lower(reason), ?) > 0" for _ in reasons) + ")"
            )
            params += reasons
        return list(
            self.db.query(
                f"SELECT * FROM failures {where} ORDER BY julianday(failed_at) DESC, url", params
            )
        )

    def size(self, path: str | Path | None = None) -> dict[str, int]:
        """Rows per table and, given the file's path, its bytes on disk (with the WAL)."""
        tables = set(self.db.table_names())
        counts: dict[str, int] = {
            name: self.db.table(name).count
            for name in ("articles", "article_versions", "feeds", "failures", "crawl_runs", "pages")
            if name in tables
        }
        if path is not None:
            files = [Path(path), Path(f"{path}-wal")]
            counts["bytes"] = sum(f.stat().st_size for f in files if f.exists())
        return counts

    def search_stories(self, query: str, *, limit: int = 20) -> tuple[list[dict[str, Any]], str]:
        """Full-text search over title and text, best match first, each hit with a `snippet`
        (matches between MATCH_START and MATCH_END). Returns the hits and the mode used:
        "raw" FTS5 syntax, or "escaped" when the query is not valid FTS5."""
        match, mode = fts_query(self.db, query)
        rows = self.db.query(
            """SELECT a.id, a.title, a.url, a.published, a.sitename, a.authors, a.word_count,
               snippet(articles_fts, -1, char(2), char(3), '…', 24) AS snippet
               FROM articles_fts JOIN articles a ON a.id = articles_fts.rowid
               WHERE articles_fts MATCH ? ORDER BY articles_fts.rank LIMIT ?""",
            [match, limit],
        )
        return [decode_article(r) for r in rows], mode

    def story(self, key: str | int) -> dict[str, Any] | None:
        """One article by id, URL, canonical URL or any alias met for it, with its `aliases`
        and earlier `versions`; None when the archive has no such story."""
        row = None
        if isinstance(key, int) or str(key).isdigit():
            row = next(self.db.query("SELECT * FROM articles WHERE id = ?", [int(key)]), None)
        if row is None:
            row = next(
                self.db.query(
                    """SELECT * FROM articles WHERE url = ? OR canonical_url = ? OR id IN (
                       SELECT article_id FROM aliases WHERE alias = ?) LIMIT 1""",
                    [key, key, key],
                ),
                None,
            )
        if row is None:
            return None
        story = decode_article(row)
        story["aliases"] = list(
            self.db.query(
                "SELECT alias, kind, feed_url, first_seen, last_seen FROM aliases "
                "WHERE article_id = ? ORDER BY first_seen, alias",
                [story["id"]],
            )
        )
        story["versions"] = list(
            self.db.query(
                "SELECT id, fetched_at, replaced_at, title, words_added, words_removed "
                "FROM article_versions WHERE article_id = ? ORDER BY id",
                [story["id"]],
            )
        )
        return story

    def kept_page_ids(self, *, since: str | None = None, where: str | None = None) -> list[int]:
        """Articles with a kept page, fetched at or after `since`, matching the SQL condition
        `where` on `articles` (e.g. "sitename = 'The Ledger'"); raises `sqlite3.Error` when
        the condition is not valid SQL."""
        clause, params = since_clause("pages.fetched_at", since)
        if where:
            clause += (" AND " if clause else "WHERE ") + f"({where})"
        return [
            row[0]
            for row in self.db.execute(
                "SELECT pages.article_id FROM pages JOIN articles "
                f"ON articles.id = pages.article_id {clause} ORDER BY pages.article_id",
                params,
            )
        ]

    def kept_pages(self, article_ids: list[int]) -> list[dict[str, Any]]:
        """Kept pages with the stored story each belongs to (its METADATA, `content_hash`,
        `metadata_source`), in the order of `article_ids`."""
        rows = {
            row["article_id"]: decode_article(row)
            for row in self.db.query(
                """SELECT pages.*, a.title, a.authors, a.published, a.modified, a.sitename,
                   a.language, a.description, a.tags, a.image, a.content_hash,
                   a.metadata_source FROM pages JOIN articles a ON a.id = pages.article_id
                   WHERE pages.article_id IN (SELECT value FROM json_each(?))""",
                [json.dumps(article_ids)],
            )
        }
        return [rows[i] for i in article_ids if i in rows]

    def export_rows(
        self, *, since: str | None = None, feeds: Iterable[str] = ()
    ) -> Iterator[dict[str, Any]]:
        """Articles as EXPORT_COLUMNS, oldest `fetched_at` first, one at a time from a cursor
        (memory stays flat whatever the archive's size). `since` keeps those fetched at or
        after it; `feeds` those any of these feeds carried."""
        where, params = since_clause("fetched_at", since)
        feeds = list(feeds)
        if feeds:
            where += (" AND " if where else "WHERE ") + (
                "(feed_url IN (SELECT value FROM json_each(?)) OR id IN (SELECT article_id "
                "FROM aliases WHERE feed_url IN (SELECT value FROM json_each(?))))"
            )
            params += [json.dumps(feeds)] * 2
        cursor = self.db.execute(
            f"SELECT {', '.join(EXPORT_COLUMNS)} FROM articles {where} ORDER BY id", params
        )
        for values in cursor:
            yield decode_article(dict(zip(EXPORT_COLUMNS, values, strict=True)))


def since_clause(column: str, since: str | None) -> tuple[str, list[Any]]:
    """A WHERE clause keeping rows whose `column` is at or after `since` (any ISO offset)."""
    if since is None:
        return "", []
    return f"WHERE julianday({column}) >= julianday(?)", [since]


def decode_article(row: dict[str, Any]) -> dict[str, Any]:
    """An articles row with its JSON columns (authors, tags, metadata_source) decoded."""
    for key in ARTICLE_JSON:
        if isinstance(row.get(key), str):
            row[key] = json.loads(row[key])
    return row
