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
