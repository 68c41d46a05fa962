"""A box beside or over the story (its class names a CTA, the author's bio, a pop-up, a
disclaimer, a form) is not story; what a box-named wrapper holds of the story is. Fine print
goes in boxes of up to 3,000 characters, and in boxes that together outweigh the story while
no one of them does; a box that holds most of the body is the story, and stays."""

from __future__ import annotations

from crawler.extraction.extract import extract_article

URL = "http://127.0.0.1/2026/03/02/harbour-pontoon"
HEADLINE = "Harbour crew lifts the north pontoon"


def paragraphs(first: int, last: int) -> str:
    return "".join(
        f"<p>On day {n} of the works, the harbour crew lifted another section of the north "
        f"pontoon, and the board said the rebuilt berths of section {n} open before spring.</p>"
        for n in range(first, last + 1)
    )


APPEAL = (
    "<div class='collection-cta'><div class='article-cta-box'>"
    "<p class='article-cta-header'>Enjoyed this piece? We need your help to keep publishing.</p>"
    "<p class='article-cta-content'>The Gazette is a non-profit kept alive by reader "
    "donations: no ads, no paywalls, just the generosity of our readers. Become a Friend "
    "today, or give a one-off donation.</p>"
    "<a class='article-cta-button' href='/support/'>Support the Gazette</a></div></div>"
)
NEWSLETTER = (
    "<div class='container inline-cta'><p>Get the harbour news in your inbox every Friday "
    "morning: tide tables, ferry changes and the works on the quay.</p>"
    "<a href='/newsletter'>Sign up</a></div>"
)


def page(story: str, wrapper: str = "entry-content") -> str:
    return (
        f"<html><head><title>{HEADLINE}</title></head><body><article><h1>{HEADLINE}</h1>"
        f"<div class='{wrapper}'>{story}</div></article></body></html>"
    )


def test_an_appeal_box_after_the_story_is_not_story() -> None:
    text = extract_article(page(paragraphs(1, 6) + APPEAL), url=URL).text
    assert "section 6 open before spring" in text
    assert "Enjoyed this piece" not in text
    assert "reader donations" not in text


def test_a_newsletter_box_between_paragraphs_is_not_story() -> None:
    text = extract_article(page(paragraphs(1, 3) + NEWSLETTER + paragraphs(4, 6)), url=URL).text
    assert "section 3 open before spring" in text
    assert "section 4 open before spring" in text
    assert "in your inbox every Friday" not in text


def test_the_story_a_cta_named_wrapper_holds_is_story() -> None:
    story = (
        f"<div class='above-cta'>{paragraphs(1, 3)}</div>"
        f"<div class='post-cta-wrapper'>{paragraphs(4, 12)}</div>"
    )
    text = extract_article(page(story), url=URL).text
    assert "section 1 open before spring" in text
    assert "section 12 open before spring" in text


BIO = (
    "<div class='entry-extras'><div class='author-bio'><img src='/staff/ada.jpg' alt=''>"
    "<div class='author-bio__text'><p>Ada Quayle covers the harbour, the ferries and the "
    "fishing fleet for the Gazette, and has written about the bay since 2009.</p></div>"
    "</div></div>"
)


def test_the_authors_bio_box_is_not_story() -> None:
    # trafilatura drops an "author" class, unless its pruning would take the story too: here
    # a theme's wrapper it reads as a widget.
    text = extract_article(page(paragraphs(1, 6) + BIO, wrapper="post-widget"), url=URL).text
    assert "section 6 open before spring" in text
    assert "has written about the bay since 2009" not in text


def test_a_story_in_a_bio_named_box_is_story() -> None:
    profile = (
        "<div class='bio'><p>Ada Quayle, the harbour master, retires this month after thirty "
        "years on the quay, where she saw the north pontoon built, broken by the storm and "
        "rebuilt twice.</p><p>She will keep her boat in the bay, she said, and sail it to the "
        "islands each summer with the crew she trained as apprentices.</p></div>"
    )
    text = extract_article(page(profile), url=URL).text
    assert "retires this month after thirty years" in text
    assert "sail it to the islands each summer" in text


