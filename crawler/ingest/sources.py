"""Where a site's news sources are, and what a downloaded source is.

The feeds a page declares (`<link rel="alternate">`), the paths where feeds usually live, and a
first look at a body (a sitemap, or something else). Pure: bytes in, URLs out; nothing here
touches the network.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

import lxml.html
from lxml.etree import ParserError

from crawler.ingest.urls import is_http_url, normalize_url

# The kinds of source newsdesk reads (the `kind` column of `feeds`).
KINDS = ("rss", "atom", "jsonfeed", "sitemap", "newssitemap")
# `<link rel="alternate" type=...>` values that declare a feed, and the kind each declares.
FEED_TYPES = {
    "application/rss+xml": "rss",
    "application/rdf+xml": "rss",  # RSS 1.0
    "application/atom+xml": "atom",
    "application/feed+json": "jsonfeed",
    "application/json": "jsonfeed",  # what JSON Feed 1.0 asked pages to declare
}
# Where feeds live when a page declares none, tried in this order.
COMMON_PATHS = ("/feed", "/rss", "/rss.xml", "/atom.xml", "/feed.xml", "/index.xml")
COMMENTS = re.compile(r"\bcomments?\b|/comments/", re.IGNORECASE)
GZIP_MAGIC = b"\x1f\x8b"


@dataclass(frozen=True)
class FeedLink:
    """A feed a page declares."""

    url: str
    kind: str
    title: str | None = None

    @property
    def comments(self) -> bool:
        """A feed of reader comments (WordPress declares one beside the posts), not of news."""
        return bool(COMMENTS.search(self.title or "") or COMMENTS.search(urlsplit(self.url).path))


def normalize_feed_url(url: str) -> str:
    """A source's URL as the archive keys it: the article URLs' normalisation (scheme and host
    case, default port, fragment, tracking parameters)."""
    return normalize_url(url.strip())


def declared_feeds(html: bytes, *, url: str) -> list[FeedLink]:
    """The feeds an HTML page declares with `<link rel="alternate" type="...">`, in page order,
    each once; relative links are resolved against `<base href>` and the page's URL."""
    try:
        doc = lxml.html.document_fromstring(html)
    except (ParserError, ValueError):
        return []
    base = url
    for element in doc.iter("base"):
        if element.get("href"):
            base = urljoin(url, element.get("href", "").strip())
            break
    found: dict[str, FeedLink] = {}
    for link in doc.iter("link"):
        rels = (link.get("rel") or "").lower().split()
        kind = FEED_TYPES.get((link.get("type") or "").split(";")[0].strip().lower())
        href = (link.get("href") or "").strip()
        if "alternate" not in rels or kind is None or not href:
            continue
        absolute = urljoin(base, href)
        if is_http_url(absolute):
            title = " ".join((link.get("title") or "").split()) or None
            found.setdefault(normalize_feed_url(absolute), FeedLink(absolute, kind, title))
    return list(found.values())


def common_feed_urls(url: str) -> list[str]:
    """The usual feed locations on the site of `url`."""
    parts = urlsplit(url)
    return [f"{parts.scheme}://{parts.netloc}{path}" for path in COMMON_PATHS]


def looks_like_sitemap(body: bytes) -> bool:
    """Whether a body is a sitemap (`<urlset>`, `<sitemapindex>`) or gzip, which for a source
    means a gzipped sitemap (HTTP's own compression is undone before this)."""
    if body[:2] == GZIP_MAGIC:
        return True
    head = body[:4096].lower()
    return b"<urlset" in head or b"<sitemapindex" in head
