"""`Archive`: the one object that reads and writes a newsdesk SQLite file."""

from __future__ import annotations

import contextlib
import functools
import json
import os
import sqlite3
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Concatenate, NotRequired, ParamSpec, TypedDict, TypeVar, cast

from sqlite_utils import Database

from storage.diff import word_changes
from storage.pages import KeptPage
from storage.queries import ARTICLE_JSON as JSON_COLUMNS
from storage.queries import ArchiveQueries
from storage.queries import decode_article as decode
from storage.schema import migrations
from storage.times import now, shifted

# How long a write waits for another process's write lock, SQLite retrying all along, before it
# fails with "database is locked" (the `lock_timeout` setting).
LOCK_TIMEOUT = 30.0


class StorageError(Exception):
    """The archive file cannot be opened, created or written; the message says why, in one line."""


class ArchiveDamaged(StorageError):
    """The archive file is corrupt: nothing more may be written to it."""


class ArchiveMissing(StorageError):
    """There is no archive at this path, and the caller asked not to create one."""


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
    # The raw page, compressed (storage/pages.py), kept in `pages` when given.
    page: NotRequired[KeptPage]
    # Other names met for this article: ("url", normalised URL) or ("guid", the feed's id).
    aliases: NotRequired[list[tuple[str, str]]]


class SourceRow(TypedDict):
    """A source to remember: its normalised URL and what is known of it."""

    url: str
    kind: NotRequired[str | None]  # rss, atom, jsonfeed, sitemap or newssitemap
    title: NotRequired[str | None]  # the source's own title
    site_url: NotRequired[str | None]
    name: NotRequired[str | None]  # the user's name for it
    category: NotRequired[str | None]
    poll_min: NotRequired[int | None]  # seconds; this source's own poll interval bounds
    poll_max: NotRequired[int | None]


# Metadata a re-fetch merges field by field with what is stored (see `merge_metadata`).
METADATA = (
    "title", "authors", "published", "modified", "sitename", "language", "description", "tags",
    "image",
)  # fmt: skip
# How good a `metadata_source` is: what the page declares; what the feed entry declares, or
# the date in the article's URL; what is guessed from the page (htmldate's reading of its
# text, the language detected) or stands in for what it does not say (its update's date as
# the published one, "updated"). A stored value is only replaced by one from an equal or
# better source.
SOURCE_RANK = {
    "json-ld": 3, "meta": 3, "html": 3, "byline": 3, "time": 3, "declared": 3,
    "feed": 2, "sitemap": 2, "url": 2,
    "htmldate": 1, "detected": 1, "site-name": 1, "updated": 1,
}  # fmt: skip
# Sources of a value that stands in for one the page does not give: never a replacement for a
# stored value (a page dated by its update moves that update on; the first one seen stays
# closest to the publication).
STAND_INS = frozenset({"updated"})
# Columns a re-fetch may change; `first_seen` is written once, on insert.
UPDATABLE = (
    "url", "title", "authors", "published", "modified", "sitename", "language", "description",
    "tags", "image", "text", "html", "word_count", "fetched_at", "content_hash", "metadata_source",
)  # fmt: skip
# Per-feed poll state the crawler keeps between runs (see `Archive.update_feeds`).
FEED_STATE = (
    "etag", "last_modified", "body_hash", "next_poll", "poll_interval", "consecutive_failures",
    "disabled", "disabled_reason",
)  # fmt: skip
# What a user or the first poll says about a source (see `Archive.add_sources`).
SOURCE_FIELDS = ("kind", "title", "site_url", "name", "category", "poll_min", "poll_max")
# Counters of one crawl run (columns of `crawl_runs`).
RUN_COUNTS = (
    "feeds_due", "feeds_polled", "feeds_unchanged", "feeds_failed", "articles_new",
    "articles_updated", "articles_unchanged", "articles_skipped", "revision_checks", "failures",
)  # fmt: skip


