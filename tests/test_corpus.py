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
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlite_utils import Database

from tests.helpers import FAST, SITE, run_newsdesk, shared_data
from tests.newsroom import Newsroom, NewsroomHandler

HEADER = re.compile(r"^\s*Header:\s*([\w-]+):[ \t]*(.*?)\s*$", re.MULTILINE)


def with_its_headers(file: Path) -> Callable[[NewsroomHandler], None]:
    """An answer with the headers a corpus file asks for in its `Header:` lines."""
    body = file.read_bytes()
    headers = {"Content-Type": "application/xml"}
    for name, value in HEADER.findall(body[:2000].decode("latin-1")):
        headers[name.title()] = value

    def answer(handler: NewsroomHandler) -> None:
        handler.send_response(200)
        for name, value in headers.items():
            handler.send_header(name, value)
        handler.send_header("Content-Length", str(len(body)))
        handler.end_headers()
        handler.wfile.write(body)

    return answer


@pytest.fixture
def corpus(tmp_path):
    """The corpus served by the test site's server, which is also the crawl's HTTP proxy: it
    answers 404 for any other host, and refuses CONNECT (https://) with 501."""
    root = tmp_path / "corpus"
    shutil.copytree(shared_data("feedparser-feeds"), root)
    shutil.copytree(SITE / "hostile", root / "newsdesk-hostile")
    server = Newsroom.start(root, validators=False)
    for file in root.rglob("*.xml"):
        if b"Header:" in file.read_bytes()[:2000]:
            server.routes["/" + file.relative_to(root).as_posix()] = with_its_headers(file)
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
