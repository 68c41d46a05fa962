"""Fine print in boxes a class names a disclaimer is no part of the story: a box of up to
3,000 characters, and boxes that together outweigh the story while no one of them does; a box
that holds most of the body is the story, and stays."""

from __future__ import annotations

from crawler.extraction.extract import extract_article

URL = "http://127.0.0.1/2026/03/09/ferry-fares"
HEADLINE = "Ferry fares hold for the winter timetable"


def paragraphs(first: int, last: int) -> str:
    return "".join(
        f"<p>On route {n}, the ferry company kept its winter fares where they were, and the "
        f"council said the timetable of route {n} would run from the first of November.</p>"
        for n in range(first, last + 1)
    )


def fine_print(name: str, count: int) -> str:
    """A box of `count` paragraphs of a fund's fine print, each about 230 characters."""
    return (
        f"<div class='richtext {name}-disclaimer'>"
        + "".join(
            f"<p>Note {name} {n}: all investing is subject to risk, including the possible loss "
            "of the money you invest; past performance is no guarantee of future returns, and "
            f"the prices of the funds named in part {n} of this note may go down as well as up.</p>"
            for n in range(1, count + 1)
        )
        + "</div>"
    )


def page(content: str) -> str:
    return (
        f"<html><head><title>{HEADLINE}</title></head><body><article><h1>{HEADLINE}</h1>"
        f"<div class='entry-content'>{content}</div></article></body></html>"
    )


def test_a_disclaimer_box_of_two_thousand_characters_is_not_story() -> None:
    text = extract_article(page(paragraphs(1, 20) + fine_print("fund", 8)), url=URL).text
    assert "timetable of route 20" in text
    assert "Note fund 1:" not in text
    assert "Note fund 8:" not in text


def test_boxes_that_together_outweigh_the_story_each_go() -> None:
    boxes = fine_print("fund", 6) + fine_print("bond", 6) + fine_print("esg", 6)
    text = extract_article(page(paragraphs(1, 10) + boxes), url=URL).text
    assert "timetable of route 10" in text
    assert "Note fund 1:" not in text
    assert "Note bond 1:" not in text
    assert "Note esg 6:" not in text


def test_a_box_that_holds_most_of_the_body_is_the_story() -> None:
    text = extract_article(page(paragraphs(1, 2) + fine_print("fund", 12)), url=URL).text
    assert "Note fund 1:" in text
    assert "Note fund 12:" in text


def test_the_text_of_a_form_box_is_not_story() -> None:
    form = (
        "<div class='panel_form'><p>Sign up to hear first when the winter timetable changes "
        "and fares move.</p><input type='email'><p>Déjà vu! We already have this email. Try "
        "another?</p></div>"
    )
    text = extract_article(page(paragraphs(1, 4) + form + paragraphs(5, 8)), url=URL).text
    assert "timetable of route 8" in text
    assert "We already have this email" not in text


def test_a_story_in_a_format_named_wrapper_is_story() -> None:
    story = f"<div class='post format-standard'>{paragraphs(1, 3)}</div>{paragraphs(4, 8)}"
    text = extract_article(page(story), url=URL).text
    assert "timetable of route 1 would run" in text
    assert "timetable of route 3 would run" in text


def test_a_paragraph_classed_a_disclaimer_is_not_story() -> None:
    notice = (
        "<p class='disclaimer'>Accuracy and availability of transcripts may vary; the text may "
        "be revised to correct errors.</p>"
    )
    text = extract_article(page(paragraphs(1, 8) + notice), url=URL).text
    assert "timetable of route 8" in text
    assert "availability of transcripts" not in text


def test_a_paragraph_classed_for_subscribers_is_story() -> None:
    locked = (
        "<p class='subscriber-only'>Subscribers read on: the council will review the fares of "
        "every route again in March.</p>"
    )
    text = extract_article(page(paragraphs(1, 4) + locked + paragraphs(5, 8)), url=URL).text
    assert "review the fares of every route again in March" in text


def test_a_sign_up_box_three_levels_above_its_text_is_not_story() -> None:
    signup = (
        "<div class='row email-signup'><div class='inner'><div class='col'><p>Expert advice on "
        "fares and timetables dropped right in your inbox.</p></div></div></div>"
    )
    text = extract_article(page(paragraphs(1, 4) + signup + paragraphs(5, 8)), url=URL).text
    assert "timetable of route 8" in text
    assert "dropped right in your inbox" not in text
