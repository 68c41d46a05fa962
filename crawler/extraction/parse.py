"""The page's tree: trafilatura's `load_html`, with its parser's element classes picked in C.

lxml.html's parser picks each element's class in a Python method (for its form, input and
label classes) every time Python first touches the element; the same `HtmlElement` class
picked by lxml in C takes about 4% of the instructions off extraction (7 million a page on
aeb-dev). The tree is the same; nothing in newsdesk, trafilatura or htmldate uses the form
classes.
"""

from __future__ import annotations

from lxml.etree import ElementDefaultClassLookup
from lxml.html import HtmlComment, HtmlElement, HtmlEntity, HtmlProcessingInstruction
from trafilatura.utils import HTML_PARSER, load_html

HTML_PARSER.set_element_class_lookup(
    ElementDefaultClassLookup(
        element=HtmlElement, comment=HtmlComment, pi=HtmlProcessingInstruction, entity=HtmlEntity
    )
)


def parse_page(html: bytes | str) -> HtmlElement | None:
    """The page's tree (decoded, repaired and parsed by `load_html`), or None when it is not
    an HTML page."""
    return load_html(html)
