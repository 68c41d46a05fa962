"""The page's tree: trafilatura's parser, its element classes picked in C."""

from __future__ import annotations

import pytest
from lxml.html import HtmlElement, tostring
from trafilatura.utils import load_html

from crawler.extraction.extract import extract_article
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


def test_what_follows_a_premature_document_end_is_in_the_body() -> None:
    """A template that prints `</body></html>` before the story: a browser shows the story at
    the end of the body, and so does the tree (libxml2 alone leaves it a second root)."""
    page = (
        "<html><head><title>T</title></head><body><header>Site</header></body></html>"
        "<div class='post'><h1>Headline</h1><p>The story follows the stray end.</p></div>"
        "<footer>Footer</footer></html>"
    )
    tree = parse_page(page)
    assert tree is not None
    body = tree.find("body")
    assert body is not None
    assert [child.tag for child in body] == ["header", "div", "footer"]
    assert "The story follows the stray end." in body.text_content()


def test_the_story_after_a_premature_document_end_is_extracted() -> None:
    story = "".join(
        f"<p>Paragraph {n} of the story tells what the council decided on item {n}, and why.</p>"
        for n in range(12)
    )
    page = (
        "<html><head><title>Council votes</title></head><body><nav>Home News</nav></body></html>"
        f"<main><article><h1>Council votes</h1>{story}</article></main>"
    )
    extracted = extract_article(page, url="http://127.0.0.1/news/council-votes")
    assert "Paragraph 0 of the story" in extracted.text
    assert "on item 11, and why." in extracted.text


@pytest.mark.parametrize(
    "page",
    [
        "<html><body><p>A story\x00 with\x0b control\x1f characters\ufffe and\uffff more.</p>"
        "</body></html>",
        "<html><body><p>A story with none, tabs\tand\r\nline ends.</p></body></html>",
        '<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0//EN" "http://www.w3.org/TR/x.dtd">\n'
        "<html><body><p>A doctype with a slash.</p></body></html>",
        '<html lang="en"/>\n<body><p>A self-closing html tag.</p></body></html>',
        "<p>Only a paragraph, no document.</p>",
        "plain text, no markup at all",
        '<?xml version="1.0" encoding="utf-8"?><html><body><p>Declared.</p></body></html>',
        b"<html><body><p>Latin-1 bytes: caf\xe9.</p></body></html>",
        b"<html><body><p>UTF-8 bytes with a control\x01 character.</p></body></html>",
    ],
)
def test_loaded_as_trafilatura_loads_it(page: str | bytes) -> None:
    """The page's tree is the one trafilatura's `load_html` makes, control characters XML
    forbids deleted and faulty doctypes repaired, or None where it makes none."""
    tree, expected = parse_page(page), load_html(page)
    if expected is None:
        assert tree is None
    else:
        assert tree is not None and tostring(tree) == tostring(expected)
