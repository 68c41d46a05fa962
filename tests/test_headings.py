"""A story's headings that trafilatura left out between its paragraphs go back in."""

from __future__ import annotations

from crawler.extraction.extract import extract_article

URL = "http://127.0.0.1/2026/03/02/how-the-harbour-was-rebuilt"
SECTIONS = (
    "The storm of the last winter",
    "What the harbour board decided on Monday",
    "Who pays for the work on the pontoon",
    "When the boats can come back",
)


def story(aside: str = "") -> str:
    """A story in a container trafilatura does not know, its sections under headings."""
    sections = "".join(
        f"<h2>{heading}</h2><p>Section {n} of the story: the harbour board heard for a whole "
        f"evening why the north pontoon, built after the storm, must be rebuilt ({n}).</p>"
        f"<p>Section {n} goes on: the engineers showed the cracks they found in the piles "
        f"under the pontoon, and the fishermen asked who would pay for them ({n}).</p>"
        + (aside if n == 1 else "")
        for n, heading in enumerate(SECTIONS, 1)
    )
    return (
        "<html><head><title>How the harbour was rebuilt</title></head><body>"
        "<nav><a href='/'>Home</a> <a href='/news'>News</a></nav>"
        "<div class='blog-wrap'><div class='rich-copy'><h1>How the harbour was rebuilt</h1>"
        f"<p>The harbour board voted on Monday to rebuild the north pontoon before the spring, "
        f"after a winter in which the storm broke half of its piles.</p>{sections}"
        "</div></div></body></html>"
    )


def test_headings_between_the_paragraphs_of_a_story_are_kept() -> None:
    """trafilatura, finding no container it knows, gathers only the paragraphs."""
    text = extract_article(story(), url=URL).text
    for heading in SECTIONS[1:]:
        assert f"\n\n{heading}\n\nSection" in text


def test_a_teasers_heading_between_the_paragraphs_stays_out() -> None:
    """Headings of related stories in the story (in an aside, or linked) are not put in."""
    aside = (
        "<aside><h3>Fishermen ask for a second harbour</h3><p>Read the story from last "
        "week.</p></aside><div><h3><a href='/pontoon'>The pontoon in pictures</a></h3></div>"
    )
    text = extract_article(story(aside), url=URL).text
    assert SECTIONS[1] in text
    assert "Fishermen ask for a second harbour" not in text
    assert "The pontoon in pictures" not in text
