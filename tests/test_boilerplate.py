"""Prompts closing a story are trimmed from its end: a form to fill out, a call to comment
below; a sentence of the story that names a form stays."""

from __future__ import annotations

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


def test_a_closing_form_prompt_is_not_story() -> None:
    text = extract_article(
        page("<p>Fill out the form to get a copy of our mooring guide.</p>"), url=URL
    ).text
    assert "berth 6 is already taken" in text
    assert "mooring guide" not in text


def test_a_closing_call_to_comment_below_is_not_story() -> None:
    text = extract_article(
        page("<p>Have a mooring story? Join the conversation by commenting below.</p>"), url=URL
    ).text
    assert "berth 6 is already taken" in text
    assert "commenting below" not in text


def test_a_story_sentence_naming_a_form_stays() -> None:
    closing = (
        "<p>Owners who want a berth next year must fill out the form at the harbour office "
        "before the end of March, the clerk said, and bring the boat's papers, its insurance "
        "and proof of address, as the board checks every request by hand this year.</p>"
    )
    text = extract_article(page(closing), url=URL).text
    assert "must fill out the form at the harbour office" in text
