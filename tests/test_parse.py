"""The page's tree: trafilatura's parser, its element classes picked in C."""

from __future__ import annotations

from lxml.html import HtmlElement

from crawler.extraction.parse import parse_page


def test_every_element_is_an_html_element() -> None:
    """Forms and inputs too: the class is picked in C, and it is HtmlElement for all."""
    tree = parse_page("<html><body><form><label>Q</label><input value='v'></form></body></html>")
    assert tree is not None
    assert {type(element) for element in tree.iter()} == {HtmlElement}
    form = tree.find(".//form")
    assert form is not None and form.text_content() == "Q"


def test_not_html_is_no_tree() -> None:
    assert parse_page(b"\x00\x01\x02\x03 PNG \xff\xfe") is None
