"""What a page declares about itself: its JSON-LD article object and its meta tags."""

from __future__ import annotations

import html
import json
import logging
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from lxml.etree import XPath

if TYPE_CHECKING:
    from collections.abc import Iterator

    from lxml.html import HtmlElement

logger = logging.getLogger(__name__)

ARTICLE_TYPES = {
    "article",
    "newsarticle",
    "reportagenewsarticle",
    "analysisnewsarticle",
    "opinionnewsarticle",
    "reviewnewsarticle",
    "backgroundnewsarticle",
    "blogposting",
    "socialmediaposting",
    "liveblogposting",
    "report",
    "scholarlyarticle",
    "techarticle",
    "review",
}


# Elements that hold a byline, as CMSs mark them up.
BYLINE_ELEMENTS = XPath(
    '//*[@rel="author" or @itemprop="author" or contains(@class, "byline")'
    ' or contains(@class, "author-name") or contains(@class, "authorName")]'
    "[not(self::meta or self::link or self::script or self::body or self::html)]"
)
MAX_BYLINES = 5
MAX_BYLINE_CHARS = 120


@dataclass
class PageMeta:
    """JSON-LD article fields (`ld`) and meta tags by lower-cased name or property (`meta`)."""

    ld: dict[str, Any] = field(default_factory=dict)
    meta: dict[str, list[str]] = field(default_factory=dict)
    html_lang: str | None = None
    canonical: str | None = None
    html_title: str | None = None
    bylines: list[str] = field(default_factory=list)

    def first(self, *names: str) -> str | None:
        """The first non-empty meta tag among `names`."""
        for name in names:
            for value in self.meta.get(name, ()):
                if value.strip():
                    return value.strip()
        return None

    def ld_names(self, key: str, *, people: bool = False) -> list[str]:
        """Names in a JSON-LD field holding strings or objects (persons only if `people`)."""
        names = []
        for item in as_list(self.ld.get(key)):
            if isinstance(item, str):
                names.append(item)
            elif isinstance(item, dict) and isinstance(item.get("name"), str):
                kind = " ".join(as_list(item.get("@type"))).lower()
                if not people or "organization" not in kind:
                    names.append(item["name"])
        return [html.unescape(name).strip() for name in names if name.strip()]

    def ld_url(self, key: str) -> str | None:
        """A URL in a JSON-LD field holding a string, an object with `url`, or a list of them."""
        for item in as_list(self.ld.get(key)):
            url = item.get("url") if isinstance(item, dict) else item
            if isinstance(url, str) and url.strip():
                return url.strip()
        return None

    def ld_text(self, key: str) -> str | None:
        value = self.ld.get(key)
        if isinstance(value, list):
            value = next((v for v in value if isinstance(v, str)), None)
        return value.strip() if isinstance(value, str) and value.strip() else None


def read_page_meta(tree: HtmlElement) -> PageMeta:
    """Read JSON-LD and meta tags from a parsed page (the tree is not changed)."""
    page = PageMeta(ld=article_object(tree))
    for tag in tree.iter("meta"):
        name = tag.get("property") or tag.get("name") or tag.get("itemprop")
        name = name or tag.get("http-equiv")
        content = tag.get("content")
        if name and content:
            page.meta.setdefault(name.strip().lower(), []).append(content)
    root = tree.getroottree().getroot()
    page.html_lang = root.get("lang") or root.get("xml:lang")
    page.html_title = next((t.text_content().strip() for t in tree.iter("title")), None)
    for element in BYLINE_ELEMENTS(tree)[:MAX_BYLINES]:
        text = " ".join(" ".join(element.itertext()).split())
        if 0 < len(text) <= MAX_BYLINE_CHARS:
            page.bylines.append(text)
    for link in tree.iter("link"):
        if "canonical" in (link.get("rel") or "").lower().split() and link.get("href"):
            page.canonical = link.get("href", "").strip()
            break
    return page


def article_object(tree: HtmlElement) -> dict[str, Any]:
    """The page's JSON-LD article (the first of an article type, else the first object)."""
    objects: list[dict[str, Any]] = []
    for script in tree.iter("script"):
        if (script.get("type") or "").strip().lower() != "application/ld+json" or not script.text:
            continue
        try:
            objects.extend(flatten(json.loads(script.text, strict=False)))
        except ValueError as exc:
            logger.debug("unreadable JSON-LD: %s", exc)
    for obj in objects:
        kinds = {str(kind).lower() for kind in as_list(obj.get("@type"))}
        if kinds & ARTICLE_TYPES:
            return dict(obj)
    return {}


def flatten(data: Any) -> Iterator[dict[str, Any]]:
    """Every object in a JSON-LD document: top-level lists and `@graph` included."""
    for item in as_list(data):
        if isinstance(item, dict):
            yield item
            yield from flatten(item.get("@graph"))


def as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]
