"""What tests share besides the test site (tests/newsroom.py): the CLI run as cron runs it,
`newsdesk serve` in a subprocess, the shared data, and archive rows to start from.

Test modules import helpers from here (or tests/newsroom.py, tests/probes.py), never from one
another."""

from __future__ import annotations

import contextlib
import os
import socket
import sqlite3
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

import pytest

from storage import ArticleRow
from tests.newsroom import SITE

ROOT = Path(__file__).parent.parent
SHARED_DATA = ROOT.parent / "shared" / "data"
# Test crawls go as fast as the local server answers.
FAST = ("-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=False", "-s", "RETRY_TIMES=0")
# Every feed of tests/site/ that `newsdesk serve`'s tests crawl.
SERVE_FEEDS = ("rss.xml", "atom.xml", "feed.json", "malformed.xml", "readers.xml")

__all__ = [
    "FAST",
    "ROOT",
    "SHARED_DATA",
    "SITE",
    "article_row",
    "crawl_archive",
    "free_port",
    "run_newsdesk",
    "shared_data",
    "start_server",
    "stop_server",
    "wait_for_articles",
]


def run_newsdesk(
    *args: str, cwd: Path | None = None, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """Run the CLI in a fresh process (Scrapy's reactor runs once per process), this
    checkout's code whatever the working folder (PYTHONPATH)."""
    return subprocess.run(
        [sys.executable, "-m", "crawler", *args],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=cwd or ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT), **(env or {})},
    )


def shared_data(name: str) -> Path:
    """A folder of ../shared/data, or skip the test saying it is absent."""
    path = SHARED_DATA / name
    if not path.is_dir():
        pytest.skip(f"{path} is absent: the shared test data is not checked out beside the repo")
    return path


def crawl_archive(site_url: str, db_path: Path) -> Path:
    """Crawl every test feed into `db_path` with the real CLI."""
    feeds = [arg for name in SERVE_FEEDS for arg in ("--feed", f"{site_url}/{name}")]
    proc = run_newsdesk("crawl", *feeds, "--db", str(db_path), *FAST)
    assert proc.returncode == 0, proc.stderr
    return db_path


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_server(db_path: Path, port: int) -> subprocess.Popen[str]:
    """`newsdesk serve` in a subprocess, returned once it answers."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "crawler", "serve", "--db", str(db_path), "--port", str(port)],
        cwd=ROOT,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/-/versions.json", timeout=2)
            return proc
        except OSError:
            assert proc.poll() is None, proc.communicate()[1]
            time.sleep(0.2)
    proc.terminate()
    raise AssertionError(f"newsdesk serve did not answer on port {port}: {proc.communicate()[1]}")


def stop_server(proc: subprocess.Popen[str]) -> str:
    proc.terminate()
    return proc.communicate(timeout=30)[1]


def wait_for_articles(db: Path, count: int, timeout: float = 60) -> list[str]:
    """Poll the archive until it holds `count` articles (written by another process)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with contextlib.suppress(sqlite3.OperationalError):  # not created yet
            stored = [r[0] for r in sqlite3.connect(db).execute("SELECT url FROM articles")]
            if len(stored) >= count:
                return stored
        threading.Event().wait(0.1)
    raise AssertionError(f"{db}: fewer than {count} articles after {timeout} s")


def article_row(**changes: object) -> ArticleRow:
    """An `articles` row as the pipeline builds it, with `changes` applied."""
    base: ArticleRow = {
        "url": "https://ledger.example/news/pontoon?utm_source=rss",
        "canonical_url": "https://ledger.example/news/pontoon",
        "title": "Storm tears north pontoon",
        "authors": ["Mara Lindqvist"],
        "published": "2026-11-20T07:30:00+01:00",
        "modified": None,
        "sitename": "Ledger",
        "language": "en",
        "description": None,
        "tags": ["Weather"],
        "image": None,
        "text": "Overnight gales tore the north pontoon from its moorings.",
        "html": "<p>x</p>",
        "word_count": 9,
        "feed_url": "https://ledger.example/rss.xml",
        "fetched_at": "2026-11-20T10:00:00+00:00",
        "content_hash": "a",
    }
    return {**base, **changes}  # type: ignore[typeddict-item]
