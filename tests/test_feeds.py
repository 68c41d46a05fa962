"""Feed parsing from bytes: RSS, Atom, JSON Feed, malformed feeds, and feedparser's own corpus."""

from __future__ import annotations

import pytest

from crawler.ingest.feeds import FeedError, parse_feed
from tests.helpers import SITE, shared_data

BASE = "http://127.0.0.1:9/"


def parse(name: str, content_type: str = ""):
    return parse_feed((SITE / name).read_bytes(), url=BASE + name, content_type=content_type)


def test_rss_links_resolve_against_the_feed_url():
    feed = parse("rss.xml")
    assert feed.title == "The Coastal Ledger"
    assert feed.site_url == BASE
    first = feed.entries[0]
    assert first.link == BASE + "news/harbour-pontoon.html?utm_source=rss&utm_medium=feed"
    assert (first.guid, first.authors, first.tags) == (
        "ledger-4411",
        ["Mara Lindqvist"],
        ["Weather"],
    )
    assert first.published == "2026-11-20T06:30:00+00:00"
    assert len(feed.entries) == 6


def test_atom_uses_xml_base_and_skips_enclosures_and_replies():
    feed = parse("atom.xml")
    links = [e.link for e in feed.entries]
    assert links == [BASE + "news/lighthouse.html", BASE + "news/harbour-pontoon.html"]
    assert feed.entries[0].authors == ["Karin Vik"]
    assert feed.entries[0].published == "2026-11-21T10:00:00+00:00"


def test_json_feed():
    feed = parse("feed.json", "application/feed+json")
    [entry] = feed.entries
    assert entry.link == BASE + "news/ferry-strike.html"
    assert (entry.guid, entry.authors, entry.tags) == (
        "ledger-ferry",
        ["Tomas Berg"],
        ["Transport"],
    )
    assert entry.published == "2026-11-19T16:00:00+00:00"


def test_malformed_feed_still_yields_recovered_entries():
    feed = parse("malformed.xml")
    assert [e.link for e in feed.entries] == [BASE + "news/ferry-strike.html"]
    assert feed.warning and feed.warning.startswith("malformed feed, 1 entries recovered")


@pytest.mark.parametrize("body", [b"just words, not a feed", b"", b'{"version": 3}', b"{nope"])
def test_not_a_feed_raises_a_one_line_reason(body):
    with pytest.raises(FeedError) as info:
        parse_feed(body, url=BASE + "x")
    assert "\n" not in str(info.value)


def test_feedparser_corpus_never_crashes_and_keeps_links():
    folder = shared_data("feedparser-feeds")
    files = sorted(folder.rglob("*.xml"))
    assert len(files) > 200
    parsed = entries = 0
    for path in files:
        try:
            feed = parse_feed(path.read_bytes(), url="http://127.0.0.1:9/feeds/" + path.name)
        except FeedError:
            continue
        parsed += 1
        entries += len(feed.entries)
        assert all(e.link.startswith("http") for e in feed.entries), path
    assert parsed > 250 and entries > 40


@pytest.mark.parametrize(
    ("name", "repaired", "link"),
    [
        ("lone-surrogate.xml", "character reference &#xD800; replaced", "news/ferry-strike.html"),
        ("out-of-range.xml", "character reference &#x110000; replaced", "news/lighthouse.html"),
        (
            "doctype-backslash.xml",
            "backslash in a DOCTYPE entity escaped",
            "news/harbour-pontoon.html",
        ),
    ],
)
def test_feeds_that_make_feedparser_raise_are_repaired(name, repaired, link):
    feed = parse("hostile/" + name)
    assert [e.link for e in feed.entries] == [BASE + link]
    assert feed.warning == f"malformed feed, 1 entries recovered: {repaired}"
    assert "\ufffd" in (feed.title or "") or feed.title == "Filed under C:\\news\\harbour"


def test_a_feed_that_cannot_be_repaired_is_one_line():
    with pytest.raises(FeedError) as info:
        parse("hostile/utf16-surrogate.xml", "application/rss+xml")
    assert str(info.value) == (
        "unreadable feed (UnicodeEncodeError: 'utf-8' codec can't encode character '\\ud800' "
        "in position 0: surrogates not allowed)"
    )


RSS_AUTHORS = b"""<?xml version="1.0"?><rss version="2.0"><channel><title>Gazette</title>
<item><link>https://gazette.example/a</link><author>desk@gazette.example (Gazette desk)</author>
<pubDate>Fri, 20 Nov 2026 23:30:00 -0500</pubDate></item>
<item><link>https://gazette.example/b</link><author>Kari Nord &lt;kari@gazette.example&gt;</author>
</item>
<item><link>https://gazette.example/c</link><author>kari@gazette.example</author></item>
<item><link>https://gazette.example/d</link><author>Kari Nord</author></item>
</channel></rss>"""


def test_rss_authors_are_read_from_email_and_name_whatever_the_domain_ending():
    """feedparser reads "desk@gazette.example (Gazette desk)" as "ple (Gazette desk"."""
    entries = parse_feed(RSS_AUTHORS, url="https://gazette.example/rss").entries
    assert [e.authors for e in entries] == [["Gazette desk"], ["Kari Nord"], [], ["Kari Nord"]]


def test_entry_times_keep_the_publishers_offset_and_day():
    [evening, *_] = parse_feed(RSS_AUTHORS, url="https://gazette.example/rss").entries
    assert evening.published == "2026-11-20T23:30:00-05:00"  # not 2026-11-21 in UTC
