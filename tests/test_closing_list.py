"""A list of prose closing the story, after its last paragraph, is put back (splitbody)."""

from __future__ import annotations

import lxml.html
from lxml import etree

from crawler.extraction import splitbody

STORY = [
    f"Paragraph {n} of the benchmark write-up, " + "with its figures explained. " * 4 for n in "123"
]
STEPS = [
    "Instead of one block after another, we can measure how clients fare with longer slots.",
    "We want to test with a state much bigger than the one the network holds today, soon.",
    "Add the last client to the runs once a snapshot of its database is "
    "<a href='/snap'>published</a>.",
]


def page_and_body(after: str) -> tuple[lxml.html.HtmlElement, etree._Element]:
    """A page whose story's last paragraph is followed by `after`, and its precise body (the
    story's paragraphs and an image's empty block)."""
    paragraphs = "".join(f"<p>{text}</p>" for text in STORY)
    page = lxml.html.fromstring(
        f"<html><body><article><div class='rich-text'>{paragraphs}{after}</div>"
        "<div class='share'>Share this post</div></article></body></html>"
    )
    body = etree.fromstring("<body>" + "".join(f"<p>{t}</p>" for t in STORY) + "<p/></body>")
    return page, body


def rejoined(page: lxml.html.HtmlElement, body: etree._Element) -> bool:
    return splitbody.rejoin(page, body, " ".join(STORY), splitbody.page_paragraphs(page))


def test_a_closing_list_of_sentences_and_its_heading_go_back_after_the_story() -> None:
    steps = "".join(f"<li>{step}</li>" for step in STEPS)
    page, body = page_and_body(
        f"<p>&zwj;</p><h3>Possible next steps</h3><script>var x = 'a tracker';</script>"
        f"<ul>{steps}</ul>"
    )
    assert rejoined(page, body)
    assert [block.tag for block in body][-2:] == ["head", "list"]
    assert body[-2].text == "Possible next steps"
    assert [item.text for item in body[-1]] == [
        " ".join(lxml.html.fromstring(step).text_content().split()) for step in STEPS
    ]


def test_teasers_short_lines_footnotes_and_lists_past_other_text_stay_out() -> None:
    """Related posts (links), a paywall's "learn about" lines (short), the footnotes, and a
    list after the story's end (another block between) are no closing list of the story."""
    related = "".join(f"<li><a href='/post-{n}'>{STEPS[n][:60]}</a></li>" for n in range(3))
    short = "".join(f"<li>{step[:50]}</li>" for step in STEPS)
    notes = "".join(f"<li>{step}</li>" for step in STEPS)
    sentences = "".join(f"<li>{step}</li>" for step in STEPS)
    for after in (
        f"<h2>Related posts</h2><ul>{related}</ul>",
        f"<p>Subscribe to unlock this piece and learn about:</p><ul>{short}</ul>",
        f"<ul>{short}</ul>",
        f"<ul class='modern-footnotes-list'>{notes}</ul>",
        f"<div>About the author: a writer.</div><ul>{sentences}</ul>",
    ):
        page, body = page_and_body(after)
        assert not rejoined(page, body), after
        assert len(body) == len(STORY) + 1
