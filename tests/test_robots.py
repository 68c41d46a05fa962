"""robots.txt per RFC 9309 (issue 15): a 5xx or no answer disallows the site for the run, a 4xx
allows it, the first 500 KiB are parsed whatever the size, and a robots.txt is kept at most
NEWSDESK_ROBOTS_MAX_AGE. The real CLI against several local sites (one per port, so one per
robots.txt) on 127.0.0.1."""

from __future__ import annotations

import socket
import threading

import pytest
from sqlite_utils import Database

from tests.helpers import FAST, run_newsdesk
from tests.newsroom import Newsroom, NewsroomHandler

PARSE_LIMIT = 500 * 1024  # RFC 9309: a parsing limit, if any, is at least 500 KiB


@pytest.fixture
def sites(tmp_path):
    started: list[Newsroom] = []

    def site(name: str) -> Newsroom:
        server = Newsroom.copy_of_site(tmp_path / name)
        started.append(server)
        return server

    yield site
    for server in started:
        server.shutdown()


def closed_port() -> int:
    """A port on 127.0.0.1 where nothing listens (connection refused)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def huge_robots(handler: NewsroomHandler) -> None:
    """A 600 KiB robots.txt: a rule inside the first 500 KiB, and one past it."""
    line = b"Allow: /filler/%06d.html\n"  # 27 bytes
    inside = b"".join(line % n for n in range((PARSE_LIMIT - 60_000) // 27))
    past = b"".join(line % n for n in range(100_000 // 27))
    body = (
        b"User-agent: *\n"
        + inside
        + b"Disallow: /news/lighthouse.html\n"
        + past
        + b"Disallow: /news/council-vote.html\n"
    )
    handler.send_response(200)
    handler.send_header("Content-Type", "text/plain")
    handler.send_header("Content-Length", str(len(body)))
    handler.end_headers()
    handler.wfile.write(body)


def hang(handler: NewsroomHandler) -> None:
    """No answer for longer than the crawl's DOWNLOAD_TIMEOUT."""
    threading.Event().wait(6)


def reasons_by_url(db) -> dict[str, str]:
    return {r["url"]: r["reason"] for r in Database(db)["failures"].rows}


def test_robots_txt_answers_per_rfc_9309(sites, tmp_path):
    home, down, absent, huge = sites("home"), sites("down"), sites("absent"), sites("huge")
    silent = sites("silent")
    down.overrides["/robots.txt"] = (503, {})
    silent.routes["/robots.txt"] = hang
    absent.overrides["/robots.txt"] = (404, {})
    huge.routes["/robots.txt"] = huge_robots
    refused = f"http://127.0.0.1:{closed_port()}"
    links = {
        "down": f"{down.url}/news/harbour-pontoon.html",
        "absent": f"{absent.url}/news/ferry-strike.html",
        "refused": f"{refused}/news/ferry-strike.html",
        "silent": f"{silent.url}/news/lighthouse.html",
        "huge, inside the limit": f"{huge.url}/news/lighthouse.html",
        "huge, past the limit": f"{huge.url}/news/council-vote.html",
    }
    feed = home.publish_feed("elsewhere.xml", list(links.values()))
    db = tmp_path / "archive.db"
    # DOWNLOAD_MAXSIZE below the huge robots.txt: it is still read, up to 500 KiB.
    proc = run_newsdesk(
        "crawl", "--feed", feed, "--db", str(db), *FAST,
        "-s", "DOWNLOAD_MAXSIZE=300000", "-s", "DOWNLOAD_TIMEOUT=2",
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stderr
    failed = reasons_by_url(db)
    assert failed == {
        links["down"]: "robots.txt unreachable (HTTP 503): host treated as disallowed",
        links["refused"]: "unreachable: connection refused",
        links["silent"]: "unreachable: timed out",
        links["huge, inside the limit"]: "forbidden by robots.txt",
    }
    stored = {r["url"] for r in Database(db)["articles"].rows}
    assert stored == {links["absent"], links["huge, past the limit"]}
    # nothing of a disallowed site is fetched
    assert down.article_requests() == silent.article_requests() == {}
    assert down.requests["/robots.txt"] == 1
    warnings = [line for line in proc.stderr.splitlines() if "robots.txt unreachable" in line]
    assert len(warnings) == 2, warnings  # one for the site, one for its page


def test_robots_txt_is_read_again_once_it_is_older_than_its_max_age(sites, tmp_path):
    site = sites("site")
    pages = ["harbour-pontoon", "ferry-strike", "lighthouse", "council-vote"]
    feed = site.publish_feed("four.xml", [f"news/{page}.html" for page in pages])
    proc = run_newsdesk(
        "crawl", "--feed", feed, "--db", str(tmp_path / "archive.db"), *FAST,
        # one request at a time, so that each is checked against robots.txt as it goes out
        "-s", "CONCURRENT_REQUESTS=1", "-s", "DOWNLOAD_DELAY=0.5",
        "-s", "RANDOMIZE_DOWNLOAD_DELAY=False", "-s", "NEWSDESK_ROBOTS_MAX_AGE=1s",
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    assert sum(site.article_requests().values()) == 4
    assert site.requests["/robots.txt"] >= 2  # kept for 1 s; the last page is 2 s after it
