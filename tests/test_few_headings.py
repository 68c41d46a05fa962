"""A story's few short headings go back in, though no recall pass is called for them."""

from __future__ import annotations

from crawler.extraction.extract import extract_article

URL = "http://127.0.0.1/2026/03/02/how-to-replace-brake-pads"
SECTIONS = ("Tools", "Parts", "Steps")


def story(spacer: str = "") -> str:
    """A guide in a container trafilatura does not know, under three one-word headings (under
    100 characters of headings left out, too few to ask the recall-first pass), each followed
    by `spacer`."""
    sections = "".join(
        f"<h2>{heading}</h2>{spacer}<p>Section {n} of the guide: the mechanic lifts the car on two "
        f"stands, takes the wheel off and checks the pads for wear before anything else ({n}).</p>"
        f"<p>Section {n} goes on: the old pads come out with a flat screwdriver, and the new "
        f"ones go in with a dab of grease on their backs, never on their faces ({n}).</p>"
        for n, heading in enumerate(SECTIONS, 1)
    )
    return (
        "<html><head><title>How to replace brake pads</title></head><body>"
        "<nav><a href='/'>Home</a> <a href='/guides'>Guides</a></nav>"
        "<div class='blog-wrap'><div class='rich-copy'><h1>How to replace brake pads</h1>"
        "<p>Brake pads wear out every forty thousand miles or so, and changing them at home "
        f"takes an hour and a few tools.</p>{sections}</div></div></body></html>"
    )


def test_a_few_short_headings_between_the_paragraphs_are_kept() -> None:
    text = extract_article(story(), url=URL).text
    for n, heading in list(enumerate(SECTIONS, 1))[1:]:
        assert f"\n\n{heading}\n\nSection {n} of the guide" in text


def test_a_heading_followed_by_an_editors_spacer_is_kept() -> None:
    """Webflow's rich text puts an empty paragraph (a zero-width joiner) after a heading: the
    heading heads the paragraph after it, not the spacer."""
    text = extract_article(story("<p>&zwj;</p>"), url=URL).text
    for n, heading in list(enumerate(SECTIONS, 1))[1:]:
        assert f"\n\n{heading}\n\nSection {n} of the guide" in text


def test_a_heading_over_a_part_the_body_left_out_goes_before_the_next_block() -> None:
    """A shop's button under each heading, which precision drops as a link: the heading heads
    the paragraph after it."""
    button = "<p><a class='btn' href='https://shop.example/pads'>Buy the pads</a></p>"
    text = extract_article(story(button), url=URL).text
    assert "Buy the pads" not in text
    for n, heading in list(enumerate(SECTIONS, 1))[1:]:
        assert f"\n\n{heading}\n\nSection {n} of the guide" in text
