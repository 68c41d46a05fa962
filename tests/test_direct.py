"""`fetch` of a few pages without Scrapy (crawler/app/direct.py): the same archive as a crawl's."""

from __future__ import annotations

import gzip
import socket
import subprocess
import sys
import threading
from collections import Counter
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import ClassVar

import pytest
from sqlite_utils import Database

from crawler.app.config import plain_settings
from crawler.app.direct import Downloader
from crawler.ingest.items import ArticlePage, Failure
from tests.conftest import FAST, ROOT, SITE, run_newsdesk

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


class Tricky(BaseHTTPRequestHandler):
    """Answers that a downloader must handle as Scrapy's middlewares do."""

    asked: ClassVar[Counter[str]] = Counter()

    def do_GET(self) -> None:
        self.asked[self.path] += 1
        match self.path:
            case "/robots.txt":  # followed, as Scrapy follows it
                self.answer(301, b"", "text/html", Location="/rules.txt")
            case "/rules.txt":
                self.answer(200, b"User-agent: *\nDisallow: /private/\n", "text/plain")
            case "/moved":
                self.answer(301, b"", "text/html", Location="/story")
            case "/to-private":
                self.answer(302, b"", "text/html", Location="/private/story")
            case "/loop":
                self.answer(302, b"", "text/html", Location="/loop")
            case "/story" | "/private/story":
                self.answer(200, STORY, "text/html; charset=utf-8")
            case "/gzipped":
                self.answer(200, gzip.compress(STORY), "text/html", **{"Content-Encoding": "gzip"})
            case "/untyped":
                self.answer(200, b"<!DOCTYPE html>" + STORY.split(b">", 1)[1], "")
            case "/latin-1":
                page = "<html><head><meta charset='iso-8859-1'></head><p>Sæther</p></html>"
                self.answer(200, page.encode("latin-1"), "text/html")
            case "/flaky":
                status = 503 if self.asked["/flaky"] == 1 else 200
                self.answer(status, STORY, "text/html")
            case "/busy":
                self.answer(503, b"come back later", "text/plain", **{"Retry-After": "120"})
            case "/huge":
                self.answer(200, STORY * 100, "text/html")
            case _:
                self.answer(404, b"not here", "text/plain")

    def answer(self, status: int, body: bytes, content_type: str, **headers: str) -> None:
        self.send_response(status)
        if content_type:
            self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for name, value in headers.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def tricky() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), Tricky)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    Tricky.asked = Counter()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


@pytest.fixture
def downloader() -> Downloader:
    return Downloader(
        plain_settings(
            env={},
            overrides=["DOWNLOAD_DELAY=0", "RETRY_TIMES=2", f"DOWNLOAD_MAXSIZE={len(STORY) * 10}"],
        )
    )


def test_redirects_are_followed_and_checked_against_robots_txt(tricky, downloader):
    page = downloader.page(f"{tricky}/moved")
    assert isinstance(page, ArticlePage)
    assert page.url == f"{tricky}/story"
    assert page.body == STORY
    assert downloader.page(f"{tricky}/to-private") == Failure(
        f"{tricky}/private/story", "forbidden by robots.txt"
    )
    assert downloader.page(f"{tricky}/loop") == Failure(f"{tricky}/loop", "more than 20 redirects")
    assert Tricky.asked["/robots.txt"] == 1
    assert Tricky.asked["/private/story"] == 0


def test_bodies_are_decompressed_sniffed_and_decoded(tricky, downloader):
    gzipped = downloader.page(f"{tricky}/gzipped")
    assert isinstance(gzipped, ArticlePage) and gzipped.body == STORY
    assert isinstance(downloader.page(f"{tricky}/untyped"), ArticlePage)
    latin = downloader.page(f"{tricky}/latin-1")
    assert isinstance(latin, ArticlePage)
    assert latin.body.decode(latin.encoding).endswith("<p>Sæther</p></html>")


def test_retries_as_scrapy_does(tricky, downloader):
    assert isinstance(downloader.page(f"{tricky}/flaky"), ArticlePage)
    assert Tricky.asked["/flaky"] == 2
    busy = downloader.page(f"{tricky}/busy")
    assert busy == Failure(f"{tricky}/busy", "HTTP 503", status=503)
    assert Tricky.asked["/busy"] == 1  # Retry-After: not now


def test_limits_and_unreachable_sites_give_one_line_reasons(tricky, downloader):
    huge = downloader.page(f"{tricky}/huge")
    assert isinstance(huge, Failure)
    assert huge.reason == f"larger than DOWNLOAD_MAXSIZE ({len(STORY) * 10} bytes)"
    with socket.socket() as probe:  # a port nobody listens on once it is closed
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    refused = downloader.page(f"http://127.0.0.1:{port}/story")
    assert isinstance(refused, Failure)
    assert refused.reason == "unreachable: connection refused"
