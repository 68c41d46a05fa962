"""The hostile web (issue 15): pages too large, answers that say "come back later", hanging
downloads. Each case runs the real CLI in a subprocess against a local site on 127.0.0.1 and
reads the real archive it wrote."""

from __future__ import annotations

import contextlib
import json
import socket
import struct
import subprocess
import sys
import threading
import time
import zlib
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import psutil
from sqlite_utils import Database

from crawler.ingest import reasons
from tests.answers import STORY, answer, drip, refresh_page
from tests.helpers import FAST, ROOT, run_newsdesk
from tests.newsroom import Newsroom, NewsroomHandler

MAX_SIZE = 200_000  # DOWNLOAD_MAXSIZE for these tests, so that a page "too large" is small


def failures(db) -> dict[str, str]:
    return {r["url"].rsplit("/", 1)[-1]: r["reason"] for r in Database(db)["failures"].rows}


def big_page(with_length: bool):
    """A page of 300 KB of paragraphs, with or without a Content-Length header."""
    body = (
        b"<html><body><article>" + b"<p>Harbour news. </p>" * 15_000 + b"</article></body></html>"
    )

    def answer(handler: NewsroomHandler) -> None:
        handler.send_response(200)
        handler.send_header("Content-Type", "text/html; charset=utf-8")
        if with_length:
            handler.send_header("Content-Length", str(len(body)))
        else:
            handler.send_header("Connection", "close")
        handler.end_headers()
        handler.wfile.write(body)

    return answer


def test_a_page_over_the_size_cap_has_one_reason_with_or_without_content_length(site, tmp_path):
    site.routes["/news/sized.html"] = big_page(with_length=True)
    site.routes["/news/unsized.html"] = big_page(with_length=False)
    feed = site.publish_feed("big.xml", ["news/sized.html", "news/unsized.html"])
    db = tmp_path / "archive.db"
    proc = run_newsdesk(
        "crawl", "--feed", feed, "--db", str(db), *FAST, "-s", f"DOWNLOAD_MAXSIZE={MAX_SIZE}"
    )
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stderr
    expected = reasons.too_large(MAX_SIZE)
    assert expected == "too large: more than 195 KB (DOWNLOAD_MAXSIZE)"
    assert failures(db) == {"sized.html": expected, "unsized.html": expected}
    warnings = [line for line in proc.stderr.splitlines() if "WARNING" in line]
    assert len(warnings) == 2 and all(line.endswith(expected) for line in warnings), warnings
    # `fetch` of the same pages, without Scrapy (crawler/app/direct.py), words it alike
    fetched = tmp_path / "fetched.db"
    urls = [f"{site.url}/news/sized.html", f"{site.url}/news/unsized.html"]
    proc = run_newsdesk(
        "fetch", *urls, "--db", str(fetched), *FAST, "-s", f"DOWNLOAD_MAXSIZE={MAX_SIZE}"
    )
    assert proc.returncode == 3, proc.stderr
    assert failures(fetched) == {"sized.html": expected, "unsized.html": expected}


MALFORMED = ("lone-surrogate.xml", "out-of-range.xml", "doctype-backslash.xml")


