"""Which of the databases Datasette serves are newsdesk archives: the plugin acts only on those.

An archive is a SQLite file whose `_sqlite_migrations` table holds newsdesk's migration set
(storage/schema.py); any other database Datasette serves beside it is left as Datasette shows
it. The answer is looked up once per database and kept, for the hooks that cannot wait for a
query (`render_cell`, `get_metadata`).
"""

from __future__ import annotations

import sqlite3
from typing import TYPE_CHECKING
from weakref import WeakKeyDictionary

if TYPE_CHECKING:
    from datasette.app import Datasette

MARK_SQL = "select 1 from _sqlite_migrations where migration_set = 'newsdesk' limit 1"
# Tables a reader has no use for: the schema's migration log and the kept pages (binary).
INTERNAL_TABLES = ("_sqlite_migrations", "pages")
_known: WeakKeyDictionary[Datasette, dict[str, bool]] = WeakKeyDictionary()


def is_archive_connection(conn: sqlite3.Connection) -> bool:
    try:
        return conn.execute(MARK_SQL).fetchone() is not None
    except sqlite3.Error:
        return False


async def is_archive(datasette: Datasette, database: str | None) -> bool:
    """Whether `database` is a newsdesk archive (looked up once, then remembered)."""
    if database is None:
        return False
    known = _known.setdefault(datasette, {})
    if database not in known:
        try:
            db = datasette.get_database(database)
        except KeyError:
            return False
        known[database] = await db.execute_fn(is_archive_connection)
    return known[database]


def known_archive(datasette: Datasette, database: str | None) -> bool:
    """The same without a query: what `is_archive` found (at startup, for every database)."""
    return database is not None and _known.get(datasette, {}).get(database, False)


def known_archives(datasette: Datasette) -> list[str]:
    return [name for name, yes in _known.get(datasette, {}).items() if yes]


async def find_archives(datasette: Datasette) -> list[str]:
    """Every archive among the databases served, in Datasette's order."""
    return [name for name in list(datasette.databases) if await is_archive(datasette, name)]
