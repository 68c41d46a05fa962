"""From an extracted page and its feed entry to one archive row (crawler/ingest/records.py):
which URL names the story, which names it is also known by, and whose metadata wins."""

from __future__ import annotations

import pytest

from crawler.extraction.extract import Extracted
from crawler.ingest.items import ArticlePage, FeedEntry
from crawler.ingest.records import article_row, canonical_url, entry_aliases

STORY = "https://ledger.example/news/pontoon.html"
FEED = "https://ledger.example/rss.xml"
FETCHED = "2026-11-20T10:00:00+00:00"


@pytest.mark.parametrize(
    ("url", "declared", "expected"),
    [
        # the page's declaration, normalised
        (
            STORY,
            "https://Ledger.Example/2026/pontoon?utm_source=x",
            "https://ledger.example/2026/pontoon",
        ),
        # no declaration, or one that is not a web URL: the fetched URL, normalised
        (f"{STORY}?utm_medium=feed#comments", None, STORY),
        (STORY, "/news/pontoon.html", STORY),
        (STORY, "ftp://ledger.example/pontoon", STORY),
        # an article declaring the front page (a CMS default) keeps its own URL
        (STORY, "https://ledger.example/", STORY),
        (STORY, "https://ledger.example", STORY),
        # ... but the front page may declare itself
        ("https://ledger.example/", "https://ledger.example/", "https://ledger.example/"),
        # a section page counts as a story's address
        (STORY, "https://ledger.example/news/", "https://ledger.example/news/"),
    ],
)
def test_canonical_url(url, declared, expected):
    assert canonical_url(url, declared) == expected


def test_an_entry_is_known_by_its_normalised_link_and_its_guid():
    entry = FeedEntry(link=f"{STORY}?utm_source=rss", feed_url=FEED, guid="ledger-4411")
    assert entry_aliases(entry) == [("url", STORY), ("guid", "ledger-4411")]
    assert entry_aliases(FeedEntry(link=STORY, feed_url=FEED)) == [("url", STORY)]


def extracted(**fields: object) -> Extracted:
    return Extracted(text="The north pontoon broke loose.", html="<p>x</p>", **fields)  # type: ignore[arg-type]


def test_the_page_wins_and_the_feed_fills_what_it_lacks():
    art = extracted(
        title="Storm tears north pontoon",
        published="2026-11-20T07:30:00+01:00",
        canonical_url=STORY,
        metadata_source={"title": "json-ld", "published": "meta"},
    )
    entry = FeedEntry(
        link=f"{STORY}?utm_source=rss",
        feed_url=FEED,
        guid="g1",
        title="Pontoon (feed title)",
        authors=["Mara Lindqvist"],
        published="Fri, 20 Nov 2026 06:00:00 GMT",
        modified="2026-11-21",
        summary="Gales in Kessel.",
        tags=["Weather"],
    )
    row = article_row(ArticlePage(STORY, b"", "utf-8", entry), art, fetched_at=FETCHED)
    assert (row["title"], row["published"]) == (
        "Storm tears north pontoon",
        "2026-11-20T07:30:00+01:00",
    )
    assert row["authors"] == ["Mara Lindqvist"]
    assert row["modified"] == "2026-11-21T00:00:00+00:00"  # ISO with an offset, like the page's
    assert (row["description"], row["tags"]) == ("Gales in Kessel.", ["Weather"])
    assert row["metadata_source"] == {
        "title": "json-ld",
        "published": "meta",
        "authors": "feed",
        "modified": "feed",
        "description": "feed",
        "tags": "feed",
    }
    assert (row["feed_url"], row["fetched_at"], row["canonical_url"]) == (FEED, FETCHED, STORY)
    assert set(row["aliases"]) == {("url", STORY), ("guid", "g1")}
    assert row["word_count"] == 5 and len(row["content_hash"]) == 64


def test_a_date_the_feed_declares_beats_a_date_guessed_from_the_page():
    """htmldate's reading of a page whose only date is "Copyright 2026" is 1 January 2026."""
    art = extracted(
        published="2026-01-01T00:00:00+00:00", metadata_source={"published": "htmldate"}
    )
    entry = FeedEntry(link=STORY, feed_url=FEED, published="Thu, 19 Nov 2026 16:00:00 GMT")
    row = article_row(ArticlePage(STORY, b"", "utf-8", entry), art, fetched_at=FETCHED)
    assert (row["published"], row["metadata_source"]) == (
        "2026-11-19T16:00:00+00:00",
        {"published": "feed"},
    )
    bare = article_row(ArticlePage(STORY, b"", "utf-8"), art, fetched_at=FETCHED)
    assert bare["published"] == "2026-01-01T00:00:00+00:00"  # the guess, when nothing declares


def test_a_date_the_feed_declares_beats_a_pages_update_standing_in_for_it():
    """A page that says only when it was updated is dated by that update (source "updated")."""
    art = extracted(published="2026-11-25T00:00:00+00:00", metadata_source={"published": "updated"})
    entry = FeedEntry(link=STORY, feed_url=FEED, published="Thu, 19 Nov 2026 16:00:00 GMT")
    row = article_row(ArticlePage(STORY, b"", "utf-8", entry), art, fetched_at=FETCHED)
    assert (row["published"], row["metadata_source"]) == (
        "2026-11-19T16:00:00+00:00",
        {"published": "feed"},
    )


def test_the_feeds_author_beats_a_personal_sites_name_taken_for_its_author():
    """The `site-name` rule (a blog named after a person, nothing else naming anyone) guesses."""
    art = extracted(authors=["Colin Watson"], metadata_source={"authors": "site-name"})
    entry = FeedEntry(link=STORY, feed_url=FEED, authors=["Ann Lee"])
    row = article_row(ArticlePage(STORY, b"", "utf-8", entry), art, fetched_at=FETCHED)
    assert (row["authors"], row["metadata_source"]) == (
        ["Ann Lee"],
        {"authors": "feed"},
    )


def test_a_page_fetched_on_its_own_has_no_feed():
    row = article_row(ArticlePage(STORY, b"", "utf-8"), extracted(), fetched_at=FETCHED)
    assert (row["feed_url"], row["title"], row["authors"]) == (None, None, [])
    assert row["metadata_source"] == {}


@pytest.mark.parametrize(
    ("page_language", "page_source", "expected"),
    [
        ("de", "declared", ("de", "declared")),  # the page's declaration stands
        ("nl", "detected", ("en", "sitemap")),  # the source's declaration beats a guess
        (None, None, ("en", "sitemap")),
    ],
)
def test_a_declared_language_beats_a_detected_one(page_language, page_source, expected):
    sources = {"language": page_source} if page_source else {}
    art = extracted(language=page_language, metadata_source=sources)
    entry = FeedEntry(link=STORY, feed_url=FEED, language="en", source="sitemap")
    row = article_row(ArticlePage(STORY, b"", "utf-8", entry), art, fetched_at=FETCHED)
    assert (row["language"], row["metadata_source"].get("language")) == expected
