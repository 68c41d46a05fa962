"""Where the story is on the page, and whether an extraction holds all of it.

Extractors pick one container; when the page holds more story-sized paragraphs than were
extracted, the other containers built like the chosen one (same tag, same class) are the
rest of the story, and their paragraphs are appended in page order (`rejoin`).

`container_text` measures the element that holds the extracted paragraphs: when it carries
much more prose than was extracted, the extractor dropped part of the story inside it (the
lists, tables and headed sections of a guide, paragraphs built of `<div>`s). A body none of
whose paragraphs is a `<p>` of the page is found by its runs of prose instead
(`runs_container_text`): a story written as bare text between headings, or as long list
items in a layout table, whose precise body keeps only the first run or the introduction.

`fuller_section` finds, on a page built of sections alike (a `div.layout-grid` each: the
hero, a promotion, the story, a call to action), the section alike that holds much more
prose than an extraction that took the wrong one; `section_page` makes it a page of its own
to extract.

`append_closing_list` puts back a list of prose that closes the story after its last
paragraph, in the same element, with the heading above it ("Possible next steps", the last
steps of a how-to): precision drops a story's last list as it drops its teasers, but a list
whose links are under 30% of its text is no list of teasers.

`dropped_blocks` counts the headings, list items and table cells that lie between the first
and the last extracted paragraph but were left out (precision drops a heading or a list as
link-heavy, a list of tips as too short); `fill_gaps` then puts in the blocks a fuller
extraction holds between the blocks both extractions share, never at the edges, where a
fuller extraction's extra blocks are as likely teasers as story.
"""

from __future__ import annotations

import re
from collections import Counter
from copy import deepcopy
from typing import TYPE_CHECKING

from lxml.etree import SubElement
from lxml.html import document_fromstring

from crawler.extraction.pagetext import (
    HIDDEN,
    TextNode,
    linked_chars,
    long_runs,
    long_texts,
    squash,
)

if TYPE_CHECKING:
    from lxml.etree import _Element
    from lxml.html import HtmlElement

# A paragraph this long is story-sized.
LONG_PARAGRAPH = 120
# The repair is tried only when the body holds less than this share of the page's long text.
SUSPICIOUS_SHARE = 0.5
BLOCK_TAGS = ("p", "h2", "h3", "h4", "blockquote")
# Where a container built like the story's is not a part of it.
NOT_STORY_TAGS = ("footer", "aside", "nav", "header")
COMMENTS = re.compile(r"comment|replies|discussion", re.IGNORECASE)
# Blocks of the page that precision may leave out of a story.
DROPPED_TAGS = ("h2", "h3", "h4", "h5", "h6", "li", "td", "th")
# A closing list is the story's when its links are under this share of its text, and it
# holds this many characters or more (its items `PROSE_RUN` on average); spacers skipped on
# the way to it.
CLOSING_LIST_LINKS, CLOSING_LIST_CHARS, CLOSING_SKIPPED = 0.3, 100, 3
HEADINGS = ("h2", "h3", "h4", "h5", "h6")  # a story's section headings
NOTES = re.compile(r"footnote|endnote", re.IGNORECASE)
# An element without a word is none of a story's blocks (an editor's spacer: "<p>&zwj;</p>").
WORD = re.compile(r"\w")
# A run of text this long (one text node: a sentence or more) is prose, not a label or a link.
PROSE_RUN = 80
# A section alike holding this many times the body's characters in prose holds the story;
# sections are looked for this many levels above the body's first run of prose.
SECTION_GROWTH, SECTION_DEPTH = 1.5, 8


Paragraphs = list[tuple["HtmlElement", str]]


def page_paragraphs(tree: HtmlElement) -> Paragraphs:
    """Every `<p>` of the page with its text, in page order."""
    return [(p, squash(p.text_content())) for p in tree.iter("p")]


def long_text(paragraphs: Paragraphs) -> int:
    """Characters in the page's story-sized paragraphs: about what a story on it can hold."""
    return sum(len(t) for _, t in paragraphs if len(t) >= LONG_PARAGRAPH)


