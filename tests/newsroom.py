"""The test site over real HTTP on 127.0.0.1, the one server every test uses.

`Newsroom.start(SITE)` serves tests/site/ as it is (the session's `site_url` fixture);
`Newsroom.copy_of_site(tmp_path)` serves a copy a test may edit. Either way it answers with
ETag/If-None-Match and Last-Modified/If-Modified-Since, counts requests per path, is slow on
demand (so a test can kill a crawl half-way), and lets a test script answers: `overrides` (a
status and headers for a path) and `routes` (a function that writes the whole answer)."""

from __future__ import annotations

import gzip
import hashlib
import mimetypes
import re
import shutil
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from email.utils import formatdate, parsedate_to_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

SITE = Path(__file__).parent / "site"
SITES = Path(__file__).parent / "sites"  # more sites, or files to lay over a copy of SITE
TYPES = {".json": "application/feed+json", ".xml": "application/rss+xml", ".gz": "application/gzip"}
# In a served file, `{{site}}` is the server's URL and `{{ago 3h}}` (or `{{ago 2d}}`) the time
# that long before the server started (so a file's ETag holds while it runs), as sitemaps write
# it. A folder serves its index.html; a missing `x.gz` is `x` gzipped.
TEMPLATE = re.compile(rb"\{\{(site|ago (\d+)([hd]))\}\}")


NEW_STORY = """<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">
<title>New pier opens at Kessel</title></head><body><article><h1>New pier opens at Kessel</h1>
<p>The new deep-water pier at Kessel opened on Monday, three years after the council approved
the plan and two weeks after the storm that tore the north pontoon from the harbour.</p>
<p>Fishing boats will tie up there while the pontoon is repaired. The harbour master said the
pier can take vessels of up to ninety metres, twice the length the old quay allowed.</p>
</article></body></html>"""


class Newsroom(ThreadingHTTPServer):
    """Serves `root` on 127.0.0.1; `requests` counts GETs per path, `answers` (path, status)."""

    daemon_threads = True

    def __init__(self, root: Path, *, validators: bool = True, port: int = 0) -> None:
        super().__init__(("127.0.0.1", port), NewsroomHandler)
        self.root, self.validators = root, validators
        self.started = datetime.now(UTC)
        self.requests: Counter[str] = Counter()
        self.answers: Counter[tuple[str, int]] = Counter()
        self.conditional: Counter[str] = Counter()  # requests that carried a validator
        self.delay = 0.0  # seconds each /news/ page takes
        self.gate: threading.Event | None = None  # when set up, /news/ pages wait for it to open
        self.held: set[str] | None = None  # ... only these paths, when given
        self.overrides: dict[str, tuple[int, dict[str, str]]] = {}  # path: (status, headers)
        # path: a function that writes the whole answer itself (hostile answers: no length,
        # drips, hangs, changes between requests)
        self.routes: dict[str, Callable[[NewsroomHandler], None]] = {}
        self.article_requested = threading.Condition()
        self.lock = threading.Lock()
        self.in_flight = 0
        self.peak_in_flight = 0  # the most requests it was answering at once
        self.arrivals: list[tuple[float, str]] = []  # (time.monotonic(), path) of every GET
        self.idle = threading.Condition(self.lock)
        host, port = self.server_address[:2]
        self.url = f"http://{host}:{port}"

    @classmethod
    def start(cls, root: Path, **kwargs: Any) -> Newsroom:
        """Serve `root` from a background thread; `shutdown()` stops it."""
        server = cls(root, **kwargs)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        return server

    @classmethod
    def copy_of_site(cls, tmp_path: Path, *overlays: str, **kwargs: Any) -> Newsroom:
        """Serve a copy of tests/site/ that the test may edit, with the files of
        tests/sites/<overlay>/ laid on top."""
        root = tmp_path / "site"
        shutil.copytree(SITE, root)
        for overlay in overlays:
            shutil.copytree(SITES / overlay, root, dirs_exist_ok=True)
        return cls.start(root, **kwargs)

    def edit_one_story_and_publish_one(self) -> None:
        """The newsroom's day: the lighthouse story gets a paragraph (and the Atom feed a new
        `updated`), and a new story about the pier goes to the top of the RSS feed."""
        lighthouse = self.root / "news" / "lighthouse.html"
        lighthouse.write_text(
            lighthouse.read_text().replace(
                "</article>",
                "<p>Holm will stay on the island and guide museum tours in the summer.</p>"
                "</article>",
            )
        )
        atom = self.root / "atom.xml"
        edited = datetime.now(UTC).isoformat(timespec="seconds")
        atom.write_text(
            atom.read_text().replace(
                "<updated>2026-11-21T10:00:00Z</updated>\n    <author>",
                f"<updated>{edited}</updated>\n    <author>",
            )
        )
        (self.root / "news" / "new-pier.html").write_text(NEW_STORY)
        rss = self.root / "rss.xml"
        rss.write_text(
            rss.read_text().replace(
                "  <item>",
                "  <item><title>New pier</title><link>news/new-pier.html</link></item>\n  <item>",
                1,
            )
        )

    def publish_feed(self, name: str, links: list[str]) -> str:
        """An RSS feed at `name` listing these links (relative to the site, or absolute); its
        URL."""
        items = "".join(
            f"<item><title>{link}</title><link>{link}</link></item>\n" for link in links
        )
        (self.root / name).write_text(
            '<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0"><channel>'
            f"<title>Feed {name}</title><link>/</link>\n{items}</channel></rss>\n"
        )
        return f"{self.url}/{name}"

    def handle_error(self, request: Any, client_address: Any) -> None:
        if not isinstance(sys.exc_info()[1], ConnectionError):  # a killed crawler hung up
            super().handle_error(request, client_address)

    def article_requests(self) -> Counter[str]:
        return Counter({p: n for p, n in self.requests.items() if p.startswith("/news/")})

    def reset_counts(self) -> None:
        """Forget the counts, once the answers still being sent are out."""
        with self.lock:
            self.idle.wait_for(lambda: self.in_flight == 0, 60)
            self.requests.clear()
            self.answers.clear()
            self.arrivals.clear()
            self.peak_in_flight = 0
            self.conditional.clear()

    def wait_for_article_requests(self, count: int, timeout: float = 60) -> bool:
        """Block until `count` article requests have arrived."""
        with self.article_requested:
            return self.article_requested.wait_for(
                lambda: sum(self.article_requests().values()) >= count, timeout
            )


