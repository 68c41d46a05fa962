"""What closes a story without being part of it: the author's card and the site's list of its
other posts, which no class name gives away (`asides` drops the boxes that are named).

- The author's card: a label, then who the author is. The label says so ("About the author",
  in a few languages) and is among the body's closing blocks: it and all after it go. Or the
  label names the author ("Written by Jane Doe", "Jane Doe, Contributing Writer", or two lines,
  the name and a role: "Contributor" / "Jane Doe"), in the body or as the element of the page
  just before the bio, and the bio, one of the body's last blocks, begins with that name and
  says what the person is ("Jane Doe is a freelance writer...", "... has covered..."): the
  label and the bio go. A closing note on the author with no label (an op-ed's italic line)
  is left: the story's own as often as not.
- The site's list of its other posts: a list among the body's last blocks whose every item is
  one link to another page of the same host (a date after it allowed), under a label that
  recommends reading ("You might also like", "Latest posts by Jane Doe"; in the body, or just
  before the list on the page). The label, the list and the few short blocks after it go. A
  list of the site's pages under "See also" or a heading of the story stays: a writer's own
  further reading.

Only the first words of the body's last 20 blocks and the text of its last five are read, and
the page only when one of them has the shape (a bio's first words, a closing list of short
items): a cost on few pages.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING
from urllib.parse import urljoin

from lxml.etree import XPath

from crawler.extraction.boilerplate import block_text
from crawler.extraction.bylines import parse_byline
from crawler.extraction.metadata import hostname
from crawler.extraction.pagetext import squash

if TYPE_CHECKING:
    from lxml.etree import _Element
    from lxml.html import HtmlElement

    from crawler.extraction.splitbody import Paragraphs

# How many of the body's last blocks a card or a list of posts is looked for in; the author's
# card may hold many short lines after its label, under this share of the body's text.
CLOSING_BLOCKS = 4
CARD_BLOCKS, CARD_SHARE = 20, 0.34
LABEL_MAX_CHARS = 100
ROLE_MAX_CHARS = 40
ITEM_MAX_CHARS = 200
AFTER_LIST_BLOCKS, AFTER_LIST_CHARS = 3, 220  # what may follow a list of posts, and go with it
PAGE_LABEL_DEPTH = 3  # the label is before the list's element or one of its two parents

ABOUT_AUTHOR = re.compile(
    r"^\W*(?:about the (?:author|writer|contributor)s?|about this (?:author|writer)"
    r"|à propos de l['\u2019]auteur|über (?:den|die) autor(?:in)?|sobre (?:el|la|o|a) autora?"
    r"|sull['\u2019]autore|over de auteur)\b",
    re.IGNORECASE,
)
# A bio's first words: a name of two to four capitalised words, then what the person is.
BIO = re.compile(
    r"^(?P<name>[A-Z][\w'\u2019.-]+(?: [A-Z][\w'\u2019.-]*){1,3})(?:,[^,]{1,80},)? "
    r"(?:is|was|has|serves|writes|covers|holds|leads|works|worked|specializes|specialises|lives)\b"
)
# What a label names the author as, after the name ("Contributing Writer", "Staff Editor").
ROLE = re.compile(
    r"\b(?:writer|editor|contributor|author|reporter|journalist|columnist|correspondent"
    r"|critic|blogger)s?\b",
    re.IGNORECASE,
)
RECOMMEND = re.compile(
    r"^\W*(?:you(?:['\u2019]ll| will| may| might| could| would)? (?:also )?(?:like|love|enjoy)"
    r"|(?:latest|recent|related|popular|more|other|similar) (?:posts|articles|stories)\b"
    r"|(?:more|other) (?:posts |articles |stories )?(?:from|by)\b|read next\b|keep reading\b)",
    re.IGNORECASE,
)
# A date after an item's link: "- December 8, 2025", "(8 Dec 2025)", "2025-12-08".
ITEM_DATE = re.compile(
    r"\s*[-\u2013\u2014|(]?\s*(?:[A-Z][a-z]+\.? \d{1,2}, \d{4}|\d{1,2} [A-Z][a-z]+\.? \d{4}"
    r"|\d{4}-\d\d-\d\d|\d{1,2}[/.]\d{1,2}[/.]\d{2,4})\)?\s*$"
)
# The links of the page whose text, its no-break spaces read as spaces, is `$text`.
LINKS_READING = XPath("//a[@href][normalize-space(translate(., '\u00a0', ' ')) = $text]")


def trim(body: _Element, tree: HtmlElement, url: str, paragraphs: Paragraphs) -> list[str]:
    """Remove from `body` (in place) the author's card and the site's list of its other posts
    that close it; the texts removed. `paragraphs` are the page's `<p>`s with their texts."""
    blocks = body[-CARD_BLOCKS:]
    firsts = [first_words(block) for block in blocks]
    closing = slice(-CLOSING_BLOCKS - 1, None)  # the closing blocks, and the one before
    doomed = about_author(body, blocks, firsts) or posts_list(blocks[closing], tree, url)
    if not doomed and len(blocks) > CLOSING_BLOCKS + 1:  # a story before: no byline at its top
        doomed = author_bio(blocks[closing], firsts[closing], paragraphs)
    removed = [block_text(block) for block in doomed]
    for block in doomed:
        body.remove(block)
    return [text for text in removed if text]


