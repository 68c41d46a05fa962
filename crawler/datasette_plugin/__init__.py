"""newsdesk's Datasette plugin: a reading view, headline links, search snippets, column order.

Registered as a `datasette` entry point, so plain `datasette news.db -m ...` gets it too. It only
reads: every hook here renders or routes, none writes.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Awaitable, Callable, MutableMapping
from contextvars import ContextVar
from typing import TYPE_CHECKING, Any, TypeVar, cast
from urllib.parse import parse_qsl, urlencode, urlsplit

from datasette import hookimpl
from datasette.utils.asgi import NotFound, Response
from markupsafe import Markup, escape

from crawler.extraction.sanitise import sanitise_html

if TYPE_CHECKING:
    from datasette.app import Datasette
    from datasette.utils.asgi import Request

logger = logging.getLogger(__name__)

ASGIApp = Callable[..., Awaitable[None]]
Hook = TypeVar("Hook", bound=Callable[..., Any])
# Columns a reader wants first on the articles page; the rest follow in schema order.
FIRST_COLUMNS = (
    "title", "published", "sitename", "authors", "language", "word_count", "text", "feed_url",
    "url", "description", "tags",
)  # fmt: skip
ARTICLES_PAGE = re.compile(r"^/(?P<database>[^/]+)/articles$")
# Markers the snippets come back with (SQLite `snippet()`), turned into <mark> after escaping.
MARK_START, MARK_END = "\x02", "\x03"
SNIPPET_SQL = (
    "select snippet(articles_fts, -1, char(2), char(3), '…', 32) from articles_fts "
    "where articles_fts match escape_fts(:q) and rowid = :id"
)
_search: ContextVar[str | None] = ContextVar("newsdesk_search", default=None)


def hook(function: Hook) -> Hook:
    """Datasette's `hookimpl`, keeping the function's type."""
    return cast(Hook, hookimpl(function))


@hook
def asgi_wrapper(datasette: Datasette) -> Callable[[ASGIApp], ASGIApp]:
    """On the articles page: put the reader's columns first, and note the search for snippets."""

    def wrap(app: ASGIApp) -> ASGIApp:
        async def articles_page(scope: MutableMapping[str, Any], receive: Any, send: Any) -> None:
            match = ARTICLES_PAGE.match(scope.get("path", "")) if scope["type"] == "http" else None
            if match is None:
                await app(scope, receive, send)
                return
            args = parse_qsl(scope.get("query_string", b"").decode(), keep_blank_values=True)
            token = _search.set(dict(args).get("_search") or None)
            try:
                if not any(key == "_col" for key, _ in args):
                    columns = await article_columns(datasette, match["database"])
                    args += [("_col", column) for column in columns]
                    scope = {**scope, "query_string": urlencode(args).encode()}
                await app(scope, receive, send)
            finally:
                _search.reset(token)

        return articles_page

    return wrap


async def article_columns(datasette: Datasette, database: str) -> list[str]:
    """The articles table's columns, the reader's first; none when it is not a newsdesk archive."""
    try:
        db = datasette.get_database(database)
    except KeyError:
        return []
    columns: list[str] = await db.table_columns("articles")
    if "title" not in columns:
        return []
    return [c for c in FIRST_COLUMNS if c in columns] + [
        c for c in columns if c not in FIRST_COLUMNS
    ]


@hook
def render_cell(
    row: Any, value: Any, column: str, table: str | None, database: str, datasette: Datasette
) -> Markup | Callable[[], Awaitable[Markup | None]] | None:
    """Headlines link to the reading view; search snippets show their matches highlighted."""
    if column == "snippet" and isinstance(value, str):
        return highlight(value)
    if column == "title" and isinstance(value, str) and table in ("articles", None):
        article_id = row_value(row, "id")
        if isinstance(article_id, int):
            href = datasette.urls.table(database, "articles") + f"/{article_id}/read"
            return Markup('<a href="{}">{}</a>').format(href, value)
    if column == "text" and table == "articles" and (query := _search.get()):
        return lambda: search_snippet(datasette, database, row_value(row, "id"), query)
    return None


async def search_snippet(
    datasette: Datasette, database: str, article_id: Any, query: str
) -> Markup | None:
    result = await datasette.get_database(database).execute(
        SNIPPET_SQL, {"q": query, "id": article_id}
    )
    row = result.first()
    return highlight(row[0]) if row and row[0] else None


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
def register_routes() -> list[tuple[str, Callable[..., Awaitable[Response]]]]:
    return [(r"^/(?P<database>[^/]+)/articles/(?P<id>\d+)/read$", read_article)]


async def read_article(datasette: Datasette, request: Request) -> Response:
    """The reading view: one article as a readable page."""
    database = request.url_vars["database"]
    try:
        db = datasette.get_database(database)
    except KeyError as exc:
        raise NotFound(f"No database called {database}") from exc
    visible, _ = await datasette.check_visibility(
        request.actor,
        permissions=[
            ("view-table", (database, "articles")),
            ("view-database", database),
            "view-instance",
        ],
    )
    if not visible:
        return Response.html("You may not read this archive", status=403)
    result = await db.execute("select * from articles where id = ?", [int(request.url_vars["id"])])
    row = result.first()
    if row is None:
        raise NotFound(f"No article number {request.url_vars['id']} in {database}")
    article = dict(row)
    has_versions = await db.table_exists("article_versions")
    context = {
        "database": database,
        "article": article,
        "authors": json_list(article.get("authors")),
        "tags": json_list(article.get("tags")),
        "body": Markup(sanitise_html(article["html"])) if article.get("html") else None,
        "paragraphs": [p for p in (article.get("text") or "").split("\n\n") if p.strip()],
        "original": article["url"] if is_web_url(article.get("url")) else None,
        "revisions_url": (
            datasette.urls.database(database) + f"/revisions?id={article['id']}"
            if has_versions
            else None
        ),
    }
    return Response.html(
        await datasette.render_template("newsdesk_article.html", context, request=request)
    )


def json_list(value: Any) -> list[str]:
    """A JSON list column (`authors`, `tags`) as strings; a plain string is a list of one."""
    try:
        items = json.loads(value) if isinstance(value, str) else []
    except ValueError:
        return [value]
    return [str(item) for item in items] if isinstance(items, list) else []


def is_web_url(url: Any) -> bool:
    return isinstance(url, str) and urlsplit(url).scheme in ("http", "https")
