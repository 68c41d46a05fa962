"""newsdesk's Datasette plugin: a landing page of the latest stories, a reading view, revisions
with a word diff, readable article rows, search that works as the help says.

Registered as a `datasette` entry point, so plain `datasette news.db -m ...` gets it too. It acts
only on newsdesk archives (crawler/datasette_plugin/archives.py): any other database served
beside one is left as Datasette shows it. It only reads: every hook here renders or routes.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable, MutableMapping
from contextvars import ContextVar
from typing import TYPE_CHECKING, Any, TypeVar, cast
from urllib.parse import parse_qsl, urlencode

from datasette import hookimpl
from markupsafe import Markup, escape

from crawler.datasette_plugin import views
from crawler.datasette_plugin.archives import (
    INTERNAL_TABLES,
    find_archives,
    is_archive,
    is_archive_connection,
    known_archive,
    known_archives,
)
from crawler.datasette_plugin.search import fts_query, is_fts5

if TYPE_CHECKING:
    import sqlite3

    from datasette.app import Datasette

ASGIApp = Callable[..., Awaitable[None]]
Hook = TypeVar("Hook", bound=Callable[..., Any])
# The columns the articles table shows a reader (the others: "Show all columns" in a column's
# menu, the reading view, or the row page).
READER_COLUMNS = ("title", "published", "sitename", "authors", "word_count", "text")
ARTICLES_PAGE = re.compile(r"^/(?P<database>[^/]+)/articles(?P<format>\.json|\.csv)?$")
CLIP_CHARS = 300  # longer text in a table cell is cut (the reading view has it all)
# Markers the snippets come back with (SQLite `snippet()`), turned into <mark> after escaping.
MARK_START, MARK_END = "\x02", "\x03"
SNIPPET_SQL = (
    "select snippet(articles_fts, -1, char(2), char(3), '…', 32) from articles_fts "
    "where articles_fts match newsdesk_fts(:q) and rowid = :id"
)
CSS_PATH = "/-/newsdesk/newsdesk.css"
_search: ContextVar[str | None] = ContextVar("newsdesk_search", default=None)


def hook(function: Hook) -> Hook:
    """Datasette's `hookimpl`, keeping the function's type."""
    return cast(Hook, hookimpl(function))


@hook
def startup(datasette: Datasette) -> Callable[[], Awaitable[None]]:
    """Find the archives among the databases served, for the hooks that cannot query."""

    async def detect() -> None:
        await find_archives(datasette)

    return detect


@hook
def get_metadata(datasette: Datasette, key: str, database: str, table: str) -> dict[str, Any]:
    """Hide the archives' internal tables (the migration log, the kept pages)."""
    hidden = {name: {"hidden": True} for name in INTERNAL_TABLES}
    return {"databases": {name: {"tables": hidden} for name in known_archives(datasette)}}


@hook
def prepare_connection(conn: sqlite3.Connection) -> None:
    """`newsdesk_fts(q)`: the search as FTS5 syntax when valid, escaped when not; on archives."""
    if is_archive_connection(conn):
        conn.create_function("newsdesk_fts", 1, fts_query, deterministic=True)


@hook
def asgi_wrapper(datasette: Datasette) -> Callable[[ASGIApp], ASGIApp]:
    """On an archive's articles page: the reader's columns, and the search mode the query
    needs (raw FTS5 where it is valid, escaped where not: never an error)."""

    def wrap(app: ASGIApp) -> ASGIApp:
        async def articles_page(scope: MutableMapping[str, Any], receive: Any, send: Any) -> None:
            match = ARTICLES_PAGE.match(scope.get("path", "")) if scope["type"] == "http" else None
            if match is None or not await is_archive(datasette, match["database"]):
                await app(scope, receive, send)
                return
            args = parse_qsl(scope.get("query_string", b"").decode(), keep_blank_values=True)
            args = [(k, v) for k, v in args if k != "_searchmode"]  # decided here, every time
            query = dict(args).get("_search") or None
            if query and not is_fts5(query):
                args.append(("_searchmode", "escaped"))
            if match["format"] is None and not any(key == "_col" for key, _ in args):
                columns = await datasette.get_database(match["database"]).table_columns("articles")
                args += [("_col", c) for c in READER_COLUMNS if c in columns]
            token = _search.set(query)
            try:
                await app({**scope, "query_string": urlencode(args).encode()}, receive, send)
            finally:
                _search.reset(token)

        return articles_page

    return wrap