def first_words(block: _Element) -> str:
    """The block's own text, or its first child's (a label in bold): where a label or a bio's
    name is, read without the whole block's text."""
    first = block.text
    if (not first or first.isspace()) and len(block):
        first = block[0].text
    return first or ""


def about_author(body: _Element, blocks: list[_Element], firsts: list[str]) -> list[_Element]:
    """An "About the author" label among the last `blocks` of `body` (their `firsts` words),
    and the blocks after it, when they hold under `CARD_SHARE` of its text."""
    for index in range(len(blocks) - 1, -1, -1):
        if ABOUT_AUTHOR.match(firsts[index]):
            card = blocks[index:]
            total = sum(len(block_text(block)) for block in body)
            return (
                card if sum(len(block_text(block)) for block in card) < CARD_SHARE * total else []
            )
    return []


def author_bio(blocks: list[_Element], firsts: list[str], paragraphs: Paragraphs) -> list[_Element]:
    """A bio among the closing `blocks` under a label naming its person: the label (when the
    body holds it) and the bio."""
    for index in range(len(blocks) - 1, max(len(blocks) - CLOSING_BLOCKS, 0) - 1, -1):
        bio = blocks[index]
        if bio.tag != "p" or not BIO.match(firsts[index]):
            continue
        text = block_text(bio)
        if not (match := BIO.match(text)):
            continue
        labels = [block_text(block) for block in blocks[max(index - 2, 0) : index]]
        if labels and names_author(labels[-1], match["name"]):
            return [blocks[index - 1], bio]
        if len(labels) == 2 and names_with_role(labels, match["name"]):
            return [*blocks[index - 2 : index], bio]
        if (label := page_label(text, paragraphs)) and names_author(label, match["name"]):
            return [bio]
    return []


def names_with_role(labels: list[str], name: str) -> bool:
    """Two lines, the name alone and a role ("Contributor", "Staff Writer"), in either order."""
    role = next((label for label in labels if label != name), "")
    return name in labels and len(role) <= ROLE_MAX_CHARS and bool(ROLE.search(role))


def names_author(label: str, name: str) -> bool:
    """`label` introduces `name` as the author: a byline, or the name and a role."""
    if len(label) > LABEL_MAX_CHARS:
        return False
    if name in parse_byline(label):
        return True
    return label.startswith(name) and bool(ROLE.search(label[len(name) :]))


def page_label(text: str, paragraphs: Paragraphs) -> str | None:
    """The text of the element just before the page's `<p>` that reads `text` (before it or
    one of its parents), if any; texts are compared without their spaces, which trafilatura
    puts in or leaves out around inline elements."""
    key = text.replace(" ", "")
    paragraph = next(
        (p for p, p_text in reversed(paragraphs) if p_text.replace(" ", "") == key), None
    )
    return None if paragraph is None else label_before(paragraph)


def label_before(element: HtmlElement) -> str | None:
    """The text of the first element with text before `element` or one of its parents,
    `PAGE_LABEL_DEPTH` levels in all."""
    for _ in range(PAGE_LABEL_DEPTH):
        previous = element.getprevious()
        while previous is not None:
            if isinstance(previous.tag, str) and (label := squash(previous.text_content())):
                return label
            previous = previous.getprevious()
        parent = element.getparent()
        if parent is None:
            break
        element = parent
    return None


def posts_list(blocks: list[_Element], tree: HtmlElement, url: str) -> list[_Element]:
    """A list among the closing `blocks` of links to the site's other posts under a label
    recommending them, with its label (when the body holds it) and the short blocks after it."""
    last = len(blocks)
    for index in range(last - 1, max(last - 1 - AFTER_LIST_BLOCKS, 0) - 1, -1):
        if blocks[index].tag == "list":
            break
        if len(block_text(blocks[index])) > AFTER_LIST_CHARS:
            return []
    else:
        return []
    items = [block_text(item) for item in blocks[index].iterchildren("item")]
    if len(items) < 2 or any(not item or len(item) > ITEM_MAX_CHARS for item in items):
        return []
    links = [site_link(tree, url, ITEM_DATE.sub("", item)) for item in items]
    if any(link is None for link in links):
        return []
    label = block_text(blocks[index - 1]) if index else ""
    if len(label) <= LABEL_MAX_CHARS and RECOMMEND.match(label):
        return blocks[index - 1 :]
    page_list = next(links[0].iterancestors("ul", "ol"), None)  # type: ignore[union-attr]
    if page_list is not None and RECOMMEND.match(label_before(page_list) or ""):
        return blocks[index:]
    return []


def site_link(tree: HtmlElement, url: str, text: str) -> HtmlElement | None:
    """A link of the page reading `text` to another page of the host of `url`."""
    for link in LINKS_READING(tree, text=text):
        href = link.get("href", "").strip()
        target = urljoin(url, href)
        if href and not href.startswith("#") and target != url and same_site(target, url):
            return link
    return None


def same_site(url: str, other: str) -> bool:
    """Both URLs are on one host (with or without "www.")."""
    return hostname(url) == hostname(other)
