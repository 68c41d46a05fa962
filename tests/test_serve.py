"""`newsdesk serve`: every page and canned query through Datasette's own client, on a real crawl."""

from __future__ import annotations

import asyncio
import json
import re
import socket
import subprocess
import sys
import threading
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

import pytest
from sqlite_utils import Database

from crawler.app.serve import METADATA, build_datasette
from storage import Archive
from tests.helpers import (
    FAST,
    SERVE_FEEDS,
    crawl_archive,
    free_port,
    run_newsdesk,
    start_server,
    stop_server,
)

HOSTILE = ("<script", "onerror", "javascript:", "__pwned")


@pytest.fixture(scope="module")
def archive(site_url, tmp_path_factory) -> Path:
    return crawl_archive(site_url, tmp_path_factory.mktemp("serve") / "archive.db")


def get(db_path: Path, path: str, status: int = 200) -> Any:
    """One request through Datasette's own test client, on the app `newsdesk serve` builds."""
    response = asyncio.run(build_datasette(db_path).client.get(path))
    assert response.status_code == status, f"{path}: {response.status_code} {response.text[:300]}"
    return response


def article_id(db_path: Path, title_start: str) -> int:
    [row] = Database(db_path).query(
        "select id from articles where title like ?", [title_start + "%"]
    )
    return int(row["id"])


def article_body(page: str) -> str:
    """The reading view's article text, between the byline block and the links under it."""
    return page[page.index('<div class="body">') : page.index('<p class="links">')]


PAGES = {
    "/": ["newsdesk archive", "Latest stories", "Crawl dashboard", "Council votes to rebuild"],
    "/news": ["News archive", "articles", "feeds", "failures", "Latest articles"],
    "/news/articles": ["Every story newsdesk stored", "Headline (click it to read the article)"],
    "/news/feeds": [
        "The feeds and sitemaps newsdesk polls",
        "ok, malformed (some entries recovered)",
        "rss, atom, jsonfeed, sitemap",
    ],
    "/news/failures": ["URLs that did not become an article", "HTTP 404"],
    "/news/latest": ["Latest articles", "Council votes to rebuild the north pontoon"],
    "/news/search?q=trawler": ["Search articles", "<mark>trawler</mark>"],
    "/news/articles_per_day": ["Articles per day per feed", "2026-11-23"],
    "/news/failures_by_reason": ["Failures by reason", "forbidden by robots.txt"],
    "/news/feed_health": ["Feed health", "articles_7_days", "1 entries recovered"],
    "/-/dashboards/crawl?days=30": ["The crawl", "Articles per day", "vega-lite.min.js"],
}


@pytest.mark.parametrize("path", PAGES)
def test_every_page_and_canned_query(archive, path):
    response = get(archive, path)
    for text in PAGES[path]:
        assert text in response.text, (path, text)


def test_articles_newest_first_with_facets_and_readers_columns_first(archive):
    page = get(archive, "/news/articles").text
    headers = re.findall(r'<th [^>]*data-column="(\w+)"', page)
    assert headers[:5] == ["id", "title", "published", "sitename", "authors"], headers
    data = get(archive, "/news/articles.json?_shape=objects").json()
    published = [r["published"] for r in data["rows"]]
    assert published == sorted(published, reverse=True)
    assert data["rows"][0]["title"] == "Council votes to rebuild the north pontoon"
    facets = data["facet_results"]
    assert set(facets) == {"feed_url", "sitename", "language", "authors", "published"}
    authors = {f["value"] for f in facets["authors"]["results"]}
    assert {"Mara Lindqvist", "Karin Vik", "Tomas Berg", "Nils Aune"} <= authors
    assert facets["published"]["type"] == "date"


def test_search_box_filters_and_highlights(archive):
    page = get(archive, "/news/articles?_search=trawler").text
    assert "1 row where search matches" in page
    assert "<mark>trawler</mark>" in page
    assert "Storm tears north pontoon from Kessel harbour" in page
    assert "Council votes" not in page


def test_reading_view_shows_the_story(archive, site_url):
    page = get(archive, f"/news/articles/{article_id(archive, 'Storm tears')}/read").text
    assert "<h1>Storm tears north pontoon from Kessel harbour</h1>" in page
    assert "By Mara Lindqvist" in page
    assert '<time datetime="2026-11-20T07:30:00+01:00">' in page
    assert "The Coastal Ledger" in page
    assert f'href="{site_url}/news/harbour-pontoon.html' in page
    assert "<p>Repairs are expected to take at least two months" in page
    assert "Cookie settings" not in page
    get(archive, "/news/articles/9999/read", status=404)


def test_script_onerror_and_javascript_links_never_reach_the_page(archive):
    """End to end: the hostile source page, crawled, stored, then shown."""
    council = article_id(archive, "Council votes")
    [stored] = Database(archive).query("select html from articles where id = ?", [council])
    page = get(archive, f"/news/articles/{council}/read").text
    assert "eleven to two" in page and "the council minutes" in page
    body = article_body(page)
    for text in HOSTILE:
        assert text not in stored["html"], text
        assert text not in body, text


