"""The text a reader sees on a page: its runs of text, in page order, with where each sits.

One walk of the tree (lxml's `iterdescendants`) that steps over the elements whose text no
reader sees. It is faster than an XPath `//text()[not(ancestor::script or ...)]`, which
tests each text node's ancestors once per hidden tag (3.9 against about 2 ms a page on
aeb-dev). The few long runs (`long_runs`) are faster found by libxml2 itself.
"""

from __future__ import annotations

from itertools import islice
from typing import TYPE_CHECKING, NamedTuple

from lxml.etree import XPath

if TYPE_CHECKING:
    from collections.abc import Iterator, Set

    from lxml.html import HtmlElement

HIDDEN = frozenset({"script", "style", "noscript", "template"})  # their text no reader sees
# The page's long runs of text, found by libxml2 (twice as fast as the walk when they are few):
# a hidden element's text is its own single text node, so only the parent is tested.
LONG_RUNS = XPath(
    "//body//text()[string-length(normalize-space(.)) >= $chars]"
    "[not(parent::script or parent::style or parent::noscript or parent::template)]"
)


# The long runs of text inside an element, found by libxml2, which tells a run inside a
# hidden element nested deeper than its parent by the run's ancestors.
LONG_RUNS_INSIDE = XPath(
    "descendant::text()[string-length(normalize-space(.)) >= $chars]"
    "[not(ancestor::script or ancestor::style or ancestor::noscript or ancestor::template)]"
)


def squash(text: str) -> str:
    """`text` with each run of white space one space, as a browser shows it."""
    return " ".join(text.split())


def linked_chars(element: HtmlElement) -> int:
    """The characters of the text of the links in `element`, squashed."""
    return sum(len(squash(link.text_content())) for link in element.iter("a"))


class TextNode(NamedTuple):
    """A run of the page's text: the element it belongs to, as its text or as its tail (the
    text after it)."""

    text: str
    element: HtmlElement
    is_tail: bool

    @property
    def holder(self) -> HtmlElement | None:
        """The element whose content the run is: its element, or that element's parent for
        the text after it."""
        return self.element.getparent() if self.is_tail else self.element


# A TextNode made by the tuple's own constructor (NamedTuple's `__new__` is a Python function).
new = tuple.__new__


def text_runs(root: HtmlElement, hidden: Set[str] = HIDDEN) -> Iterator[TextNode]:
    """The runs of text inside `root` a reader sees, in page order (the text after `hidden`
    elements and after comments is kept; `root`'s own tail is not inside it). The walk goes
    only as far as it is read.

    The elements come from `iterdescendants` (one step each, where `iterwalk` takes two);
    the text after an element follows its last descendant's, so each element waits on a
    stack of the open ones until the walk leaves it. What a hidden element holds is skipped."""
    if root.tag in hidden:
        return
    if root.text:
        yield new(TextNode, (root.text, root, False))
    open_elements = [root]
    walk = root.iterdescendants()
    for element in walk:
        parent = element.getparent()
        while open_elements[-1] is not parent:  # the walk left these: their tails follow
            done = open_elements.pop()
            if tail := done.tail:
                yield new(TextNode, (tail, done, True))
        tag = element.tag
        if tag in hidden or not isinstance(tag, str):  # a comment or a PI: no text but its tail
            if isinstance(tag, str) and len(element):
                for _ in islice(walk, sum(1 for _ in element.iterdescendants())):
                    pass
            if tail := element.tail:
                yield new(TextNode, (tail, element, True))
            continue
        if text := element.text:
            yield new(TextNode, (text, element, False))
        open_elements.append(element)
    for done in reversed(open_elements[1:]):
        if tail := done.tail:
            yield new(TextNode, (tail, done, True))


def visible_text(tree: HtmlElement) -> Iterator[TextNode]:
    """The runs of text in the page's `<body>` a reader sees, in page order."""
    for body in tree.iter("body"):
        yield from text_runs(body)


def long_runs(tree: HtmlElement, chars: int) -> list[TextNode]:
    """The runs of text in the page's `<body>` of `chars` or more characters (spaces
    squashed), in page order."""
    return [
        TextNode(str(run), run.getparent(), run.is_tail) for run in LONG_RUNS(tree, chars=chars)
    ]


def long_texts(root: HtmlElement, chars: int) -> list[str]:
    """The texts, spaces squashed, of the runs inside `root` a reader sees (as `text_runs`)
    that hold `chars` or more characters. libxml2 finds them, twice as fast as the walk;
    inside a hidden element (a `<noscript>` notice), where its test of the ancestors would see
    the hidden one above `root`, the walk does."""
    if any(ancestor.tag in HIDDEN for ancestor in root.iterancestors()):
        texts = [node.text for node in text_runs(root)]
    else:
        texts = LONG_RUNS_INSIDE(root, chars=chars)
    return [run for text in texts if len(run := squash(text)) >= chars]
