"""Headlines printed where a page's `<h1>` is not: a paragraph in the `<h1>`'s place, the post's
title in an `<h2>` over a story whose sections are `<h1>`s, a page with no `<h1>` at all."""

from __future__ import annotations

import pytest

from crawler.extraction.extract import extract_article

URL = "https://harbour-notes.example/2026/11/20/pontoon"
STORY = "<p>" + "The harbour board voted to rebuild the north pontoon before spring. " * 8 + "</p>"
SUMMARY = (
    "Learn which repairs pay for themselves? Get tips from the harbour master on the costs "
    "of each pontoon, the grants you can claim and the work the board has planned. We'll help "
    "you plan your own mooring before the spring tides."
)


def title(head: str, body: str) -> tuple[str | None, str]:
    page = f"<html><head>{head}</head><body>{body}</body></html>"
    art = extract_article(page, url=URL)
    return art.title, art.metadata_source["title"]


def og(text: str) -> str:
    return f"<meta property='og:title' content=\"{text}\">"


@pytest.mark.parametrize(
    ("h1", "expected"),
    [
        # A summary of several sentences in the <h1>'s place is no headline.
        (SUMMARY, ("The seven pontoon repairs that pay for themselves", "meta")),
        # A long headline is one all the same.
        (
            "Harbour board votes to rebuild the north pontoon, the slipway and the old ferry "
            "steps before the spring tides, and to pay for it with the mooring fees",
            (
                "Harbour board votes to rebuild the north pontoon, the slipway and the old ferry "
                "steps before the spring tides, and to pay for it with the mooring fees",
                "h1",
            ),
        ),
    ],
)
def test_a_paragraph_in_the_h1_is_no_headline(h1: str, expected: tuple[str, str]) -> None:
    head = og("The seven pontoon repairs that pay for themselves | Harbour Notes")
    assert title(head, f"<article><h1>{h1}</h1>{STORY}</article>") == expected


H1 = "<h1>But what they love is the quiet</h1>"


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        # The post's title in an <h2> over a story whose sections are <h1>s.
        (
            f"<header><h2>What do sailors love about the harbour?</h2></header><div>{H1}{STORY}"
            "</div>",
            ("What do sailors love about the harbour?", "heading"),
        ),
        # An <h2> over the <h1> that is no declared title (a section's name) is not...
        (f"<h2>Harbour life and leisure</h2><div>{H1}{STORY}</div>", (H1[4:-5], "h1")),
        # ...nor is the declared title printed under the <h1> (a heading in the story): the
        # visible headline wins.
        (
            f"<div>{H1}{STORY}<h2>What do sailors love about the harbour?</h2>{STORY}</div>",
            (H1[4:-5], "h1"),
        ),
    ],
)
def test_the_headline_in_an_h2_over_h1_sections(body: str, expected: tuple[str, str]) -> None:
    head = og("What do sailors love about the harbour? | Harbour Notes")
    assert title(head, f"<article>{body}</article>") == expected


@pytest.mark.parametrize(
    ("head", "heading", "expected"),
    [
        # No <h1>: the heading the declared title goes on from is the headline.
        (
            "<title>2025 Top Harbour Rankings - Infographic</title>",
            "<h3>2025 Top Harbour Rankings</h3>",
            ("2025 Top Harbour Rankings", "heading"),
        ),
        # ...without a date glued to it in an element of its own.
        (
            "<title>Porting the tide tables to a new parser</title>",
            "<h2><a href='/notes/tides'>Porting the tide tables to a new parser</a>"
            " <span class='title-date'> / Dec 2025</span></h2>",
            ("Porting the tide tables to a new parser", "heading"),
        ),
        # A headline that really holds " - " stays whole when the page prints it whole.
        (
            "<title>Zero Waste - A Harbour Guide</title>",
            "<h2>Zero Waste - A Harbour Guide</h2>",
            ("Zero Waste - A Harbour Guide", "heading"),
        ),
        # A section's name that starts the declared title is not the headline...
        (
            "<title>Harbour Insurance: Best Policies 2025</title>",
            "<h2>Harbour Insurance</h2>",
            ("Harbour Insurance: Best Policies 2025", "html"),
        ),
        # ...nor is a heading the declared titles do not agree with.
        (
            "<title>2025 Top Harbour Rankings - Infographic</title>",
            "<h2>Latest from the harbour</h2>",
            ("2025 Top Harbour Rankings - Infographic", "html"),
        ),
    ],
)
def test_a_page_without_an_h1(head: str, heading: str, expected: tuple[str, str]) -> None:
    assert title(head, f"<article>{heading}{STORY}</article>") == expected


SITE = "<meta property='og:site_name' content='Harbour Notes'>"
JOURNAL = "About this harbour journal and its winter repairs"


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        # The site's name in the <h1>, the post's title in a heading marked as the entry's:
        # the visible headline, though the title written for sharing words it otherwise.
        (
            f"<h1>Harbour Notes</h1><article><h2 class='entry-title'>{JOURNAL}</h2>{STORY}",
            (JOURNAL, "heading"),
        ),
        (
            f"<h1>Harbour Notes</h1><article><h3 itemprop='headline'>{JOURNAL}</h3>{STORY}",
            (JOURNAL, "heading"),
        ),
        # ...or above an <h1> that is something else (a message from the editor).
        (
            f"<article><h3 class='sa-post-title'>{JOURNAL}</h3>{STORY}"
            "<h1>A message from the editor of the harbour paper</h1></article>",
            (JOURNAL, "heading"),
        ),
        # A heading that is not marked as the entry's title is not...
        (
            f"<h1>Harbour Notes</h1><article><h2>{JOURNAL}</h2>{STORY}",
            ("Introductions to the harbour journal", "meta"),
        ),
        # ...nor is a marked one that shares no words with the declared titles (a featured
        # post over the story).
        (
            f"<h1>Harbour Notes</h1><article><h2 class='post-title'>Ferry fares rise</h2>{STORY}",
            ("Introductions to the harbour journal", "meta"),
        ),
    ],
)
def test_a_heading_marked_as_the_posts_title(body: str, expected: tuple[str, str]) -> None:
    assert title(SITE + og("Introductions to the harbour journal"), body) == expected
