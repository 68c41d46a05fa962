"""Article extraction: HTML in, clean text and metadata out. Pure: no network, no Scrapy."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

import nh3
import trafilatura
from lxml.etree import _Element
from lxml.html import tostring
from trafilatura.htmlprocessing import convert_to_html
from trafilatura.settings import Document
from trafilatura.xml import xmltotxt

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
    """Extract the article of one page, or raise `ExtractionFailed` saying why not."""
    doc = trafilatura.bare_extraction(
        html, url=url, with_metadata=True, include_comments=False, include_tables=True
    )
    if not isinstance(doc, Document) or doc.body is None:
        raise ExtractionFailed("no article text (0 characters)")
    text = paragraphs(xmltotxt(doc.body, False))
    if len(text) < min_chars:
        raise ExtractionFailed(f"no article text ({len(text)} characters)")
    found = {
        "title": doc.title,
        "authors": split_authors(doc.author),
        "published": doc.date,
        "sitename": doc.sitename,
        "language": doc.language,
        "description": doc.description,
        "tags": list(doc.tags or []) + list(doc.categories or []),
        "image": doc.image,
        "canonical_url": doc.url if doc.url and doc.url != url else None,
    }
    return Extracted(
        text=text,
        html=clean_html(doc.body),
        metadata_source={k: "page" for k, v in found.items() if v},
        **found,  # type: ignore[arg-type]
    )


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
