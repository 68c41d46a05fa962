"""feedparser's own test corpus (292 feeds, the malformed ones included) through `newsdesk crawl`
(issue 15): no traceback, and every feed ends polled as ok, malformed or failed with a reason.

The corpus (../shared/data/feedparser-feeds), with the feeds that make feedparser 6.0 raise
(tests/site/hostile/), is served on 127.0.0.1 with the headers its files ask for (`Header:`
lines, as feedparser's own test server sends them). Its entries link to other hosts
(example.com, ...): the crawl is given this server as its HTTP proxy, which answers 404 for
every other host, so that nothing leaves 127.0.0.1.
"""

from __future__ import annotations

import re
import shutil
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from sqlite_utils import Database

from tests.conftest import FAST, SITE, run_newsdesk, shared_data

HEADER = re.compile(r"^\s*Header:\s*([\w-]+):[ \t]*(.*?)\s*$", re.MULTILINE)


class CorpusHandler(BaseHTTPRequestHandler):
    server: CorpusServer

    def do_GET(self) -> None:
        parts = urlsplit(self.path)  # absolute when we are asked as a proxy
        if parts.netloc and parts.netloc != self.server.netloc:
            return self.answer(404, b"not found (another host)", {"Content-Type": "text/plain"})
        file = (self.server.root / parts.path.lstrip("/")).resolve()
        if not file.is_file() or self.server.root not in file.parents:
            return self.answer(404, b"not found", {"Content-Type": "text/plain"})
        body = file.read_bytes()
        headers = {"Content-Type": "application/xml"}
        for name, value in HEADER.findall(body[:2000].decode("latin-1")):
            headers[name.title()] = value
        return self.answer(200, body, headers)

    def do_CONNECT(self) -> None:  # an https:// link: no tunnel out of 127.0.0.1
        self.answer(405, b"no tunnels", {"Content-Type": "text/plain"})

    def answer(self, status: int, body: bytes, headers: dict[str, str]) -> None:
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        pass


class CorpusServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, root: Path) -> None:
        super().__init__(("127.0.0.1", 0), CorpusHandler)
        self.root = root.resolve()
        host, port = self.server_address[:2]
        self.netloc = f"{host}:{port}"
        self.url = f"http://{self.netloc}"


@pytest.fixture
def corpus(tmp_path):
    root = tmp_path / "corpus"
    shutil.copytree(shared_data("feedparser-feeds"), root)
    shutil.copytree(SITE / "hostile", root / "newsdesk-hostile")
    server = CorpusServer(root)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield server
    server.shutdown()


def test_feedparser_corpus_through_crawl(corpus, tmp_path):
    files = sorted(p.relative_to(corpus.root) for p in corpus.root.rglob("*.xml"))
    assert len(files) == 292 + 4
    db = tmp_path / "archive.db"
    feed_args = [arg for path in files for arg in ("--feed", f"{corpus.url}/{path.as_posix()}")]
    proxy = {"http_proxy": corpus.url, "https_proxy": corpus.url, "no_proxy": ""}
    started = time.monotonic()
    proc = run_newsdesk(
        "crawl", *feed_args, "--db", str(db), *FAST,
        "-s", "CONCURRENT_REQUESTS=32", "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=32",
        env=proxy,
    )  # fmt: skip
    took = time.monotonic() - started
    assert "Traceback" not in proc.stderr, proc.stderr[-3000:]
    assert proc.returncode == 0, proc.stderr[-3000:]
    feeds = list(Database(db)["feeds"].rows)
    assert len(feeds) == len(files)
    statuses = {row["url"]: row["last_status"] for row in feeds}
    assert set(statuses.values()) <= {"ok", "malformed", "failed"}, statuses
    assert all(row["last_polled"] for row in feeds)
    unexplained = [r["url"] for r in feeds if r["last_status"] != "ok" and not r["last_error"]]
    assert unexplained == []
    counts = {s: list(statuses.values()).count(s) for s in ("ok", "malformed", "failed")}
    print(f"{len(files)} feeds in {took:.1f} s: {counts}")
    assert counts["ok"] > 200
    assert took < 60
