"""The copy of a page that trafilatura's precise pass reads: without what its own cleaning
deletes anyway, and with three kinds of story markup that precision alone discards read as a
reader reads them."""

from __future__ import annotations

from copy import deepcopy
from typing import TYPE_CHECKING

from lxml.etree import XPath
from trafilatura.settings import CUT_EMPTY_ELEMS, MANUALLY_CLEANED
from trafilatura.xml import delete_element

from crawler.extraction.splitbody import HEADINGS

if TYPE_CHECKING:
    from lxml.html import HtmlElement

# What trafilatura's cleaning deletes, content and all, before it looks for the story
# (`MANUALLY_CLEANED`: menus, footers, asides, scripts, icons, widgets), less what it reads
# first: forms (a form may wrap the whole page), figures (one may hold a table), formulas, the
# `<head>`, and, below, the JSON-LD scripts that tell it a forum thread.
CHROME = tuple(tag for tag in MANUALLY_CLEANED if tag not in ("form", "figure", "math", "head"))


# An empty element in a code block, followed by code: precision's pruning of empty elements
# (`CUT_EMPTY_ELEMS`) deletes it with its tail, the line's first word. Pygments opens every
# block it highlights with one: `<pre><span></span>sudo<span class="w"> </span>ufw ...`.
EMPTY_IN_CODE = XPath(
    ".//*[not(node())]["
    + " or ".join(f"self::{tag}" for tag in sorted(CUT_EMPTY_ELEMS))
    + "][following-sibling::node()[1][self::text()]]"
)


# An article's header holding its standfirst, a paragraph of prose: precision discards every
# `<header>` as the page's; one that holds a menu, a form or a list is the page's.
STANDFIRST = XPath(
    "self::*[not(.//nav or .//form or .//menu or .//ul or .//ol)]"
    "[.//p[string-length(normalize-space()) >= 80]]"
)


# A table cell's heading holding a link: an entry's name in a table of entries (a directory of
# plants, of webcams), which precision's link-density test of headings deletes, leaving the
# row without its name.
LINKED_CELL_HEADING = XPath(
    ".//td//*[" + " or ".join(f"self::{tag}" for tag in HEADINGS) + "][.//a]"
)


def without_chrome(tree: HtmlElement) -> HtmlElement:
    """A copy of `tree` without the elements trafilatura's cleaning deletes anyway, for the
    precise pass: its prunes walk every element of the page before that cleaning, and a page
    is half menus, footers and scripts. The body it extracts is the same: an element holding
    an `<h1>` stays, as trafilatura keeps an infinite-scroll container that holds a headline.
    Three kinds of story markup that precision alone discards are read as a reader does:
    an empty element in a code block goes, but the code after it stays (the pruning of empty
    elements deletes a highlighted block's first word with it); an article's header that
    holds its standfirst is a `<div>` (every `<header>` is discarded); a table cell's linked
    heading is bold text (linked headings are deleted)."""
    copied = deepcopy(tree)
    for header in copied.iter("header"):
        if STANDFIRST(header):
            header.tag = "div"
    for element in list(copied.iter(CHROME)):
        if element.tag == "script" and element.get("type") == "application/ld+json":
            continue
        if element.getparent() is not None and next(element.iter("h1"), None) is None:
            delete_element(element)  # (`iter` is C's; a chrome element is no <h1> itself)
    for table in copied.iter("table"):  # (an XPath only on pages with tables)
        for heading in LINKED_CELL_HEADING(table):
            heading.tag = "strong"
    for code in list(copied.iter("pre")):  # (most pages have none: no XPath over the page)
        for element in EMPTY_IN_CODE(code):
            delete_element(element)  # its tail, the code, goes to the element before it
    return copied
