"""The page's tree, as trafilatura's `load_html` builds it, built faster.

Two things make lxml.html slow here, and neither changes the tree:

- lxml.html's parser picks each element's class in a Python method (for its form, input and
  label classes) every time Python first touches the element; the same `HtmlElement` class
  picked in C makes extraction about 8% faster. Nothing in newsdesk, trafilatura or htmldate
  uses the form classes.
- `load_html` parses a Python string; libxml2 reads the same text as UTF-8 bytes about a third
  faster (the parser is set to UTF-8 either way).
"""

from __future__ import annotations

from lxml.etree import ElementDefaultClassLookup, LxmlError
from lxml.html import HtmlComment, HtmlElement, HtmlEntity, HtmlProcessingInstruction, fromstring
from trafilatura.utils import HTML_PARSER, decode_file, load_html, repair_faulty_html

HTML_PARSER.set_element_class_lookup(
    ElementDefaultClassLookup(
        element=HtmlElement, comment=HtmlComment, pi=HtmlProcessingInstruction, entity=HtmlEntity
    )
)


def parse_page(html: bytes | str) -> HtmlElement | None:
    """The page's tree (decoded, repaired and parsed as `load_html` does), or None when it is
    not an HTML page. An odd page (one that does not parse into a head and a body) is left to
    `load_html`'s own checks and fallbacks."""
    text = decode_file(html)
    repaired = repair_faulty_html(text, text[:50].lower())
    try:
        tree = fromstring(repaired.encode("utf-8", "surrogatepass"), parser=HTML_PARSER)
    except (ValueError, LxmlError):
        tree = None
    return tree if tree is not None and len(tree) >= 2 else load_html(text)
