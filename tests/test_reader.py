"""Datasette for a reader (crawler/datasette_plugin/, storage/datasette.yml): the landing page,
readable rows, search as the help says it works, newest first across time zones, charts, word
diffs; and the plugin keeps to newsdesk archives. Through Datasette's own client, on real
archives (tests/test_browser.py walks the same pages in Chromium)."""

from __future__ import annotations

import asyncio
import html
import json
import re
import sqlite3
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from datasette.database import Database as DatasetteDatabase
from sqlite_utils import Database, Migrations

from crawler.app.serve import build_datasette
from storage import Archive
from tests.helpers import article_row, crawl_archive

TITLES_NEWEST_FIRST = [
    "Council votes to rebuild the north pontoon",  # 2026-11-23T19:15:00+01:00
    "Lighthouse keeper retires after 40 years",  # 2026-11-21T10:00:00Z (from the Atom feed)
    "Storm tears north pontoon from Kessel harbour",  # 2026-11-20T07:30:00+01:00
    "Ferry crews vote to strike over winter rota",  # 2026-11-19T16:00:00+00:00
]


@pytest.fixture(scope="module")
def archive(site_url, tmp_path_factory) -> Path:
    return crawl_archive(site_url, tmp_path_factory.mktemp("reader") / "archive.db")


@pytest.fixture(scope="module")
def other(tmp_path_factory) -> Path:
    """A database that is not newsdesk's, with tables and columns named like an archive's."""
    path = tmp_path_factory.mktemp("other") / "other.db"
    db = Database(path)
    migrations = Migrations("otherapp")

    @migrations()
    def m001_articles(db: Database) -> None:
        db["articles"].insert(
            {
                "id": 1,
                "text": "x " * 400,
                "title": "A title that is not a newsdesk headline",
                "snippet": "\x02raw\x03 markers",
                "published": "2026-11-20T07:30:00+01:00",
            },
            pk="id",
        )

    migrations.apply(db)
    db.close()
    return path


def get(
    archive: Path, path: str, status: int = 200, other: Path | None = None
) -> Any:  # an httpx.Response
    """One request through Datasette's own client, on the app `newsdesk serve` builds (and, with
    `other`, a second database served beside the archive)."""
    ds = build_datasette(archive)
    if other is not None:
        ds.add_database(DatasetteDatabase(ds, path=str(other)), "other")
    response = asyncio.run(ds.client.get(path))
    assert response.status_code == status, f"{path}: {response.status_code} {response.text[:500]}"
    return response


def rows(archive: Path, path: str) -> list[dict[str, Any]]:
    joiner = "&" if "?" in path else "?"
    return list(get(archive, f"{path}{joiner}_shape=objects").json()["rows"])


def test_landing_page_search_first_then_the_latest_stories(archive):
    page = get(archive, "/").text
    assert page.index('<form class="newsdesk-search"') < page.index('<ul class="newsdesk-stories">')
    assert 'action="/news/articles"' in page and 'name="_search"' in page
    titles = re.findall(r'<h3><a href="/news/articles/\d+/read">([^<]+)</a></h3>', page)
    assert titles == TITLES_NEWEST_FIRST
    assert (
        '<p class="meta">The Coastal Ledger · <time datetime="2026-11-23T19:15:00+01:00">'
        "23 Nov 2026, 19:15 (+01:00)</time> · 119 words</p>"
    ) in page
    assert (
        '<p class="opening">Kessel council voted eleven to two on Monday evening to rebuild the '
        "north pontoon that the November gales tore from its moorings, committing 4.2 million "
        "crowns from the harbour reserve.</p>"
    ) in page
    for link in ("/news/articles", "/-/dashboards/crawl", "/news/feeds", "/news/failures"):
        assert f'href="{link}"' in page, link
    assert 'href="/-/newsdesk/newsdesk.css"' in page
    css = get(archive, "/-/newsdesk/newsdesk.css")
    assert css.headers["content-type"].startswith("text/css") and ".newsdesk-clip" in css.text