def test_feeds_that_make_feedparser_raise_are_recorded_and_the_crawl_goes_on(site, tmp_path):
    db = tmp_path / "archive.db"
    feeds = [f"{site.url}/hostile/{name}" for name in (*MALFORMED, "utf16-surrogate.xml")]
    feed_args = [arg for url in feeds for arg in ("--feed", url)]
    proc = run_newsdesk("crawl", *feed_args, "--db", str(db), *FAST)
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stderr
    archive = Database(db)
    polled = {r["url"].rsplit("/", 1)[-1]: r for r in archive["feeds"].rows}
    assert {name: row["last_status"] for name, row in polled.items()} == {
        "lone-surrogate.xml": "malformed",
        "out-of-range.xml": "malformed",
        "doctype-backslash.xml": "malformed",
        "utf16-surrogate.xml": "failed",
    }
    assert all(row["last_polled"] for row in polled.values())
    assert polled["utf16-surrogate.xml"]["last_error"].startswith(
        "unreadable feed (UnicodeEncodeError: 'utf-8' codec can't encode character"
    )
    assert failures(db)["utf16-surrogate.xml"] == polled["utf16-surrogate.xml"]["last_error"]
    titles = sorted(r["title"] for r in archive["articles"].rows)
    assert titles == [
        "Ferry crews vote to strike over winter rota",
        "Lighthouse keeper retires after 40 years",
        "Storm tears north pontoon from Kessel harbour",
    ]
    assert proc.stderr.splitlines()[-1].startswith(
        "newsdesk crawl: 4 feeds polled (1 failed), 0 unchanged; articles: 3 new"
    )


def come_back_later(site: Newsroom, path: str, seconds: str, *, times: int) -> list[float]:
    """`path` answers 503 with `Retry-After: seconds` `times` times, then as usual; the
    returned list fills with the time of each request."""
    asked: list[float] = []
    page = (site.root / path.lstrip("/")).read_bytes()

    def answer(handler: NewsroomHandler) -> None:
        asked.append(time.monotonic())
        if len(asked) <= times:
            handler.answer(path, 503, b"busy", "text/plain", {"Retry-After": seconds})
        else:
            handler.answer(path, 200, page, "text/html; charset=utf-8")

    site.routes[path] = answer
    return asked


def timed(site: Newsroom, path: str) -> list[float]:
    """`path` answers as usual; the returned list fills with the time of each request."""
    asked: list[float] = []
    page = (site.root / path.lstrip("/")).read_bytes()

    def answer(handler: NewsroomHandler) -> None:
        asked.append(time.monotonic())
        handler.answer(path, 200, page, "text/html; charset=utf-8")

    site.routes[path] = answer
    return asked


def test_a_short_retry_after_is_waited_for_within_the_run(site, tmp_path):
    other = Newsroom.copy_of_site(tmp_path / "other")
    try:
        busy = come_back_later(site, "/news/ferry-strike.html", "2", times=1)
        elsewhere = timed(other, "/news/lighthouse.html")
        feed = site.publish_feed(
            "busy.xml", ["news/ferry-strike.html", f"{other.url}/news/lighthouse.html"]
        )
        db = tmp_path / "archive.db"
        proc = run_newsdesk("crawl", "--feed", feed, "--db", str(db), *FAST, "-s", "RETRY_TIMES=2")
    finally:
        other.shutdown()
    assert proc.returncode == 0, proc.stderr
    assert len(busy) == 2 and busy[1] - busy[0] >= 1.9  # asked again once 2 s had passed
    assert elsewhere[0] < busy[1]  # the other site did not wait
    assert sorted(r["title"] for r in Database(db)["articles"].rows) == [
        "Ferry crews vote to strike over winter rota",
        "Lighthouse keeper retires after 40 years",
    ]
    assert list(Database(db)["failures"].rows) == []


