"""Recover a story split into several containers (by an ad row, a video, a "chunked" layout).

Extractors pick one container; when the page holds more story-sized paragraphs than were
extracted, the other containers built like the chosen one (same tag, same class) are the
rest of the story, and their paragraphs are appended in page order.
"""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING

from lxml.etree import SubElement

if TYPE_CHECKING:
    from lxml.etree import _Element
    from lxml.html import HtmlElement

# A paragraph this long is story-sized.
LONG_PARAGRAPH = 120
# The repair is tried only when the body holds less than this share of the page's long text.
SUSPICIOUS_SHARE = 0.5
BLOCK_TAGS = ("p", "h2", "h3", "h4", "blockquote")


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
