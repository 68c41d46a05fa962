"""Call-to-action boxes are no part of the story.

Between a story's paragraphs or at its end, a site places a box that asks the reader to act:
give to keep the site publishing, sign up for the newsletter, book a demo, ask for a quote.
Its class says so in the trade's own word, "CTA" (`article-cta-box`, `cta-block`,
`inline-cta`, `post-cta-wrapper`), a name trafilatura's boilerplate vocabulary lacks, and its
text ends up in the story. A `<p>` of the page inside such a box (its parent or up to three
levels above it) gives the box away, and the blocks of the body that say what the box says,
block for block, are dropped. A CTA box is a block (`<div>`, `<section>`) whose class names
a CTA (a word of a hyphen- or underscore-joined name) and that holds under 1,000 characters
and no headline. Not one: a wrapper a name places beside a CTA ("above-cta"), and the "call
to action" widgets of page builders (Elementor's `elementor-cta`, Divi's `et_pb_cta`), which
sites fill with the cards of a page. The page is read as it is: the box's text is matched in
the body trafilatura extracted, so its choice of the story does not move; and only the
elements around the page's paragraphs are looked up, as testing every class of the page
costs a millisecond.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from lxml.etree import _Element
    from lxml.html import HtmlElement

    from crawler.extraction.splitbody import Paragraphs

CTA_NAME = re.compile(r"(?:^|[-_])cta(?:[-_]|$)")
NOT_A_BOX = re.compile(r"(?:^|[-_])(?:above|below|before|after)[-_]cta|^elementor-cta|^et_pb_cta")
BLOCKS = frozenset({"div", "section"})
CTA_MAX_CHARS = 1000
BOX_DEPTH = 4  # a paragraph's box is its parent or one of the three elements above it


def drop_ctas(body: _Element, paragraphs: Paragraphs) -> int:
    """Remove from `body` the blocks whose text is the text of a call-to-action box holding
    one of the page's `paragraphs`, or of an element in one; the blocks removed."""
    parents = dict.fromkeys(paragraph.getparent() for paragraph, _ in paragraphs)
    boxes = dict.fromkeys(box for parent in parents if (box := cta_box(parent)) is not None)
    texts = {text for box in boxes for part in box.iter() if (text := key(part))}
    doomed = [block for block in body if key(block) in texts] if texts else []
    for block in doomed:
        body.remove(block)
    return len(doomed)


def cta_box(element: HtmlElement | None) -> HtmlElement | None:
    """The outermost call-to-action box among `element` and its ancestors, `BOX_DEPTH`
    levels in all, if any."""
    box = None
    for _ in range(BOX_DEPTH):
        if element is None:
            break
        if is_box(element):
            if len(element.text_content()) >= CTA_MAX_CHARS or element.find(".//h1") is not None:
                break
            box = element
        element = element.getparent()
    return box


def is_box(element: HtmlElement) -> bool:
    """`element` is a block whose class names a call to action."""
    if "cta" not in (classes := element.get("class", "").lower()):
        return False
    words = classes.split()
    return (
        element.tag in BLOCKS
        and any(CTA_NAME.search(word) for word in words)
        and not any(NOT_A_BOX.search(word) for word in words)
    )


def key(element: _Element) -> str:
    """The element's text without white space: a block of the body and the element of the
    page it came from read alike, however trafilatura spaced their inline elements."""
    return "".join("".join(element.itertext()).split()) if isinstance(element.tag, str) else ""
