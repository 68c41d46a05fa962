"""Article extraction: HTML in, clean text and metadata out. Pure: no network, no Scrapy."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Any

import nh3
import trafilatura
from lxml.etree import _Element
from lxml.html import tostring
from trafilatura.htmlprocessing import convert_to_html
from trafilatura.settings import Document
from trafilatura.utils import load_html
from trafilatura.xml import xmltotxt

from crawler import boilerplate
from crawler.bylines import dedupe, parse_byline, people
from crawler.dates import page_dates
from crawler.language import page_language
from crawler.pagemeta import PageMeta, read_page_meta

MIN_CHARS = 200


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

    The page is parsed once; trafilatura (comments off, precision first) finds the body, the
    boilerplate trimmer cleans its edges, and the metadata is read from JSON-LD, meta tags and
    bylines before trafilatura's own guesses.
    """
    tree = load_html(html)
    if tree is None:
        raise ExtractionFailed("not an HTML page")
    page = read_page_meta(tree)
    doc = trafilatura.bare_extraction(
        tree,
        url=url,
        with_metadata=True,
        include_comments=False,
        include_tables=True,
        favor_precision=True,
    )
    if not isinstance(doc, Document) or doc.body is None:
        raise ExtractionFailed("no article text (0 characters)")
    removed = boilerplate.trim(
        doc.body, titles=[doc.title, page.first("og:title"), page.ld_text("headline")]
    )
    text = paragraphs(xmltotxt(doc.body, False))
    if len(text) < min_chars:
        raise ExtractionFailed(f"no article text ({len(text)} characters)")
    found: dict[str, tuple[Any, str]] = {
        "title": (doc.title, "page"),
        "description": (doc.description, "page"),
        "tags": (
            dedupe([*page.ld_names("keywords"), *(doc.tags or []), *(doc.categories or [])]),
            "page",
        ),
        "image": (doc.image, "page"),
        "canonical_url": (canonical(page, doc, url), "page"),
    }
    found["sitename"] = first_of(
        ("meta", page.first("og:site_name")),
        ("json-ld", next(iter(page.ld_names("publisher")), None)),
        ("page", doc.sitename),
    )
    found["authors"] = page_authors(page, doc, removed, sitename=found["sitename"][0])
    found.update(page_dates(tree, page, doc.date))
    if language := page_language(page, text):
        found["language"] = language
    return Extracted(
        text=text,
        html=clean_html(doc.body),
        metadata_source={k: source for k, (v, source) in found.items() if v},
        **{k: v for k, (v, _) in found.items()},
    )


def page_authors(
    page: PageMeta, doc: Document, removed: list[str], *, sitename: str | None
) -> tuple[list[str], str]:
    """People who wrote the story: JSON-LD, meta tags, bylines, then trafilatura's guess."""
    not_names = [sitename, doc.sitename, *page.ld_names("publisher"), doc.hostname]
    for source, candidates in (
        ("json-ld", page.ld_names("author", people=True)),
        ("meta", [page.first("author", "article:author", "dc.creator", "byl", "parsely-author")]),
        ("byline", [line for line in removed if parse_byline(line)]),
        ("page", split_authors(doc.author)),
    ):
        names = people(filter(None, candidates), not_names=not_names)
        if names:
            return names, source
    return [], "page"


def first_of(*candidates: tuple[str, str | None]) -> tuple[str | None, str]:
    """The first (value, source) with a value."""
    for source, value in candidates:
        if value and value.strip():
            return value.strip(), source
    return None, "page"


def canonical(page: PageMeta, doc: Document, url: str) -> str | None:
    """The URL the page names as its own, when it differs from the one fetched."""
    declared = page.canonical or page.first("og:url") or doc.url
    return declared if declared and declared != url else None


SAFE_TAGS = {
    "p",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "blockquote",
    "ul",
    "ol",
    "li",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
    "b",
    "strong",
    "i",
    "em",
    "u",
    "br",
    "hr",
    "pre",
    "code",
    "a",
    "img",
    "figure",
    "figcaption",
    "sub",
    "sup",
    "del",
    "ins",
}
SAFE_ATTRIBUTES = {"a": {"href", "title"}, "img": {"src", "alt", "title"}}


def clean_html(body: _Element) -> str:
    """The extracted body as HTML that is safe to show: no scripts, handlers or style."""
    body_html = convert_to_html(body)[0]
    return sanitise_html("".join(tostring(child, encoding="unicode") for child in body_html))


def sanitise_html(html: str) -> str:
    """Keep the tags and attributes a reader needs; drop scripts, handlers, style, `javascript:`."""
    return nh3.clean(
        html,
        tags=SAFE_TAGS,
        attributes=SAFE_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow",
    )


def paragraphs(text: str) -> str:
    """One paragraph a line in, paragraphs separated by blank lines out."""
    return "\n\n".join(line.strip() for line in text.splitlines() if line.strip())


def split_authors(author: str | None) -> list[str]:
    """trafilatura joins several authors with "; "."""
    if not author:
        return []
    return [name.strip() for name in author.split(";") if name.strip()]