def test_a_long_retry_after_is_obeyed_by_the_next_runs(site, tmp_path):
    busy = come_back_later(site, "/news/ferry-strike.html", "7200", times=3)
    feed = site.publish_feed("busy.xml", ["news/ferry-strike.html"])
    db = tmp_path / "archive.db"
    first = run_newsdesk("crawl", "--feed", feed, "--db", str(db), *FAST, "-s", "RETRY_TIMES=2")
    assert first.returncode == 0, first.stderr
    assert len(busy) == 1  # not retried at once, nor within the run
    archive = Database(db)
    [failure] = archive["failures"].rows
    assert (failure["reason"], failure["status"]) == ("HTTP 503", 503)
    wait = datetime.fromisoformat(failure["retry_at"]) - datetime.now(UTC)
    assert 7000 < wait.total_seconds() <= 7200
    # 61 minutes later (the usual first backoff is an hour): not yet
    archive.execute("UPDATE failures SET failed_at = ?", [iso_ago(minutes=61)])
    archive.conn.commit()
    assert run_newsdesk("crawl", "--db", str(db), *FAST).returncode == 0
    assert len(busy) == 1
    # two hours later: the first run after that time fetches it
    archive.execute(
        "UPDATE failures SET failed_at = ?, retry_at = ?",
        [iso_ago(minutes=121), iso_ago(minutes=1)],
    )
    archive.conn.commit()
    site.routes.pop("/news/ferry-strike.html")
    last = run_newsdesk("crawl", "--db", str(db), *FAST)
    assert last.returncode == 0, last.stderr
    assert [r["title"] for r in archive["articles"].rows] == [
        "Ferry crews vote to strike over winter rota"
    ]
    assert list(archive["failures"].rows) == []


def iso_ago(*, minutes: int) -> str:
    return (datetime.now(UTC) - timedelta(minutes=minutes)).isoformat(timespec="seconds")


def story(n: int) -> bytes:
    """A paragraph of its own (extraction drops repeated ones)."""
    return (
        f"<p>Paragraph {n}: the harbour board met again and voted, {n} to {n + 3}, to rebuild "
        f"the north pontoon before the winter storms reach the coast.</p>\n"
    ).encode()


def huge_pages() -> dict[str, bytes]:
    """Pages just under the 10 MB DOWNLOAD_MAXSIZE, and one of 3.5 MB of tiny elements."""
    mb = 1024 * 1024
    article = b"".join(story(n) for n in range(12))
    head = b"<html><head><title>Pontoon vote</title>"
    jsonld = b'<script type="application/ld+json">{"headline": "Pontoon vote"}</script>'
    script = b"<script>var state = '" + b"x" * int(9.4 * mb) + b"';</script>"
    svg = b"<svg>" + b'<path d="M0 0L10 10"/>' * int(9.3 * mb / 23) + b"</svg>"
    paragraphs = b"".join(story(n) for n in range(int(9.5 * mb / 150)))
    row = b"<div><span>cell</span><a href='/x'>link</a></div>\n"
    tiny = row * int(3.5 * mb / len(row))

    def page(head_extra: bytes, body: bytes) -> bytes:
        return head + head_extra + b"</head><body><article>" + body + b"</article></body></html>"

    return {
        "scripts.html": page(jsonld + script, article),
        "drawing.html": page(b"", svg + article),
        "paragraphs.html": page(b"", paragraphs),
        "elements.html": page(b"", article + tiny),
    }


def test_pages_near_the_size_cap_keep_the_crawl_under_500_mb(site, tmp_path):
    pages = huge_pages()
    for name, body in pages.items():
        assert len(body) < 10 * 1024 * 1024
        (site.root / "news" / name).write_bytes(body)
    feed = site.publish_feed("huge.xml", [f"news/{name}" for name in pages])
    db = tmp_path / "archive.db"
    started = time.monotonic()
    crawl = subprocess.Popen(
        [sys.executable, "-m", "crawler", "crawl", "--feed", feed, "--db", str(db), *FAST],
        cwd=ROOT,
        stderr=subprocess.PIPE,
        text=True,
    )
    peak_pss = peak_rss = 0
    tree = psutil.Process(crawl.pid)
    while crawl.poll() is None:
        with contextlib.suppress(psutil.Error):
            processes = [tree, *tree.children(recursive=True)]
            peak_pss = max(peak_pss, sum(p.memory_full_info().pss for p in processes))
            peak_rss = max(peak_rss, sum(p.memory_info().rss for p in processes))
        time.sleep(0.05)
    _, stderr = crawl.communicate()
    took = time.monotonic() - started
    print(
        f"4 huge pages: {took:.1f} s, peak {peak_pss >> 20} MB PSS, {peak_rss >> 20} MB RSS summed"
    )
    assert crawl.returncode == 0, stderr
    assert "Traceback" not in stderr
    assert peak_pss < 500 * 1024 * 1024
    stored = {r["url"].rsplit("/", 1)[-1] for r in Database(db)["articles"].rows}
    assert stored == {"scripts.html", "drawing.html"}  # reduced to what holds the story
    assert failures(db) == {
        "paragraphs.html": "too large: more than 4 MB (NEWSDESK_EXTRACT_MAXSIZE)",
        "elements.html": "too large: more than 15,000 elements (NEWSDESK_EXTRACT_MAX_ELEMENTS)",
    }


