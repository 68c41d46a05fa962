"""Where the story is on the page, and whether an extraction holds all of it.

Extractors pick one container; when the page holds more story-sized paragraphs than were
extracted, the other containers built like the chosen one (same tag, same class) are the
rest of the story, and their paragraphs are appended in page order (`rejoin`).

`container_text` measures the element that holds the extracted paragraphs: when it carries
much more prose than was extracted, the extractor dropped part of the story inside it (the
lists, tables and headed sections of a guide, paragraphs built of `<div>`s).
"""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING

from lxml.etree import SubElement, XPath

if TYPE_CHECKING:
    from lxml.etree import _Element
    from lxml.html import HtmlElement

# A paragraph this long is story-sized.
LONG_PARAGRAPH = 120
# The repair is tried only when the body holds less than this share of the page's long text.
SUSPICIOUS_SHARE = 0.5
BLOCK_TAGS = ("p", "h2", "h3", "h4", "blockquote")
# A run of text this long (one text node: a sentence or more) is prose, not a label or a link.
PROSE_RUN = 80
TEXT_NODES = XPath(
    ".//text()[not(ancestor::script or ancestor::style or ancestor::noscript"
    " or ancestor::template)]"
)


def squash(text: str) -> str:
    return " ".join(text.split())


Paragraphs = list[tuple["HtmlElement", str]]


def page_paragraphs(tree: HtmlElement) -> Paragraphs:
    """Every `<p>` of the page with its text, in page order."""
    return [(p, squash(p.text_content())) for p in tree.iter("p")]


def long_text(paragraphs: Paragraphs) -> int:
    """Characters in the page's story-sized paragraphs: about what a story on it can hold."""
    return sum(len(t) for _, t in paragraphs if len(t) >= LONG_PARAGRAPH)


def rejoin(tree: HtmlElement, body: _Element, text: str, paragraphs: Paragraphs) -> bool:
    """Append to `body` the paragraphs of the story's other containers; True if any were."""
    long_chars = long_text(paragraphs)
    if not long_chars or len(text) >= SUSPICIOUS_SHARE * long_chars:
        return False
    flat = squash(text)
    signature = Counter(
        container_key(p) for p, t in paragraphs if len(t) >= LONG_PARAGRAPH and t in flat
    ).most_common(1)
    if not signature or signature[0][0] is None:
        return False
    key = signature[0][0]
    containers = [p.getparent() for p, _ in paragraphs if container_key(p) == key]
    seen_ours, added = False, list[str]()
    for container in dict.fromkeys(c for c in containers if c is not None):
        blocks = [squash(b.text_content()) for b in container if b.tag in BLOCK_TAGS]
        if any(block and block in flat for block in blocks):
            seen_ours = True
        elif seen_ours:  # only containers after the extracted one: page order is kept
            added.extend(block for block in blocks if block)
    for block in added:
        SubElement(body, "p").text = block
    return bool(added)


def container_key(paragraph: HtmlElement) -> tuple[str, str] | None:
    """(tag, class) of a paragraph's container; None for an unmarked one."""
    parent = paragraph.getparent()
    if parent is None or not parent.get("class"):
        return None
    return str(parent.tag), str(parent.get("class"))


def container_text(body: _Element, paragraphs: Paragraphs) -> int | None:
    """Characters of prose (text runs of 80+ characters) in the smallest element of the page
    that holds every paragraph of `body` found among the page's `<p>`s; None when none is."""
    extracted = {squash(block_text) for block in body if (block_text := "".join(block.itertext()))}
    found = [p for p, text in paragraphs if len(text) >= LONG_PARAGRAPH // 3 and text in extracted]
    if not found:
        return None
    container = found[0].getparent() if len(found) == 1 else common_ancestor(found[0], found[-1])
    if container is None:
        return None
    runs = (len(squash(str(run))) for run in TEXT_NODES(container))
    return sum(n for n in runs if n >= PROSE_RUN)


def common_ancestor(first: HtmlElement, last: HtmlElement) -> HtmlElement | None:
    above_first = set(first.iterancestors())
    return next((node for node in last.iterancestors() if node in above_first), None)
