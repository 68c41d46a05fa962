"""A reader in headless Chromium: find, read and chart a story; nothing requested off 127.0.0.1."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import BrowserContext, Page, expect, sync_playwright

from tests.helpers import crawl_archive, free_port, start_server, stop_server

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
def server_url(site_url, tmp_path_factory) -> Iterator[str]:
    db_path = crawl_archive(site_url, tmp_path_factory.mktemp("browser") / "archive.db")
    server = start_server(db_path, port := free_port())
    yield f"http://127.0.0.1:{port}"
    log = stop_server(server)
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


def test_a_reader_finds_reads_and_charts_a_story(browser, server_url, site_url, tmp_path):
    context, requested, errors = browser
    page = context.new_page()

    page.goto(f"{server_url}/news/articles")
    expect(page.locator("h1")).to_contain_text("Articles")
    first_row = page.locator("table.rows-and-columns tbody tr").first
    expect(first_row.locator("td.col-title")).to_have_text(
        "Council votes to rebuild the north pontoon"
    )
    expect(page.get_by_text("feed_url", exact=True).first).to_be_visible()  # a facet
    screenshot(page, tmp_path, "articles")

    page.locator("input#_search").fill("pontoon")
    page.locator("input#_search").press("Enter")
    expect(page.locator("h3").first).to_contain_text("2 rows")
    expect(page.locator("h3").first).to_contain_text('where search matches "pontoon"')
    expect(page.locator("td.col-text mark").first).to_have_text("pontoon")
    screenshot(page, tmp_path, "search")

    page.get_by_role("link", name="Council votes to rebuild the north pontoon").click()
    expect(page.locator("article h1")).to_have_text("Council votes to rebuild the north pontoon")
    expect(page.locator(".byline")).to_have_text("By Nils Aune")
    expect(page.locator(".dates time").first).to_have_text("2026-11-23T19:15:00+01:00")
    expect(page.locator("a.original")).to_have_attribute(
        "href", f"{site_url}/news/council-vote.html"
    )
    body = page.locator("article .body")
    expect(body).to_contain_text("Kessel council voted eleven to two")
    expect(body).to_contain_text("Read the council minutes for the full debate")
    assert body.locator("script, img[onerror], a[href^='javascript:']").count() == 0
    assert page.evaluate("window.__pwned") is None
    shot = screenshot(page, tmp_path, "reading-view")

    page.goto(f"{server_url}/-/dashboards/crawl")
    chart = page.locator("#chart-articles-per-day canvas, #chart-articles-per-day svg").first
    expect(chart).to_be_visible()
    assert chart.bounding_box()["height"] > 50
    screenshot(page, tmp_path, "dashboard")

    assert errors == []
    outside = {u for u in requested if urlsplit(u).hostname != "127.0.0.1"}
    assert outside == set(), f"requests outside 127.0.0.1: {sorted(outside)}"
    assert shot.stat().st_size > 10_000
