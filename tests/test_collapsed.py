"""A story's collapsed accordion panels are read as shown; other hidden elements are not."""

from __future__ import annotations

from crawler.extraction.extract import extract_article

URL = "http://127.0.0.1/guides/solar-installation"
STORY = "".join(
    f"<p>Step {n} of a solar installation takes a crew about a day, and the guide below "
    f"explains what a homeowner should check before the work on step {n} begins.</p>"
    for n in range(6)
)


def page(extra: str) -> str:
    return (
        "<html><head><title>Solar installation</title></head><body><article>"
        f"<h1>Solar installation</h1>{STORY}{extra}</article></body></html>"
    )


def test_the_answers_of_a_collapsed_faq_are_part_of_the_story() -> None:
    faq = (
        "<h2>Frequently asked questions</h2><div class='faq-accordion'>"
        "<div class='accordion-item'><h3>How long does it take?</h3>"
        "<div class='accordion-body' style='display:none'><p>Most roofs take two to three "
        "days, inspection included, once the permits have been granted.</p></div></div>"
        "<div class='accordion-item'><h3>Do I need a permit?</h3>"
        "<div class='accordion-body hidden' aria-hidden='true'><p>Nearly every town asks for "
        "a building permit and an electrical permit before the panels go up.</p></div></div>"
        "</div>"
    )
    extracted = extract_article(page(faq), url=URL)
    assert "Most roofs take two to three days" in extracted.text
    assert "Nearly every town asks for a building permit" in extracted.text


def test_a_hidden_element_that_is_no_panel_stays_hidden() -> None:
    hidden = (
        "<div style='display:none'><p>Limited offer: order your panels today with a free "
        "battery for every customer who signs before Friday.</p></div>"
    )
    extracted = extract_article(page(hidden), url=URL)
    assert "Limited offer" not in extracted.text
