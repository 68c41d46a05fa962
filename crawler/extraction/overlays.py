"""Modal dialogs are read as the `<dialog>` they stand for: an overlay, not the story.

A page keeps its pop-ups in the markup, closed until a click: a "Republish this article"
box with its licence terms and a copy of the story, cookie settings with their table of
cookies, a newsletter sign-up, a share or log-in box. Most are a `<div>` that says what it
is (`role="dialog"` or `"alertdialog"`, `aria-modal="true"`), hidden by a style or a class
trafilatura does not always read, and its text ends up in the story. trafilatura drops a
`<dialog>` element, open or closed; an element that says it is a dialog is renamed one, so
that every pass drops it too. It stays in the tree, where the paywall and byline rules still
read it. A dialog shown on the page (not hidden by `hidden`, `aria-hidden` or
`display: none`) that holds an `<h1>` is a story opened over the page, and is left alone.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from lxml.etree import XPath

from crawler.extraction.collapsed import ATTRIBUTE_HIDDEN

if TYPE_CHECKING:
    from lxml.html import HtmlElement

DIALOGS = XPath("//@role[. = 'dialog' or . = 'alertdialog']/.. | //@aria-modal[. = 'true']/..")


def close_dialogs(tree: HtmlElement) -> None:
    """Rename, in place, the elements of `tree` that say they are a dialog to `<dialog>`,
    but for a dialog shown on the page that holds a headline."""
    for element in DIALOGS(tree):
        shown_story = not ATTRIBUTE_HIDDEN(element) and element.find(".//h1") is not None
        if element.tag != "dialog" and not shown_story:
            element.tag = "dialog"