def storage_error(exc: sqlite3.Error, path: str | Path, lock_timeout: float) -> StorageError:
    """Our one-line error for what SQLite raised while using the archive at `path`."""
    code = getattr(exc, "sqlite_errorcode", None) or 0
    match code & 0xFF:  # the primary result code
        case sqlite3.SQLITE_BUSY | sqlite3.SQLITE_LOCKED:
            return StorageError(
                f"{path}: database is locked: another process held its write lock for more "
                f"than {lock_timeout:g} s"
            )
        case sqlite3.SQLITE_CORRUPT | sqlite3.SQLITE_NOTADB:
            return damaged(path, str(exc))
        case sqlite3.SQLITE_READONLY:
            return StorageError(f"{path}: the archive is read-only ({exc})")
        case sqlite3.SQLITE_FULL:
            return StorageError(f"{path}: database or disk is full")
    return StorageError(f"{path}: {exc}")


def damaged(path: str | Path, detail: str) -> ArchiveDamaged:
    return ArchiveDamaged(
        f"{path}: the archive file is damaged ({detail}); newsdesk will not write to it: "
        f"check it with `sqlite3 {path} 'PRAGMA integrity_check'` and restore a backup"
    )


def check_writable(path: Path) -> None:
    """Refuse, in one line, an archive newsdesk could read but not write: a read-only file, or
    a folder where SQLite cannot create the archive or its `-wal` and `-shm` files."""
    if path.exists() and not os.access(path, os.W_OK):
        raise StorageError(f"{path}: the archive is read-only; newsdesk cannot write to it")
    if not os.access(path.parent, os.W_OK | os.X_OK):
        raise StorageError(
            f"{path}: the archive's folder {path.parent} is read-only; newsdesk cannot write "
            "there (`newsdesk serve` can still read it)"
        )


def use_wal(conn: sqlite3.Connection, lock_timeout: float) -> None:
    """Put the file in WAL mode. On a new file, two processes doing so at once can deadlock:
    each reads, then wants the file to itself. SQLite then answers one of them "database is
    locked" at once, without waiting, so that one tries again, for up to `lock_timeout`."""
    deadline = time.monotonic() + lock_timeout
    while True:
        try:
            conn.execute("PRAGMA journal_mode = WAL")
            return
        except sqlite3.OperationalError as exc:
            code = (getattr(exc, "sqlite_errorcode", None) or 0) & 0xFF
            if code != sqlite3.SQLITE_BUSY or time.monotonic() >= deadline:
                raise
            time.sleep(0.01)


def open_database(
    path: str | Path,
    *,
    create: bool = True,
    lock_timeout: float = LOCK_TIMEOUT,
    read_only: bool = False,
) -> Database:
    """Open a SQLite file in WAL mode, or raise `StorageError` saying why. A missing file is
    created, unless `create` is false (or `read_only` true): then it is `ArchiveMissing`.
    `read_only` never writes it; in a folder no one may write to, it is opened immutable (SQLite
    then needs no `-wal` or `-shm` file)."""
    path = Path(path)
    if path.is_dir():
        raise StorageError(f"{path}: is a folder; give the path of a .db file")
    if not create and not path.is_file():
        raise ArchiveMissing(f"no archive at {path}")
    if not path.parent.exists():
        raise StorageError(f"{path}: folder {path.parent} does not exist")
    if not read_only:
        check_writable(path)
    try:
        if read_only:
            mode = "mode=ro" if os.access(path.parent, os.W_OK) else "immutable=1"
            uri = f"{path.resolve().as_uri()}?{mode}"
            conn = sqlite3.connect(uri, uri=True, timeout=lock_timeout, isolation_level=None)
        else:
            # Without `create`, SQLite itself refuses to make the file (mode=rw), should it
            # vanish now.
            target = path if create else f"{path.resolve().as_uri()}?mode=rw"
            conn = sqlite3.connect(
                target, timeout=lock_timeout, isolation_level=None, uri=not create
            )
        conn.execute(f"PRAGMA busy_timeout = {int(lock_timeout * 1000)}")
        if not read_only:
            use_wal(conn, lock_timeout)
            conn.execute("PRAGMA synchronous = NORMAL")
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except sqlite3.DatabaseError as exc:
        code = (getattr(exc, "sqlite_errorcode", None) or 0) & 0xFF
        if code in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED, sqlite3.SQLITE_FULL):
            raise storage_error(exc, path, lock_timeout) from exc
        raise StorageError(f"{path}: not a SQLite database newsdesk can use ({exc})") from exc
    # No sqlite-utils plugins: the archive needs none, and looking for them reads the entry
    # points of every installed package (50 ms, a tenth of a cold `fetch`).
    return Database(conn, execute_plugins=False)


