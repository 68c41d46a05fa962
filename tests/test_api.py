"""The Python API (crawler/app/api.py): the README's example as written, plain values in and
out, the choice of the download path, and a proxy from the environment honoured by Scrapy."""

from __future__ import annotations

import os
import re
import subprocess
import sys

import pytest
from sqlite_utils import Database

from crawler.app.api import fetch_urls
from crawler.app.config import ConfigError
from crawler.policy.runs import UsageError
from tests.answers import STORY, answer
from tests.helpers import ROOT
from tests.newsroom import Newsroom, NewsroomHandler

FAST = {"DOWNLOAD_DELAY": 0, "AUTOTHROTTLE_ENABLED": False}


def readme_example() -> str:
    section = (ROOT / "README.md").read_text().split("## Python API", 1)[1]
    match = re.search(r"```python\n(.*?)```", section, re.S)
    assert match
    return match.group(1)


def run_python(code: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
        env={**os.environ, **env},
    )


def test_the_readme_example_works(site_url, tmp_path):
    db = tmp_path / "archive.db"
    code = (
        readme_example()
        .replace("https://example.org/2025/story.html", f"{site_url}/news/ferry-strike.html")
        .replace('"archive.db"', repr(str(db)))
        .replace('"DOWNLOAD_DELAY": 2', '"DOWNLOAD_DELAY": 0')
    )
    proc = run_python(code)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.splitlines() == [
        f"Ferry crews vote to strike over winter rota 117 {site_url}/news/ferry-strike.html",
        "downloaded without Scrapy",
    ]
    assert Database(db)["articles"].count == 1


def test_fetch_returns_the_stored_rows_and_the_failures(site_url, tmp_path):
    urls = [f"{site_url}/news/ferry-strike.html", f"{site_url}/news/gone.html"]
    result = fetch_urls(urls, db=tmp_path / "a.db", settings=FAST, env={})
    assert result.via == "direct" and result.why_scrapy is None
    [article] = result.articles
    assert article["authors"] == ["Tomas Berg"]
    [row] = Database(tmp_path / "a.db")["articles"].rows  # as in the archive
    columns = ("url", "canonical_url", "title", "text", "content_hash", "fetched_at")
    assert {k: article[k] for k in columns} == {k: row[k] for k in columns}
    assert result.failures == [{"url": urls[1], "reason": "HTTP 404", "status": 404}]


def test_mistakes_stop_the_fetch_before_any_download(site_url, tmp_path):
    with pytest.raises(UsageError, match="not an http"):
        fetch_urls(["ftp://example.org/x"], db=tmp_path / "a.db")
    with pytest.raises(ConfigError, match="DOWNLOAD_TIMEOUT=soon: expected a number"):
        fetch_urls(
            [f"{site_url}/news/gone.html"],
            db=tmp_path / "a.db",
            settings={"DOWNLOAD_TIMEOUT": "soon"},
        )
    assert not (tmp_path / "a.db").exists()


def test_a_proxy_in_the_environment_sends_the_fetch_through_scrapy(tmp_path):
    proxy = Newsroom.copy_of_site(tmp_path)  # as a proxy, it serves its own URLs
    lines: list[str] = []  # the request lines it got: absolute URLs when asked as a proxy

    def story(handler: NewsroomHandler) -> None:
        lines.append(handler.path)
        answer(200, STORY, "text/html; charset=utf-8")(handler)

    proxy.routes["/story"] = story
    try:
        code = (
            "from crawler.app.api import fetch_urls\n"
            f"r = fetch_urls([{proxy.url + '/story'!r}],"
            f" db={str(tmp_path / 'a.db')!r}, settings={FAST!r})\n"
            "print(r.via, '|', r.why_scrapy, '|', len(r.articles))\n"
        )
        proc = run_python(code, http_proxy=proxy.url, no_proxy="", NO_PROXY="")
    finally:
        proxy.shutdown()
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "scrapy | a proxy for http in the environment | 1"
    assert lines == [f"{proxy.url}/story"]