class NewsroomHandler(BaseHTTPRequestHandler):
    server: Newsroom

    def do_GET(self) -> None:
        server = self.server
        with server.lock:
            server.in_flight += 1
            server.peak_in_flight = max(server.peak_in_flight, server.in_flight)
            server.arrivals.append((time.monotonic(), urlsplit(self.path).path))
        try:
            self.serve()
        finally:
            with server.lock:
                server.in_flight -= 1
                server.idle.notify_all()

    def serve(self) -> None:
        parts = urlsplit(self.path)  # absolute when a crawl uses this server as its HTTP proxy
        path, server = parts.path, self.server
        if parts.netloc and parts.netloc != urlsplit(server.url).netloc:
            return self.answer(path, 404, b"not found: only 127.0.0.1 is served", "text/plain")
        with server.lock:
            server.requests[path] += 1
            if self.headers.get("If-None-Match") or self.headers.get("If-Modified-Since"):
                server.conditional[path] += 1
        if path.startswith("/news/"):
            with server.article_requested:
                server.article_requested.notify_all()
            if server.delay:
                threading.Event().wait(server.delay)  # a slow site, not a test waiting
            if server.gate is not None and (server.held is None or path in server.held):
                server.gate.wait(60)
        if path in server.routes:
            with server.lock:
                server.answers[(path, 0)] += 1
            return server.routes[path](self)
        if path in server.overrides:
            status, headers = server.overrides[path]
            return self.answer(path, status, b"try later", "text/plain", headers)
        file = (server.root / path.lstrip("/")).resolve()
        if file.is_dir():
            file = file / "index.html"
        zipped = file.suffix == ".gz" and not file.is_file()
        source = file.with_suffix("") if zipped else file
        if not source.is_file() or not file.is_relative_to(server.root.resolve()):
            return self.answer(path, 404, b"not found", "text/plain")
        body = TEMPLATE.sub(self.fill, source.read_bytes())
        if zipped:
            body = gzip.compress(body, mtime=0)
        etag = f'"{hashlib.sha1(body).hexdigest()[:16]}"'
        mtime = int(source.stat().st_mtime)
        headers = {"ETag": etag, "Last-Modified": formatdate(mtime, usegmt=True)}
        if server.validators and self.not_modified(etag, mtime):
            return self.answer(path, 304, b"", None, headers)
        kind = TYPES.get(file.suffix) or mimetypes.guess_type(file.name)[0] or "text/plain"
        return self.answer(path, 200, body, kind, headers if server.validators else {})

    def fill(self, match: re.Match[bytes]) -> bytes:
        if match[1] == b"site":
            return self.server.url.encode()
        hours = int(match[2]) * (24 if match[3] == b"d" else 1)
        moment = self.server.started - timedelta(hours=hours)
        return moment.isoformat(timespec="seconds").encode()

    def not_modified(self, etag: str, mtime: int) -> bool:
        if match := self.headers.get("If-None-Match"):
            return etag in [m.strip() for m in match.split(",")]
        if since := self.headers.get("If-Modified-Since"):
            try:
                return mtime <= parsedate_to_datetime(since).timestamp()
            except (TypeError, ValueError):
                return False
        return False

    def answer(
        self,
        path: str,
        status: int,
        body: bytes,
        kind: str | None,
        headers: dict[str, str] | None = None,
    ) -> None:
        with self.server.lock:
            self.server.answers[(path, status)] += 1
        self.send_response(status)
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        if kind:
            self.send_header("Content-Type", kind)
        if status != 304:
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if status != 304:
            self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        pass