def rejoin(tree: HtmlElement, body: _Element, text: str, paragraphs: Paragraphs) -> bool:
    """Append to `body` the paragraphs of the story's other containers, or, when it holds
    most of the page's story-sized text, the list closing its story (`append_closing_list`);
    True if any were."""
    long_chars = long_text(paragraphs)
    if not long_chars or len(text) >= SUSPICIOUS_SHARE * long_chars:
        return append_closing_list(body, paragraphs)
    flat = squash(text)
    signature = Counter(
        container_key(p) for p, t in paragraphs if len(t) >= LONG_PARAGRAPH and t in flat
    ).most_common(1)
    if not signature or signature[0][0] is None:
        return False
    key = signature[0][0]
    containers = [p.getparent() for p, _ in paragraphs if container_key(p) == key]
    ours: set[HtmlElement] = set()
    added = list[str]()
    for container in dict.fromkeys(c for c in containers if c is not None):
        blocks = [squash(b.text_content()) for b in container if b.tag in BLOCK_TAGS]
        if any(block and block in flat for block in blocks):
            ours = ours or set(container.iterancestors())
        elif ours and not outside_story(container, ours):
            # only containers after the extracted one: page order is kept
            added.extend(block for block in blocks if block)
    for block in added:
        SubElement(body, "p").text = block
    return bool(added)


def append_closing_list(body: _Element, paragraphs: Paragraphs) -> bool:
    """Append to `body` the lists of prose (and the heading above each) that follow the page's
    paragraph that is `body`'s last block with a word, among its siblings (scripts and
    spacers skipped), before any other element with text; True if any were."""
    closing = next((block for block in reversed(body) if WORD.search(block_key(block))), None)
    if closing is None or closing.tag != "p":
        return False
    last_key = block_key(closing)
    last = next((p for p, text in reversed(paragraphs) if text == last_key), None)
    if last is None:
        return False
    heading, skipped, added = None, 0, False
    for sibling in last.itersiblings():
        if not isinstance(sibling.tag, str) or sibling.tag in HIDDEN:
            continue
        text = squash(sibling.text_content())
        if not WORD.search(text):
            skipped += 1
            if skipped > CLOSING_SKIPPED:
                break
        elif sibling.tag in HEADINGS and heading is None:
            heading = sibling
        elif sibling.tag in ("ul", "ol") and prose_list(sibling, text):
            if heading is not None:
                SubElement(body, "head", rend=str(heading.tag)).text = squash(
                    heading.text_content()
                )
            listed = SubElement(body, "list", rend=str(sibling.tag))
            for item in sibling.iter("li"):
                SubElement(listed, "item").text = squash(item.text_content())
            heading, added = None, True
        else:
            break
    return added


def prose_list(element: HtmlElement, text: str) -> bool:
    """A list of 100+ characters whose items are sentences (80 characters each on average,
    not a teaser's "learn about" lines) and whose links hold under 30% of its text, not
    named as the page's footnotes (which truths keep apart from the story as often as not)."""
    items = sum(1 for _ in element.iter("li"))
    if NOTES.search(f"{element.get('class', '')} {element.get('id', '')}"):
        return False
    if len(text) < CLOSING_LIST_CHARS or len(text) < PROSE_RUN * items:
        return False
    return linked_chars(element) < CLOSING_LIST_LINKS * len(text)


def outside_story(container: HtmlElement, story_ancestors: set[HtmlElement]) -> bool:
    """The container sits in the page's footer, an aside, a navigation bar or the reader
    comments, which the story's own container is not in (a disclaimer, a reply quoting the
    story: built alike, not a part of it)."""
    for ancestor in container.iterancestors():
        if ancestor in story_ancestors:
            return False
        if ancestor.tag in NOT_STORY_TAGS or COMMENTS.search(
            f"{ancestor.get('class', '')} {ancestor.get('id', '')}"
        ):
            return True
    return False


def container_key(paragraph: HtmlElement) -> tuple[str, str] | None:
    """(tag, class) of a paragraph's container; None for an unmarked one."""
    parent = paragraph.getparent()
    if parent is None or not parent.get("class"):
        return None
    return str(parent.tag), str(parent.get("class"))


def container_text(body: _Element, paragraphs: Paragraphs) -> int | None:
    """Characters of prose (text runs of 80+ characters) in the smallest element of the page
    that holds every paragraph of `body` found among the page's `<p>`s; None when none is."""
    found = extracted_paragraphs(body, paragraphs)
    if not found:
        return None
    container = found[0].getparent() if len(found) == 1 else common_ancestor(found[0], found[-1])
    return None if container is None else prose(container)


def runs_container_text(body: _Element, tree: HtmlElement) -> int | None:
    """Characters of prose in the smallest element of the page that holds every run of prose
    (a text node of 80+ characters) that `body` holds, for a body whose paragraphs are no
    `<p>`s of the page (bare text between headings, list items, a layout table's cell); None
    when it holds none."""
    found = body_runs(tree, flat_text(body))
    if not found:
        return None
    first, last = found[0].holder, found[-1].holder
    if first is None or last is None:
        return None
    container = first if first is last else common_ancestor(first, last)
    return None if container is None else prose(container)