def test_links_and_redirects_scrapy_drops_or_chokes_on_are_recorded_and_the_crawl_goes_on(
    site, tmp_path
):
    """Before: a feed link with a port out of range ended `start()` (every later entry went
    unfetched, traceback, exit 130); a JSON Feed with one such link failed whole; a redirect or
    refresh loop and a link past URLLENGTH_LIMIT were dropped without a trace; a Retry-After
    of 10**23 seconds raised OverflowError; a redirect to a bad port was a traceback in
    `fetch`."""
    site.routes["/loop"] = answer(302, b"", "text/html", Location="/loop")
    site.routes["/ping"] = answer(302, b"", "text/html", Location="/pong")
    site.routes["/pong"] = answer(302, b"", "text/html", Location="/ping")
    site.routes["/refresh"] = answer(200, refresh_page("/refresh"), "text/html")
    site.routes["/bad-port"] = answer(301, b"", "text/html", Location="http://127.0.0.1:99999/")
    site.routes["/no-end"] = answer(503, b"busy", "text/plain", Retry_After="9" * 23)
    long_url = "news/lighthouse.html?q=" + "x" * 3000
    rss = site.publish_feed(
        "odd.xml",
        ["http://127.0.0.1:99999/story", "loop", "ping", "refresh", "bad-port", "no-end",
         long_url, "news/harbour-pontoon.html"],
    )  # fmt: skip
    items = [{"id": "1", "url": "http://[::1/story"}, {"id": "2", "url": "news/ferry-strike.html"}]
    (site.root / "odd.json").write_text(
        json.dumps({"version": "https://jsonfeed.org/version/1.1", "title": "Odd", "items": items})
    )
    db = tmp_path / "archive.db"
    args = ("--db", str(db), *FAST, "-s", "REDIRECT_MAX_TIMES=5")
    proc = run_newsdesk("crawl", "--feed", rss, "--feed", f"{site.url}/odd.json", *args)
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stderr
    assert sorted(r["title"] for r in Database(db)["articles"].rows) == [
        "Ferry crews vote to strike over winter rota",
        "Storm tears north pontoon from Kessel harbour",
    ]
    failed = failures(db)
    assert failed.pop(long_url.rsplit("/", 1)[-1]) == reasons.url_too_long(2083)
    assert failed == {
        "loop": reasons.too_many_redirects(5),
        "pong": reasons.too_many_redirects(5),  # where the chain was given up
        "refresh": reasons.too_many_redirects(5),
        "bad-port": "bad redirect: Port out of range 0-65535",
        "no-end": "HTTP 503",
    }
    [busy] = Database(db)["failures"].rows_where("url like '%/no-end'")
    wait = datetime.fromisoformat(busy["retry_at"]) - datetime.now(UTC)
    assert 6 * 86400 < wait.total_seconds() <= 7 * 86400  # a week at most
    again = run_newsdesk("crawl", "--all", *args)
    assert again.returncode == 0 and "Traceback" not in again.stderr, again.stderr
    # `fetch` (crawler/app/direct.py) of the redirect to a bad port: its failure, not a traceback
    fetched = tmp_path / "fetched.db"
    urls = (f"{site.url}/bad-port", f"{site.url}/loop")
    proc = run_newsdesk("fetch", *urls, "--db", str(fetched), *args[2:])
    assert proc.returncode == 3, proc.stderr
    assert "Traceback" not in proc.stderr
    assert failures(fetched) == {
        "bad-port": "bad redirect: Port out of range 0-65535",
        "loop": reasons.too_many_redirects(5),
    }


