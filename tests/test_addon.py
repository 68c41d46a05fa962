"""newsdesk as a Scrapy add-on in someone else's project (crawler/components/addon.py): a project
made in a temporary folder, whose settings add only ADDONS, crawled with `scrapy crawl`."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

from sqlite_utils import Database

from crawler.ingest import reasons
from tests.helpers import ROOT

SPIDER = '''
import scrapy

from crawler.ingest.items import ArticlePage, Failure
from spiders.base import ArticleSpider


class Pages(scrapy.Spider):
    """Its own spider: newsdesk items from its own callbacks."""

    name = "pages"

    async def start(self):
        for url in self.urls.split(","):
            yield scrapy.Request(url, errback=self.failed)

    def parse(self, response):
        yield ArticlePage(url=response.url, body=response.body, encoding=response.encoding)

    def failed(self, failure):
        yield Failure(failure.request.url, str(failure.value))


class Articles(ArticleSpider):
    """newsdesk's base spider: its requests, and its failure reasons."""

    name = "articles"

    async def start(self):
        for url in self.urls.split(","):
            yield self.article_request(url)
'''


STORIES = ("council-vote", "ferry-strike", "harbour-pontoon", "lighthouse")


def make_project(folder: Path) -> Path:
    """A Scrapy project as `scrapy startproject` lays it out, with the add-on as its only
    newsdesk setting."""
    package = folder / "foreign"
    (package / "spiders").mkdir(parents=True)
    (folder / "scrapy.cfg").write_text("[settings]\ndefault = foreign.settings\n")
    (package / "__init__.py").write_text("")
    (package / "settings.py").write_text(
        textwrap.dedent(
            """\
            BOT_NAME = "foreign"
            SPIDER_MODULES = ["foreign.spiders"]
            ADDONS = {"crawler.components.addon.NewsdeskAddon": 100}
            """
        )
    )
    (package / "spiders" / "__init__.py").write_text("")
    (package / "spiders" / "pages.py").write_text(SPIDER)
    return folder


def scrapy_crawl(project: Path, spider: str, urls: list[str], db: Path, *settings: str) -> str:
    command = [sys.executable, "-m", "scrapy", "crawl", spider, "-a", f"urls={','.join(urls)}"]
    command += ["-s", f"NEWSDESK_DB={db}", "-s", "DOWNLOAD_DELAY=0", "-s", "LOG_LEVEL=INFO"]
    command += [a for setting in settings for a in ("-s", setting)]
    proc = subprocess.run(
        command,
        cwd=project,
        env={**os.environ, "PYTHONPATH": str(ROOT)},  # this checkout's newsdesk
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    return proc.stderr


def test_a_foreign_project_stores_articles_through_the_addon(site, tmp_path):
    project = make_project(tmp_path / "project")
    db = tmp_path / "archive.db"
    urls = [f"{site.url}/news/{p}" for p in ("ferry-strike.html", "hafen-mueller.html")]
    log = scrapy_crawl(project, "pages", [*urls, f"{site.url}/private/secret-story.html"], db)
    assert "crawler.components.addon.NewsdeskAddon" in log  # "Enabled addons"
    assert "crawler.components.robots.RobotsTxtMiddleware" in log
    assert "scrapy.downloadermiddlewares.robotstxt.RobotsTxtMiddleware" not in log
    rows = {row["url"]: row for row in Database(db)["articles"].rows}
    assert sorted(rows) == sorted(urls)
    assert rows[urls[0]]["title"] == "Ferry crews vote to strike over winter rota"
    assert "Hafenmeister Klaus Müller" in rows[urls[1]]["text"]
    assert site.requests["/robots.txt"] == 1
    assert site.requests["/private/secret-story.html"] == 0  # newsdesk's robots.txt rules

    db2 = tmp_path / "second.db"
    scrapy_crawl(project, "articles", [urls[0], f"{site.url}/news/gone.html"], db2)
    failures = {row["url"]: row["reason"] for row in Database(db2)["failures"].rows}
    assert failures == {f"{site.url}/news/gone.html": reasons.http_status(404)}
    assert Database(db2)["articles"].count == 1


def test_a_foreign_project_keeps_its_limit_per_site_with_no_delay(site, tmp_path):
    """Scrapy 2.19 alone starts every queued request to a host at once when DOWNLOAD_DELAY is
    0; the add-on takes it as 1 ms, which keeps CONCURRENT_REQUESTS_PER_DOMAIN."""
    project = make_project(tmp_path / "project")
    site.delay = 0.2  # each /news/ page: requests overlap when they may
    urls = [f"{site.url}/news/{page}.html?copy={n}" for n in range(4) for page in STORIES]
    scrapy_crawl(project, "pages", urls, tmp_path / "a.db", "CONCURRENT_REQUESTS_PER_DOMAIN=2")
    assert site.requests["/news/council-vote.html"] == 4
    assert site.peak_in_flight == 2
