"""Finding sources, in-process: feed links in a page, OPML in and out, sitemaps (gzip, Google
News fields, age limit), and one URL per argument."""

from __future__ import annotations

import gzip
from datetime import UTC, datetime, timedelta

import pytest

from crawler.ingest.opml import OpmlError, Subscription, read_opml, write_opml
from crawler.ingest.sources import declared_feeds, looks_like_sitemap, normalize_feed_url
from crawler.policy.feedstate import source_bounds
from crawler.policy.runs import UsageError, check_urls
from spiders.sitemaps import SitemapError, read_sitemap
from tests.helpers import ROOT

SITES = ROOT / "tests" / "sites"
BASE = "http://127.0.0.1:9"
NOW = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)


def filled(path: str) -> bytes:
    """A test site's file as the test server serves it, its dates relative to NOW."""
    body = (SITES / path).read_bytes().replace(b"{{site}}", BASE.encode())
    for hours in (1, 3, 5, 20, 400 * 24, 700 * 24, 730 * 24):
        text = f"{{{{ago {hours // 24}d}}}}" if hours >= 24 * 400 else f"{{{{ago {hours}h}}}}"
        moment = (NOW - timedelta(hours=hours)).isoformat()
        body = body.replace(text.encode(), moment.encode())
    return body


def test_declared_feeds_resolved_once_each_and_comments_told_apart():
    links = declared_feeds(filled("ledger/index.html"), url=f"{BASE}/index.html")
    assert [(link.url, link.kind, link.comments) for link in links] == [
        (f"{BASE}/rss.xml?utm_source=homepage", "rss", False),
        (f"{BASE}/atom.xml#latest", "atom", False),
        (f"{BASE}/comments/feed/", "rss", True),
    ]
    assert [normalize_feed_url(link.url) for link in links[:2]] == [
        f"{BASE}/rss.xml",
        f"{BASE}/atom.xml",
    ]
    assert declared_feeds(b"", url=BASE) == []
    assert declared_feeds(filled("bare/index.html"), url=BASE) == []


def test_feed_url_spellings_normalise_to_one():
    spellings = [
        "HTTP://127.0.0.1:9/rss.xml",
        "http://127.0.0.1:9/rss.xml#top",
        "http://127.0.0.1:9/rss.xml?utm_source=y",
        " http://127.0.0.1:9/rss.xml ",
    ]
    assert {normalize_feed_url(url) for url in spellings} == {"http://127.0.0.1:9/rss.xml"}


def test_two_urls_in_one_argument_is_one_clear_error():
    with pytest.raises(UsageError, match="holds 2 URLs: give each its own argument"):
        check_urls(["http://a.example/rss http://b.example/rss"])
    check_urls(["http://a.example/rss"])


def test_opml_as_readers_write_it():
    subscriptions = read_opml(filled("opml/subscriptions.opml"))
    assert [(s.url, s.name, s.category) for s in subscriptions] == [
        ("https://rss.example-sz.de/politik?utm_source=reader", "Süddeutsche – Politik",  # noqa: RUF001
         "News / Politik"),
        (f"{BASE}/rss.xml", "The Coastal Ledger", "News"),
        ("https://www.example-nikkei.jp/rss/news.rdf", "日本経済ニュース", "日本"),
        ("http://Example.ORG/feed#top", "Loose feed", None),
        ("ftp://example.org/feed", "Not a web feed", None),
    ]  # fmt: skip
    assert subscriptions[0].site_url == "https://www.example-sz.de/politik"


def test_opml_written_reads_back_the_same():
    subscriptions = [s for s in read_opml(filled("opml/subscriptions.opml")) if "ftp" not in s.url]
    subscriptions.append(Subscription(f"{BASE}/news-sitemap.xml", kind="newssitemap"))
    written = write_opml(subscriptions)
    assert written.startswith(b"<?xml version='1.0' encoding='UTF-8'?>\n<opml version=\"2.0\">")
    assert sorted(read_opml(written), key=lambda s: s.url) == sorted(
        subscriptions, key=lambda s: s.url
    )


@pytest.mark.parametrize("body", [b"", b"<html><body>hi</body></html>", b"<opml><head/></opml>"])
def test_not_opml_raises_one_line(body):
    with pytest.raises(OpmlError) as info:
        read_opml(body)
    assert "\n" not in str(info.value)


def test_news_sitemap_keeps_recent_entries_with_their_news_fields():
    body = filled("ledger/news-sitemap.xml")
    assert looks_like_sitemap(body)
    read = read_sitemap(body, url=f"{BASE}/news-sitemap.xml", now=NOW, max_age=2 * 86400)
    assert (read.kind, read.listed, read.old, read.summary(), read.publication) == (
        "newssitemap",
        3,
        1,
        "3 URLs listed, 2 recent, 1 older",
        "The Coastal Ledger",
    )
    brief, vote = read.entries
    assert brief.link == f"{BASE}/news/wire-brief.html"
    assert brief.title == "Pilot boats stay in port as gale warning holds"
    assert brief.published == (NOW - timedelta(hours=3)).isoformat()
    assert (brief.language, brief.tags, brief.source) == (
        "nb",
        ["weather", "harbour", "pilots"],
        "sitemap",
    )
    assert vote.modified == (NOW - timedelta(hours=1)).isoformat()


def test_sitemap_index_and_gzip_sitemap():
    index = read_sitemap(filled("ledger/sitemap-index.xml"), url=BASE, now=NOW, max_age=86400)
    assert (index.kind, index.children, index.old) == (
        "sitemapindex",
        [f"{BASE}/sitemaps/pages.xml.gz"],
        1,
    )
    zipped = gzip.compress(filled("ledger/sitemaps/pages.xml"))
    assert looks_like_sitemap(zipped)
    pages = read_sitemap(zipped, url=BASE, now=NOW, max_age=86400)
    assert [e.link for e in pages.entries] == [f"{BASE}/news/ferry-strike.html"]
    assert (pages.kind, pages.old, pages.undated) == ("sitemap", 1, 1)
    with pytest.raises(SitemapError, match=r"^too large: more than 100 bytes \(DOWNLOAD_"):
        read_sitemap(zipped, url=BASE, now=NOW, max_age=86400, max_size=100)


@pytest.mark.parametrize("body", [b"", b"\x1f\x8bnot gzip", b"<rss version='2.0'></rss>"])
def test_not_a_sitemap_raises_one_line(body):
    with pytest.raises(SitemapError) as info:
        read_sitemap(body, url=BASE, now=NOW, max_age=86400)
    assert "\n" not in str(info.value)


def test_a_source_may_have_its_own_poll_bounds():
    assert source_bounds({"poll_min": None, "poll_max": None}, (300, 86400)) == (300, 86400)
    assert source_bounds({"poll_min": 60, "poll_max": 600}, (300, 86400)) == (60, 600)
    assert source_bounds({"poll_min": 7200, "poll_max": None}, (300, 3600)) == (7200, 7200)
