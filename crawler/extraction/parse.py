"""The page's tree: trafilatura's `load_html`, with its parser's element classes picked in C.

lxml.html's parser picks each element's class in a Python method (for its form, input and
label classes) every time Python first touches the element; the same `HtmlElement` class
picked by lxml in C takes about 4% of the instructions off extraction (7 million a page on
aeb-dev). The tree is the same; nothing in newsdesk, trafilatura or htmldate uses the form
classes. What follows a premature `</html>` is moved into the body, as a browser shows it.

`load_html` deletes the control characters XML forbids with one regular expression over the
whole page, which reads it a character at a time (0.7 ms, 6 million instructions, of an aeb-dev
page); here a search for each of them, at the speed of `memchr`, tells first whether there is
any to delete: most pages hold none.
"""

from __future__ import annotations

import logging

from lxml.etree import ElementDefaultClassLookup
from lxml.html import (
    HtmlComment,
    HtmlElement,
    HtmlEntity,
    HtmlProcessingInstruction,
    fromstring,
)
from trafilatura.utils import (
    DOCTYPE_TAG,
    FAULTY_HTML,
    HTML_PARSER,
    INVALID_XML_CHARS,
    decode_file,
    fromstring_bytes,
    is_dubious_html,
)

logger = logging.getLogger(__name__)

HTML_PARSER.set_element_class_lookup(
    ElementDefaultClassLookup(
        element=HtmlElement, comment=HtmlComment, pi=HtmlProcessingInstruction, entity=HtmlEntity
    )
)


# The characters `INVALID_XML_CHARS` matches, each looked for on its own.
INVALID_CHARS = (
    *map(chr, (*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20))),
    "\ufffe",
    "\uffff",
)


def parse_page(html: bytes | str) -> HtmlElement | None:
    """The page's tree (decoded, repaired and parsed as `load_html` does), or None when it is
    not an HTML page."""
    tree = load_html(html)
    if tree is not None:
        into_body(tree)
    return tree


def load_html(html: bytes | str) -> HtmlElement | None:
    """trafilatura's `load_html` for bytes or a string: decoded, repaired, parsed; None when
    it is not an HTML page."""
    text = decode_file(html)
    beginning = text[:50].lower()
    dubious = is_dubious_html(beginning)
    text = repaired(text, beginning)
    tree, fallback = None, False
    try:
        tree = fromstring(text, parser=HTML_PARSER)
    except ValueError:  # "Unicode strings with encoding declaration are not supported."
        tree, fallback = fromstring_bytes(text), True
    except Exception as exc:  # libxml2's errors, logged as load_html logs them
        logger.error("lxml parsing failed: %s", exc)
    if (tree is None or len(tree) < 1) and not fallback:
        tree = fromstring_bytes(text)
    if tree is not None and dubious and len(tree) < 2:
        logger.error("parsed tree length: %s, wrong data type or not valid HTML", len(tree))
        return None
    return tree


def repaired(text: str, beginning: str) -> str:
    """trafilatura's `repair_faulty_html`: no character XML forbids, no `/` in the doctype, no
    self-closing `<html/>` in the first lines."""
    if any(char in text for char in INVALID_CHARS):
        text = INVALID_XML_CHARS.sub("", text)
    if "doctype" in beginning:
        first, _, rest = text.partition("\n")
        text = DOCTYPE_TAG.sub("", first, count=1) + "\n" + rest
    for line in text[:4096].splitlines()[:4]:
        if "<html" in line and line.endswith("/>"):
            text = FAULTY_HTML.sub(r"\1>", text, count=1)
            break
    return text


def into_body(tree: HtmlElement) -> None:
    """Move what follows a premature `</html>` into the body, where a browser shows it.

    A template that prints its own document end before the page's main part (a plugin's
    footer, a theme's included layout) leaves libxml2 a second top-level `<html>` holding the
    rest of the page, story included; trafilatura and every reader of the tree see only the
    first. HTML's parsing rules ("after after body") put such content at the end of the body.
    """
    strays = [root for root in tree.itersiblings() if root.tag == "html"]
    body = tree.find("body")
    if not strays or body is None:
        return
    for root in strays:
        for child in list(root):
            if child.tag in ("head", "body"):
                body.extend(list(child))
            else:
                body.append(child)