def dripping(body: bytes, stop: threading.Event) -> Callable[[NewsroomHandler], None]:
    """A 200 without Content-Length (its body ends when the connection closes) whose body
    comes a byte every 0.1 s, until the client goes or `stop` is set."""
    head = b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nConnection: close\r\n\r\n"
    return drip(head, body, stop)


def test_answers_that_drip_without_content_length_end_at_download_timeout_in_fetch(tmp_path):
    """Before: `fetch` (crawler/app/direct.py) never ended on a robots.txt or page that dripped
    without a Content-Length: http.client lets go of the socket of such an answer, and the
    DOWNLOAD_TIMEOUT deadline had none to shut."""
    stop = threading.Event()
    robots_drips = Newsroom.copy_of_site(tmp_path / "a")
    page_drips = Newsroom.copy_of_site(tmp_path / "b")
    robots_drips.routes["/robots.txt"] = dripping(b"User-agent: *\nDisallow: /x/\n" * 50, stop)
    page_drips.routes["/drip"] = dripping(b"<html><body><p>Harbour news.</p>" * 50, stop)
    urls = [
        f"{robots_drips.url}/news/lighthouse.html",
        f"{page_drips.url}/drip",
        f"{page_drips.url}/news/ferry-strike.html",
    ]
    db = tmp_path / "archive.db"
    started = time.monotonic()
    try:
        proc = run_newsdesk("fetch", *urls, "--db", str(db), *FAST, "-s", "DOWNLOAD_TIMEOUT=2")
    finally:
        stop.set()
        robots_drips.shutdown()
        page_drips.shutdown()
    assert time.monotonic() - started < 20
    assert proc.returncode == 3, proc.stderr
    assert "Traceback" not in proc.stderr
    assert failures(db) == {"lighthouse.html": reasons.TIMED_OUT, "drip": reasons.TIMED_OUT}
    assert [r["title"] for r in Database(db)["articles"].rows] == [
        "Ferry crews vote to strike over winter rota"
    ]


def gzip_bomb(head: bytes, megabytes: int) -> bytes:
    """`head` and then `megabytes` MB of zeros, gzipped: about 1 KB per MB."""
    packer = zlib.compressobj(9, zlib.DEFLATED, 31)
    zeros = b"\0" * (1 << 20)
    body = [packer.compress(head), *(packer.compress(zeros) for _ in range(megabytes))]
    return b"".join([*body, packer.flush()])


