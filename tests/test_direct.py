"""`fetch` of a few pages without Scrapy (crawler/app/direct.py, crawler/app/download.py): each
hostile answer handled as Scrapy's middlewares handle it, a deadline on every download, and the
settings that send a fetch through Scrapy instead. tests/test_parity.py runs the same answers
through both paths and compares the archives."""

from __future__ import annotations

import fnmatch
import subprocess
import sys
import threading
import time
from collections.abc import Iterator

import pytest

from crawler.app.config import plain_settings
from crawler.app.direct import HONOURED, NO_EFFECT, scrapy_needed
from crawler.app.download import Downloader
from crawler.components import settings as newsdesk_settings
from crawler.ingest import reasons
from crawler.ingest.items import ArticlePage, Failure
from tests.answers import HUGE, STORY, SilentHost, answer, install, install_slow, refused_url
from tests.helpers import FAST, ROOT
from tests.newsroom import Newsroom, NewsroomHandler


@pytest.fixture
def site(tmp_path) -> Iterator[Newsroom]:
    server = Newsroom.copy_of_site(tmp_path)
    install(server)
    yield server
    server.shutdown()


def downloader(*overrides: str) -> Downloader:
    return Downloader(
        plain_settings(
            env={},
            overrides=["DOWNLOAD_DELAY=0", "RETRY_TIMES=2", f"DOWNLOAD_MAXSIZE={HUGE}", *overrides],
        )
    )


def page(site: Newsroom, path: str, *overrides: str) -> ArticlePage | Failure:
    return downloader(*overrides).page(f"{site.url}{path}")


def fetch_under(script: str, site_url: str, tmp_path) -> subprocess.CompletedProcess[str]:
    """`newsdesk fetch` of one test-site page, run by `script` (which calls the CLI)."""
    url = f"{site_url}/news/ferry-strike.html"
    return subprocess.run(
        [sys.executable, "-c", script, "fetch", url, "--db", str(tmp_path / "a.db"), *FAST],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
    )


def test_fetch_of_one_page_imports_neither_scrapy_nor_other_commands(site_url, tmp_path):
    script = (
        "import sys\n"
        "from crawler.app.cli import cli\n"
        "try:\n"
        "    cli()\n"
        "except SystemExit as exit:\n"
        "    print(exit.code, 'scrapy' in sys.modules, 'twisted' in sys.modules)\n"
        "    print(*sorted(m for m in sys.modules if m.startswith('crawler.app.cli.')))\n"
    )
    proc = fetch_under(script, site_url, tmp_path)
    lines = proc.stdout.splitlines()
    assert lines[0].split() == ["0", "False", "False"], proc.stderr
    assert lines[1].split() == ["crawler.app.cli.common", "crawler.app.cli.fetch"]


def fetch_watching(function: str, report: str, site_url: str, tmp_path):
    """`fetch_under` a script that prints `report` (an expression) on each call of `function`
    ("module:attribute", the attribute may be a class's method)."""
    module, attribute = function.split(":")
    script = (
        f"import sys, threading\nimport {module} as watched\nreal = watched.{attribute}\n"
        f"def watching(*args, **kwargs):\n    print({report}, flush=True)\n"
        "    return real(*args, **kwargs)\n"
        f"watched.{attribute} = watching\nfrom crawler.app.cli import cli\ncli()\n"
    )
    return fetch_under(script, site_url, tmp_path)


