"""Full-text search as the help says: FTS5 syntax where it is valid, each word quoted where not.

SQLite parses an FTS5 query only when it runs it, so a query is tried on an empty in-memory
table with the archive's two indexed columns (`title`, `text`): valid there, valid on the archive.
"""

from __future__ import annotations

import sqlite3
import threading

from datasette.utils import escape_fts

_probe = threading.local()  # one in-memory table per thread (Datasette reads from several)


def is_fts5(query: str) -> bool:
    """Whether SQLite takes `query` as FTS5 syntax over `title` and `text`."""
    conn: sqlite3.Connection | None = getattr(_probe, "conn", None)
    if conn is None:
        conn = _probe.conn = sqlite3.connect(":memory:", check_same_thread=False)
        conn.execute("CREATE VIRTUAL TABLE probe USING fts5(title, text)")
    try:
        conn.execute("SELECT 1 FROM probe WHERE probe MATCH ?", [query]).fetchall()
    except sqlite3.Error:
        return False
    return True


def fts_query(query: str) -> str:
    """`query` as it is when it is valid FTS5 (prefix*, OR, NOT, "phrases"), else escaped."""
    return query if is_fts5(query) else escape_fts(query)