def test_newest_first_across_time_zones(tmp_path):
    path = tmp_path / "news.db"
    archive = Archive(path)
    archive.upsert_articles(
        [
            article_row(url=f"https://ledger.example/{n}", canonical_url=f"https://ledger.example/{n}",
                        title=title, published=published, content_hash=str(n))
            for n, (title, published) in enumerate(
                [
                    ("Ten to midnight in New York", "2026-11-20T23:50:00-05:00"),  # 04:50Z
                    ("Two in the morning in Oslo", "2026-11-21T02:00:00+01:00"),  # 01:00Z
                    ("Three in the morning in London", "2026-11-21T03:00:00+00:00"),  # 03:00Z
                ]
            )
        ]
    )  # fmt: skip
    archive.close()
    utc_order = [
        "Ten to midnight in New York",
        "Three in the morning in London",
        "Two in the morning in Oslo",
    ]
    assert [r["title"] for r in rows(path, "/news/articles.json")] == utc_order
    assert [r["title"] for r in rows(path, "/news/latest.json")] == utc_order
    landing = get(path, "/").text
    assert re.findall(r'read">([^<]+)</a></h3>', landing) == utc_order
    as_text = sorted((r["published"] for r in rows(path, "/news/articles.json")), reverse=True)
    assert as_text[0] == "2026-11-21T03:00:00+00:00"  # what sorting the strings would say


def test_internal_tables_are_hidden(archive):
    tables = {t["name"]: t["hidden"] for t in get(archive, "/news.json").json()["tables"]}
    assert tables["_sqlite_migrations"] is True and tables["pages"] is True
    assert tables["articles"] is False and tables["crawl_runs"] is False
    page = get(archive, "/news").text
    textarea = re.search(r'<textarea id="sql-editor" name="sql">([^<]*)</textarea>', page)
    assert textarea and "_sqlite_migrations" not in textarea[1]
    assert "_sqlite_migrations" not in get(archive, "/").text


def test_the_table_shows_a_reader_short_rows_with_descriptions_and_facets_folded(archive):
    page = get(archive, "/news/articles").text
    headers = re.findall(r'<th [^>]*data-column="(\w+)"', page)
    assert headers == ["id", "title", "published", "sitename", "authors", "word_count", "text"]
    assert '<details class="newsdesk-fold newsdesk-columns">' in page
    assert "<summary>What each of the 22 columns holds</summary>" in page
    assert '<details class="newsdesk-fold newsdesk-facets">' in page
    assert page.index("newsdesk-facets") < page.index('<table class="rows-and-columns">')
    text_cell = r'<td class="col-text[^"]*"><div class="newsdesk-clip">(.*?)</div>'
    cells = re.findall(text_cell, page, re.S)
    assert len(cells) == 4 and all(len(html.unescape(c)) <= 302 for c in cells), cells
    assert '<time datetime="2026-11-23T19:15:00+01:00" title="2026-11-23T19:15:00+01:00">' in page
    assert '<span class="newsdesk-authors">Nils Aune</span>' in page


STORM = "Storm tears north pontoon from Kessel harbour"
COUNCIL = "Council votes to rebuild the north pontoon"
FERRY = "Ferry crews vote to strike over winter rota"
LIGHTHOUSE = "Lighthouse keeper retires after 40 years"


@pytest.mark.parametrize(
    ("query", "titles"),
    [
        ("ferr*", {FERRY}),
        ("trawler OR lighthouse", {STORM, LIGHTHOUSE}),
        ('"north pontoon" NOT gunshots', {COUNCIL}),
        ("title:ferry", {FERRY}),
        # Not FTS5 syntax: searched word by word, never an error.
        ('"north pontoon', {STORM, COUNCIL}),
        ("north-pontoon", {STORM, COUNCIL}),
        ("pontoon AND", {STORM, COUNCIL}),
    ],
)
def test_search_works_as_the_help_says(archive, query, titles):
    found = rows(archive, f"/news/articles.json?_search={quote(query)}")
    assert {r["title"] for r in found} == titles
    page = get(archive, f"/news/articles?_search={quote(query)}").text
    assert f"{len(titles)} row{'s' if len(titles) != 1 else ''} where search matches" in page
    assert "<mark>" in page
    canned = rows(archive, f"/news/search.json?q={quote(query)}")
    assert {r["title"] for r in canned} == titles


def test_the_escaped_mode_is_decided_for_each_query(archive):
    """A search the page's form sends on with `_searchmode=escaped` (from an earlier, invalid
    one) is still taken as FTS5 syntax when it is valid."""
    found = rows(archive, "/news/articles.json?_search=ferr*&_searchmode=escaped")
    assert [r["title"] for r in found] == ["Ferry crews vote to strike over winter rota"]


