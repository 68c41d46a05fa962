"""A box beside or over the story (its class names a CTA, the author's bio, a pop-up, a
disclaimer) is not story; what a box-named wrapper holds of the story is."""

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
