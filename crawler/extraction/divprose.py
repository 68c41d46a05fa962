"""A story's prose written in a `<div>` among its paragraphs is read as a paragraph.

Editors and templates set part of a story in a box of its own beside its `<p>`s: a callout
("Note: ...", "Updates: ..."), a pull quote, an FAQ's answer, a product's summary. The box is
a `<div>` holding the text itself, with at most inline markup (`<strong>`, `<a>`, `<br>`).
trafilatura reads a `<div>`'s own text only when the page has too few paragraphs, so it drops
these boxes, and with them sentences the story's paragraphs go on from. A `<div>` of prose (a
run of 60+ characters outside links, links under 30% of its text) whose parent holds two
`<p>`s or more is renamed a paragraph; trafilatura still judges whether it is part of the
story (its class, its link density, where it sits). A `<div>` holding blocks (a banner's
title and button, a card) or only links (a footer's menu) stays as it is. The boxes are
looked for beside the page's `<p>`s, which extraction lists anyway, not by a walk of the page
(0.5 million instructions a page).
"""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING

from lxml.etree import XPath

from crawler.extraction.pagetext import linked_chars, squash

if TYPE_CHECKING:
    from lxml.html import HtmlElement

    from crawler.extraction.splitbody import Paragraphs

INLINE = (
    *("a", "abbr", "b", "bdi", "br", "cite", "code", "del", "dfn", "em", "font", "i", "img"),
    *("ins", "kbd", "mark", "q", "s", "samp", "small", "span", "strong", "sub", "sup", "time"),
    *("u", "var", "wbr"),
)
# nothing inside but inline elements, and 80+ characters of text
BOX = XPath(
    "self::div[not(descendant::*[not(" + " or ".join(f"self::{tag}" for tag in INLINE) + ")])]"
    "[string-length(normalize-space(.)) >= 80]"
)
OWN_RUNS = XPath("descendant::text()[not(ancestor::a)]")
# a run of this many characters outside links is a sentence or more
PROSE_RUN = 60
# a box whose links hold this share of its text or more is a list of links, not prose
LINK_SHARE = 0.3


def read_boxed_prose(paragraphs: Paragraphs) -> None:
    """Rename (in place) to `<p>` the `<div>`s of prose beside two or more of the page's
    `paragraphs` (its `<p>`s, from `splitbody.page_paragraphs`): the boxes are found from
    them, not by a walk of the page."""
    holders = Counter(parent for p, _ in paragraphs if (parent := p.getparent()) is not None)
    for holder, count in holders.items():
        if count < 2 or holder.tag != "div":
            continue
        for box in holder.iterchildren("div"):
            if BOX(box) and prose(box):
                box.tag = "p"


def prose(box: HtmlElement) -> bool:
    """`box` holds a sentence outside links, and its links hold under 30% of its text."""
    text = squash(box.text_content())
    return linked_chars(box) < LINK_SHARE * len(text) and any(
        len(squash(run)) >= PROSE_RUN for run in OWN_RUNS(box)
    )
