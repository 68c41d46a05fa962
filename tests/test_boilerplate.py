"""The boilerplate at a body's edges is trimmed, block by block: labels above the story,
prompts closing it (a form to fill out, a call to comment below), a theme's placeholder text
inside it; a sentence of the story stays wherever it stands."""

from __future__ import annotations

import pytest
from lxml import etree

from crawler.extraction import boilerplate
from crawler.extraction.extract import extract_article

URL = "https://gazette.example/2026/03/02/harbour-permits"
HEADLINE = "Harbour board opens mooring permits for the spring"


def page(closing: str) -> str:
    story = "".join(
        f"<p>On day {n} of the permit window, the harbour board received more requests for "
        f"moorings on the north pontoon, and the clerk said berth {n} is already taken.</p>"
        for n in range(1, 7)
    )
    return (
        f"<html><head><title>{HEADLINE}</title></head><body><article><h1>{HEADLINE}</h1>"
        f"<div class='entry-content'>{story}{closing}</div></article></body></html>"
    )


@pytest.mark.parametrize(
    ("prompt", "words"),
    [
        ("Fill out the form to get a copy of our mooring guide.", "mooring guide"),
        ("Have a mooring story? Join the conversation by commenting below.", "commenting below"),
    ],
    ids=["form", "comment-below"],
)
def test_a_closing_prompt_is_not_story(prompt: str, words: str) -> None:
    text = extract_article(page(f"<p>{prompt}</p>"), url=URL).text
    assert "berth 6 is already taken" in text
    assert words not in text


def test_a_story_sentence_naming_a_form_stays() -> None:
    closing = (
        "<p>Owners who want a berth next year must fill out the form at the harbour office "
        "before the end of March, the clerk said, and bring the boat's papers, its insurance "
        "and proof of address, as the board checks every request by hand this year.</p>"
    )
    text = extract_article(page(closing), url=URL).text
    assert "must fill out the form at the harbour office" in text


def test_trim_never_cuts_the_middle_of_a_body() -> None:
    body = etree.fromstring(
        "<body><p>Story title</p><p>First paragraph of the story, long enough to matter.</p>"
        "<p>Follow us on Twitter for more.</p><p>Last paragraph of the story.</p>"
        "<p>Follow us on Twitter :</p><p>Leave a comment</p></body>"
    )
    removed = boilerplate.trim(body, titles=["Story title"])
    assert removed == ["Story title", "Leave a comment", "Follow us on Twitter :"]
    assert [p.text for p in body] == [
        "First paragraph of the story, long enough to matter.",
        "Follow us on Twitter for more.",
        "Last paragraph of the story.",
    ]


@pytest.mark.parametrize(
    "label",
    [
        "Estimated reading time:",
        "4 minute read time",
        "Back to Blogs",
        "← All posts",
        "Listen to this article in summarized format",
        "Share",
    ],
)
def test_trim_drops_a_label_above_the_story(label: str) -> None:
    body = etree.fromstring(
        f"<body><p>{label}</p><p>The harbour board voted on Monday to rebuild the pontoon.</p>"
        "<p>Work starts in spring.</p></body>"
    )
    assert boilerplate.trim(body) == [label]
    assert len(body) == 2


@pytest.mark.parametrize(
    "first",
    ["Share prices fell on Monday.", "Back to school: what the new term brings", "All posts"],
)
def test_trim_keeps_a_story_line_that_opens_like_a_label(first: str) -> None:
    """A label is the whole block; "All posts" alone is story when it is not above the story."""
    body = etree.fromstring(
        f"<body><p>The harbour board voted on Monday.</p><p>{first}</p><p>Work starts.</p></body>"
    )
    assert boilerplate.trim(body) == []
    assert len(body) == 3


def test_trim_drops_a_themes_placeholder_paragraphs_inside_the_body() -> None:
    lorem = "Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor."
    body = etree.fromstring(
        "<body><p>The harbour board voted on Monday to rebuild the pontoon.</p>"
        f"<p>{lorem}</p><p>Work starts in spring, the chair said.</p><p>{lorem}</p>"
        "<p>The typesetters' dummy text opens with 'Lorem ipsum dolor sit amet'.</p></body>"
    )
    assert boilerplate.trim(body) == [lorem, lorem]
    assert len(body) == 3


@pytest.mark.parametrize(
    "last",
    [
        "He refused to follow the orders he was given on Monday.",
        "The band has since sued the label for copyright infringement.",
        "Residents can sign up for the new ferry pass from today.",
        "By Friday, the harbour was open again.",
    ],
)
def test_trim_keeps_a_story_sentence_at_the_end(last: str) -> None:
    body = etree.fromstring(f"<body><p>The story begins here and goes on.</p><p>{last}</p></body>")
    assert boilerplate.trim(body) == []
    assert len(body) == 2
