"""What spiders hand to pipelines: plain dataclasses, no Scrapy import."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from storage import ArticleRow

# Request/response meta keys the feed spider shares with crawler/components/incremental.py.
FEED_META = "newsdesk_feed"  # request.meta: the feed URL as the user named it
UNCHANGED_META = "newsdesk_unchanged"  # response.meta: the feed holds nothing new (304, same body)
ENTRY_META = "newsdesk_entry"  # request.meta: for an entry of a feed read now (not a revisit)
# Stat: why the archive could not be written. The run failed, and wrote nothing after that.
ARCHIVE_ERROR = "newsdesk/archive_error"


@dataclass
class FeedEntry:
    """What a feed says about one entry; the fallback for metadata the page lacks."""

    link: str
    feed_url: str
    guid: str | None = None
    title: str | None = None
    authors: list[str] = field(default_factory=list)
    published: str | None = None
    modified: str | None = None
    summary: str | None = None
    tags: list[str] = field(default_factory=list)
    language: str | None = None  # declared by the source (a Google News sitemap's news:language)
    source: str = "feed"  # where this metadata comes from, for `metadata_source`: feed or sitemap


def feed_url_of(entry: FeedEntry | None) -> str | None:
    """The feed that listed an entry; None for a page fetched on its own."""
    return entry.feed_url if entry else None


@dataclass
class FeedPolled:
    """The outcome of one poll of a feed."""

    url: str
    status: str  # "ok", "malformed", "failed", or "unchanged" (304, or the same body)
    error: str | None = None
    title: str | None = None
    site_url: str | None = None
    entries: int = 0
    kind: str | None = None  # rss, atom, jsonfeed, sitemap or newssitemap, when it could tell
    moved_to: str | None = None  # the source's new URL, when it redirected permanently


@dataclass
class ArticlePage:
    """A downloaded HTML page that should hold an article."""

    url: str  # after redirects
    body: bytes
    encoding: str
    entry: FeedEntry | None = None


@dataclass
class Failure:
    """A URL that did not become an article, or a feed that could not be read."""

    url: str
    reason: str
    status: int | None = None
    kind: str = "article"
    feed_url: str | None = None
    retry_at: str | None = None  # not to be tried again before (ISO 8601): Retry-After


@dataclass
class StoredArticle:
    """What the pipeline reports for a page it stored, with the row it stored."""

    url: str
    canonical_url: str
    row: ArticleRow | None = field(default=None, repr=False, compare=False)


@dataclass
class EntrySeen:
    """A feed entry whose article was not fetched: archived already (`article_id`), or its URL
    failed recently (`article_id` None)."""

    entry: FeedEntry
    article_id: int | None
