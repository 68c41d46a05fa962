"""`newsdesk feeds add`: what a URL is (a feed, a sitemap, or a page that declares sources) and
which sources to remember.

Every request goes through `fetch`'s polite downloader (crawler/app/download.py): robots.txt, the
User-Agent, timeouts, size cap and DOWNLOAD_DELAY between requests to one site. Scrapy's sitemap
parser (spiders/sitemaps.py) is loaded only when a sitemap turns up.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from protego import Protego

from crawler.app.download import Downloader
from crawler.ingest import reasons
from crawler.ingest.config import Config
from crawler.ingest.feeds import FeedError, parse_feed
from crawler.ingest.items import Failure
from crawler.ingest.sources import (
    COMMON_PATHS,
    common_feed_urls,
    declared_feeds,
    looks_like_sitemap,
    normalize_feed_url,
)
from crawler.policy.runs import UsageError

if TYPE_CHECKING:
    from crawler.app.config import PlainSettings
    from crawler.app.download import Answer


class NotASource(UsageError):
    """A URL that is no source and declares none; the message says what was tried."""


@dataclass
class Source:
    """A source found, ready for `Archive.add_sources`."""

    url: str  # normalised, after permanent redirects
    kind: str
    title: str | None = None
    site_url: str | None = None
    moved_from: str | None = None  # the URL asked for, when it redirected permanently
    note: str | None = None  # what a sitemap lists, for the user


@dataclass
class Discovery:
    """What one URL given to `feeds add` turned out to be and the sources found through it."""

    url: str
    what: str  # "a feed", "a sitemap", or how the sources of a page were found
    sources: list[Source] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (URL, why)


class Discoverer:
    """Finds the sources of URLs with one downloader (and its robots.txt cache)."""

    def __init__(self, settings: PlainSettings) -> None:
        self.settings = settings
        self.downloader = Downloader(settings)

    def discover(self, url: str) -> Discovery:
        """The source at `url`, or the sources the page at `url` leads to; raises `NotASource`
        when there are none and the page cannot be read."""
        answer = self.get(url)
        if isinstance(answer, Failure):
            raise NotASource(f"{url}: {answer.reason}")
        source = self.identify(url, answer)
        if source is not None:
            kind = "a sitemap" if "sitemap" in source.kind else "a feed"
            return Discovery(url, kind, [source])
        if urlsplit(answer.url).path == "/robots.txt":
            found = Discovery(url, "a robots.txt")
            self.add_robots_sitemaps(found, answer.body)
            if not found.sources:
                raise NotASource(f"{url}: a robots.txt that names no readable sitemap")
            return found
        if not self.downloader.is_html(answer):
            raise NotASource(
                f"{url}: not a feed, a sitemap or a web page ({answer.content_type or 'no type'})"
            )
        found = Discovery(url, "a web page")
        declared = declared_feeds(answer.body, url=answer.url)
        for link in declared:
            if link.comments:
                found.skipped.append((link.url, "a feed of comments"))
            else:
                self.add(found, link.url)
        if any(not link.comments for link in declared):
            found.what = f"a web page that declares {plural(len(declared), 'feed')}"
        else:
            self.try_common_paths(found, answer.url)
        if not found.sources:
            self.try_robots_sitemaps(found, answer.url)
        if not found.sources:
            tried = (
                f"its {plural(len(declared), 'declared feed')} could not be read"
                if declared
                else 'no <link rel="alternate"> feed, nothing at '
                + ", ".join(COMMON_PATHS)
                + ", no Sitemap: line in robots.txt"
            )
            raise NotASource(f"{url}: a web page, not a feed, and it leads to none ({tried})")
        return found

    def try_common_paths(self, found: Discovery, page_url: str) -> None:
        """The first of the usual feed locations that holds a feed."""
        for candidate in common_feed_urls(page_url):
            if self.add(found, candidate, quiet=True):
                path = urlsplit(candidate).path
                found.what = f"a web page that declares no feed; found one at {path}"
                return

    def try_robots_sitemaps(self, found: Discovery, page_url: str) -> None:
        """The sitemaps the site's robots.txt names (read once: the downloader's copy)."""
        parts = urlsplit(page_url)
        rules = self.downloader.robots.get(parts.netloc)
        if not isinstance(rules, Protego):  # not obeyed, no rules, or unreachable when asked
            answer = self.get(f"{parts.scheme}://{parts.netloc}/robots.txt")
            if isinstance(answer, Failure):
                return
            rules = Protego.parse(answer.body.decode("utf-8-sig", errors="ignore"))
        sitemaps = list(dict.fromkeys(rules.sitemaps))
        for sitemap in sitemaps:
            self.add(found, sitemap)
        if found.sources:
            found.what = "a web page that declares no feed; robots.txt names " + plural(
                len(sitemaps), "sitemap"
            )

    def add_robots_sitemaps(self, found: Discovery, body: bytes) -> None:
        """The sitemaps a robots.txt (given as the URL to add) names."""
        rules = Protego.parse(body.decode("utf-8-sig", errors="ignore"))
        for sitemap in dict.fromkeys(rules.sitemaps):
            self.add(found, sitemap)
        found.what += f" that names {plural(len(found.sources) + len(found.skipped), 'sitemap')}"

    def add(self, found: Discovery, url: str, *, quiet: bool = False) -> bool:
        """Fetch `url` and note it as a source, or (unless `quiet`) why it is not one."""
        answer = self.get(url)
        if isinstance(answer, Failure):
            why = answer.reason
        else:
            source = self.identify(url, answer)
            if source is not None:
                if all(s.url != source.url for s in found.sources):
                    found.sources.append(source)
                return True
            why = f"not a feed or sitemap ({answer.content_type or 'no type'})"
        if not quiet:
            found.skipped.append((url, why))
        return False

    def get(self, url: str) -> Answer | Failure:
        answer = self.downloader.get(url)
        if isinstance(answer, Failure) or 200 <= answer.status < 300:
            return answer
        status = answer.status
        return Failure(answer.url, reasons.http_status(status), status=status)

    def identify(self, url: str, answer: Answer) -> Source | None:
        """The source this answer is (a feed or sitemap), or None."""
        final = normalize_feed_url(answer.url)
        moved_from = normalize_feed_url(url) if answer.moved_permanently else None
        where = final if answer.moved_permanently else normalize_feed_url(url)
        if looks_like_sitemap(answer.body):
            from spiders.sitemaps import SitemapError, read_sitemap  # Scrapy: only for sitemaps

            try:
                read = read_sitemap(
                    answer.body,
                    url=answer.url,
                    now=datetime.now(UTC),
                    max_age=Config.from_settings(self.settings).sitemap_max_age,
                    max_size=self.settings.getint("DOWNLOAD_MAXSIZE"),
                )
            except SitemapError:
                return None
            kind = "newssitemap" if read.kind == "newssitemap" else "sitemap"
            return Source(
                where, kind, title=read.publication, moved_from=moved_from, note=read.summary()
            )
        if self.downloader.is_html(answer) and answer.body.lstrip()[:5] != b"<?xml":
            return None
        try:
            feed = parse_feed(answer.body, url=answer.url, content_type=answer.content_type)
        except FeedError:
            return None
        return Source(
            where,
            feed.kind or "rss",
            title=feed.title,
            site_url=feed.site_url,
            moved_from=moved_from,
            note=plural(len(feed.entries), "entry", "entries"),
        )


def plural(count: int, word: str, words: str | None = None) -> str:
    return f"{count} {word if count == 1 else words or word + 's'}"
