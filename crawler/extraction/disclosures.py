"""A story's disclosure panels are read as shown.

The WAI-ARIA disclosure pattern folds part of a story under a button: the button says
`aria-expanded="false"`, and the panel it opens (the element its `aria-controls` names, or
the block right after the button's own block) is hidden (`hidden`, `aria-hidden`,
`display: none`) until the click. trafilatura drops hidden elements, and with them the
sections of a review or a guide a reader opens. A hidden panel holding a paragraph of prose
(120+ characters) is opened, as `collapsed` opens the panels whose class names an accordion;
trafilatura still judges whether it is part of the story. Hidden elements no button opens
stay hidden.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from lxml.etree import XPath

from crawler.extraction.collapsed import ATTRIBUTE_HIDDEN, unhide

if TYPE_CHECKING:
    from lxml.html import HtmlElement

IDS = XPath("//*[@id][contains(concat(' ', $names, ' '), concat(' ', @id, ' '))]")
PROSE = XPath("descendant::p[string-length(normalize-space(.)) >= 120]")
# how many levels above the button its own block may be (a button in a heading in a header)
BLOCK_DEPTH = 3


def open_disclosures(tree: HtmlElement, marked: list[HtmlElement]) -> None:
    """Unhide, in place, the hidden panels of `tree` that a closed disclosure button among
    `marked` (`aria-expanded="false"`, see `repairs`) opens and that hold prose."""
    buttons = [element for element in marked if element.get("aria-expanded") == "false"]
    names = {name for button in buttons if (name := first_control(button))}
    by_id = (
        {element.get("id"): element for element in IDS(tree, names=" ".join(names))}
        if names
        else {}
    )
    for button in buttons:
        name = first_control(button)
        panel = by_id.get(name) if name else after_block(button)
        if panel is not None and ATTRIBUTE_HIDDEN(panel) and PROSE(panel):
            unhide(panel)


def first_control(button: HtmlElement) -> str | None:
    """The id of the first element `button`'s `aria-controls` names."""
    names = button.get("aria-controls", "").split()
    return names[0] if names else None


def after_block(button: HtmlElement) -> HtmlElement | None:
    """The element right after `button`, or after one of its first three ancestors."""
    element: HtmlElement | None = button
    for _ in range(BLOCK_DEPTH + 1):
        if element is None:
            return None
        if (after := element.getnext()) is not None:
            return after
        element = element.getparent()
    return None
