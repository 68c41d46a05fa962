"""Markup of site builders that trafilatura misreads, put the way it reads it.

A CMS's embed block holds what an editor placed in the story: a callout, a product's review,
an FAQ, a styled quotation. trafilatura's boilerplate vocabulary reads "embed" in a class as a
social-media embed (a tweet, a video player) and drops the element with its text. An embed
that holds a paragraph of prose (120+ characters) outside a `<blockquote>` (where a tweet's or
a post's text sits) is story: the words that name it boilerplate come off its class, unless
a class word says it is hidden.

A quotation is printed in a `<figure>`: the `<blockquote>` and, in a `<figcaption>`, who said
it (HTML's own example of a figure). trafilatura deletes every figure as an image's frame
unless it holds a table; a figure holding a blockquote, and no embed (a post's frame: an
"embed" class, a script or an iframe), is read as the quotation it is.

A paragraph opening with an image's frame (a lazy-loading `<span>` around an `<img>`, an icon's
`<i>`) loses its first sentence in trafilatura's precise pass, which deletes the emptied frame
with the text after it. Such a frame (no text inside) goes to the end of its parent, after
the text it stood before.

Text pasted into an editor from another web page keeps that page's inline style, often the
CSS reset `box-sizing: border-box`. trafilatura's precise pass deletes every element whose
style mentions a border (a box beside the story), and with it the pasted half of a sentence:
the declaration goes from the style. So does a border that draws none (`border: none`,
`border: 0`, on a callout set apart by its background only).

Webflow's Embed element (`<div class="w-embed">`) holds the custom HTML an author pastes into
a story, most often a table the story's text refers to ("the chart below"). trafilatura's
boilerplate vocabulary reads "embed" in a class as a social-media embed (a tweet, a video
player) and drops the element; a table is never one. The class token goes from the elements
that hold a table, so that their table is read like any other.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from lxml.etree import XPath

from crawler.extraction.discarded import unname

if TYPE_CHECKING:
    from lxml.html import HtmlElement

WEBFLOW_EMBED = "w-embed"
# from the tables up (a page has few), not from every div down: 0.08 against 0.24 ms a page
EMBEDDED_TABLES = XPath(
    "//table/ancestor::div[contains(concat(' ', normalize-space(@class), ' '), ' w-embed ')]"
)


def read_embedded_tables(tree: HtmlElement) -> None:
    """Take the Embed class off the Webflow Embed elements that hold a table (in place)."""
    for element in EMBEDDED_TABLES(tree):
        tokens = element.get("class", "").split()
        element.set("class", " ".join(token for token in tokens if token != WEBFLOW_EMBED))


# in every embed's class (found among the marked elements, see `repairs`)
EMBED_PART = "mbed"
PROSE = XPath(
    "descendant-or-self::p[string-length(normalize-space(.)) >= 120][not(ancestor::blockquote)]"
)
EMBED_WORD = re.compile(r"embed", re.I)
HIDDEN_WORD = re.compile(r"^hide$|hidden", re.I)


def read_embedded_prose(marked: list[HtmlElement]) -> None:
    """Unname (in place) the embed blocks among `marked` that hold a paragraph of prose."""
    for element in marked:
        if EMBED_PART not in (classes := element.get("class", "")):
            continue
        words = classes.split()
        if (
            any(EMBED_WORD.search(word) for word in words)
            and not any(HIDDEN_WORD.search(word) for word in words)
            and PROSE(element)
        ):
            unname(element)


QUOTED_FIGURES = XPath(
    "//figure[.//blockquote][not(.//script or .//iframe)]"
    "[not(descendant-or-self::*[contains(@class, 'embed')])]"
)


def read_quoted_figures(tree: HtmlElement) -> None:
    """Make the figures of `tree` that hold a quotation plain blocks (in place)."""
    for figure in QUOTED_FIGURES(tree):
        figure.tag = "div"


# an element of a paragraph holding no text, followed by text
FRAMES = XPath(
    "//p//*[self::span or self::div or self::b or self::i or self::em or self::strong]"
    "[not(.//text())][following-sibling::node()[1][self::text()][normalize-space()]]"
)


def frames_last(tree: HtmlElement) -> None:
    """Move the textless frames in the paragraphs of `tree` after the text that follows them
    (in place)."""
    for frame in FRAMES(tree):
        parent, text = frame.getparent(), frame.tail
        if parent is None:
            continue
        frame.tail = None
        if (before := frame.getprevious()) is not None:
            before.tail = (before.tail or "") + (text or "")
        else:
            parent.text = (parent.text or "") + (text or "")
        parent.append(frame)


# in every style that sets it (found among the marked elements, see `repairs`)
BORDER_PART = "border"
# `box-sizing: border-box`, and a border that draws none ("border: none", "border: 0")
BORDER_BOX = re.compile(
    r"(?:-(?:webkit|moz)-)?box-sizing\s*:\s*border-box\s*;?"
    r"|(?<![-\w])border\s*:\s*(?:none|0(?:px)?)\s*(?:!important\s*)?(?:;|$)",
    re.I,
)


def unbox_pasted_text(marked: list[HtmlElement]) -> None:
    """Take `box-sizing: border-box` and borders that draw none out of the inline styles
    among `marked` (in place)."""
    for element in marked:
        if BORDER_PART in (style := element.get("style", "")):
            element.set("style", BORDER_BOX.sub("", style))
