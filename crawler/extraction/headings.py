"""A story's headings, which trafilatura left out between blocks it kept.

trafilatura, finding no container it knows, gathers a story's paragraphs from the whole page
and not its headings; its precise pass drops headings it reads as a teaser's. A heading of the
page that the body left out goes back before the block it heads (`fill_headings`), when the
body holds that block and it is not the body's first: the heading's next element with text
(after other headings it heads too), or the one after it when the body left the first out (a
shop's button, a product's specs), or that of its parent, whose text is a block of the body.
It runs where the precise body left out headings, lists or tables between its paragraphs
(`splitbody.dropped_blocks`). A heading is not put in when the body holds it as a
heading or a list item (a table of contents' entry), when it links to another page of the
site (a teaser's headline), says what a page's end says ("Related articles"), or when what
holds it and not the block is a link, an aside, a header, a footer, a navigation bar, a form
or an element trafilatura's vocabulary names as boilerplate. A heading linking to a part of
its page (its own permalink) is a plain heading; one linking to another site (a listicle's
entry naming its maker or shop), or a ranked entry's linking to the site's page on that entry
("3. Wharton School"), goes in only before a block beside it, its own entry's.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING
from urllib.parse import urljoin

from courlan import extract_domain
from lxml.etree import Element

from crawler.extraction.boilerplate import TAIL_PATTERNS
from crawler.extraction.discarded import discarded
from crawler.extraction.metadata import hostname
from crawler.extraction.pagetext import squash, text_runs
from crawler.extraction.splitbody import HEADINGS, WORD, block_key

if TYPE_CHECKING:
    from lxml.etree import _Element
    from lxml.html import HtmlElement

# What holds a heading and not the block it heads, where the heading is not a story's.
BESIDE_STORY = frozenset({"a", "aside", "header", "footer", "nav", "form"})
# A heading heads the next element with text among its siblings, else among its parent's.
HEADING_DEPTH = 1
# Elements without text (an image, a spacer) skipped on the way to the block headed.
MAX_SKIPPED = 3
# A heading heads the first of its next blocks that the body holds, of this many.
HEADED_BLOCKS = 2
# What a heading's links say of it (`link_kind`).
TEASER, OUT = "teaser", "out"
EDGE_MARKS = re.compile(r"^\W+|\W+$")
# A ranked list's entry: "1. Name", "23) Name", "#4: Name".
RANKED = re.compile(r"\s*#?\d{1,3}[.):]\s+\w")


def fill_headings(body: _Element, tree: HtmlElement, url: str) -> int:
    """Put into `body` (in place) the headings of `tree`, the page at `url`, it left out, each
    before the block of `body` it heads, but the first; the number put in."""
    site = site_of(url)
    kept = {bare(block_key(element)) for element in body.iter("head")}
    flat = ""  # the body's text, when needed
    blocks: dict[str, _Element] = {}  # its blocks but the first by their text, when needed
    listed: set[str] = set()  # its list items' texts, when needed
    added = 0
    for heading in tree.iter(*HEADINGS):
        if not (seen := squash(heading.text_content())) or seen in kept:
            continue
        if not (seen[0].isalnum() and seen[-1].isalnum()) and bare(seen) in kept:
            continue
        if (linked := link_kind(heading, site)) == TEASER:
            continue
        if not (keys := headed_keys(heading, depth=0 if linked else HEADING_DEPTH)):
            continue
        flat = flat or squash("".join(body.itertext()))
        if not (keys := [key for key in keys if key in flat]):
            continue
        if not blocks:
            blocks = {block_key(block): block for block in list(body)[:0:-1]}
            listed = {bare(block_key(item)) for item in body.iter("item", "p")}
        text = squash("".join(node.text for node in text_runs(heading)))
        block = next((found for key in keys if (found := blocks.get(key)) is not None), None)
        if block is None or not text or bare(text) in listed or TAIL_PATTERNS.search(text):
            continue
        new = Element("head", rend=str(heading.tag))
        new.text = text
        block.addprevious(new)
        added += 1
    return added


def link_kind(heading: HtmlElement, site: str | None) -> str | None:
    """TEASER when `heading` links to another page of `site` (the page's `site_of`, its
    sub-domains included: a teaser's headline, a sign-up page), OUT when it links to another
    site only (an entry's maker, a shop); None when it holds no link or only links to a part
    of its page (its own permalink, "#section"). A ranked entry's heading ("1. Harvard Business
    School", "23. Wedding Planner App") linking to the site's page on that entry is OUT too:
    teasers are not numbered."""
    kind = None
    for link in heading.iter("a"):
        href = link.get("href") or ""
        if not href or href.startswith("#"):
            continue
        if site is None or site_of(urljoin(f"https://{site}/", href)) == site:
            return OUT if RANKED.match(heading.text_content()) else TEASER
        kind = OUT
    return kind


def site_of(url: str) -> str | None:
    """The site `url` belongs to: its registered domain, by the public suffix list (courlan:
    "example.co.uk" for "shop.example.co.uk"), or its host where it has none (localhost)."""
    return extract_domain(url, fast=True) or hostname(url)


def bare(text: str) -> str:
    """`text` without the marks around it (a heading's anchor sign, an entry's number)."""
    return EDGE_MARKS.sub("", text)


def headed_keys(heading: HtmlElement, *, depth: int = HEADING_DEPTH) -> list[str]:
    """The texts of the elements that `heading` heads: its next two siblings with text (after
    other headings; the first may be a part the body left out, a product's list of specs),
    else (up to `depth` levels up) its parent's, unless the parent is beside the story."""
    holder = heading
    for level in range(depth + 1):
        if level and (holder.tag in BESIDE_STORY or discarded(holder)):
            return []
        skipped, keys = 0, []
        for sibling in holder.itersiblings():
            if not isinstance(sibling.tag, str) or sibling.tag in HEADINGS:
                continue
            if (key := squash(sibling.text_content())) and WORD.search(key):
                keys.append(key)
                if len(keys) == HEADED_BLOCKS:
                    return keys
                continue
            skipped += 1
            if skipped > MAX_SKIPPED:
                break
        if keys:
            return keys
        if skipped > MAX_SKIPPED or (parent := holder.getparent()) is None:
            return []
        holder = parent
    return []
