"""The precise pass reads the page without what trafilatura's cleaning deletes anyway: the same
body, from a tree half the size."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest
import trafilatura
from lxml.etree import tostring
from lxml.html import HtmlElement

from crawler.extraction.extract import main_text, without_chrome
from crawler.extraction.parse import parse_page

AEB = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "aeb-dev" / "html"
PAGE = """<html><head><title>Pontoon</title>
<script type="application/ld+json">{"@type": "NewsArticle"}</script>
<script>var tracking = 1;</script></head><body>
<nav><a href="/">Home</a><a href="/news">News</a></nav>
<div class="infinite-scroll"><aside><h1>Pontoon to be rebuilt</h1></aside>
<article><p>The harbour board voted on Tuesday to rebuild the north pontoon.</p>
<svg><path d="M0 0"/></svg>after the icon
<p>Work starts in the spring, the chair said, and ends before the summer season.</p></article></div>
<footer>Follow us <button>Share</button></footer></body></html>"""


def precise_body(tree: HtmlElement, url: str) -> bytes | None:
    """trafilatura's precise fast pass over the whole tree, as newsdesk asks for it."""
    doc = trafilatura.bare_extraction(
        tree, url=url, fast=True, favor_precision=True, include_comments=False,
        include_tables=True, with_metadata=False, output_format="txt",
    )  # fmt: skip
    return None if doc is None else tostring(doc.body)


def test_chrome_goes_and_the_page_stays() -> None:
    tree = parse_page(PAGE)
    assert tree is not None
    before = tostring(tree)
    lean = without_chrome(tree)
    assert tostring(tree) == before  # a copy: the page itself is untouched
    assert [e.tag for e in lean.iter("nav", "footer", "button", "svg", "path")] == []
    scripts = lean.findall(".//script")
    assert [s.get("type") for s in scripts] == ["application/ld+json"]  # a forum thread's sign
    assert lean.find(".//aside/h1") is not None  # a headline keeps its container
    assert "after the icon" in lean.text_content()  # the text after a deleted element stays


def test_the_precise_body_is_the_same() -> None:
    tree = parse_page(PAGE)
    assert tree is not None
    body = main_text(tree, "https://example.org/2026/01/05/pontoon", fast=True, focus="precision")
    assert body is not None and b"north pontoon" in tostring(body)
    assert tostring(body) == precise_body(tree, "https://example.org/2026/01/05/pontoon")


def test_the_precise_body_is_the_same_on_real_pages() -> None:
    if not AEB.is_dir():
        pytest.skip(f"no aeb-dev pages at {AEB}")
    for path in sorted(AEB.glob("*.html.gz"))[:40]:
        tree = parse_page(gzip.decompress(path.read_bytes()))
        assert tree is not None
        url = "https://example.org/news/story.html"
        body = main_text(tree, url, fast=True, focus="precision")
        assert (None if body is None else tostring(body)) == precise_body(tree, url), path.name
