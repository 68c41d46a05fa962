"""The page's tree put the way a reader sees it, before trafilatura reads it.

Each repair corrects a kind of markup that trafilatura misreads (see the modules named below):
modal dialogs, read as the `<dialog>` they stand for (`overlays`), tables and prose in a site
builder's embed blocks, quotations in figures, image frames that open a paragraph and text
pasted with a border style (`platforms`), accordion and disclosure panels closed until a
click (`collapsed`, `discarded`, `disclosures`). Most start from the few elements an
attribute marks: an embed's, an accordion's or a collapsible panel's class, a closed
disclosure button's `aria-expanded`, a border in a style. One walk of the page
finds them all, and each repair keeps those its own test picks at its turn (an earlier
repair may have renamed some): 0.5 ms a page against 1.3 for a walk each.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from lxml.etree import XPath

from crawler.extraction import collapsed, discarded, disclosures, overlays, platforms

if TYPE_CHECKING:
    from lxml.html import HtmlElement

CLASS_PARTS = (*collapsed.PANEL_WORDS, platforms.EMBED_PART)
MARKED = XPath(
    "//@class[" + " or ".join(f"contains(., '{part}')" for part in CLASS_PARTS) + "]/.."
    " | //@aria-expanded[. = 'false']/.."
    f" | //@style[contains(., '{platforms.BORDER_PART}')]/.."
)


def repair(tree: HtmlElement) -> None:
    """Repair `tree` in place, in this order."""
    overlays.close_dialogs(tree)
    marked: list[HtmlElement] = MARKED(tree)
    platforms.read_embedded_tables(tree)
    platforms.read_embedded_prose(marked)
    platforms.read_quoted_figures(tree)
    platforms.frames_last(tree)
    platforms.unbox_pasted_text(marked)
    collapsed.open_panels(marked)
    discarded.open_named_panels(tree, marked)
    disclosures.open_disclosures(tree, marked)
