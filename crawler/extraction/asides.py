"""Boxes set beside or over the story, which their class names, are no part of it.

Between a story's paragraphs or around it, a site places boxes the reader does not read as the
story, and their class says what they are, in words trafilatura's boilerplate vocabulary
lacks:

- a call to action, in the trade's own word "CTA" (`article-cta-box`, `cta-block`,
  `inline-cta`): give to keep the site publishing, sign up for the newsletter, book a demo;
- the author's bio (`author-bio`, `about-author`, `author_detail_box`, the "Simple Author
  Box" and "Starbox" plugins' `saboxplugin-wrap` and `abh_box`, a `bio`): who wrote the story
  and what else they do;
- a pop-up that no `role` marks as a dialog (`modal`, `popup`, `lightbox`: see `overlays`):
  a form's "thank you" note, a newsletter sign-up, a disclosure opened by a click;
- a disclaimer (`disclaimer`, `affiliate-disclaimer`: the fund's fine print, "this content
  is provided as a service of...") and a newsletter's sign-up (`newsletter`, `subscribe`,
  `email-signup`, `optin`);
- a form (`form`, `panel_form`, `form__disclosure-text`): a sign-up's "we already have this
  email", the terms of submitting it.

A `<p>` of the page that is such a box itself (an NPR transcript's `<p class="disclaimer">`,
a `txt-disclaimer` under a dictionary's examples), or one of the three elements above it (a
sign-up's `email-signup` row around its column and its inner wrapper), gives the box away,
and the blocks of the body that say what the box says, block for block, are dropped. A box
is a `<p>`, `<div>` or `<section>` whose class names one (a word of a hyphen- or
underscore-joined name) and that holds under 3,000 characters and no headline. Not one: a
wrapper a name places beside a CTA ("above-cta"), and the "call to action" widgets of page
builders (Elementor's `elementor-cta`, Divi's `et_pb_cta`), which sites fill with the cards
of a page. A box whose blocks would take half of the body or more is its story, and stays;
the other boxes go, each judged alone (a fund's fine print in three boxes may outweigh the
story, and no one of them does).

The page is read as it is: the box's text is matched in the body trafilatura extracted, so its
choice of the story does not move; and only each of the page's paragraphs and the three
elements above it are looked at (each a Python object lxml builds, once), as testing every
class of the page costs a millisecond.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from lxml.etree import _Element
    from lxml.html import HtmlElement

    from crawler.extraction.splitbody import Paragraphs

BOX_NAME = re.compile(
    r"(?:^|[-_])cta(?:[-_]|$)"
    r"|(?:author|writer|contributor)[-_]*(?:bio|box|info|desc|detail|card|about|profile|summary"
    r"|block|wrap)|about[-_]+(?:the[-_]+)?author|^saboxplugin|^abh_box|(?:^|[-_])bio(?:[-_]|$)"
    r"|(?:^|[-_])(?:modal|popup|pop-up|lightbox)(?:[-_]|$)"
    r"|(?:^|[-_])(?:disclaimers?|newsletter|subscribe|subscription|signup|sign-up|optin|opt-in"
    r"|forms?)"
    r"(?:[-_]|$)"
)
NAME_PARTS = re.compile(
    "cta|author|writer|contributor|bio|sabox|abh_|modal|pop|lightbox|disclaim|newsletter"
    "|subscri|signup|sign-up|optin|opt-in|form"
)
NOT_A_BOX = re.compile(r"(?:^|[-_])(?:above|below|before|after)[-_]cta|^elementor-cta|^et_pb_cta")
BLOCKS = frozenset({"div", "section", "p"})
BOX_MAX_CHARS = 3000
BOX_DEPTH = 4  # a paragraph's box is itself or one of the three elements above it
STORY_SHARE = 0.5  # a box holding this share of the body is its story
OTHER, BOX, TOO_BIG = range(3)


def drop_asides(body: _Element, paragraphs: Paragraphs) -> int:
    """Remove from `body` the blocks whose text is the text of a box beside the story that
    is or holds one of the page's `paragraphs`, or of an element in one; the blocks removed."""
    verdicts: dict[HtmlElement, int] = {}  # also keeps each element's proxy: built once
    boxes = dict.fromkeys(
        box for paragraph, _ in paragraphs if (box := named_box(paragraph, verdicts)) is not None
    )
    if not boxes:
        return 0
    keys = [(block, key(block)) for block in body]
    limit = STORY_SHARE * sum(len(text) for _, text in keys)
    doomed = dict.fromkeys(block for box in boxes for block in story_free(keys, box, limit))
    for block in doomed:
        body.remove(block)
    return len(doomed)


def story_free(keys: list[tuple[_Element, str]], box: HtmlElement, limit: float) -> list[_Element]:
    """The blocks of `keys` (each block of the body with its `key`) whose text is the text of
    `box` or of an element in it: none if they hold `limit` characters or more (the story)."""
    texts = {text for part in box.iter() if (text := key(part))}
    blocks = [(block, text) for block, text in keys if text in texts]
    return [] if sum(len(text) for _, text in blocks) >= limit else [block for block, _ in blocks]


def named_box(element: HtmlElement | None, verdicts: dict[HtmlElement, int]) -> HtmlElement | None:
    """The outermost box beside the story among `element` and its ancestors, `BOX_DEPTH`
    levels in all, if any; `verdicts` holds what is known of the elements seen so far."""
    box = None
    for _ in range(BOX_DEPTH):
        if element is None:
            break
        if (verdict := verdicts.get(element)) is None:
            verdict = verdicts[element] = judge(element)
        if verdict == TOO_BIG:
            break
        if verdict == BOX:
            box = element
        element = element.getparent()
    return box


def judge(element: HtmlElement) -> int:
    """`BOX`, a box beside the story; `TOO_BIG`, a box that holds a headline or 3,000+
    characters (a story's wrapper); `OTHER`, any other element."""
    if not is_box(element):
        return OTHER
    if len(element.text_content()) >= BOX_MAX_CHARS or element.find(".//h1") is not None:
        return TOO_BIG
    return BOX


def is_box(element: HtmlElement) -> bool:
    """`element` is a block whose class names a box beside the story."""
    classes = element.get("class", "").lower()
    if element.tag not in BLOCKS or not NAME_PARTS.search(classes):
        return False  # most elements: one search of their class for a part of a name
    words = classes.split()
    return any(BOX_NAME.search(word) for word in words) and not any(
        NOT_A_BOX.search(word) for word in words
    )


def key(element: _Element) -> str:
    """The element's text without white space: a block of the body and the element of the
    page it came from read alike, however trafilatura spaced their inline elements."""
    return "".join("".join(element.itertext()).split()) if isinstance(element.tag, str) else ""
