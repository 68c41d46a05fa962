"""From an extracted page and its feed entry to one archive row: field-by-field metadata merge."""

from __future__ import annotations

from typing import TYPE_CHECKING

from crawler.extraction.dates import iso_datetime
from crawler.ingest.items import feed_url_of
from crawler.ingest.urls import is_http_url, normalize_url
from storage.archive import source_rank

if TYPE_CHECKING:
    from crawler.extraction.extract import Extracted
    from crawler.ingest.items import ArticlePage, FeedEntry
    from storage import ArticleRow

# Fields the feed entry may fill when the page does not say, or only guesses.
FEED_FALLBACKS = {
    "title": "title",
    "authors": "authors",
    "published": "published",
    "modified": "modified",
    "description": "summary",
    "tags": "tags",
    "language": "language",  # declared by a Google News sitemap (`news:language`)
}


def article_row(page: ArticlePage, art: Extracted, *, fetched_at: str) -> ArticleRow:
    """The archive row for one article: what the page declares first, then what its feed entry
    declares, then what is guessed from the page (see `storage.archive.SOURCE_RANK`)."""
    values: dict[str, object] = {
        "title": art.title,
        "authors": art.authors,
        "published": iso_datetime(art.published),
        "modified": iso_datetime(art.modified),
        "description": art.description,
        "tags": art.tags,
        "language": art.language,
    }
    source = dict(art.metadata_source)
    if page.entry is not None:
        entry_rank = source_rank(page.entry.source)
        for field, entry_field in FEED_FALLBACKS.items():
            fallback = getattr(page.entry, entry_field)
            guessed = source_rank(source.get(field)) < entry_rank  # htmldate's reading, say
            if fallback and (not values[field] or guessed):
                values[field] = (
                    iso_datetime(fallback) if field in ("published", "modified") else fallback
                )
                source[field] = page.entry.source
    return {
        "url": page.url,
        "canonical_url": canonical_url(page.url, art.canonical_url),
        "title": values["title"],  # type: ignore[typeddict-item]
        "authors": values["authors"],  # type: ignore[typeddict-item]
        "published": values["published"],  # type: ignore[typeddict-item]
        "modified": values["modified"],  # type: ignore[typeddict-item]
        "sitename": art.sitename,
        "language": values["language"],  # type: ignore[typeddict-item]
        "description": values["description"],  # type: ignore[typeddict-item]
        "tags": values["tags"],  # type: ignore[typeddict-item]
        "image": art.image,
        "text": art.text,
        "html": art.html,
        "word_count": art.word_count,
        "feed_url": feed_url_of(page.entry),
        "fetched_at": fetched_at,
        "content_hash": art.content_hash,
        "metadata_source": source,
        "aliases": [
            ("url", normalize_url(page.url)),
            *(entry_aliases(page.entry) if page.entry else []),
        ],
    }


def entry_aliases(entry: FeedEntry) -> list[tuple[str, str]]:
    """The names a feed entry gives its article: its normalised link, and its GUID if any."""
    aliases = [("url", normalize_url(entry.link))]
    if entry.guid:
        aliases.append(("guid", entry.guid))
    return aliases


def canonical_url(url: str, declared: str | None) -> str:
    """The page's declared canonical URL when it is plausible, else the normalised fetched URL.

    A canonical that points at a site's front page from an article is a common CMS mistake and
    is ignored, so that all articles of such a site do not collapse into one row.
    """
    if declared and is_http_url(declared):
        normal = normalize_url(declared)
        if normal.rstrip("/").count("/") > 2 or url.rstrip("/").count("/") <= 2:
            return normal
    return normalize_url(url)
