"""A second opinion from the page itself: the JSON-LD `articleBody` a publisher declares.

It replaces the extracted body only when both agree on the story (the declared body holds
nearly all of the extracted words) and the declared one is clearly more complete; a teaser
or a summary in `articleBody` never replaces a full extraction.
"""

from __future__ import annotations

import html
import re
from typing import TYPE_CHECKING

from lxml.etree import SubElement

if TYPE_CHECKING:
    from lxml.etree import _Element

    from crawler.extraction.pagemeta import PageMeta

AGREEMENT = 0.9  # share of the extracted words the declared body must hold
INCOMPLETE = 0.75  # below this share of the declared words, the extraction missed part of it
WORD = re.compile(r"\w+")
HTML_TAG = re.compile(r"<[^>]+>")  # markup some publishers leave in `articleBody`


def words(text: str) -> set[str]:
    """A text's words, lower case, each once."""
    return set(WORD.findall(text.casefold()))


def prefer_declared(page: PageMeta, body: _Element, text: str) -> bool:
    """Refill `body` with the declared article body when it is the better one; True if so."""
    declared = page.ld_text("articleBody")
    if declared:
        declared = HTML_TAG.sub(" ", html.unescape(declared))
    if not declared or len(declared) <= len(text):
        return False
    ours, theirs = words(text), words(declared)
    if not ours or not theirs:
        return False
    shared = len(ours & theirs)
    if shared < AGREEMENT * len(ours) or shared >= INCOMPLETE * len(theirs):
        return False
    for child in list(body):
        body.remove(child)
    for paragraph in re.split(r"\s*\n\s*", declared):
        if paragraph:
            SubElement(body, "p").text = paragraph
    return True