@hook
def render_cell(
    row: Any, value: Any, column: str, table: str | None, database: str, datasette: Datasette
) -> Markup | Callable[[], Awaitable[Markup | None]] | None:
    """In an archive: headlines link to the reading view, search snippets are highlighted, long
    text is cut to a few lines."""
    if not known_archive(datasette, database):
        return None
    if column == "snippet" and isinstance(value, str):
        return clip(highlight(value))
    if column == "title" and isinstance(value, str) and table in ("articles", None):
        article_id = row_value(row, "id")
        if isinstance(article_id, int):
            href = datasette.urls.table(database, "articles") + f"/{article_id}/read"
            return Markup('<a href="{}">{}</a>').format(href, value)
    if column == "text" and table == "articles" and (query := _search.get()):
        article_id = row_value(row, "id")
        return lambda: search_snippet(datasette, database, article_id, value, query)
    if column == "authors" and table == "articles" and isinstance(value, str):
        names = ", ".join(views.json_list(value))
        return Markup('<span class="newsdesk-authors">{}</span>').format(names)
    if column in ("published", "modified") and table == "articles" and isinstance(value, str):
        return Markup('<time datetime="{0}" title="{0}">{1}</time>').format(
            value, views.readable_time(value)
        )
    if isinstance(value, str) and len(value) > CLIP_CHARS:
        return clip(escape(value[:CLIP_CHARS].rsplit(" ", 1)[0] + " …"))
    return None


async def search_snippet(
    datasette: Datasette, database: str, article_id: Any, text: Any, query: str
) -> Markup:
    result = await datasette.get_database(database).execute(
        SNIPPET_SQL, {"q": query, "id": article_id}
    )
    row = result.first()
    if row and row[0]:
        return clip(highlight(row[0]))
    return clip(escape(views.opening(text or "", CLIP_CHARS)))


def clip(html: Markup | str) -> Markup:
    """A cell at most a few lines tall (newsdesk.css)."""
    return Markup('<div class="newsdesk-clip">{}</div>').format(html)


def highlight(snippet: str) -> Markup:
    """Escape a snippet, then show its matches as <mark>."""
    escaped = str(escape(snippet))
    return Markup(escaped.replace(MARK_START, "<mark>").replace(MARK_END, "</mark>"))


def row_value(row: Any, key: str) -> Any:
    """A column of a Datasette row (a sqlite3.Row or dict), or None when it has no such column."""
    try:
        return row[key]
    except (IndexError, KeyError):
        return None


@hook
def extra_template_vars(
    view_name: str, database: str | None, datasette: Datasette
) -> Callable[[], Awaitable[dict[str, Any]]]:
    """`newsdesk_archive` for the templates' folds; on the index page, the landing's stories."""

    async def variables() -> dict[str, Any]:
        found: dict[str, Any] = {"newsdesk_archive": await is_archive(datasette, database)}
        if view_name == "index":
            found["newsdesk_landing"] = await views.landing(datasette)
        return found

    return variables


@hook
def extra_css_urls(database: str | None, view_name: str, datasette: Datasette) -> list[str]:
    if (view_name == "index" and known_archives(datasette)) or known_archive(datasette, database):
        return [CSS_PATH]
    return []


@hook
def register_routes() -> list[tuple[str, Callable[..., Awaitable[Any]]]]:
    return [
        (r"^/(?P<database>[^/]+)/articles/(?P<id>\d+)/read$", views.read_article),
        (r"^/(?P<database>[^/]+)/articles/(?P<id>\d+)/revisions$", views.article_revisions),
        (rf"^{re.escape(CSS_PATH)}$", views.stylesheet),
    ]