P = ParamSpec("P")
R = TypeVar("R")


def reading(method: Callable[Concatenate[Archive, P], R]) -> Callable[Concatenate[Archive, P], R]:
    """An `Archive` query whose SQLite errors become our one-line `StorageError`."""

    def guarded(self: Archive, /, *args: P.args, **kwargs: P.kwargs) -> R:
        with self.errors():
            return method(self, *args, **kwargs)

    functools.update_wrapper(guarded, method)
    return guarded


class Archive(ArchiveQueries):
    """A newsdesk archive: articles, feeds and failures in one SQLite file (its read-only
    questions are in storage/queries.py).

    `Archive(path)` creates the file when it is missing; `Archive(path, create=False)`, for
    those that only read, raises `ArchiveMissing` instead. Either way an existing archive's
    schema is brought up to date, unless `read_only=True`: an existing archive opened for
    reading only, never created, migrated or written.

    Every write is one transaction that waits up to `lock_timeout` seconds for another
    process's write lock; any SQLite error becomes a one-line `StorageError` (`ArchiveDamaged`
    for a corrupt file). `check=True` first reads the whole file (`PRAGMA quick_check`) and
    refuses a damaged one before anything is written.
    """

    def __init__(
        self,
        db: Database | str | Path,
        *,
        create: bool = True,
        lock_timeout: float = LOCK_TIMEOUT,
        check: bool = False,
        read_only: bool = False,
    ) -> None:
        self.lock_timeout = lock_timeout
        if isinstance(db, Database):
            self.db, self.path = db, db.conn.execute("PRAGMA database_list").fetchone()[2]
        else:
            self.path = str(db)
            self.db = open_database(
                db, create=create and not read_only, lock_timeout=lock_timeout, read_only=read_only
            )
        self.damaged: ArchiveDamaged | None = None  # once seen, nothing more is written
        with self.errors():
            if check:
                self.check_integrity()
            self._check_foreign_tables()
            if not read_only and migrations.pending(self.db):
                with self.transaction():  # one process migrates, the others wait and see it done
                    migrations.apply(self.db)

    def check_integrity(self) -> None:
        """Raise `ArchiveDamaged` unless SQLite's `PRAGMA quick_check` finds the file sound
        (it reads every page: about a second for 300 MB)."""
        problems = [row[0] for row in self.db.execute("PRAGMA quick_check(1)").fetchall()]
        if problems != ["ok"]:
            detail = problems[0].replace("*** in database main ***", "") if problems else ""
            raise damaged(self.path, " ".join(detail.split()) or "quick_check failed")

    @contextmanager
    def errors(self) -> Iterator[None]:
        """Turn any SQLite error inside the block into our one-line `StorageError`."""
        if self.damaged is not None:
            raise self.damaged
        try:
            yield
        except sqlite3.Error as exc:
            error = storage_error(exc, self.path, self.lock_timeout)
            if isinstance(error, ArchiveDamaged):
                self.damaged = error
            raise error from exc
        except ArchiveDamaged as exc:
            self.damaged = exc
            raise

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
        """One write transaction, taking the write lock up front (waiting up to `lock_timeout`
        for it); any SQLite error rolls it all back and becomes a `StorageError`."""
        with self.errors():
            self.db.execute("BEGIN IMMEDIATE")
            try:
                yield
                self.db.execute("COMMIT")
            except BaseException:
                if self.db.conn.in_transaction:  # some errors (a full disk) already rolled back
                    with contextlib.suppress(sqlite3.Error):
                        self.db.execute("ROLLBACK")
                raise

    # -- feeds (sources: feeds and sitemaps) ------------------------------------------------
    @reading
    def add_feeds(self, urls: Iterable[str]) -> int:
        """Remember feeds by URL alone; known ones are left as they are. Returns how many were
        new."""
        outcomes = self.add_sources([{"url": url} for url in urls])
        return outcomes.count("added")

    def add_sources(self, sources: Iterable[SourceRow]) -> list[str]:
        """Remember sources, each a `url` (normalised by the caller) and optional SOURCE_FIELDS.
        A source known by that URL or an alias of it keeps its row and takes the values given.
        Returns "added" or "known" for each."""
        outcomes = []
        with self.transaction():
            for source in sources:
                url = self._resolve(source["url"]) or source["url"]
                values = [source.get(f) for f in SOURCE_FIELDS]
                marks = ", ".join("?" for _ in values)
                cursor = self.db.execute(
                    f"""INSERT OR IGNORE INTO feeds (url, added, articles_found,
                        {", ".join(SOURCE_FIELDS)}) VALUES (?, ?, 0, {marks})""",
                    [url, now(), *values],
                )
                if cursor.rowcount:
                    outcomes.append("added")
                    continue
                self.db.execute(
                    "UPDATE feeds SET "
                    + ", ".join(f"{f} = coalesce(?, {f})" for f in SOURCE_FIELDS)
                    + " WHERE url = ?",
                    [*values, url],
                )
                outcomes.append("known")
        return outcomes

    def add_feed_alias(self, alias: str, feed_url: str, *, reason: str) -> None:
        """Note that `alias` (another URL) names the source `feed_url`."""
        if alias == feed_url:
            return
        with self.transaction():
            self.db.execute(
                """INSERT INTO feed_aliases (alias, feed_url, reason, added) VALUES (?, ?, ?, ?)
                   ON CONFLICT(alias) DO UPDATE SET feed_url = excluded.feed_url,
                   reason = excluded.reason""",
                [alias, feed_url, reason, now()],
            )

    def _resolve(self, url: str) -> str | None:
        row = self.db.execute(
            """SELECT url FROM feeds WHERE url = ?
               UNION ALL SELECT feed_url FROM feed_aliases WHERE alias = ? LIMIT 1""",
            [url, url],
        ).fetchone()
        return row[0] if row else None

    @reading
    def resolve_feed(self, url: str) -> str | None:
        """The remembered source `url` names, itself or through an alias; None if unknown."""
        return self._resolve(url)

    def move_feed(self, old: str, new: str, *, reason: str) -> None:
        """A source now lives at `new` (it redirected permanently): its row, articles and
        aliases follow it, and `old` stays as an alias. When `new` is known already, the two
        rows become one (the row at `new`)."""
        with self.transaction():
            if self._resolve(new) is None:
                self.db.execute("UPDATE feeds SET url = ? WHERE url = ?", [new, old])
            else:
                self.db.execute("DELETE FROM feeds WHERE url = ?", [old])
            self.db.execute("UPDATE feed_aliases SET feed_url = ? WHERE feed_url = ?", [new, old])
            self.db.execute(
                """INSERT INTO feed_aliases (alias, feed_url, reason, added) VALUES (?, ?, ?, ?)
                   ON CONFLICT(alias) DO UPDATE SET feed_url = excluded.feed_url""",
                [old, new, reason, now()],
            )
            self.db.execute("DELETE FROM feed_aliases WHERE alias = ?", [new])
            self.db.execute("UPDATE articles SET feed_url = ? WHERE feed_url = ?", [new, old])
            self.db.execute("UPDATE failures SET feed_url = ? WHERE feed_url = ?", [new, old])
            self.db.execute(
                "UPDATE OR IGNORE aliases SET feed_url = ? WHERE feed_url = ?", [new, old]
            )

    def remove_feed(self, url: str) -> bool:
        """Forget a source (named by its URL or an alias) and its aliases; its articles stay."""
        with self.transaction():
            target = self._resolve(url)
            if target is None:
                return False
            self.db.execute("DELETE FROM feed_aliases WHERE feed_url = ?", [target])
            self.db.execute("DELETE FROM feeds WHERE url = ?", [target])
        return True

    def set_feed_disabled(self, url: str, reason: str | None) -> str | None:
        """Switch a source off (`reason` given) or back on (None): on again, it is due at once
        and its error streak starts from zero. Returns the source's URL, or None if unknown."""
        with self.transaction():
            target = self._resolve(url)
            if target is None:
                return None
            if reason is None:
                self.db.execute(
                    """UPDATE feeds SET disabled = NULL, disabled_reason = NULL,
                       consecutive_failures = 0, next_poll = NULL WHERE url = ?""",
                    [target],
                )
            else:
                self.db.execute(
                    "UPDATE feeds SET disabled = ?, disabled_reason = ? WHERE url = ?",
                    [now(), reason, target],
                )
        return target

    @reading
    def feeds(self) -> list[dict[str, Any]]:
        """Every remembered source, oldest first."""
        return list(self.db.query("SELECT * FROM feeds ORDER BY added, url"))

    @reading
    def feed_health(self) -> list[dict[str, Any]]:
        """Every source with `articles` (how many archived stories it carried) and `aliases`
        (its other URLs, a list), oldest first."""
        rows = list(
            self.db.query(
                """SELECT feeds.*, coalesce(carried.articles, 0) AS articles,
                     (SELECT json_group_array(alias) FROM feed_aliases
                      WHERE feed_aliases.feed_url = feeds.url) AS aliases
                   FROM feeds LEFT JOIN (
                     SELECT feed_url, count(DISTINCT article_id) AS articles FROM aliases
                     GROUP BY feed_url) carried ON carried.feed_url = feeds.url
                   ORDER BY feeds.added, feeds.url"""
            )
        )
        for row in rows:
            row["aliases"] = json.loads(row["aliases"])
        return rows

    def record_feed_poll(
        self,
        url: str,
        *,
        status: str,
        error: str | None = None,
        title: str | None = None,
        site_url: str | None = None,
        articles_found: int = 0,
        kind: str | None = None,
    ) -> None:
        """Note the outcome of one poll of a feed (remembering the feed if it is new)."""
        polled = now()
        with self.transaction():
            self.db.execute(
                "INSERT OR IGNORE INTO feeds (url, added, articles_found) VALUES (?, ?, 0)",
                [url, polled],
            )
            if status == "unchanged":  # 304 or the same body: the last full read still holds
                self.db.execute(
                    "UPDATE feeds SET last_polled = ?, last_status = ? WHERE url = ?",
                    [polled, status, url],
                )
                return
            self.db.execute(
                """UPDATE feeds SET last_polled = ?, last_status = ?, last_error = ?,
                   title = coalesce(?, title), site_url = coalesce(?, site_url),
                   kind = coalesce(?, kind), articles_found = ? WHERE url = ?""",
                [polled, status, error, title, site_url, kind, articles_found, url],
            )

    @reading
    def feed(self, url: str) -> dict[str, Any] | None:
        """One remembered feed with its poll state, or None."""
        for row in self.db.query("SELECT * FROM feeds WHERE url = ?", [url]):
            return row
        return None

    def update_feeds(self, states: dict[str, dict[str, Any]]) -> None:
        """Set poll state (columns of FEED_STATE) of several feeds, in one transaction."""
        if not states:
            return
        with self.transaction():
            for url, state in states.items():
                unknown = set(state) - set(FEED_STATE)
                if unknown:
                    raise ValueError(f"not feed state: {', '.join(sorted(unknown))}")
                if state:
                    self.db.execute(
                        f"UPDATE feeds SET {', '.join(f'{c} = ?' for c in state)} WHERE url = ?",
                        [*state.values(), url],
                    )

    # -- articles --------------------------------------------------------------------------
    def upsert_articles(self, rows: Iterable[ArticleRow]) -> list[str]:
        """Insert or update articles by `canonical_url`, in one transaction.

        A new article gets `first_seen`; an existing one keeps it and takes the rest, but for
        metadata, merged field by field (`merge_metadata`): a re-fetch never drops a value. When the
        text changed, the text it replaces is appended to `article_versions` first. Every URL
        and GUID in the row (and its feed) goes into `aliases`; any failure recorded for the
        article's URLs is cleared. Returns, for each row, "new", "updated" or "unchanged".
        """
        columns = ("canonical_url", "first_seen", "feed_url", *UPDATABLE)
        sql = (
            f"INSERT INTO articles ({', '.join(columns)}) "
            f"VALUES ({', '.join('?' for _ in columns)}) "
            "ON CONFLICT(canonical_url) DO UPDATE SET "
            + ", ".join(f"{c} = excluded.{c}" for c in UPDATABLE)
            + ", feed_url = coalesce(articles.feed_url, excluded.feed_url)"
            + ", revisions = articles.revisions"
            + " + (articles.content_hash IS NOT excluded.content_hash)"
            + " RETURNING id"
        )
        outcomes = []
        with self.transaction():
            for row in rows:
                known = next(
                    self.db.query(
                        f"SELECT id, content_hash, metadata_source, {', '.join(METADATA)} "
                        "FROM articles WHERE canonical_url = ?",
                        [row["canonical_url"]],
                    ),
                    None,
                )
                values: dict[str, Any] = {**row, "first_seen": row["fetched_at"]}
                changed = False
                if known is not None:
                    changed = known["content_hash"] != row["content_hash"]
                    if changed:
                        self._append_version(known["id"], replaced_by=row)
                    values |= merge_metadata(decode(known), row)
                for key in JSON_COLUMNS:
                    values[key] = json.dumps(
                        values.get(key) or ([] if key != "metadata_source" else {})
                    )
                (article_id,) = self.db.execute(sql, [values.get(c) for c in columns]).fetchone()
                self._record_aliases(
                    article_id,
                    [("url", row["canonical_url"]), *row.get("aliases", [])],
                    feed_url=row["feed_url"],
                    seen=row["fetched_at"],
                )
                self.db.execute(
                    "DELETE FROM failures WHERE url IN (?, ?)", [row["url"], row["canonical_url"]]
                )
                if "page" in row:
                    self._keep_page(article_id, row["page"], fetched_at=row["fetched_at"])
                outcomes.append("new" if known is None else "updated" if changed else "unchanged")
        return outcomes

    def replace_extractions(self, changes: list[tuple[int, ArticleRow]], *, at: str) -> list[str]:
        """Store new extractions of archived stories (by article id), in one transaction: a new
        text keeps the old one in `article_versions`; `url`, `canonical_url`, `first_seen` and
        `fetched_at` stay. Returns "text" or "metadata" (what changed) for each."""
        columns = [c for c in UPDATABLE if c not in ("url", "fetched_at")]
        outcomes = []
        with self.transaction():
            for article_id, row in changes:
                (old_hash,) = self.db.execute(
                    "SELECT content_hash FROM articles WHERE id = ?", [article_id]
                ).fetchone()
                text_changed = old_hash != row["content_hash"]
                if text_changed:
                    replaced_by = cast(ArticleRow, {**row, "fetched_at": at})
                    self._append_version(article_id, replaced_by=replaced_by)
                values = [
                    json.dumps(row.get(c)) if c in JSON_COLUMNS else row.get(c) for c in columns
                ]
                self.db.execute(
                    f"UPDATE articles SET {', '.join(f'{c} = ?' for c in columns)}, "
                    "revisions = revisions + ? WHERE id = ?",
                    [*values, int(text_changed), article_id],
                )
                outcomes.append("text" if text_changed else "metadata")
        return outcomes

    def _keep_page(self, article_id: int, page: KeptPage, *, fetched_at: str) -> None:
        """Keep the latest page of an article (one row per article; a re-fetch replaces it)."""
        self.db.execute(
            """INSERT OR REPLACE INTO pages (article_id, url, fetched_at, encoding, codec, size,
               body) VALUES (?, ?, ?, ?, ?, ?, ?)""",
            [article_id, page["url"], fetched_at, page["encoding"], page["codec"], page["size"],
             page["body"]],
        )  # fmt: skip

    def _append_version(self, article_id: int, *, replaced_by: ArticleRow) -> None:
        """Keep the stored text of an article that `replaced_by` is about to replace."""
        title, text, content_hash, fetched_at = self.db.execute(
            "SELECT title, text, content_hash, fetched_at FROM articles WHERE id = ?", [article_id]
        ).fetchone()
        added, removed = word_changes(text, replaced_by["text"])
        self.db.execute(
            """INSERT INTO article_versions (article_id, fetched_at, replaced_at, title, text,
               content_hash, words_added, words_removed) VALUES (?, ?, ?, ?, ?, ?, ?, ?)""",
            [article_id, fetched_at, replaced_by["fetched_at"], title, text, content_hash,
             added, removed],
        )  # fmt: skip

    def _record_aliases(
        self,
        article_id: int,
        aliases: Iterable[tuple[str, str]],
        *,
        feed_url: str | None,
        seen: str,
    ) -> None:
        for kind, alias in set(aliases):
            self.db.execute(
                """INSERT INTO aliases (alias, kind, feed_url, article_id, first_seen, last_seen)
                   VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO UPDATE SET
                   article_id = excluded.article_id, last_seen = excluded.last_seen""",
                [alias, kind, feed_url or "", article_id, seen, seen],
            )

    def record_aliases(
        self, article_id: int, aliases: Iterable[tuple[str, str]], *, feed_url: str | None
    ) -> None:
        """Note that a feed carried an already archived article under these names."""
        with self.transaction():
            self._record_aliases(article_id, aliases, feed_url=feed_url, seen=now())

    @reading
    def find_article(
        self, urls: Iterable[str], *, guid: str | None = None, feed_url: str | None = None
    ) -> dict[str, Any] | None:
        """The archived article (`id`, `url`, `fetched_at`) known by one of these normalised
        URLs, or by this GUID in this feed; None when it is new."""
        urls = list(urls)
        marks = ", ".join("?" for _ in urls)
        for row in self.db.query(
            f"""SELECT a.id, a.url, a.fetched_at FROM articles a WHERE a.id IN (
                  SELECT article_id FROM aliases WHERE kind = 'url' AND alias IN ({marks})
                  UNION ALL SELECT article_id FROM aliases
                  WHERE kind = 'guid' AND alias = ? AND feed_url = ?
                  UNION ALL SELECT id FROM articles WHERE canonical_url IN ({marks}))
                LIMIT 1""",
            [*urls, guid, feed_url or "", *urls],
        ):
            return row
        return None

    @reading
    def due_for_revision(
        self, checks: Iterable[int], *, at: str, feeds: Iterable[str] | None = None
    ) -> list[dict[str, Any]]:
        """Articles (`id`, `url`, a `feed_url` that carried it) due a revision check at time `at`:
        a check falls `checks` seconds after `first_seen`, and the article was last fetched
        before the latest check that has passed. `feeds` limits them to articles those feeds
        carried."""
        checks = sorted(checks)
        if not checks:
            return []
        feed_filter, params = "", []
        if feeds is not None:
            feed_filter = (
                "AND id IN (SELECT article_id FROM aliases "
                "WHERE feed_url IN (SELECT value FROM json_each(?)))"
            )
            params = [json.dumps(list(feeds))]
        return list(
            self.db.query(
                f"""SELECT id, url, (SELECT min(feed_url) FROM aliases
                      WHERE article_id = articles.id AND feed_url != '') AS feed_url
                    FROM articles WHERE first_seen >= ? {feed_filter}
                    AND EXISTS (SELECT 1 FROM json_each(?) c
                      WHERE julianday(first_seen) + c.value / 86400.0 <= julianday(?)
                      AND julianday(fetched_at) < julianday(first_seen) + c.value / 86400.0)
                    ORDER BY first_seen""",
                [shifted(at, -checks[-1]), *params, json.dumps(checks), at],
            )
        )

    @reading
    def versions(self, article_id: int) -> list[dict[str, Any]]:
        """Earlier texts of an article, oldest first."""
        return list(
            self.db.query(
                "SELECT * FROM article_versions WHERE article_id = ? ORDER BY id", [article_id]
            )
        )

    def articles(self, *, since: str | None = None) -> Iterator[dict[str, Any]]:
        """Articles with lists decoded, newest `fetched_at` first; `since` filters on it."""
        where, params = ("WHERE fetched_at >= ?", [since]) if since else ("", [])
        with self.errors():
            for row in self.db.query(
                f"SELECT * FROM articles {where} ORDER BY fetched_at DESC", params
            ):
                yield decode(row)

    @reading
    def article_by_url(self, url: str) -> dict[str, Any] | None:
        for row in self.db.query(
            "SELECT * FROM articles WHERE url = ? OR canonical_url = ? LIMIT 1", [url, url]
        ):
            return decode(row)
        return None

    @reading
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
        retry_at: str | None = None,
    ) -> None:
        """Note that `url` did not become an article (or, kind="feed", could not be read);
        `retry_at`: not before this time (ISO 8601), when the site said when to come back."""
        with self.transaction():
            self.db.execute(
                """INSERT INTO failures
                   (url, kind, feed_url, status, reason, failed_at, attempts, retry_at)
                   VALUES (?, ?, ?, ?, ?, ?, 1, ?)
                   ON CONFLICT(url) DO UPDATE SET kind = excluded.kind,
                   feed_url = coalesce(excluded.feed_url, failures.feed_url),
                   status = excluded.status, reason = excluded.reason,
                   failed_at = excluded.failed_at, attempts = failures.attempts + 1,
                   retry_at = excluded.retry_at""",
                [url, kind, feed_url, status, reason, now(), retry_at],
            )

    @reading
    def failures(self) -> list[dict[str, Any]]:
        return list(self.db.query("SELECT * FROM failures ORDER BY failed_at DESC"))

    @reading
    def failure(self, urls: Iterable[str]) -> dict[str, Any] | None:
        """The latest failure recorded for any of these URLs, or None."""
        urls = list(urls)
        for row in self.db.query(
            f"SELECT * FROM failures WHERE url IN ({', '.join('?' for _ in urls)}) "
            "ORDER BY failed_at DESC LIMIT 1",
            urls,
        ):
            return row
        return None

    @reading
    def article_failures(self, feeds: Iterable[str]) -> list[dict[str, Any]]:
        """Article URLs that failed, from these feeds."""
        return list(
            self.db.query(
                "SELECT * FROM failures WHERE kind = 'article' "
                "AND feed_url IN (SELECT value FROM json_each(?))",
                [json.dumps(list(feeds))],
            )
        )

    # -- crawl runs ------------------------------------------------------------------------
    def start_run(self, pid: int) -> int:
        """Open a `crawl_runs` row. The caller holds the crawl lock, so a row still "running"
        belongs to a crawl that was killed: it is marked "interrupted"."""
        with self.transaction():
            self.db.execute("UPDATE crawl_runs SET status = 'interrupted' WHERE status = 'running'")
            cursor = self.db.execute(
                "INSERT INTO crawl_runs (started, status, pid) VALUES (?, 'running', ?)",
                [now(), pid],
            )
        return int(cursor.lastrowid or 0)

    def finish_run(
        self, run_id: int, *, status: str, exit_code: int, counts: dict[str, int]
    ) -> None:
        """Close a `crawl_runs` row with its outcome and counters (names from RUN_COUNTS)."""
        values = {name: int(counts.get(name, 0)) for name in RUN_COUNTS}
        with self.transaction():
            self.db.execute(
                f"""UPDATE crawl_runs SET finished = ?, status = ?, exit_code = ?,
                    {", ".join(f"{c} = ?" for c in values)} WHERE id = ?""",
                [now(), status, exit_code, *values.values(), run_id],
            )

    def update_run(self, run_id: int, counts: dict[str, int]) -> None:
        """Write counters (names from RUN_COUNTS) of a run still going; its status stays."""
        values = {name: int(value) for name, value in counts.items() if name in RUN_COUNTS}
        if values:
            with self.transaction():
                self.db.execute(
                    f"UPDATE crawl_runs SET {', '.join(f'{c} = ?' for c in values)} WHERE id = ?",
                    [*values.values(), run_id],
                )

    @reading
    def runs(self) -> list[dict[str, Any]]:
        """Crawl runs, newest first."""
        return list(self.db.query("SELECT * FROM crawl_runs ORDER BY id DESC"))


