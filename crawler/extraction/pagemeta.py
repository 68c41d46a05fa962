"""What a page declares about itself: its JSON-LD article object and its meta tags."""

from __future__ import annotations

import html
import json
import logging
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Iterator

    from lxml.html import HtmlElement

logger = logging.getLogger(__name__)

# Where a value came from, as `metadata_source` names it: the JSON-LD objects, the meta tags,
# the HTML (`<title>`, `<link rel=canonical>`), the page's URL.
JSON_LD, META, HTML, URL = "json-ld", "meta", "html", "url"

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


@dataclass
class PageMeta:
    """JSON-LD article fields (`ld`) and meta tags by lower-cased name or property (`meta`)."""

    ld: dict[str, Any] = field(default_factory=dict)
    meta: dict[str, list[str]] = field(default_factory=dict)
    html_lang: str | None = None
    canonical: str | None = None
    html_title: str | None = None
    ld_types: set[str] = field(default_factory=set)  # of every JSON-LD object, lower case
    ld_ids: dict[str, dict[str, Any]] = field(default_factory=dict)  # objects by `@id`
    ld_page: dict[str, Any] = field(default_factory=dict)  # the first `WebPage` object

    def first(self, *names: str) -> str | None:
        """The first non-empty meta tag among `names`."""
        for name in names:
            for value in self.meta.get(name, ()):
                if value.strip():
                    return value.strip()
        return None

    def ld_names(self, key: str) -> list[str]:
        """Names in a JSON-LD field of the article object holding strings or objects with a
        `name` (the authors' are read by `ld_authors`)."""
        names = []
        for item in as_list(self.ld.get(key)):
            if isinstance(item, str):
                names.append(item)
            elif isinstance(item, dict) and isinstance(item.get("name"), str):
                names.append(item["name"])
        return [html.unescape(name).strip() for name in names if name.strip()]

    def ld_authors(self, *, persons: bool = False) -> list[str]:
        """The names of the JSON-LD article's `author`s (the `WebPage`'s, when the page declares
        no article, unless `persons`) that are not organisations (only those typed `Person` if
        `persons`); an author given only as an `@id` reference is looked up among the page's
        objects."""
        names = []
        source = self.ld if self.ld or persons else self.ld_page  # a page's Person may be a login
        for item in as_list(source.get("author")):
            if isinstance(item, dict) and "name" not in item:
                item = self.ld_ids.get(str(item.get("@id")), item)
            if isinstance(item, str) and not persons:
                names.append(item)
            elif isinstance(item, dict):
                kind = " ".join(str(k) for k in as_list(item.get("@type"))).lower()
                name = item.get("name")
                if isinstance(name, list):
                    name = next((n for n in name if isinstance(n, str)), None)
                person = not persons or "person" in kind.split()
                if isinstance(name, str) and "organization" not in kind and person:
                    names.append(name)
        return [html.unescape(name).strip() for name in names if name.strip()]

    def ld_url(self, key: str) -> str | None:
        """A URL in a JSON-LD field holding a string, an object with `url`, or a list of them."""
        for item in as_list(self.ld.get(key)):
            url = item.get("url") if isinstance(item, dict) else item
            if isinstance(url, str) and url.strip():
                return url.strip()
        return None

    def ld_text(self, key: str, *, page: bool = False) -> str | None:
        """A JSON-LD text field of the article object (of the `WebPage`, when the page
        declares no article and `page` is set: a CMS describes a page that way)."""
        value = (self.ld if self.ld or not page else self.ld_page).get(key)
        if isinstance(value, list):
            value = next((v for v in value if isinstance(v, str)), None)
        return value.strip() if isinstance(value, str) and value.strip() else None


def read_page_meta(tree: HtmlElement) -> PageMeta:
    """Read JSON-LD and meta tags from a parsed page (the tree is not changed)."""
    objects = ld_objects(tree)
    page = PageMeta(ld=article_object(objects))
    page.ld_page = next((obj for obj in objects if "webpage" in ld_kinds(obj)), {})
    for obj in objects:
        page.ld_types.update(ld_kinds(obj))
        if isinstance(obj.get("@id"), str):
            page.ld_ids.setdefault(obj["@id"], obj)
    for tag in tree.iter("meta"):
        name = tag.get("property") or tag.get("name") or tag.get("itemprop")
        name = name or tag.get("http-equiv")
        content = tag.get("content")
        if name and content:
            page.meta.setdefault(name.strip().lower(), []).append(content)
    root = tree.getroottree().getroot()
    page.html_lang = root.get("lang") or root.get("xml:lang")
    page.html_title = next((t.text_content().strip() for t in tree.iter("title")), None)
    for link in tree.iter("link"):
        if "canonical" in (link.get("rel") or "").lower().split() and link.get("href"):
            page.canonical = link.get("href", "").strip()
            break
    return page


def ld_objects(tree: HtmlElement) -> list[dict[str, Any]]:
    """Every object of the page's JSON-LD scripts (lists and `@graph` flattened)."""
    objects: list[dict[str, Any]] = []
    for script in tree.iter("script"):
        if (script.get("type") or "").strip().lower() != "application/ld+json" or not script.text:
            continue
        try:
            objects.extend(flatten(json.loads(script.text, strict=False)))
        except ValueError as exc:
            logger.debug("unreadable JSON-LD: %s", exc)
    return objects


def ld_kinds(obj: dict[str, Any]) -> set[str]:
    """A JSON-LD object's types, lower case ({"newsarticle"})."""
    return {str(kind).lower() for kind in as_list(obj.get("@type"))}


def article_object(objects: list[dict[str, Any]]) -> dict[str, Any]:
    """The page's JSON-LD article: the first object of an article type ({} if none)."""
    for obj in objects:
        if ld_kinds(obj) & ARTICLE_TYPES:
            return dict(obj)
    return {}


def flatten(data: Any) -> Iterator[dict[str, Any]]:
    """Every object in a JSON-LD document: top-level lists and `@graph` included."""
    for item in as_list(data):
        if isinstance(item, dict):
            yield item
            yield from flatten(item.get("@graph"))


def as_list(value: Any) -> list[Any]:
    """A JSON-LD value that may be one item or a list of them, as a list ([] for none)."""
    if value is None:
        return []
    return value if isinstance(value, list) else [value]
