"""`newsdesk reextract`: run the current extractor over the pages the archive kept.

Pages are read in chunks, extracted in the crawl's worker pool (crawler/ingest/workers.py) and
compared with the stored story; only a story whose text or metadata changed is written, in one
transaction per chunk (a changed text keeps the old one in `article_versions`, as a crawl does).
A page that no longer yields an article leaves its story as it is.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from crawler.extraction.extract import ExtractionFailed
from crawler.ingest.items import ArticlePage
from crawler.ingest.records import FEED_FALLBACKS
from crawler.ingest.workers import ExtractionPool
from storage import Archive, ArticleRow
from storage.pages import page_body
from storage.times import now

CHUNK = 64  # pages read, extracted and written together
# What "metadata changed" compares; the text is compared by its hash.
METADATA = (
    "title", "authors", "published", "modified", "sitename", "language", "description", "tags",
    "image",
)  # fmt: skip


@dataclass
class Reextracted:
    """What one `reextract` did."""

    pages: int = 0  # kept pages read
    text_changed: int = 0  # stories whose text changed (an earlier version kept)
    metadata_changed: int = 0  # stories whose metadata alone changed
    failed: int = 0  # pages that no longer yield an article; their stories stay
    seconds: float = 0.0

    @property
    def unchanged(self) -> int:
        return self.pages - self.text_changed - self.metadata_changed - self.failed


def reextract(
    archive: Archive,
    *,
    since: str | None = None,
    where: str | None = None,
    workers: int = 0,
    min_chars: int = 200,
    progress: Callable[[int, int], None] | None = None,
) -> Reextracted:
    """Re-run extraction over the kept pages (fetched since `since`, of the articles matching
    the SQL condition `where`); `progress(done, total)` is called after each chunk."""
    started = time.monotonic()
    ids = archive.kept_page_ids(since=since, where=where)
    result = Reextracted()
    pool = ExtractionPool(workers, min_chars=min_chars, inline=len(ids) < CHUNK)
    try:
        for start in range(0, len(ids), CHUNK):
            pages = archive.kept_pages(ids[start : start + CHUNK])
            rows = asyncio.run(extract_all(pool, pages))
            changes: list[tuple[int, ArticleRow]] = []
            for stored, row in zip(pages, rows, strict=True):
                if isinstance(row, ExtractionFailed):
                    result.failed += 1
                elif (change := compare(stored, row)) is not None:
                    changes.append((stored["article_id"], change))
            for outcome in archive.replace_extractions(changes, at=now()):
                if outcome == "text":
                    result.text_changed += 1
                else:
                    result.metadata_changed += 1
            result.pages += len(pages)
            if progress is not None:
                progress(result.pages, len(ids))
    finally:
        pool.close()
    result.seconds = time.monotonic() - started
    return result


async def extract_all(pool: ExtractionPool, pages: list[dict[str, Any]]) -> list[Any]:
    """Each kept page's new row, or the `ExtractionFailed` it raised."""

    async def one(page: dict[str, Any]) -> Any:
        body = page_body(page["codec"], page["body"])
        try:
            return await pool.extract(ArticlePage(page["url"], body, page["encoding"] or "utf-8"))
        except ExtractionFailed as exc:
            return exc

    return await asyncio.gather(*(one(page) for page in pages))


def compare(stored: dict[str, Any], row: ArticleRow) -> ArticleRow | None:
    """The new extraction of a stored story when its text or metadata differ, else None.

    A field the feed supplied (`metadata_source` "feed") stays when the page still does not
    say: a reextraction has the page but not the feed entry.
    """
    sources = dict(row.get("metadata_source") or {})
    old_sources = stored.get("metadata_source") or {}
    for field in FEED_FALLBACKS:
        if not row.get(field) and old_sources.get(field) == "feed":
            row[field], sources[field] = stored[field], "feed"  # type: ignore[literal-required]
    row["metadata_source"] = sources
    same_text = row["content_hash"] == stored["content_hash"]
    if same_text and all(row.get(f) == stored.get(f) for f in METADATA):
        return None
    return row