def is_empty(value: Any) -> bool:
    return value is None or value == "" or value == []


def source_rank(source: str | None) -> int:
    """How good a `metadata_source` is (SOURCE_RANK); a source we do not know of is taken for
    one the page declares, and no source at all for the worst."""
    return 0 if source is None else SOURCE_RANK.get(source, 3)


def merge_metadata(stored: dict[str, Any], row: ArticleRow) -> dict[str, Any]:
    """The metadata of a re-fetched article: each field of `row` where it has a value from a
    source as good as the stored one's or better, the stored value elsewhere (an empty value,
    or one that stands in for what the page does not say, never replaces one). Returns the
    merged fields and their `metadata_source`."""
    old_sources: dict[str, str] = stored.get("metadata_source") or {}
    sources = dict(row.get("metadata_source") or {})
    merged: dict[str, Any] = {}
    for name in METADATA:
        old, new = stored.get(name), row[name]  # type: ignore[literal-required]
        keep = not is_empty(old) and (
            is_empty(new)
            or source_rank(sources.get(name)) < source_rank(old_sources.get(name))
            or sources.get(name) in STAND_INS
        )
        if not keep:
            continue
        merged[name] = old
        sources.pop(name, None)
        if name in old_sources:
            sources[name] = old_sources[name]
    return merged | {"metadata_source": sources}
