"""Answers a downloader must handle as Scrapy's does, served by a tests/newsroom.py site: for
the direct path's own tests (tests/test_direct.py) and for the parity of the two download paths
(tests/test_parity.py). Also a host that never answers a connection (`SilentHost`)."""

from __future__ import annotations

import gzip
import socket
import threading
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tests.newsroom import Newsroom, NewsroomHandler

SITE = Path(__file__).parent / "site"
# A story of the site without its rel=canonical, so that each path serving it is an article.
STORY = (
    (SITE / "news" / "harbour-pontoon.html")
    .read_bytes()
    .replace(b'<link rel="canonical" href="/news/harbour-pontoon.html">\n', b"")
)
HUGE = 10 * len(STORY)  # the DOWNLOAD_MAXSIZE these tests set: /huge passes it
DRIP_SECONDS = 0.1  # between two bytes of a dripping answer
RULES = b"User-agent: *\nDisallow: /private/\n"

Route = Callable[["NewsroomHandler"], None]


def answer(status: int, body: bytes, content_type: str | None, **headers: str) -> Route:
    """A whole answer; Content-Length unless `headers` says Connection: close."""

    def send(handler: NewsroomHandler) -> None:
        handler.send_response(status)
        if content_type is not None:
            handler.send_header("Content-Type", content_type)
        if headers.get("Connection") != "close":
            handler.send_header("Content-Length", str(len(body)))
        for name, value in headers.items():
            handler.send_header(name.replace("_", "-"), value)
        handler.end_headers()
        handler.wfile.write(body)

    return send


def cut_short(handler: NewsroomHandler) -> None:
    """Half the story it announces, then the connection closes."""
    handler.send_response(200)
    handler.send_header("Content-Type", "text/html; charset=utf-8")
    handler.send_header("Content-Length", str(2 * len(STORY)))
    handler.end_headers()
    handler.wfile.write(STORY)
    handler.close_connection = True


def redirect(location: str, status: int = 301) -> Route:
    return answer(status, b"", "text/html", Location=location)


def flaky(site: Newsroom) -> Route:
    """503 the first time, then the story."""

    def send(handler: NewsroomHandler) -> None:
        first = site.requests["/flaky"] == 1
        answer(503 if first else 200, STORY, "text/html; charset=utf-8")(handler)

    return send


def drip(head: bytes, body: bytes, stop: threading.Event) -> Route:
    """`head` at once, then `body` a byte every DRIP_SECONDS, until the client goes."""

    def send(handler: NewsroomHandler) -> None:
        try:
            handler.wfile.write(head)
            for byte in body:
                if stop.wait(DRIP_SECONDS):
                    return
                handler.wfile.write(bytes([byte]))
        except OSError:
            return  # the client gave up, as it should

    return send


def hang(stop: threading.Event) -> Route:
    """Reads the request and says nothing."""

    def send(handler: NewsroomHandler) -> None:
        stop.wait(60)

    return send


def latin_1_page() -> bytes:
    sentences = (
        "Skipper Sæther brought the ferry in through the gale on Tuesday night.",
        "The harbour master said the crossing from Østerby had never been so rough.",
        "Passengers waited in the café until the wind dropped a little after midnight.",
        "Sæther, who has sailed the route for nineteen years, said the crew did well.",
    )
    page = "<html><head><meta charset='iso-8859-1'><title>Sæther</title></head><body><article>"
    page += "".join(f"<p>{s}</p>" for s in sentences)
    return (page + "</article></body></html>").encode("latin-1")


def refresh_page(target: str) -> bytes:
    return f'<html><head><meta http-equiv="refresh" content="0; url={target}"></head>'.encode()


def install(site: Newsroom) -> dict[str, Route]:
    """Route the hostile answers on `site`; the paths, which tests name as cases."""
    big = b"<html><body><article>" + b"<p>Harbour news. </p>" * (HUGE // 20) + b"</article>"
    routes: dict[str, Route] = {
        "/robots.txt": redirect("/rules.txt"),  # followed, as Scrapy follows it
        "/rules.txt": answer(200, RULES, "text/plain"),
        "/moved": redirect("/story"),
        "/to-private": redirect("/private/story", 302),
        "/loop": redirect("/loop", 302),
        "/refresh": answer(200, refresh_page("/story"), "text/html"),
        "/story": answer(200, STORY, "text/html; charset=utf-8"),
        "/private/story": answer(200, STORY, "text/html; charset=utf-8"),
        "/gzipped": answer(200, gzip.compress(STORY), "text/html", Content_Encoding="gzip"),
        "/untyped": answer(200, b"<!DOCTYPE html>" + STORY.split(b">", 1)[1], None),
        "/octet.html": answer(200, STORY, "application/octet-stream"),
        "/latin-1": answer(200, latin_1_page(), "text/html"),
        "/flaky": flaky(site),
        "/busy": answer(503, b"come back later", "text/plain", Retry_After="120"),
        "/huge": answer(200, big, "text/html"),
        "/huge-unsized": answer(200, big, "text/html", Connection="close"),
        "/huge-gzipped": answer(200, gzip.compress(big), "text/html", Content_Encoding="gzip"),
        "/cut-short": cut_short,
    }
    site.routes.update(routes)
    return routes


def install_slow(site: Newsroom, stop: threading.Event) -> list[str]:
    """Answers that never end (until `stop` is set): a body that drips, a status line that
    drips, silence."""
    head = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: %d\r\n\r\n" % len(STORY)
    site.routes.update(
        {
            "/robots.txt": answer(200, RULES, "text/plain"),
            "/drip-body": drip(head, STORY, stop),
            "/drip-status": drip(b"", head + STORY, stop),
            "/hang": hang(stop),
        }
    )
    return ["/drip-body", "/drip-status", "/hang"]


class SilentHost:
    """A port on 127.0.0.1 that accepts no connection: its one-place queue is kept full, so
    the kernel drops every new SYN and `connect` waits until the client gives up."""

    def __init__(self) -> None:
        self.listener = socket.socket()
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(0)
        self.port = self.listener.getsockname()[1]
        self.filler = socket.create_connection(("127.0.0.1", self.port))
        self.url = f"http://127.0.0.1:{self.port}"

    def close(self) -> None:
        self.filler.close()
        self.listener.close()


def refused_url() -> str:
    """A URL on a port nobody listens on once it is closed."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}/story"