def test_reading_view_sanitises_html_again_before_showing_it(tmp_path):
    """Defence in depth: HTML that reached the archive unsanitised is cleaned on display."""
    db_path = tmp_path / "news.db"
    archive = Archive(db_path)
    archive.upsert_articles(
        [
            {
                "url": "https://example.org/a",
                "canonical_url": "https://example.org/a",
                "title": "Hostile",
                "authors": [],
                "published": None,
                "modified": None,
                "sitename": None,
                "language": None,
                "description": None,
                "tags": [],
                "image": None,
                "text": "Hello reader",
                "html": '<p onclick="x()">Hello <script>alert(1)</script>reader</p>'
                '<img src="a.png" onerror="alert(2)"><a href="javascript:alert(3)">link</a>',
                "word_count": 2,
                "feed_url": None,
                "fetched_at": "2026-11-25T00:00:00+00:00",
                "content_hash": "0" * 64,
            }
        ]
    )
    archive.close()
    page = get(db_path, "/news/articles/1/read").text
    body = article_body(page)
    assert "<p>Hello reader</p>" in body
    for text in ("<script", "onerror", "onclick", "javascript:"):
        assert text not in body, text


def test_revisions_of_an_article(archive):
    council = article_id(archive, "Council votes")
    db = Database(archive)
    db["article_versions"].insert(
        {
            "article_id": council,
            "fetched_at": "2026-11-23T18:00:00+00:00",
            "replaced_at": "2026-11-24T18:00:00+00:00",
            "title": "Council to vote on pontoon",
            "text": "An earlier draft.",
            "content_hash": "1" * 64,
            "words_added": 100,
            "words_removed": 3,
        }
    )
    rows = get(archive, f"/news/revisions.json?id={council}&_shape=objects").json()["rows"]
    assert [r["version_title"] for r in rows] == [
        "Council to vote on pontoon",
        "Council votes to rebuild the north pontoon",
    ]
    assert rows[0]["words_added"] == 100
    read = get(archive, f"/news/articles/{council}/read").text
    assert f'href="/news/articles/{council}/revisions">1 earlier version: what changed' in read
    diff = get(archive, f"/news/articles/{council}/revisions").text
    assert "<del>An earlier draft.</del>" in diff and "<ins>Kessel council voted" in diff


def test_read_only_window(archive):
    plugins = {p["name"] for p in get(archive, "/-/plugins.json").json()}
    assert plugins == {
        "newsdesk",
        "datasette-dashboards",
        "datasette-leaflet",
        "datasette-render-markdown",
    }
    queries = get(archive, "/-/metadata.json").json()["databases"]["news"]["queries"]
    assert not any(q.get("write") for q in queries.values())
    denied = get(archive, "/news.json?sql=delete+from+articles", status=400).json()
    assert "Statement must be a SELECT" in denied["error"]
    assert "Address to listen on.  [default: 127.0.0.1]" in run_newsdesk("serve", "--help").stdout


def test_serve_refuses_a_missing_archive(tmp_path):
    proc = run_newsdesk("serve", "--db", str(tmp_path / "nope.db"))
    assert proc.returncode == 1
    assert proc.stderr.strip().splitlines() == [
        f"Error: no archive at {tmp_path / 'nope.db'}; "
        "`newsdesk crawl` or `newsdesk feeds add` creates one"
    ]
    assert not (tmp_path / "nope.db").exists()


def test_serve_refuses_a_port_in_use_in_one_line(archive):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        proc = run_newsdesk("serve", "--db", str(archive), "--port", str(port))
    assert proc.returncode == 1
    assert proc.stderr.strip().splitlines() == [
        f"Error: cannot listen on 127.0.0.1:{port}: Address already in use; choose another --port"
    ]


def test_plain_datasette_with_the_shipped_metadata(archive, tmp_path):
    """The README's `datasette news.db -m "$(newsdesk serve --metadata-path)"`."""
    path = run_newsdesk("serve", "--metadata-path").stdout.strip()
    assert Path(path) == METADATA and METADATA.is_file()
    news = tmp_path / "news.db"
    news.write_bytes(archive.read_bytes())
    proc = subprocess.run(
        [sys.executable, "-m", "datasette", str(news), "-m", path, "--get", "/news/latest.json"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    assert data["rows"][0][1] == "Council votes to rebuild the north pontoon"


def test_serving_while_crawling_never_locks(site_url, tmp_path):
    """A crawl writes while the server answers a stream of reads: no "database is locked"."""
    db_path = tmp_path / "news.db"
    assert run_newsdesk("feeds", "add", f"{site_url}/rss.xml", "--db", str(db_path)).returncode == 0
    server = start_server(db_path, port := free_port())
    statuses: list[int] = []
    crawling = threading.Event()
    crawling.set()

    def read_while_crawling() -> None:
        paths = ("/news/articles.json", "/news/feed_health.json", "/news/articles?_search=storm")
        while crawling.is_set() and len(statuses) < 2000:
            url = f"http://127.0.0.1:{port}{paths[len(statuses) % len(paths)]}"
            try:
                with urllib.request.urlopen(url, timeout=30) as response:
                    statuses.append(response.status)
            except urllib.error.HTTPError as exc:  # a 500 "database is locked" lands here
                statuses.append(exc.code)

    reader = threading.Thread(target=read_while_crawling)
    reader.start()
    try:
        feeds = [arg for name in SERVE_FEEDS for arg in ("--feed", f"{site_url}/{name}")]
        crawl = run_newsdesk("crawl", *feeds, "--db", str(db_path), *FAST)
    finally:
        crawling.clear()
        reader.join(timeout=60)
        served = stop_server(server)
    assert crawl.returncode == 0, crawl.stderr
    assert len(statuses) > 10 and set(statuses) == {200}
    for log in (crawl.stderr, served):
        assert "database is locked" not in log
        assert "Traceback" not in log
    assert Database(db_path)["articles"].count == 4
