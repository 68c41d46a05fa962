"""Sitemaps as sources: which article URLs a sitemap (or sitemap index) lists that are recent.

The XML is read by Scrapy's own sitemap parser (`scrapy.utils.sitemap.Sitemap`, what
`SitemapSpider` uses: entities off, broken XML recovered) and gzip sitemaps are unzipped by
Scrapy's `gunzip` under DOWNLOAD_MAXSIZE. Scrapy's parser keeps only an entry's direct children;
`NewsSitemap` also keeps the Google News fields (`news:title`, `news:publication_date`,
`news:language`, `news:keywords`), which become the entry's metadata as a feed entry's would.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from lxml.etree import XMLSyntaxError
from scrapy.utils.gz import gunzip
from scrapy.utils.sitemap import Sitemap

from crawler.ingest import reasons
from crawler.ingest.items import FeedEntry
from crawler.ingest.sources import GZIP_MAGIC
from crawler.ingest.urls import absolute_http_url
from storage.times import read_time

if TYPE_CHECKING:
    from lxml.etree import _Element

# The Google News sitemap fields newsdesk reads (https://www.google.com/schemas/sitemap-news/0.9).
NEWS_FIELDS = ("title", "publication_date", "language", "keywords", "name")


class SitemapError(ValueError):
    """The bytes are not a sitemap newsdesk can read; the message says why, in one line."""


class NewsSitemap(Sitemap):
    """Scrapy's sitemap parser, keeping an entry's `news:` fields as `entry["news"]`."""

    def _process_sitemap_element(self, elem: _Element) -> dict[str, Any] | None:
        news = {}
        for child in elem.iter():
            tag = child.tag if isinstance(child.tag, str) else ""
            namespace, _, name = tag[1:].partition("}")
            if "sitemap-news" in namespace and name in NEWS_FIELDS and (child.text or "").strip():
                news[name] = " ".join((child.text or "").split())
        entry = super()._process_sitemap_element(elem)  # clears the element
        if entry is not None and news:
            entry["news"] = news
        return entry


@dataclass
class ReadSitemap:
    """What one sitemap file lists."""

    kind: str  # "sitemap", "newssitemap" (any entry has Google News fields) or "sitemapindex"
    entries: list[FeedEntry] = field(default_factory=list)  # recent article URLs
    children: list[str] = field(default_factory=list)  # an index's sitemaps to read
    listed: int = 0  # entries or sitemaps listed in all
    old: int = 0  # left out: older than the age limit
    undated: int = 0  # left out: no date to tell (urlset entries only)
    publication: str | None = None  # a Google News sitemap's news:name, the source's title

    def summary(self) -> str:
        what = "sitemaps" if self.kind == "sitemapindex" else "URLs"
        kept = len(self.children) if self.kind == "sitemapindex" else len(self.entries)
        return (
            f"{self.listed} {what} listed, {kept} recent"
            + (f", {self.old} older" if self.old else "")
            + (f", {self.undated} undated" if self.undated else "")
        )


def unzipped(body: bytes, *, max_size: int) -> bytes:
    """The sitemap itself: a gzip body unzipped (at most `max_size` bytes; 0 for no limit)."""
    if body[:2] != GZIP_MAGIC:
        return body
    try:
        return gunzip(body, max_size=max_size)
    except (OSError, EOFError) as exc:
        raise SitemapError(f"broken gzip ({exc})") from exc
    except ValueError as exc:  # Scrapy's decompression size limit
        raise SitemapError(reasons.too_large(max_size)) from exc  # as a page or feed says it


def read_sitemap(
    body: bytes, *, url: str, now: datetime, max_age: float, max_size: int = 0
) -> ReadSitemap:
    """The recent entries (or, for an index, sitemaps) of a sitemap. An entry's date is its
    `news:publication_date` or else its `lastmod`; entries older than `max_age` seconds, and
    undated ones, are left out (counted). An index's sitemaps are kept when their `lastmod` is
    recent or absent."""
    try:
        sitemap = NewsSitemap(unzipped(body, max_size=max_size))
    except (XMLSyntaxError, StopIteration) as exc:
        raise SitemapError("not a sitemap (no XML)") from exc
    if sitemap.type not in ("urlset", "sitemapindex"):
        raise SitemapError(f"not a sitemap (root element <{sitemap.type}>)")
    cutoff = now - timedelta(seconds=max_age)
    if sitemap.type == "sitemapindex":
        read = ReadSitemap("sitemapindex")
        for item in sitemap:
            read.listed += 1
            loc, lastmod = absolute_http_url(item["loc"], url), read_time(item.get("lastmod"))
            if loc is None:
                continue
            if lastmod is not None and lastmod < cutoff:
                read.old += 1
            else:
                read.children.append(loc)
        return read
    read = ReadSitemap("sitemap")
    for item in sitemap:
        read.listed += 1
        entry = sitemap_entry(item, feed_url=url)
        if "news" in item:
            read.kind = "newssitemap"
            read.publication = read.publication or item["news"].get("name")
        if entry is None:
            continue
        dated = entry.published or entry.modified
        if dated is None:
            read.undated += 1
        elif datetime.fromisoformat(dated) < cutoff:
            read.old += 1
        else:
            read.entries.append(entry)
    return read


def sitemap_entry(item: dict[str, Any], *, feed_url: str) -> FeedEntry | None:
    """A sitemap `<url>` as a feed entry: Google News fields as its metadata, `lastmod` as
    its modification time (which decides whether an archived article is fetched again)."""
    link = absolute_http_url(item["loc"], feed_url)
    if link is None:
        return None
    news = item.get("news", {})
    published, modified = (
        read_time(news.get("publication_date")),
        read_time(item.get("lastmod")),
    )
    return FeedEntry(
        link=link,
        feed_url=feed_url,
        title=news.get("title"),
        published=published.isoformat() if published else None,
        modified=modified.isoformat() if modified else None,
        tags=[k.strip() for k in news.get("keywords", "").split(",") if k.strip()],
        language=news.get("language", "").split("-")[0].lower() or None,
        source="sitemap",
    )
