"""A local news site for throughput benchmarks, built from the real pages of aeb-dev.

    python benchmarks/newssite.py --articles 2000 --feeds 20 --latency-ms 50 --port 0

Article `i` is page `i mod 85` of `../shared/data/aeb-dev/` (those whose true article text
is in their HTML verbatim), served at its own URL with its
own title, its own `rel=canonical` (the page's original canonical and `og:url` are removed, or every
copy would be one article) and one unique sentence in its longest paragraph, so that no two
articles are equal. Feed `f` (RSS 2.0) lists the articles `i` with `i mod F == f`. Pages are built
per request from the templates in memory, so the server stays small at any size. It prints its
base URL on stdout once it listens, and serves until killed.
"""

from __future__ import annotations

import argparse
import gzip
import html
import json
import re
import sys
import time
from dataclasses import dataclass
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

DATA = Path(__file__).resolve().parent.parent.parent / "shared" / "data" / "aeb-dev"
# Tags that name a page's own URL or title; copies get their own.
OWN_TAGS = re.compile(
    rb"<link[^>]*\brel=[\"']?(?:canonical|alternate[^>]*x-default)[^>]*>|<base\b[^>]*>"
    rb"|<meta[^>]*(?:og|twitter):(?:url|title)\b[^>]*>|<title[^>]*>.*?</title>",
    re.I | re.S,
)
HEAD = re.compile(rb"<head[^>]*>", re.I)
SCRIPT = re.compile(rb"<script.*?</script>", re.I | re.S)
ARTICLE_PATH = re.compile(r"^/news/(\d+)\.html$")
FEED_PATH = re.compile(r"^/feeds/(\d+)\.xml$")


@dataclass
class Template:
    """One real page cut where a copy gets its own head tags and its unique sentence."""

    before_head: bytes  # up to and including <head ...>
    before_sentence: bytes  # the rest of the page, up to the end of a paragraph of the article
    after_sentence: bytes  # the rest


def load_templates(folder: Path = DATA) -> list[Template]:
    """The aeb-dev pages whose article text can be found in their HTML, as templates.

    Raises FileNotFoundError when the folder is absent.
    """
    truth = json.loads((folder / "ground-truth.json").read_bytes())
    templates = []
    for page_id, value in sorted(truth.items()):
        page = gzip.decompress((folder / "html" / f"{page_id}.html.gz").read_bytes())
        if template := cut(page, value["articleBody"]):
            templates.append(template)
    return templates


def cut(page: bytes, body: str) -> Template | None:
    """Cut `page` after the end of the longest paragraph of its true article text (but the
    last) that it holds verbatim as text, or None when it holds none."""
    page = OWN_TAGS.sub(b"", page)
    head = HEAD.search(page)
    start = head.end() if head else 0
    scripts = [m.span() for m in SCRIPT.finditer(page)]
    lines = body.splitlines()[:-1]  # a page's last paragraph is often cut as boilerplate
    for line in sorted(lines, key=len, reverse=True):
        tail = line.strip()[-40:].encode()
        if len(tail) < 20:
            break
        at = page.find(tail, start)
        while at >= 0 and (
            any(a <= at < b for a, b in scripts)
            or page.rfind(b"<", 0, at) > page.rfind(b">", 0, at)
        ):  # in a script or inside a tag (an attribute): look further
            at = page.find(tail, at + 1)
        if at >= 0:
            at += len(tail)
            return Template(page[:start], page[start:at], page[at:])
    return None


class NewsSite:
    """The site's content: `articles` pages in `feeds` feeds, under `base` (e.g. http://h:p)."""

    def __init__(self, templates: list[Template], articles: int, feeds: int, base: str) -> None:
        self.templates, self.articles, self.feeds, self.base = templates, articles, feeds, base

    def article_url(self, i: int) -> str:
        return f"{self.base}/news/{i}.html"

    def feed_url(self, f: int) -> str:
        return f"{self.base}/feeds/{f}.xml"

    def title(self, i: int) -> str:
        return f"Story {i}: what the harbour board decided, part {i}"

    def article(self, i: int) -> bytes:
        t = self.templates[i % len(self.templates)]
        head = (
            f'<title>{self.title(i)}</title><meta property="og:title" content="{self.title(i)}">'
            f'<link rel="canonical" href="{self.article_url(i)}">'
        ).encode()
        sentence = f" Reporter's note {i}: filed as story number {i} of this benchmark.".encode()
        return b"".join((t.before_head, head, t.before_sentence, sentence, t.after_sentence))

    def feed(self, f: int) -> bytes:
        items = "".join(
            f"<item><title>{html.escape(self.title(i))}</title>"
            f"<link>{self.article_url(i)}</link><guid>{self.article_url(i)}</guid>"
            f"<pubDate>{formatdate(1_700_000_000 + i * 60, usegmt=True)}</pubDate>"
            f"<description>Summary of story {i}.</description></item>"
            for i in range(f, self.articles, self.feeds)
        )
        return (
            '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
            f"<title>Benchmark feed {f}</title><link>{self.base}/</link>"
            f"<description>feed {f}</description>{items}</channel></rss>"
        ).encode()

    def get(self, path: str) -> tuple[bytes, str] | None:
        """The body and content type at `path`, or None for a 404."""
        if m := ARTICLE_PATH.match(path):
            i = int(m.group(1))
            return (self.article(i), "text/html; charset=utf-8") if i < self.articles else None
        if m := FEED_PATH.match(path):
            f = int(m.group(1))
            return (self.feed(f), "application/rss+xml") if f < self.feeds else None
        if path == "/robots.txt":
            return b"User-agent: *\nAllow: /\n", "text/plain"
        return None


def make_server(site: NewsSite, host: str, port: int, latency: float) -> ThreadingHTTPServer:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"  # keep-alive, as real news sites

        def do_GET(self) -> None:
            if latency:
                time.sleep(latency)
            found = site.get(self.path)
            body, ctype = found if found else (b"not found", "text/plain")
            self.send_response(200 if found else 404)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:
            pass

    ThreadingHTTPServer.daemon_threads = True
    ThreadingHTTPServer.request_queue_size = 128
    return ThreadingHTTPServer((host, port), Handler)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--articles", type=int, default=2000)
    parser.add_argument("--feeds", type=int, default=20)
    parser.add_argument("--latency-ms", type=float, default=0.0, help="delay before each answer")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0, help="0: any free port")
    args = parser.parse_args()
    site = NewsSite(load_templates(), args.articles, args.feeds, base="")
    server = make_server(site, args.host, args.port, args.latency_ms / 1000)
    port = server.server_address[1]
    site.base = f"http://{args.host}" + ("" if port == 80 else f":{port}")
    print(site.base, flush=True)
    server.serve_forever()
    return 0


if __name__ == "__main__":
    sys.exit(main())
