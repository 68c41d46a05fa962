"""Site builders' markup that trafilatura misreads: Webflow's Embed holding a table."""

from __future__ import annotations

from crawler.extraction.extract import extract_article

URL = "http://127.0.0.1/blog/tipping-guide"
STORY = "".join(
    f"<p>Tipping custom number {n} differs from town to town, and the chart below sums up "
    f"what staff in each kind of place expect from a guest today.</p>"
    for n in range(6)
)
TABLE = (
    "<table><tr><th>Service</th><th>Suggested tip</th></tr>"
    "<tr><td>Full service restaurant</td><td>20%</td></tr>"
    "<tr><td>Coffee shop</td><td>$1 - $2</td></tr></table>"
)


def page(embed: str) -> str:
    return (
        "<html><head><title>Tipping guide</title></head><body><article><h1>Tipping guide</h1>"
        f"<div class='rich-text w-richtext'>{STORY}{embed}<p>Tip in cash when you can.</p>"
        "</div></article></body></html>"
    )


def test_a_table_in_a_webflow_embed_is_part_of_the_story() -> None:
    extracted = extract_article(page(f"<div class='w-embed'>{TABLE}</div>"), url=URL)
    assert "Full service restaurant" in extracted.text
    assert "<table>" in extracted.html


def test_a_webflow_embed_without_a_table_is_still_left_out() -> None:
    """A pasted widget (a sign-up box, a player) stays out, as trafilatura leaves it."""
    widget = "<div class='w-embed'><div>Get our weekly tipping newsletter in your inbox</div></div>"
    extracted = extract_article(page(widget), url=URL)
    assert "newsletter" not in extracted.text
    assert "Tip in cash when you can." in extracted.text
