"""A reader in headless Chromium: find, read and chart a story; nothing requested off 127.0.0.1."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import BrowserContext, Page, expect, sync_playwright

from tests.helpers import FAST, crawl_archive, free_port, run_newsdesk, start_server, stop_server
from tests.newsroom import Newsroom

CHROMIUM = "/usr/bin/chromium"
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# Where the screenshots go (kept after the run): NEWSDESK_SCREENSHOTS or pytest's tmp dir.
SCREENSHOTS = os.environ.get("NEWSDESK_SCREENSHOTS")


@pytest.fixture(scope="module")
def server_url(tmp_path_factory) -> Iterator[str]:
    """`newsdesk serve` on an archive crawled twice from a copy of the test site: between the
    crawls the lighthouse story was edited (a word changed, a paragraph added), so it has an
    earlier version, and a story about a new pier was published."""
    site = Newsroom.copy_of_site(tmp_path_factory.mktemp("site"))
    db_path = crawl_archive(site.url, tmp_path_factory.mktemp("browser") / "archive.db")
    site.edit_one_story_and_publish_one()
    lighthouse = site.root / "news" / "lighthouse.html"
    lighthouse.write_text(
        lighthouse.read_text().replace("thirty-one volumes", "thirty-two volumes")
    )
    again = run_newsdesk("crawl", "--db", str(db_path), "--all", *FAST)
    assert again.returncode == 0, again.stderr
    server = start_server(db_path, port := free_port())
    yield f"http://127.0.0.1:{port}"
    log = stop_server(server)
    site.shutdown()
    assert "Traceback" not in log, log


@pytest.fixture
def browser(tmp_path) -> Iterator[tuple[BrowserContext, list[str], list[str]]]:
    """Debian's Chromium with a fresh profile; yields it, every URL it requested, and JS errors."""
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: apt-get install -y chromium (.ci/run does)")
    requested: list[str] = []
    errors: list[str] = []
    with sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            str(tmp_path / "profile"), executable_path=CHROMIUM, headless=True, args=FLAGS
        )
        context.on("request", lambda request: requested.append(request.url))
        context.on("page", lambda page: page.on("pageerror", lambda e: errors.append(str(e))))
        context.on("dialog", lambda dialog: errors.append(f"dialog: {dialog.message}"))
        yield context, requested, errors
        context.close()


def screenshot(page: Page, tmp_path: Path, name: str) -> Path:
    folder = Path(SCREENSHOTS) if SCREENSHOTS else tmp_path
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def test_a_reader_finds_reads_and_charts_a_story(browser, server_url, tmp_path):
    context, requested, errors = browser
    page = context.new_page()
    page.set_viewport_size({"width": 1280, "height": 900})

    # The landing page: search first, then the latest stories as a list a person reads.
    page.goto(f"{server_url}/")
    search = page.locator("form.newsdesk-search input[type=search]")
    stories = page.locator("ul.newsdesk-stories li")
    expect(search).to_be_visible()
    expect(stories).to_have_count(5)
    assert search.bounding_box()["y"] < stories.first.bounding_box()["y"] < 400
    first = stories.first
    expect(first.locator("h3 a")).to_have_text("New pier opens at Kessel")  # first seen now
    council = stories.filter(has_text="Council votes to rebuild the north pontoon")
    expect(council.locator(".meta")).to_contain_text("The Coastal Ledger · 23 Nov 2026, 19:15")
    expect(council.locator(".opening")).to_contain_text("Kessel council voted eleven to two")
    screenshot(page, tmp_path, "landing")

    # Search with a prefix, from the landing page: the table, one short row, the match marked.
    search.fill("ferr*")
    search.press("Enter")
    expect(page.locator("h3").first).to_contain_text('1 row where search matches "ferr*"')
    expect(page.locator("td.col-title")).to_have_text(
        ["Ferry crews vote to strike over winter rota"]
    )
    expect(page.locator("td.col-text mark").first).to_have_text("ferries")
    screenshot(page, tmp_path, "search-prefix")

    # OR, in the table's own search box; folds and row heights.
    page.locator("input#_search").fill("trawler OR lighthouse")
    page.locator("input#_search").press("Enter")
    expect(page.locator("h3").first).to_contain_text("2 rows where search matches")
    titles = sorted(page.locator("td.col-title").all_inner_texts())
    assert titles == [
        "Lighthouse keeper retires after 40 years",
        "Storm tears north pontoon from Kessel harbour",
    ]
    screenshot(page, tmp_path, "search-or")

    page.goto(f"{server_url}/news/articles")
    expect(page.locator("details.newsdesk-columns")).not_to_have_attribute("open", "")
    expect(page.locator("details.newsdesk-facets summary")).to_contain_text("feed_url")
    assert page.locator("dl.column-descriptions").first.is_hidden()
    table = page.locator("table.rows-and-columns")
    assert table.bounding_box()["y"] < 900, table.bounding_box()  # the first screen
    heights = [row.bounding_box()["height"] for row in table.locator("tbody tr").all()]
    assert len(heights) == 5 and max(heights) < 100, heights  # a few lines each
    headers = page.locator("table.rows-and-columns th").all_inner_texts()
    assert [h.strip() for h in headers][:3] == ["id", "title", "published"]
    screenshot(page, tmp_path, "articles")

    # The reading view, then the revisions with a word diff.
    page.get_by_role("link", name="Lighthouse keeper retires after 40 years").click()
    expect(page.locator("article h1")).to_have_text("Lighthouse keeper retires after 40 years")
    expect(page.locator("article .body")).to_contain_text("guide museum tours in the summer")
    body = page.locator("article .body")
    assert body.locator("script, img[onerror], a[href^='javascript:']").count() == 0
    assert page.evaluate("window.__pwned") is None
    shot = screenshot(page, tmp_path, "reading-view")
    page.locator("a.revisions").click()
    expect(page.locator("h1")).to_contain_text("Revisions: Lighthouse keeper retires")
    diff = page.locator(".newsdesk-change .newsdesk-diff").first
    expect(diff.locator("del").first).to_have_text("thirty-one")
    expect(diff.locator("ins").first).to_have_text("thirty-two")
    expect(diff.locator("ins").last).to_contain_text("guide museum tours in the summer.")
    assert diff.locator("del").first.evaluate("e => getComputedStyle(e).textDecorationLine") == (
        "line-through"
    )
    screenshot(page, tmp_path, "revisions")

    # The dashboard: the last 30 days, feed titles in the legend, whole numbers on the axes.
    page.goto(f"{server_url}/-/dashboards/crawl")
    expect(page).to_have_url(f"{server_url}/-/dashboards/crawl?days=30")
    for name in ("articles-per-day", "stored-per-day", "failures-by-reason"):
        chart = page.locator(f"#chart-{name} canvas, #chart-{name} svg").first
        expect(chart).to_be_visible()
        assert chart.bounding_box()["height"] > 50
    page.wait_for_timeout(500)  # vega draws after the data arrives
    screenshot(page, tmp_path, "dashboard")

    assert errors == []
    outside = {u for u in requested if urlsplit(u).hostname != "127.0.0.1"}
    assert outside == set(), f"requests outside 127.0.0.1: {sorted(outside)}"
    assert shot.stat().st_size > 10_000