def peak_rss(*args: str) -> tuple[subprocess.CompletedProcess[str], int]:
    """Run the CLI; its result and the most memory its own process held (bytes)."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "crawler", *args], cwd=ROOT, stderr=subprocess.PIPE, text=True
    )
    peak, process = 0, psutil.Process(proc.pid)
    while proc.poll() is None:
        with contextlib.suppress(psutil.Error):
            peak = max(peak, process.memory_info().rss)
        time.sleep(0.02)
    _, stderr = proc.communicate()
    return subprocess.CompletedProcess(args, proc.returncode, "", stderr), peak


def test_a_gzip_bomb_robots_txt_is_read_for_its_rules_without_inflating_it(site, tmp_path):
    """Before: a robots.txt is downloaded without DOWNLOAD_MAXSIZE (its first 500 KiB are
    parsed, whatever its size), and Scrapy and the direct path inflated all of a compressed one:
    1 MB of gzip took the crawl past 1.2 GB and `fetch` to 1 GB (10 MB would be 10 GB)."""
    bomb = gzip_bomb(b"User-agent: *\nDisallow: /private/\n#", 1024)
    site.routes["/robots.txt"] = answer(200, bomb, "text/plain", Content_Encoding="gzip")
    feed = site.publish_feed("bomb.xml", ["news/lighthouse.html", "private/secret-story.html"])
    db = tmp_path / "archive.db"
    crawl, crawl_peak = peak_rss("crawl", "--feed", feed, "--db", str(db), *FAST)
    assert crawl.returncode == 0, crawl.stderr
    urls = [f"{site.url}/news/lighthouse.html", f"{site.url}/private/secret-story.html"]
    fetched = tmp_path / "fetched.db"
    fetch, fetch_peak = peak_rss("fetch", *urls, "--db", str(fetched), *FAST)
    assert fetch.returncode == 3, fetch.stderr
    for archive in (db, fetched):  # the rules at its head were read
        assert failures(archive) == {"secret-story.html": reasons.ROBOTS_FORBIDDEN}
        assert [r["url"].rsplit("/", 1)[-1] for r in Database(archive)["articles"].rows] == [
            "lighthouse.html"
        ]
    assert crawl_peak < 500 << 20 and fetch_peak < 300 << 20, (crawl_peak >> 20, fetch_peak >> 20)


def reset(handler: NewsroomHandler, head: bytes = b"") -> None:
    """`head`, then a TCP reset (RST) instead of the rest."""
    handler.wfile.write(head)
    handler.wfile.flush()
    handler.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    handler.connection.close()
    handler.close_connection = True


def raw(data: bytes) -> Callable[[NewsroomHandler], None]:
    """Whatever bytes, then the connection closes."""

    def send(handler: NewsroomHandler) -> None:
        handler.wfile.write(data)
        handler.close_connection = True

    return send


def test_broken_answers_have_one_reason_whichever_way_fetch_goes(site, tmp_path):
    """Before: Twisted's and urllib3's own words, different each way ("DownloadFailedError:
    [<twisted.python.failure.Failure twisted.web._newclient.ParseError: ('non-integer status
    code', ...)>]", "ProtocolError: Response ended prematurely", "BadGzipFile: Not a gzipped
    file (b'<!')", "error: brotli: decoder failed"); now one line, the same both ways. A
    Content-Length that is not a number, or given twice, was read by `fetch` without Scrapy and
    no answer for Scrapy (now none both ways). A Content-Encoding neither way decodes: `fetch`
    without Scrapy refused the page as "not HTML: text/html" where Scrapy looks at the body,
    and stores an HTML one."""
    page = b"<html><body><article>" + b"<p>Harbour news.</p>" * 50 + b"</article></body></html>"
    length = b"Content-Length: %d\r\n" % len(page)
    head = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n"
    site.routes.update(
        {
            "/reset-in-body": lambda h: reset(h, head + length + b"\r\n" + page[:300]),
            "/reset-at-once": reset,
            "/unfinished-chunks": raw(
                head + b"Transfer-Encoding: chunked\r\n\r\n40\r\n" + page[:64]
            ),
            "/bad-status": raw(b"HTTP/1.1 abc OK\r\n\r\n" + page),
            "/huge-header": raw(head + b"X-Big: " + b"a" * 100_000 + b"\r\n\r\n" + page),
            "/hang-up": raw(b""),
            "/length-abc": raw(head + b"Content-Length: abc\r\n\r\n" + page),
            "/length-twice": raw(head + b"Content-Length: 9\r\n" + length + b"\r\n" + page),
            "/not-gzip": answer(200, page, "text/html", Content_Encoding="gzip"),
            "/not-br": answer(200, page, "text/html", Content_Encoding="br"),
            "/xyz": answer(200, bytes(range(256)) * 8, "text/html", Content_Encoding="xyz"),
            # an encoding no one knows on a page that is not encoded: read as Scrapy reads it
            "/bogus-encoding": answer(200, STORY, "text/html", Content_Encoding="UTF-8"),
        }
    )
    cut, not_http, undecodable = reasons.CUT_SHORT, reasons.NOT_HTTP, reasons.BAD_ENCODING
    expected = {
        "reset-in-body": cut, "unfinished-chunks": cut, "reset-at-once": not_http,
        "bad-status": not_http, "huge-header": not_http, "hang-up": not_http,
        "length-abc": not_http, "length-twice": not_http,
        "not-gzip": undecodable, "not-br": undecodable,
        "xyz": "not HTML: text/html in a Content-Encoding that cannot be decoded (xyz)",
    }  # fmt: skip
    urls = [f"{site.url}/{path}" for path in [*expected, "bogus-encoding"]]
    for way in ("NEWSDESK_DIRECT_MAX_URLS=100", "NEWSDESK_DIRECT_MAX_URLS=0"):  # direct, Scrapy
        db = tmp_path / f"{way}.db"
        proc = run_newsdesk("fetch", *urls, "--db", str(db), *FAST, "-s", way)
        assert proc.returncode == 3, proc.stderr
        assert "Traceback" not in proc.stderr
        assert failures(db) == expected, way
        [stored] = Database(db)["articles"].rows
        assert stored["url"].endswith("/bogus-encoding"), way


def test_feeds_nested_too_deep_or_unzipping_past_the_cap_have_one_reason(site, tmp_path):
    """A JSON Feed of arrays in arrays failed with "RecursionError: maximum recursion depth
    exceeded while decoding a JSON array from a unicode string", a gzipped sitemap that unzips
    past DOWNLOAD_MAXSIZE with "larger than DOWNLOAD_MAXSIZE (200000 bytes) unzipped"."""
    nested = b"[" * 5_000 + b"]" * 5_000
    (site.root / "nested.json").write_bytes(
        b'{"version": "https://jsonfeed.org/version/1.1", "title": ' + nested + b', "items": []}'
    )
    site.routes["/sitemap.xml.gz"] = answer(200, gzip_bomb(b"<?xml", 2), "application/gzip")
    db = tmp_path / "archive.db"
    feeds = ("--feed", f"{site.url}/nested.json", "--feed", f"{site.url}/sitemap.xml.gz")
    proc = run_newsdesk(
        "crawl", *feeds, "--feed", f"{site.url}/rss.xml", "--db", str(db), *FAST,
        "-s", f"DOWNLOAD_MAXSIZE={MAX_SIZE}",
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stderr
    assert failures(db)["nested.json"] == (
        "not a JSON Feed: maximum recursion depth exceeded while decoding a JSON array from a "
        "unicode string"
    )
    assert failures(db)["sitemap.xml.gz"] == reasons.too_large(MAX_SIZE)


def test_fetch_of_a_url_past_urllength_limit_says_why_it_stored_nothing(site, tmp_path):
    """Before: through Scrapy, `fetch` of a URL of 3,000 characters exited 3 and printed
    nothing (UrlLengthMiddleware drops the request without a word); without Scrapy it was
    fetched. Now both ways refuse it with its reason, and fetch the other URLs."""
    long_url = f"{site.url}/news/lighthouse.html?q=" + "x" * 3000
    urls = (long_url, f"{site.url}/news/ferry-strike.html")
    reason = reasons.url_too_long(2083)
    for way in ("NEWSDESK_DIRECT_MAX_URLS=4", "NEWSDESK_DIRECT_MAX_URLS=0"):  # direct, Scrapy
        db = tmp_path / f"{way}.db"
        proc = run_newsdesk("fetch", *urls, "--db", str(db), *FAST, "-s", way)
        assert proc.returncode == 3, proc.stderr
        assert f"not stored: {long_url}: {reason}" in proc.stderr.splitlines(), way
        assert [r["url"] for r in Database(db)["failures"].rows] == [long_url]
        assert [r["title"] for r in Database(db)["articles"].rows] == [
            "Ferry crews vote to strike over winter rota"
        ]