def test_charts_cover_the_last_30_days_with_feed_titles_and_whole_numbers(archive):
    redirect = get(archive, "/-/dashboards/crawl", status=302)
    assert redirect.headers["location"] == "/-/dashboards/crawl?days=30"
    page = get(archive, "/-/dashboards/crawl?days=30").text
    charts = dict(re.findall(r"renderChart\('([\w-]+)', (\{.*?\}), 'days=30'", page))
    assert set(charts) == {"articles-per-day", "stored-per-day", "failures-by-reason", "crawl-runs"}
    runs = rows(archive, f"/news.json?sql={quote(json.loads(charts['crawl-runs'])['query'])}")
    assert runs == [
        {"run": 1, "started": runs[0]["started"], "status": "finished", "feeds": "5 of 5",
         "new": 4, "updated": 0, "failures": 4, "exit_code": 0}
    ]  # fmt: skip
    stored = json.loads(charts["stored-per-day"])
    assert "-30 days" not in stored["query"] and "'-' || :days || ' days'" in stored["query"]
    axis = stored["display"]["encoding"]["y"]["axis"]
    assert axis["format"] == "d" and axis["tickMinStep"] == 1
    data = rows(archive, f"/news.json?sql={quote(stored['query'])}&days=30")
    titles = {r[0] for r in sqlite3.connect(archive).execute("SELECT title FROM feeds")}
    labels = {r["feed"] for r in data}
    assert labels <= titles and "The Coastal Ledger: council" in labels, (labels, titles)
    assert not any(label.startswith("http") for label in labels)  # titles, not URLs
    per_day = json.loads(charts["articles-per-day"])
    since_published = rows(archive, f"/news.json?sql={quote(per_day['query'])}&days=30")
    assert sum(r["articles"] for r in since_published) == 4  # published 19 to 23 Nov 2026
    everything = get(archive, "/-/dashboards/crawl?days=").text
    query = json.loads(dict(re.findall(r"renderChart\('([\w-]+)', (\{.*?\}), 'days='", everything))[
        "articles-per-day"])["query"]  # fmt: skip
    assert ":days" not in query  # an empty "Days": all time


def test_a_revision_page_shows_a_word_diff(archive, tmp_path):
    path = tmp_path / "archive.db"
    path.write_bytes(archive.read_bytes())
    db = sqlite3.connect(path, isolation_level=None)
    article_id, text = db.execute(
        "SELECT id, text FROM articles WHERE title LIKE 'Council votes%'"
    ).fetchone()
    earlier = text.replace("eleven to two", "ten to three") + "\n\nA paragraph cut later."
    db.execute(
        "INSERT INTO article_versions (article_id, fetched_at, replaced_at, title, text, "
        "content_hash, words_added, words_removed) VALUES (?, ?, ?, ?, ?, ?, 2, 6)",
        [article_id, "2026-11-23T18:00:00+00:00", "2026-11-24T18:00:00+00:00",
         "Council to vote on the pontoon", earlier, "1" * 64],
    )  # fmt: skip
    db.close()
    read = get(path, f"/news/articles/{article_id}/read").text
    assert f'<a class="revisions" href="/news/articles/{article_id}/revisions">' in read
    page = get(path, f"/news/articles/{article_id}/revisions").text
    assert "Changed by 2026-11-24T18:00:00+00:00: +2 words, \u22126 words" in page
    assert "<del>ten</del> <ins>eleven</ins> to <del>three</del> <ins>two</ins>" in page
    assert "<p><del>A paragraph cut later.</del></p>" in page
    assert "<del>Council to vote on the pontoon</del>" in page
    unchanged = get(archive, f"/news/articles/{article_id}/revisions").text
    assert "The text has not changed since newsdesk first stored it." in unchanged
    get(archive, "/news/articles/9999/revisions", status=404)


def test_the_plugin_leaves_other_databases_alone(archive, other):
    page = get(archive, "/other/articles", other=other).text
    headers = re.findall(r'<th [^>]*data-column="(\w+)"', page)
    assert headers == ["id", "text", "title", "snippet", "published"]  # as the table has them
    for ours in ("newsdesk-clip", "/read", "newsdesk-fold", "<mark>", "newsdesk.css"):
        assert ours not in page, ours
    assert "A title that is not a newsdesk headline" in page
    get(archive, "/other/articles/1/read", status=404, other=other)
    get(archive, "/other/articles/1/revisions", status=404, other=other)
    tables = {
        t["name"]: t["hidden"] for t in get(archive, "/other.json", other=other).json()["tables"]
    }
    assert tables == {"articles": False, "_sqlite_migrations": False}
    query = get(archive, "/other.json?sql=select+title,+snippet+from+articles", other=other)
    assert query.json()["rows"] == [
        ["A title that is not a newsdesk headline", "\x02raw\x03 markers"]
    ]
    landing = get(archive, "/", other=other).text
    assert 'Other databases</h2>\n  <p><a href="/other">other</a>' in landing
    # The archive beside it still gets all of it.
    assert "newsdesk-clip" in get(archive, "/news/articles", other=other).text
