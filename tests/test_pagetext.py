"""The text a reader sees: runs of text in page order, hidden elements stepped over."""

from __future__ import annotations

from crawler.extraction.pagetext import text_runs, visible_text
from crawler.extraction.parse import parse_page

PAGE = (
    "<html><head><title>Not in the body</title></head><body>Top"
    "<div>One <a href='/x'>link</a> after<script>var hidden = 1;</script> after script</div>"
    "<style>p { color: red }</style><noscript>Enable JavaScript</noscript>"
    "<template><p>Never shown</p></template><p>Last</p></body></html>"
)


def test_visible_text_in_page_order_without_hidden_elements() -> None:
    tree = parse_page(PAGE)
    assert tree is not None
    runs = [(node.text, node.element.tag, node.is_tail) for node in visible_text(tree)]
    assert runs == [
        ("Top", "body", False),
        ("One ", "div", False),
        ("link", "a", False),
        (" after", "a", True),
        (" after script", "script", True),
        ("Last", "p", False),
    ]


def test_runs_inside_an_element_leave_out_its_own_tail() -> None:
    tree = parse_page(PAGE)
    assert tree is not None
    link = tree.find(".//a")
    assert link is not None
    assert [node.text for node in text_runs(link)] == ["link"]


def test_each_tail_follows_the_text_its_element_holds() -> None:
    """The text after an element comes after all the text inside it, however deep; what a
    hidden element holds in elements of its own is left out, the text after it is not."""
    tree = parse_page(
        "<html><body><div><p>A <b>bold <i>deep</i> end</b> after bold</p> after p"
        "<noscript><div>hidden <span>x</span> y</div> z</noscript> after noscript"
        "</div> last</body></html>"
    )
    assert tree is not None
    runs = [(node.text, node.element.tag, node.is_tail) for node in visible_text(tree)]
    assert runs == [
        ("A ", "p", False),
        ("bold ", "b", False),
        ("deep", "i", False),
        (" end", "i", True),
        (" after bold", "b", True),
        (" after p", "p", True),
        (" after noscript", "noscript", True),
        (" last", "div", True),
    ]
