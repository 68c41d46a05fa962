"""A story's collapsed panels are read as shown.

Guides and explainers fold part of the story into accordions: an FAQ whose answers open on a
click, sections a reader expands. The closed panel is in the page, hidden by a class
("hidden", "collapse"), `aria-hidden` or `display: none` until the click, and trafilatura
drops hidden elements as it drops a closed pop-up. A panel that says it is one (its class, or
its parent's, names an accordion or a collapse) is opened, the way a reader opens it;
the element stays where it is, and trafilatura still judges whether it is part of the story.
Hidden elements of any other kind stay hidden.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from lxml.etree import XPath

if TYPE_CHECKING:
    from lxml.html import HtmlElement

# A class that names an accordion or a collapsible panel: "ccordion" and "ollaps" match
# "Accordion" and "collapsible" alike (found among the marked elements, see `repairs`).
PANEL_WORDS = ("ccordion", "ollaps")
HIDING_CLASS = re.compile(r"^(hidden|hide|is-hidden|collapse|collapsed|d-none)$", re.I)
HIDING_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.I)
# An element its own attributes hide: `hidden`, `aria-hidden`, `display: none` in its style.
ATTRIBUTE_HIDDEN = XPath(
    "self::*[@hidden or @aria-hidden='true'"
    " or contains(translate(@style, ' ', ''), 'display:none')]"
)


def panels(marked: list[HtmlElement]) -> list[HtmlElement]:
    """The elements of `marked` whose class names an accordion or a collapsible panel."""
    return [e for e in marked if any(word in e.get("class", "") for word in PANEL_WORDS)]


def open_panels(marked: list[HtmlElement]) -> None:
    """Unhide, in place, the accordion panels among `marked` and their direct children."""
    for element in panels(marked):
        for panel in (element, *element):
            if isinstance(panel.tag, str):
                unhide(panel)


def unhide(element: HtmlElement) -> None:
    """Drop what hides `element`: its hiding class words, `aria-hidden`, `display: none`."""
    if (classes := element.get("class")) is not None:
        element.set("class", " ".join(w for w in classes.split() if not HIDING_CLASS.match(w)))
    if element.get("aria-hidden") == "true":
        del element.attrib["aria-hidden"]
    if (style := element.get("style")) is not None and HIDING_STYLE.search(style):
        del element.attrib["style"]
    if element.get("hidden") is not None:
        del element.attrib["hidden"]
