"""Modal dialogs closed until a click are no part of the story; a story shown in one is."""

from __future__ import annotations

from crawler.extraction.extract import extract_article

URL = "http://127.0.0.1/2026/03/02/harbour-pontoon"
HEADLINE = "Harbour crew lifts the north pontoon"
STORY = "".join(
    f"<p>On day {n} of the works, the harbour crew lifted another section of the north "
    f"pontoon, and the board said the rebuilt berths of section {n} open before spring.</p>"
    for n in range(1, 7)
)
# A theme's wrapper whose class trafilatura reads as a widget: its pruning of hidden
# elements, which would take the wrapper too, is then skipped, and a closed pop-up stays.
WIDGET = "<div class='post-widget'>{}</div>"
COOKIE_SETTINGS = (
    "<div class='privacy-box' role='dialog' aria-modal='true' aria-hidden='true'>"
    "<h4>Privacy overview</h4><p>This website uses cookies to improve your experience "
    "while you navigate through the website.</p><table>"
    "<tr><th>Cookie</th><th>Duration</th><th>Description</th></tr>"
    + "".join(
        f"<tr><td>consent-box-{kind}</td><td>11 months</td><td>Set by the consent plugin "
        f"to store whether the reader agreed to the {kind} cookies.</td></tr>"
        for kind in ("analytics", "functional", "necessary")
    )
    + "</table></div>"
)
REPUBLISH = (
    "<div id='republish-modal' style='display:none;' role='dialog'>"
    "<h2>Republish this article</h2><p>This work is licensed under a Creative Commons "
    "Attribution-NoDerivatives 4.0 International License.</p><p>Please credit us and our "
    "writers: use the author's name and ours, and link back to the article.</p></div>"
)


def page(body: str) -> str:
    return f"<html><head><title>{HEADLINE}</title></head><body>{body}</body></html>"


def story_with(dialog: str) -> str:
    return page(f"<article><h1>{HEADLINE}</h1>{WIDGET.format(STORY)}{dialog}</article>")


def test_closed_cookie_settings_are_not_story() -> None:
    text = extract_article(story_with(COOKIE_SETTINGS), url=URL).text
    assert "section 6 open before spring" in text
    assert "consent-box" not in text
    assert "Privacy overview" not in text


def test_a_closed_republication_box_is_not_story() -> None:
    text = extract_article(story_with(REPUBLISH), url=URL).text
    assert "section 6 open before spring" in text
    assert "Republish this article" not in text
    assert "Creative Commons" not in text


def test_a_story_shown_in_a_dialog_is_story() -> None:
    about = "".join(
        f"<p>The Harbour Gazette has covered the docks, the ferries and the fishing fleet of "
        f"the bay since 1921, from its office number {n} on the quay.</p>"
        for n in range(6)
    )
    overlay = (
        f"<main><div class='about'>{about}</div></main>"
        "<div class='story-overlay' role='dialog' aria-modal='true'>"
        f"<article><h1>{HEADLINE}</h1>{STORY}</article></div>"
    )
    text = extract_article(page(overlay), url=URL).text
    assert "section 1 open before spring" in text
    assert "section 6 open before spring" in text
