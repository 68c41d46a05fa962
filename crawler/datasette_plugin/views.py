"""The plugin's pages: the reading view, an article's revisions with a word diff, and what the
landing page lists. Each one reads a newsdesk archive and nothing else."""

from __future__ import annotations

import json
from datetime import datetime
from importlib.resources import files
from itertools import pairwise
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from datasette.utils.asgi import Forbidden, NotFound, Response
from markupsafe import Markup

from crawler.datasette_plugin.archives import find_archives, is_archive
from crawler.datasette_plugin.worddiff import word_diff
from crawler.extraction.sanitise import sanitise_html

if TYPE_CHECKING:
    from datasette.app import Datasette
    from datasette.database import Database
    from datasette.utils.asgi import Request

CSS = (files("crawler.datasette_plugin") / "static" / "newsdesk.css").read_text(encoding="utf-8")
LATEST = 20  # stories on the landing page
OPENING_CHARS = 260  # the first lines of each, cut at a word
LATEST_SQL = f"""select id, title, sitename, published, published_utc, text, word_count
  from articles order by published_utc desc limit {LATEST}"""


async def stylesheet(request: Request) -> Response:
    """The plugin's CSS, from the package (nothing is fetched from another host)."""
    return Response(CSS, content_type="text/css; charset=utf-8")


async def archive_db(datasette: Datasette, request: Request) -> Database:
    """The archive the URL names, once the reader may see its articles; else 404 or 403."""
    database = request.url_vars["database"]
    if not await is_archive(datasette, database):
        raise NotFound(f"{database} is not a newsdesk archive")
    visible, _ = await datasette.check_visibility(
        request.actor,
        permissions=[
            ("view-table", (database, "articles")),
            ("view-database", database),
            "view-instance",
        ],
    )
    if not visible:
        raise Forbidden("You may not read this archive")
    return datasette.get_database(database)


async def one_article(db: Database, article_id: str) -> dict[str, Any]:
    row = (await db.execute("select * from articles where id = ?", [int(article_id)])).first()
    if row is None:
        raise NotFound(f"No article number {article_id} in {db.name}")
    return dict(row)


async def read_article(datasette: Datasette, request: Request) -> Response:
    """The reading view: one article as a readable page."""
    db = await archive_db(datasette, request)
    article = await one_article(db, request.url_vars["id"])
    versions = (
        await db.execute(
            "select count(*) from article_versions where article_id = ?", [article["id"]]
        )
    ).first()[0]
    context = {
        "database": db.name,
        "article": article,
        "authors": json_list(article.get("authors")),
        "tags": json_list(article.get("tags")),
        "body": Markup(sanitise_html(article["html"])) if article.get("html") else None,
        "paragraphs": [p for p in (article.get("text") or "").split("\n\n") if p.strip()],
        "original": article["url"] if is_web_url(article.get("url")) else None,
        "versions": versions,
        "revisions_url": revisions_path(datasette, db.name, article["id"]),
    }
    return Response.html(
        await datasette.render_template("newsdesk_article.html", context, request=request)
    )


def revisions_path(datasette: Datasette, database: str, article_id: int) -> str:
    return str(datasette.urls.table(database, "articles")) + f"/{article_id}/revisions"


async def article_revisions(datasette: Datasette, request: Request) -> Response:
    """Every version of one story, each change shown as a word diff, newest change first."""
    db = await archive_db(datasette, request)
    article = await one_article(db, request.url_vars["id"])
    versions = [
        dict(row)
        for row in await db.execute(
            "select * from article_versions where article_id = ? order by id", [article["id"]]
        )
    ]
    texts = [*versions, article]  # oldest first, the current text last
    changes = []
    for old, new in pairwise(texts):
        changes.append(
            {
                "from_time": old["fetched_at"],
                "at": old["replaced_at"],
                "added": old["words_added"],
                "removed": old["words_removed"],
                "title": (old["title"], new["title"]) if old["title"] != new["title"] else None,
                "diff": word_diff(old["text"], new["text"]),
            }
        )
    context = {
        "database": db.name,
        "article": article,
        "changes": list(reversed(changes)),
        "read_url": datasette.urls.table(db.name, "articles") + f"/{article['id']}/read",
    }
    return Response.html(
        await datasette.render_template("newsdesk_revisions.html", context, request=request)
    )


async def landing(datasette: Datasette) -> dict[str, Any] | None:
    """What the landing page shows: the latest stories of the first archive served, with links
    to search, read and chart it; None when no archive is served."""
    archives = await find_archives(datasette)
    if not archives:
        return None
    name = archives[0]
    db = datasette.get_database(name)
    stories = [story_item(datasette, name, dict(row)) for row in await db.execute(LATEST_SQL)]
    count = (await db.execute("select count(*) from articles")).first()[0]
    run = (await db.execute("select * from crawl_runs order by id desc limit 1")).first()
    dashboards = datasette.plugin_config("datasette-dashboards") or {}
    return {
        "database": name,
        "stories": stories,
        "count": count,
        "last_run": dict(run) if run else None,
        "dashboard": "/-/dashboards/crawl" if "crawl" in dashboards else None,
        "others": [d for d in datasette.databases if d != name and not d.startswith("_")],
    }


def story_item(datasette: Datasette, database: str, row: dict[str, Any]) -> dict[str, Any]:
    return {
        "title": row["title"] or "Untitled article",
        "href": datasette.urls.table(database, "articles") + f"/{row['id']}/read",
        "sitename": row["sitename"],
        "published": row["published"],
        "when": readable_time(row["published"] or row["published_utc"]),
        "opening": opening(row["text"] or ""),
        "words": row["word_count"],
    }


def opening(text: str, limit: int = OPENING_CHARS) -> str:
    """The first lines of a story: its first paragraph, cut at a word near `limit` characters."""
    first = " ".join(text.strip().split("\n\n", 1)[0].split())
    if len(first) <= limit:
        return first
    return first[:limit].rsplit(" ", 1)[0].rstrip(",;:\u2013-") + " …"


def readable_time(value: str | None) -> str:
    """ "23 Nov 2026, 19:15 (+01:00)" from ISO 8601; the value as it is when it is not."""
    if not value:
        return ""
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return value
    if len(value) <= 10:  # a date alone
        return f"{moment.day} {moment:%b %Y}"
    offset = moment.strftime("%z")
    offset = f" ({offset[:3]}:{offset[3:]})" if offset else ""
    return f"{moment.day} {moment:%b %Y, %H:%M}{offset}"


def json_list(value: Any) -> list[str]:
    """A JSON list column (`authors`, `tags`) as strings; a plain string is a list of one."""
    try:
        items = json.loads(value) if isinstance(value, str) else []
    except ValueError:
        return [value]
    return [str(item) for item in items] if isinstance(items, list) else []


def is_web_url(url: Any) -> bool:
    return isinstance(url, str) and urlsplit(url).scheme in ("http", "https")
