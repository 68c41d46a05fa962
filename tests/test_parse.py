"""The page's tree: `parse_page` builds the tree trafilatura's `load_html` builds, faster."""

from __future__ import annotations

from pathlib import Path

import pytest
from lxml.html import HtmlElement, tostring
from trafilatura.utils import load_html

from crawler.extraction.parse import parse_page
from tests.test_extract import GOLDEN

PAGES = sorted(GOLDEN.glob("*.html"))
BODY = "<body><p>Caf\u00e9 cr\u00e8me</p></body>"
ODD_PAGES = {
    "xml declaration": f'<?xml version="1.0" encoding="ISO-8859-1"?><html>{BODY}</html>',
    "latin-1 bytes": f"<html><head><meta charset='latin-1'></head>{BODY}</html>".encode("latin-1"),
    "self-closing html": f"<!DOCTYPE html>\n<html lang='en'/>\n<head><title>T</title></head>{BODY}",
    "fragment": "<p>only a paragraph</p>",
    "plain text": "no markup at all, just words",
    "empty": "",
    "binary": b"\x00\x01\x02\x03 PNG \xff\xfe",
}


def same_tree(page: bytes | str) -> None:
    expected, tree = load_html(page), parse_page(page)
    if expected is None:
        assert tree is None
    else:
        assert tree is not None
        assert tostring(tree) == tostring(expected)


@pytest.mark.parametrize("path", PAGES, ids=[path.stem for path in PAGES])
def test_golden_pages_parse_as_load_html_parses_them(path: Path) -> None:
    same_tree(path.read_bytes())
    same_tree(path.read_text(encoding="utf-8"))


@pytest.mark.parametrize("name", ODD_PAGES)
def test_odd_pages_parse_as_load_html_parses_them(name: str) -> None:
    same_tree(ODD_PAGES[name])


def test_every_element_is_an_html_element() -> None:
    """Forms and inputs too: the class is picked in C, and it is HtmlElement for all."""
    tree = parse_page("<html><body><form><label>Q</label><input value='v'></form></body></html>")
    assert tree is not None
    assert {type(element) for element in tree.iter()} == {HtmlElement}
    assert tree.find(".//form").text_content() == "Q"
