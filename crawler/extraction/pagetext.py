"""The text a reader sees on a page: its runs of text, in page order, with where each sits.

One walk of the tree (lxml's `iterwalk`) that steps over the elements whose text no reader
sees. It is faster than an XPath `//text()[not(ancestor::script or ...)]`, which tests each
text node's ancestors once per hidden tag (3.9 against about 2 ms a page on aeb-dev).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, NamedTuple

from lxml.etree import iterwalk

if TYPE_CHECKING:
    from collections.abc import Iterator

    from lxml.html import HtmlElement

HIDDEN = frozenset({"script", "style", "noscript", "template"})  # their text no reader sees


class TextNode(NamedTuple):
    """A run of the page's text: the element it belongs to, as its text or as its tail (the
    text after it)."""

    text: str
    element: HtmlElement
    is_tail: bool


def text_runs(root: HtmlElement) -> Iterator[TextNode]:
    """The runs of text inside `root` a reader sees, in page order (the text after hidden
    elements and after comments is kept; `root`'s own tail is not inside it). The walk goes
    only as far as it is read."""
    walk = iterwalk(root, events=("start", "end", "comment", "pi"))
    for event, element in walk:
        if event == "start":
            if element.tag in HIDDEN:
                walk.skip_subtree()
            elif element.text:
                yield TextNode(element.text, element, False)
        elif element is not root and element.tail:
            yield TextNode(element.tail, element, True)


def visible_text(tree: HtmlElement) -> Iterator[TextNode]:
    """The runs of text in the page's `<body>` a reader sees, in page order."""
    for body in tree.iter("body"):
        yield from text_runs(body)
