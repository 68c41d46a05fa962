"""The extraction pool: real worker processes, the same archive with one worker or two, and
articles written in batches."""

from __future__ import annotations

import asyncio
import importlib.util
import os
import re
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from scrapy.utils.test import get_crawler
from sqlite_utils import Database

from crawler.extraction.extract import WARM_UP_PAGE, WARM_UP_URL, ExtractionFailed, extract_article
from crawler.ingest.items import ArticlePage
from crawler.ingest.pipeline import ArchivePipeline
from crawler.ingest.workers import ExtractionPool
from tests.helpers import FAST, SITE, run_newsdesk, shared_data

BENCHMARKS = Path(__file__).parent.parent / "benchmarks"
ARTICLES = 60
# Columns that say when, not what.
WHEN = {"id", "first_seen", "fetched_at", "failed_at", "last_polled", "added", "next_poll"}


def page(name: str) -> ArticlePage:
    body = (SITE / "news" / name).read_bytes()
    return ArticlePage(url=f"http://127.0.0.1/news/{name}", body=body, encoding="utf-8")


def test_pool_extracts_in_other_processes_and_reports_failures() -> None:
    pool = ExtractionPool(2, min_chars=200)

    async def extract_both() -> tuple[dict[str, object], BaseException | None]:
        row = await pool.extract(page("harbour-pontoon.html"))
        try:
            await pool.extract(page("empty.html"))
        except ExtractionFailed as exc:
            return dict(row), exc
        return dict(row), None

    try:
        row, failed = asyncio.run(extract_both())
    finally:
        pool.close()
    assert "north pontoon" in str(row["text"])
    assert row["canonical_url"] == "http://127.0.0.1/news/harbour-pontoon.html"
    assert pool.pids and os.getpid() not in pool.pids
    assert pool.rows == 1
    assert isinstance(failed, ExtractionFailed)
    assert "no article text" in str(failed)


def archive_contents(db_path: Path) -> dict[str, list[dict[str, object]]]:
    db = Database(db_path)
    return {
        table: sorted(
            ({k: v for k, v in row.items() if k not in WHEN} for row in db[table].rows),
            key=repr,
        )
        for table in ("articles", "failures", "feeds")
    }


def crawl_stats(stderr: str) -> dict[str, int]:
    return {k: int(v) for k, v in re.findall(r"'newsdesk/([a-z_]+)': (\d+)", stderr)}


@pytest.fixture(scope="module")
def news_site() -> Iterator[str]:
    """The benchmark's news site (benchmarks/newssite.py): 60 real pages in 3 feeds."""
    shared_data("aeb-dev")
    spec = importlib.util.spec_from_file_location("newssite", BENCHMARKS / "newssite.py")
    assert spec is not None and spec.loader is not None
    newssite = importlib.util.module_from_spec(spec)
    sys.modules["newssite"] = newssite  # its dataclass looks itself up there
    spec.loader.exec_module(newssite)
    site = newssite.NewsSite(newssite.load_templates(), ARTICLES, 3, base="")
    server = newssite.make_server(site, "127.0.0.1", 0, latency=0)
    site.base = f"http://127.0.0.1:{server.server_address[1]}"
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield site.base
    server.shutdown()


def test_two_workers_store_exactly_what_one_stores(news_site: str, tmp_path: Path) -> None:
    feeds = [arg for f in range(3) for arg in ("--feed", f"{news_site}/feeds/{f}.xml")]
    contents, stats = {}, {}
    for workers in (1, 2):
        db_path = tmp_path / f"workers-{workers}.db"
        proc = run_newsdesk(
            "crawl", *feeds, "--db", str(db_path), "-v", *FAST,
            "-s", f"NEWSDESK_WORKERS={workers}", "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=8",
        )  # fmt: skip
        assert proc.returncode == 0, proc.stderr
        contents[workers], stats[workers] = archive_contents(db_path), crawl_stats(proc.stderr)
    assert contents[2] == contents[1]
    assert len(contents[1]["articles"]) == ARTICLES
    assert len({a["content_hash"] for a in contents[1]["articles"]}) == ARTICLES
    for workers in (1, 2):
        assert stats[workers]["extraction_workers"] == workers
        assert stats[workers]["extracted_in_workers"] == ARTICLES
        assert 1 <= stats[workers]["extraction_processes_used"] <= workers


def test_articles_are_written_in_batches_and_flushed_on_close(tmp_path: Path) -> None:
    db_path = tmp_path / "archive.db"
    crawler = get_crawler(  # newsdesk's settings as its add-on brings them to any project
        settings_dict={
            "ADDONS": {"crawler.components.addon.NewsdeskAddon": 100},
            "NEWSDESK_DB": str(db_path),
            "NEWSDESK_EXTRACT_INLINE": True,
        }
    )
    pipeline = ArchivePipeline.from_crawler(crawler)
    pipeline.open_spider()

    async def store_two() -> int:
        for name in ("harbour-pontoon.html", "ferry-strike.html"):
            await pipeline.process_item(page(name))
        return Database(db_path)["articles"].count  # before the batch is written

    try:
        assert asyncio.run(store_two()) == 0
    finally:
        pipeline.close_spider()
    assert Database(db_path)["articles"].count == 2
    assert crawler.stats is not None
    assert crawler.stats.get_value("newsdesk/articles_stored") == 2


def test_inline_extraction_needs_no_processes() -> None:
    pool = ExtractionPool(2, min_chars=200, inline=True)
    row = asyncio.run(pool.extract(page("ferry-strike.html")))
    pool.close()
    assert pool.executor is None and not pool.pids
    assert "strike" in row["text"]


def test_the_warm_up_page_goes_through_every_step_of_extraction() -> None:
    """Refused as a listing, it would load no language model before the fork, and each worker
    would load its own."""
    art = extract_article(WARM_UP_PAGE, url=WARM_UP_URL, min_chars=0)
    assert art.metadata_source["language"] == "detected"


def stop_words_loaded() -> bool:
    """Whether justext's set of every language's stop words is in this process."""
    from justext.core import define_stoplist

    return define_stoplist.cache_info().currsize > 0


def test_workers_inherit_justexts_stop_words_instead_of_each_building_them() -> None:
    pool = ExtractionPool(2, min_chars=200)
    try:
        assert pool.executor is not None
        in_workers = [pool.executor.submit(stop_words_loaded).result() for _ in range(4)]
    finally:
        pool.close()
    # Loaded before the fork (33 MB, shared), though no worker has extracted a page yet.
    assert stop_words_loaded() and in_workers == [True] * 4