def test_a_new_archive_is_created_while_the_page_downloads(site_url, tmp_path):
    opening = ("storage.archive:open_database", "threading.current_thread().name.split('_')[0]")
    proc = fetch_watching(*opening, site_url, tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.split() == ["archive", "MainThread"]  # created, then opened to write
    again = fetch_watching(*opening, site_url, tmp_path)  # the archive exists: opened once
    assert (again.returncode, again.stdout.split()) == (0, ["MainThread"]), again.stderr


def test_fetch_starts_downloading_before_trafilatura_loads(site_url, tmp_path):
    proc = fetch_watching(
        "crawler.app.download:Downloader.page", "'trafilatura' in sys.modules", site_url, tmp_path
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.split()[0] == "False"  # it loads while the page downloads


def test_redirects_are_followed_and_checked_against_robots_txt(site):
    fetch = downloader()
    moved = fetch.page(f"{site.url}/moved")
    assert isinstance(moved, ArticlePage)
    assert (moved.url, moved.body) == (f"{site.url}/story", STORY)
    assert fetch.page(f"{site.url}/to-private") == Failure(
        f"{site.url}/private/story", "forbidden by robots.txt"
    )
    assert fetch.page(f"{site.url}/loop") == Failure(
        f"{site.url}/loop", reasons.too_many_redirects(20)
    )
    assert reasons.too_many_redirects(20) == "more than 20 redirects (REDIRECT_MAX_TIMES)"
    refreshed = fetch.page(f"{site.url}/refresh")  # <meta http-equiv="refresh">
    assert isinstance(refreshed, ArticlePage) and refreshed.url == f"{site.url}/story"
    assert site.requests["/robots.txt"] == 1
    assert site.requests["/private/story"] == 0
    assert site.requests["/loop"] == 21


def test_bodies_are_decompressed_sniffed_and_decoded(site):
    gzipped = page(site, "/gzipped")
    assert isinstance(gzipped, ArticlePage) and gzipped.body == STORY
    assert isinstance(page(site, "/untyped"), ArticlePage)  # "<!DOCTYPE html>" in the body
    assert isinstance(page(site, "/octet.html"), ArticlePage)  # ".html" in the URL
    latin = page(site, "/latin-1")
    assert isinstance(latin, ArticlePage) and latin.encoding == "cp1252"
    german = page(site, "/news/hafen-mueller.html")  # no charset anywhere: guessed
    assert isinstance(german, ArticlePage)
    assert "Hafenmeister Müller" in german.body.decode(german.encoding)
    pdf = page(site, "/news/annual-report.pdf")
    assert pdf == Failure(f"{site.url}/news/annual-report.pdf", "not HTML: application/pdf", 200)


def test_retries_as_scrapy_does(site):
    assert isinstance(page(site, "/flaky"), ArticlePage)
    assert site.requests["/flaky"] == 2
    busy = page(site, "/busy")
    assert busy == Failure(f"{site.url}/busy", "HTTP 503", status=503)
    assert site.requests["/busy"] == 1  # Retry-After: not now
    page(site, "/busy", "NEWSDESK_INCREMENTAL=False")  # what stops that retry is off
    assert site.requests["/busy"] == 1 + 3


def test_pages_over_the_size_cap_and_unreachable_sites_give_one_line_reasons(site):
    for path in ("/huge", "/huge-unsized", "/huge-gzipped"):
        assert page(site, path) == Failure(f"{site.url}{path}", reasons.too_large(HUGE))
    refused = downloader().page(url := refused_url())
    assert refused == Failure(url, "unreachable: connection refused")


def test_robots_txt_is_read_as_a_crawl_reads_it(site):
    """RFC 9309, as crawler/components/robots.py: a 5xx disallows the site, a 4xx allows all,
    and the first 500 KiB are read whatever DOWNLOAD_MAXSIZE."""
    site.routes["/robots.txt"] = answer(503, b"", "text/plain")
    assert page(site, "/story", "RETRY_TIMES=1") == Failure(
        f"{site.url}/story", reasons.robots_unreachable("HTTP 503")
    )
    assert site.requests["/robots.txt"] == 2 and site.requests["/story"] == 0
    site.routes["/robots.txt"] = answer(404, b"User-agent: *\nDisallow: /", "text/plain")
    assert isinstance(page(site, "/private/story"), ArticlePage)
    filler = b"# " + b"x" * 1000 + b"\n"
    rules = b"User-agent: *\nDisallow: /private/\n" + filler * 600 + b"Disallow: /story\n"
    site.routes["/robots.txt"] = answer(200, rules, "text/plain")
    fetch = downloader(f"DOWNLOAD_MAXSIZE={len(rules) // 2}")
    assert fetch.page(f"{site.url}/private/story").reason == reasons.ROBOTS_FORBIDDEN
    assert isinstance(fetch.page(f"{site.url}/story"), ArticlePage)  # its rule is past 500 KiB


def test_requests_carry_scrapy_s_headers_and_robots_txt_its_agent(site):
    seen: list[dict[str, str]] = []

    def record(handler: NewsroomHandler) -> None:
        seen.append(dict(handler.headers))
        answer(200, STORY, "text/html")(handler)

    site.routes["/story"] = record
    site.routes["/rules.txt"] = answer(200, b"User-agent: archivist\nDisallow: /", "text/plain")
    assert isinstance(page(site, "/moved", "USER_AGENT=newsdesk-test"), ArticlePage)
    [headers] = seen
    assert headers["User-Agent"] == "newsdesk-test"
    assert headers["Accept-Language"] == "en"  # DEFAULT_REQUEST_HEADERS
    assert headers["Accept-Encoding"] == "gzip, deflate, br, zstd"
    assert headers["Referer"] == f"{site.url}/moved"  # as Scrapy's RefererMiddleware sets it
    languages = 'DEFAULT_REQUEST_HEADERS={"Accept-Language": "de"}'
    page(site, "/story", languages)
    assert seen[-1]["Accept-Language"] == "de"
    forbidden = page(site, "/story", "ROBOTSTXT_USER_AGENT=archivist")
    assert forbidden == Failure(f"{site.url}/story", "forbidden by robots.txt")


@pytest.fixture
def slow(tmp_path) -> Iterator[tuple[Newsroom, SilentHost]]:
    stop = threading.Event()
    server, silent = Newsroom.copy_of_site(tmp_path), SilentHost()
    install_slow(server, stop)
    yield server, silent
    stop.set()
    server.shutdown()
    silent.close()


TIMEOUT = 0.5


@pytest.mark.parametrize("retries", [0, 1])
def test_every_download_ends_within_download_timeout(slow, retries):
    """Each download (and each retry) ends DOWNLOAD_TIMEOUT after it started, however slowly
    its answer comes. A silent host costs its robots.txt's, then its pages are not asked for."""
    site, silent = slow
    fetch = downloader(f"DOWNLOAD_TIMEOUT={TIMEOUT}", f"RETRY_TIMES={retries}")
    cases = {f"{silent.url}/story": 1, f"{site.url}/drip-status": 1}
    if not retries:
        cases |= {f"{site.url}/drip-body": 1, f"{site.url}/hang": 1}
    for url, downloads in cases.items():
        started = time.monotonic()
        assert fetch.page(url) == Failure(url, reasons.TIMED_OUT)
        took = time.monotonic() - started
        expected = downloads * (1 + retries) * TIMEOUT
        assert expected - 0.05 < took < expected + 0.3 * downloads * (1 + retries), url
    assert site.requests["/drip-status"] == 1 + retries


def settings(*overrides: str) -> dict[str, object]:
    return plain_settings(env={}, overrides=overrides)


def test_every_newsdesk_setting_is_honoured_or_of_no_effect_on_the_direct_path():
    """A new NEWSDESK_* setting needs a decision: add it to HONOURED (and honour it in
    crawler/app/direct.py or download.py) or to NO_EFFECT, in crawler/app/direct.py."""
    listed = (*HONOURED, *NO_EFFECT)
    names = [name for name in dir(newsdesk_settings) if name.startswith("NEWSDESK_")]
    unlisted = [n for n in names if not any(fnmatch.fnmatchcase(n, p) for p in listed)]
    assert not unlisted


def test_what_the_direct_path_cannot_honour_goes_through_scrapy(monkeypatch):
    urls = ["http://127.0.0.1/a"]
    for name in ("http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY"):
        monkeypatch.delenv(name, raising=False)
    assert scrapy_needed(settings(), urls) is None
    assert scrapy_needed(settings(), urls * 5) == "more than 4 URLs (NEWSDESK_DIRECT_MAX_URLS)"
    assert scrapy_needed(settings("NEWSDESK_DIRECT_MAX_URLS=0"), urls) is not None
    for honoured in (
        "DOWNLOAD_TIMEOUT=5", "ROBOTSTXT_USER_AGENT=me", "CONCURRENT_REQUESTS=32",
        "AUTOTHROTTLE_ENABLED=False", "COOKIES_ENABLED=False", "LOG_LEVEL=DEBUG",
        'DEFAULT_REQUEST_HEADERS={"Accept-Language": "de"}', "METAREFRESH_ENABLED=False",
    ):  # fmt: skip
        assert scrapy_needed(settings(honoured), urls) is None, honoured
    for name, value in (
        ("DOWNLOADER_MIDDLEWARES", '{"my.Middleware": 543}'),
        ("SPIDER_MIDDLEWARES", '{"my.Middleware": 543}'),
        ("ITEM_PIPELINES", '{"my.Pipeline": 100}'),
        ("ADDONS", '{"my.Addon": 100}'),
        ("EXTENSIONS", '{"my.Extension": 100}'),
        ("COOKIES_ENABLED", "True"),
        ("HTTPCACHE_ENABLED", "True"),
        ("COMPRESSION_ENABLED", "False"),
        ("DOWNLOAD_HANDLERS", '{"https": "my.Handler"}'),
    ):
        why = scrapy_needed(settings(f"{name}={value}"), urls)
        assert why == f"{name} is set, which only Scrapy honours"
    monkeypatch.setenv("https_proxy", "http://127.0.0.1:3128")
    assert scrapy_needed(settings(), urls) == "a proxy for https in the environment"
    assert scrapy_needed(settings("HTTPPROXY_ENABLED=False"), urls) is None