THANKS = (
    "<div class='success-modal' id='success-modal'><div class='success-modal__content'>"
    "<p>Your message has been sent! Thank you for writing to the Gazette: an editor will "
    "answer within two working days.</p></div></div>"
)


def test_a_pop_up_no_role_marks_is_not_story() -> None:
    text = extract_article(page(paragraphs(1, 6) + THANKS), url=URL).text
    assert "section 6 open before spring" in text
    assert "Your message has been sent" not in text


FINE_PRINT = (
    "<div class='story-disclaimer'><p>The Gazette's reports on the harbour works are paid "
    "for by its readers; no contractor named in them has read or approved them.</p></div>"
)


def test_a_disclaimer_box_is_not_story() -> None:
    text = extract_article(page(paragraphs(1, 6) + FINE_PRINT), url=URL).text
    assert "section 6 open before spring" in text
    assert "no contractor named in them" not in text


def routes(first: int, last: int) -> str:
    """Paragraphs of a story of fares and timetables, route by route."""
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


def test_a_disclaimer_box_of_two_thousand_characters_is_not_story() -> None:
    text = extract_article(page(routes(1, 20) + fine_print("fund", 8)), url=URL).text
    assert "timetable of route 20" in text
    assert "Note fund 1:" not in text
    assert "Note fund 8:" not in text


def test_boxes_that_together_outweigh_the_story_each_go() -> None:
    boxes = fine_print("fund", 6) + fine_print("bond", 6) + fine_print("esg", 6)
    text = extract_article(page(routes(1, 10) + boxes), url=URL).text
    assert "timetable of route 10" in text
    assert "Note fund 1:" not in text
    assert "Note bond 1:" not in text
    assert "Note esg 6:" not in text


def test_a_box_that_holds_most_of_the_body_is_the_story() -> None:
    text = extract_article(page(routes(1, 2) + fine_print("fund", 12)), url=URL).text
    assert "Note fund 1:" in text
    assert "Note fund 12:" in text


def test_the_text_of_a_form_box_is_not_story() -> None:
    form = (
        "<div class='panel_form'><p>Sign up to hear first when the winter timetable changes "
        "and fares move.</p><input type='email'><p>Déjà vu! We already have this email. Try "
        "another?</p></div>"
    )
    text = extract_article(page(routes(1, 4) + form + routes(5, 8)), url=URL).text
    assert "timetable of route 8" in text
    assert "We already have this email" not in text


def test_a_story_in_a_format_named_wrapper_is_story() -> None:
    story = f"<div class='post format-standard'>{routes(1, 3)}</div>{routes(4, 8)}"
    text = extract_article(page(story), url=URL).text
    assert "timetable of route 1 would run" in text
    assert "timetable of route 3 would run" in text


def test_a_paragraph_classed_a_disclaimer_is_not_story() -> None:
    notice = (
        "<p class='disclaimer'>Accuracy and availability of transcripts may vary; the text may "
        "be revised to correct errors.</p>"
    )
    text = extract_article(page(routes(1, 8) + notice), url=URL).text
    assert "timetable of route 8" in text
    assert "availability of transcripts" not in text


def test_a_paragraph_classed_for_subscribers_is_story() -> None:
    locked = (
        "<p class='subscriber-only'>Subscribers read on: the council will review the fares of "
        "every route again in March.</p>"
    )
    text = extract_article(page(routes(1, 4) + locked + routes(5, 8)), url=URL).text
    assert "review the fares of every route again in March" in text


def test_a_sign_up_box_three_levels_above_its_text_is_not_story() -> None:
    signup = (
        "<div class='row email-signup'><div class='inner'><div class='col'><p>Expert advice on "
        "fares and timetables dropped right in your inbox.</p></div></div></div>"
    )
    text = extract_article(page(routes(1, 4) + signup + routes(5, 8)), url=URL).text
    assert "timetable of route 8" in text
    assert "dropped right in your inbox" not in text
