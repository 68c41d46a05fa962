"""`fetch` of a few pages without Scrapy (crawler/app/direct.py): the same archive as a crawl's."""

from __future__ import annotations

import gzip
import socket
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlite_utils import Database

from crawler.app.config import plain_settings
from crawler.app.direct import Downloader
from crawler.ingest.items import ArticlePage, Failure
from tests.helpers import FAST, ROOT, SITE, run_newsdesk
from tests.newsroom import Newsroom, NewsroomHandler

STORY = (SITE / "news" / "harbour-pontoon.html").read_bytes()
# Pages the Scrapy crawl and the direct path must both store, or both refuse for the same reason.
PAGES = (
    "news/harbour-pontoon.html",
    "news/ferry-strike.html",
    "news/council-vote.html",
    "news/gone.html",
    "news/annual-report.pdf",
    "news/empty.html",
    "private/secret-story.html",
)
# Columns that say when, not what.
WHEN = ("id", "fetched_at", "first_seen", "failed_at")


def rows(db_path: Path, table: str) -> list[dict[str, object]]:
    db = Database(db_path)
    return sorted(
        ({k: v for k, v in row.items() if k not in WHEN} for row in db[table].rows),
        key=lambda row: str(row["url"]),
    )


def test_direct_fetch_stores_what_the_scrapy_path_stores(site_url, tmp_path):
    urls = [f"{site_url}/{page}" for page in PAGES]
    scrapy_db, direct_db = tmp_path / "scrapy.db", tmp_path / "direct.db"
    assert len(urls) > 4  # more than direct.MAX_URLS: Scrapy
    proc = run_newsdesk("fetch", *urls, "--db", str(scrapy_db), *FAST)
    assert proc.returncode == 3, proc.stderr
    for batch in (urls[:4], urls[4:]):  # up to 4 at a time: the direct path
        proc = run_newsdesk("fetch", *batch, "--db", str(direct_db), *FAST)
        assert proc.returncode == 3, proc.stderr
    stored = rows(direct_db, "articles")
    assert [row["title"] for row in stored] == [r["title"] for r in rows(scrapy_db, "articles")]
    assert stored == rows(scrapy_db, "articles")
    assert rows(direct_db, "failures") == rows(scrapy_db, "failures")
    assert {row["reason"] for row in rows(direct_db, "failures")} == {
        "HTTP 404",
        "not HTML: application/pdf",
        "no article text (0 characters)",
        "forbidden by robots.txt",
    }


def test_fetch_of_one_page_does_not_import_scrapy(site_url, tmp_path):
    script = (
        "import sys\n"
        "from crawler.app.cli import cli\n"
        "try:\n"
        "    cli()\n"
        "except SystemExit as exit:\n"
        "    print(exit.code, 'scrapy' in sys.modules, 'twisted' in sys.modules)\n"
    )
    url = f"{site_url}/news/ferry-strike.html"
    proc = subprocess.run(
        [sys.executable, "-c", script, "fetch", url, "--db", str(tmp_path / "a.db"), *FAST],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
    )
    assert proc.stdout.split() == ["0", "False", "False"], proc.stderr


def tricky_site(root: Path) -> Newsroom:
    """Answers that a downloader must handle as Scrapy's middlewares do."""
    root.mkdir()
    (root / "rules.txt").write_text("User-agent: *\nDisallow: /private/\n")
    site = Newsroom.start(root, validators=False)
    site.overrides = {
        "/robots.txt": (301, {"Location": "/rules.txt"}),  # followed, as Scrapy follows it
        "/moved": (301, {"Location": "/story"}),
        "/to-private": (302, {"Location": "/private/story"}),
        "/loop": (302, {"Location": "/loop"}),
        "/busy": (503, {"Retry-After": "120"}),
    }
    latin = "<html><head><meta charset='iso-8859-1'></head><p>Sæther</p></html>".encode("latin-1")
    untyped = b"<!DOCTYPE html>" + STORY.split(b">", 1)[1]

    def answer(body: bytes, kind: str | None, **headers: str) -> Callable[[NewsroomHandler], None]:
        return lambda handler: handler.answer(handler.path, 200, body, kind, headers)

    def flaky(handler: NewsroomHandler) -> None:
        status = 503 if site.requests["/flaky"] == 1 else 200
        handler.answer("/flaky", status, STORY, "text/html")

    site.routes = {
        "/story": answer(STORY, "text/html; charset=utf-8"),
        "/private/story": answer(STORY, "text/html; charset=utf-8"),
        "/huge": answer(STORY * 100, "text/html"),
        "/gzipped": answer(gzip.compress(STORY), "text/html", **{"Content-Encoding": "gzip"}),
        "/untyped": answer(untyped, None),
        "/latin-1": answer(latin, "text/html"),
        "/flaky": flaky,
    }
    return site


@pytest.fixture
def tricky(tmp_path) -> Iterator[Newsroom]:
    site = tricky_site(tmp_path / "tricky")
    yield site
    site.shutdown()


@pytest.fixture
def downloader() -> Downloader:
    return Downloader(
        plain_settings(
            env={},
            overrides=["DOWNLOAD_DELAY=0", "RETRY_TIMES=2", f"DOWNLOAD_MAXSIZE={len(STORY) * 10}"],
        )
    )


def test_redirects_are_followed_and_checked_against_robots_txt(tricky, downloader):
    page = downloader.page(f"{tricky.url}/moved")
    assert isinstance(page, ArticlePage)
    assert page.url == f"{tricky.url}/story"
    assert page.body == STORY
    assert downloader.page(f"{tricky.url}/to-private") == Failure(
        f"{tricky.url}/private/story", "forbidden by robots.txt"
    )
    assert downloader.page(f"{tricky.url}/loop") == Failure(
        f"{tricky.url}/loop", "more than 20 redirects"
    )
    assert tricky.requests["/robots.txt"] == 1
    assert tricky.requests["/private/story"] == 0


def test_bodies_are_decompressed_sniffed_and_decoded(tricky, downloader):
    gzipped = downloader.page(f"{tricky.url}/gzipped")
    assert isinstance(gzipped, ArticlePage) and gzipped.body == STORY
    assert isinstance(downloader.page(f"{tricky.url}/untyped"), ArticlePage)
    latin = downloader.page(f"{tricky.url}/latin-1")
    assert isinstance(latin, ArticlePage)
    assert latin.body.decode(latin.encoding).endswith("<p>Sæther</p></html>")


def test_retries_as_scrapy_does(tricky, downloader):
    assert isinstance(downloader.page(f"{tricky.url}/flaky"), ArticlePage)
    assert tricky.requests["/flaky"] == 2
    busy = downloader.page(f"{tricky.url}/busy")
    assert busy == Failure(f"{tricky.url}/busy", "HTTP 503", status=503)
    assert tricky.requests["/busy"] == 1  # Retry-After: not now


def test_limits_and_unreachable_sites_give_one_line_reasons(tricky, downloader):
    huge = downloader.page(f"{tricky.url}/huge")
    assert isinstance(huge, Failure)
    assert huge.reason == f"larger than DOWNLOAD_MAXSIZE ({len(STORY) * 10} bytes)"
    with socket.socket() as probe:  # a port nobody listens on once it is closed
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    refused = downloader.page(f"http://127.0.0.1:{port}/story")
    assert isinstance(refused, Failure)
    assert refused.reason == "unreachable: connection refused"
