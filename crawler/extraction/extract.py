"""Article extraction: HTML in, clean text and metadata out. Pure: no network, no Scrapy."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import trafilatura
from lxml.etree import _Element
from lxml.html import tostring
from trafilatura.htmlprocessing import convert_to_html
from trafilatura.settings import Document
from trafilatura.utils import load_html
from trafilatura.xml import xmltotxt

from crawler.extraction import MIN_CHARS, boilerplate, declared, splitbody
from crawler.extraction.metadata import article_metadata
from crawler.extraction.pagemeta import read_page_meta
from crawler.extraction.sanitise import sanitise_html

if TYPE_CHECKING:
    from lxml.html import HtmlElement

# A fast-mode body shorter than this gets trafilatura's full cascade as a second opinion.
SECOND_OPINION_CHARS = 500


class ExtractionFailed(ValueError):
    """The page holds no article; the message is a reason a person can act on."""


@dataclass
class Extracted:
    """A clean article and its metadata, as found on the page itself."""

    text: str
    html: str
    title: str | None = None
    authors: list[str] = field(default_factory=list)
    published: str | None = None
    modified: str | None = None
    sitename: str | None = None
    language: str | None = None
    description: str | None = None
    tags: list[str] = field(default_factory=list)
    image: str | None = None
    canonical_url: str | None = None
    metadata_source: dict[str, str] = field(default_factory=dict)

    @property
    def word_count(self) -> int:
        return len(self.text.split())

    @property
    def content_hash(self) -> str:
        return hashlib.sha256(self.text.encode()).hexdigest()


def extract_article(html: bytes | str, *, url: str, min_chars: int = MIN_CHARS) -> Extracted:
    """Extract the article of one page, or raise `ExtractionFailed` saying why not.

    The page is parsed once. trafilatura (comments off, precision first, fast mode) finds the
    body; only when that comes out short does its full cascade with readability and justext
    run as a second opinion. A story split over several containers is joined up again, the
    boilerplate trimmer cleans the body's edges, a more complete JSON-LD `articleBody` that
    agrees with the body replaces it, and the metadata is read from JSON-LD, meta tags,
    bylines and `<time>` (see `crawler.extraction.metadata`).
    """
    tree = load_html(html)
    if tree is None:
        raise ExtractionFailed("not an HTML page")
    page = read_page_meta(tree)
    body = main_text(tree, url, fast=True)
    if body is None or len(" ".join(body.itertext())) < SECOND_OPINION_CHARS:
        body = main_text(tree, url, fast=False)
    if body is None:
        raise ExtractionFailed("no article text (0 characters)")
    splitbody.rejoin(tree, body, " ".join(body.itertext()))
    titles = [page.ld_text("headline"), page.first("og:title", "twitter:title"), page.html_title]
    removed = boilerplate.trim(body, titles=titles)
    text = paragraphs(xmltotxt(body, False))
    if declared.prefer_declared(page, body, text):
        text = paragraphs(xmltotxt(body, False))
    if len(text) < min_chars:
        raise ExtractionFailed(f"no article text ({len(text)} characters)")
    found = article_metadata(tree, page, url=url, text=text, removed=removed)
    return Extracted(
        text=text,
        html=clean_html(body),
        metadata_source={name: source for name, (_, source) in found.items()},
        **{name: value for name, (value, _) in found.items()},
    )


def main_text(tree: HtmlElement, url: str, *, fast: bool) -> _Element | None:
    """trafilatura's article body for the page (it works on a copy of `tree`)."""
    doc = trafilatura.bare_extraction(
        tree,
        url=url,
        fast=fast,
        favor_precision=True,
        include_comments=False,
        include_tables=True,
        with_metadata=False,
    )
    return doc.body if isinstance(doc, Document) else None


def clean_html(body: _Element) -> str:
    """The extracted body as HTML that is safe to show: no scripts, handlers or style."""
    body_html = convert_to_html(body)[0]
    return sanitise_html("".join(tostring(child, encoding="unicode") for child in body_html))


def paragraphs(text: str) -> str:
    """One paragraph a line in, paragraphs separated by blank lines out."""
    return "\n\n".join(line.strip() for line in text.splitlines() if line.strip())
