"""A story inside an element that trafilatura's boilerplate vocabulary names.

Before it looks for the story, trafilatura deletes every element whose class or id holds a word
of its boilerplate vocabulary (footer, sidebar, widget, menu, slide, banner, meta...), unless
deleting them all would leave under a seventh of the text. Templates name a story's containers
by where they sit on the page: a listicle whose entries follow the introduction in a
`div.page-footer`, a guide in `div.content-sidebar-wrap`. When such an element holds most of the
page's story-sized paragraphs and the extraction missed them, it is the story, not a footer:
its naming words (those of the class, and an id) are taken off, and the page is extracted
again.
"""

from __future__ import annotations

import re
from collections import Counter
from typing import TYPE_CHECKING

from lxml.etree import XPath
from lxml.html import Element
from trafilatura.xpaths import OVERALL_DISCARD_XPATH

from crawler.extraction.collapsed import panels
from crawler.extraction.splitbody import LONG_PARAGRAPH, Paragraphs, flat_text, long_text

if TYPE_CHECKING:
    from lxml.etree import _Element
    from lxml.html import HtmlElement

# trafilatura's own test (".//*[...]"), read as a test of one element
DISCARDED = XPath(
    "self::*" + OVERALL_DISCARD_XPATH[0].path.strip().removeprefix(".//*"),
    namespaces={"re": "http://exslt.org/regular-expressions"},
)
# Elements built alike holding this share of the page's story-sized prose, in this many
# paragraphs or more, hold the story; the body missed it when it holds under half of that prose.
STORY_SHARE = 2 / 3
MIN_PARAGRAPHS = 5
MISSED_SHARE = 0.5


def discarded(element: HtmlElement) -> bool:
    """trafilatura's vocabulary takes `element` for boilerplate."""
    return bool(DISCARDED(element))


def story_holders(paragraphs: Paragraphs, body: _Element | None) -> list[HtmlElement]:
    """The elements trafilatura discards that hold the story `body` missed, when it holds under
    half of the page's story-sized prose: those holding 2/3+ of that prose in five paragraphs
    or more (a `div.page-footer`), else the elements built alike (same tag and class) that
    hold it together (a listicle's slides)."""
    total = long_text(paragraphs)
    story = [(p, text) for p, text in paragraphs if len(text) >= LONG_PARAGRAPH]
    if len(story) < MIN_PARAGRAPHS:
        return []
    flat = "" if body is None else flat_text(body)
    if sum(len(text) for _, text in story if text in flat) >= MISSED_SHARE * total:
        return []
    verdicts: dict[HtmlElement, bool] = {}
    members: dict[tuple[str, str], dict[HtmlElement, None]] = {}
    held: Counter[tuple[str, str]] = Counter()
    count: Counter[tuple[str, str]] = Counter()
    for p, text in story:
        for ancestor in p.iterancestors():
            if ancestor.tag in ("body", "html"):
                break
            if ancestor not in verdicts:
                verdicts[ancestor] = discarded(ancestor)
            if verdicts[ancestor]:
                key = (str(ancestor.tag), ancestor.get("class", ""))
                members.setdefault(key, {})[ancestor] = None
                held[key] += len(text)
                count[key] += 1
    groups = [
        list(members[key])
        for key, chars in held.items()
        if chars >= STORY_SHARE * total and count[key] >= MIN_PARAGRAPHS
    ]
    # one element holding the story is it; elements alike are, when no one element is
    alone = [group[0] for group in groups if len(group) == 1]
    return alone or [element for group in groups for element in group]


def unname(element: HtmlElement) -> None:
    """Take off `element` (in place) the class words and the id that trafilatura's
    vocabulary reads as boilerplate; the class goes whole if its words only match together."""
    if (classes := element.get("class")) is not None:
        kept = [word for word in classes.split() if not discarded(Element("div", {"class": word}))]
        element.set("class", " ".join(kept))
    if (name := element.get("id")) is not None and discarded(Element("div", {"id": name})):
        del element.attrib["id"]
    if discarded(element):
        element.attrib.pop("class", None)


def open_story(paragraphs: Paragraphs, body: _Element | None) -> bool:
    """Unname (in place) the elements trafilatura would discard that hold the story `body`
    missed; True if there were any."""
    holders = story_holders(paragraphs, body)
    for element in holders:
        unname(element)
    return bool(holders)


# the border declarations of an inline style ("border: 1px solid", "border-color: #ccc")
BORDER = re.compile(r"border[-a-z]*\s*:[^;]*;?", re.I)
LONG_PARAGRAPHS = XPath(".//p[string-length(normalize-space(.)) >= 120]")


def open_named_panels(tree: HtmlElement, marked: list[HtmlElement]) -> None:
    """Unname (in place) the accordion panels among `marked` (see `repairs`), and the elements
    inside them, that trafilatura's vocabulary reads as boilerplate ('-icon', 'expanded') and
    that hold prose, unless other prose of the page sits in elements it reads so: trafilatura
    deletes them all or none (the seventh of the text left), and unnaming the panels alone
    would let it delete the others (an Elementor page whose every widget says 'widget'). A
    panel drawn as a box loses the border of its inline style, for which trafilatura's precise
    pass deletes it."""
    verdicts: dict[HtmlElement, bool] = {}

    def named(element: HtmlElement) -> bool:
        if element not in verdicts:
            verdicts[element] = discarded(element)
        return verdicts[element]

    found: dict[HtmlElement, None] = {}
    for panel in panels(marked):
        for paragraph in LONG_PARAGRAPHS(panel):
            for ancestor in paragraph.iterancestors():
                if named(ancestor):
                    found[ancestor] = None
                if "border" in ancestor.get("style", ""):
                    ancestor.set("style", BORDER.sub("", ancestor.get("style", "")))
                if ancestor is panel:
                    break
    if not found:
        return
    for paragraph in LONG_PARAGRAPHS(tree):
        ancestors = list(paragraph.iterancestors())
        if not any(a in found for a in ancestors) and any(named(a) for a in ancestors):
            return
    for element in found:
        unname(element)
