"""The page's tree: trafilatura's `load_html`, with its parser's element classes picked in C.

lxml.html's parser picks each element's class in a Python method (for its form, input and
label classes) every time Python first touches the element; the same `HtmlElement` class
picked by lxml in C takes about 4% of the instructions off extraction (7 million a page on
aeb-dev). The tree is the same; nothing in newsdesk, trafilatura or htmldate uses the form
classes. What follows a premature `</html>` is moved into the body, as a browser shows it.
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
    tree = load_html(html)
    if tree is not None:
        into_body(tree)
    return tree


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