def fuller_section(tree: HtmlElement, body: _Element) -> HtmlElement | None:
    """The section of the page built like one around `body` (same tag and class, up to eight
    levels above its first run of prose) holding the most prose, when that is 1.5 times the
    body's characters or more; else None."""
    flat = flat_text(body)
    found = body_runs(tree, flat, first_only=True)
    if not found or (around := found[0].holder) is None:
        return None
    for depth, element in enumerate((around, *around.iterancestors())):
        if depth > SECTION_DEPTH or element.tag in ("body", "html"):
            break
        if not (name := element.get("class")):
            continue
        alike = [other for other in tree.iter(element.tag) if other.get("class") == name]
        if len(alike) < 2:
            continue
        sizes = [prose(other) for other in alike]
        best = alike[sizes.index(most := max(sizes))]
        if best is not element and most >= SECTION_GROWTH * len(flat):
            return best
    return None


def section_page(section: HtmlElement) -> HtmlElement:
    """A page holding only a copy of `section`, to extract it alone."""
    page = document_fromstring("<html><body></body></html>")
    page.body.append(deepcopy(section))
    return page


def flat_text(body: _Element) -> str:
    """`body`'s text as one line."""
    return squash(" ".join(body.itertext()))


def body_runs(tree: HtmlElement, flat: str, *, first_only: bool = False) -> list[TextNode]:
    """The page's runs of prose (visible text nodes of 80+ characters) found in `flat`, a
    body's text as one line, in page order; only the first with `first_only`."""
    found = []
    for node in long_runs(tree, PROSE_RUN):
        if squash(node.text) in flat:
            found.append(node)
            if first_only:
                break
    return found


def prose(element: HtmlElement) -> int:
    """Characters of prose (text runs of 80+ characters) inside `element`."""
    return sum(len(text) for text in long_texts(element, PROSE_RUN))


def extracted_paragraphs(body: _Element, paragraphs: Paragraphs) -> list[HtmlElement]:
    """The page's `<p>`s (a third of story size or more) that `body` holds, in page order."""
    extracted = {block_key(block) for block in body}
    return [p for p, text in paragraphs if len(text) >= LONG_PARAGRAPH // 3 and text in extracted]


def dropped_blocks(body: _Element, paragraphs: Paragraphs) -> int:
    """Characters of the headings, list items and table cells of the page that lie between
    the first and the last paragraph `body` holds and that `body` left out."""
    found = extracted_paragraphs(body, paragraphs)
    if len(found) < 2 or (container := common_ancestor(found[0], found[-1])) is None:
        return 0
    flat = flat_text(body)
    dropped, inside = 0, False
    for element in container.iter("p", *DROPPED_TAGS):
        if element is found[0]:
            inside = True
        elif element is found[-1]:
            break
        elif inside and element.tag in DROPPED_TAGS:
            text = squash(element.text_content())
            if text not in flat:
                dropped += len(text)
    return dropped


def block_key(block: _Element) -> str:
    return squash("".join(block.itertext()))


def fill_gaps(body: _Element, fuller: _Element | None) -> bool:
    """Put into `body` (in place) the blocks that `fuller`, another extraction of the page,
    holds between the first and the last block both hold; True if any were. `body`'s blocks
    there must all be found in `fuller`'s, whole or within a bigger block (a list with more
    items), else `body` is left as it is."""
    if fuller is None:
        return False
    ours = [block_key(block) for block in body]
    theirs = [block_key(block) for block in fuller]
    known = {key for key in ours if key}
    shared = [n for n, key in enumerate(theirs) if key in known]
    if len(shared) < 2:
        return False
    first, last = shared[0], shared[-1]
    start, end = ours.index(theirs[first]), len(ours) - 1 - ours[::-1].index(theirs[last])
    if start >= end or theirs[first : last + 1] == ours[start : end + 1]:
        return False
    span = "\n".join(theirs[first : last + 1])
    if any(key not in span for key in ours[start : end + 1]):
        return False
    for block in list(body)[start : end + 1]:
        body.remove(block)
    for offset, block in enumerate(fuller[first : last + 1]):
        body.insert(start + offset, deepcopy(block))
    return True


def common_ancestor(first: HtmlElement, last: HtmlElement) -> HtmlElement | None:
    above_first = set(first.iterancestors())
    return next((node for node in last.iterancestors() if node in above_first), None)
