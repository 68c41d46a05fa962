"""An article's metadata, field by field, each value with the place it came from."""

from __future__ import annotations

import html
from typing import TYPE_CHECKING, Any
from urllib.parse import urljoin, urlsplit

from crawler.extraction.authors import page_authors
from crawler.extraction.bylines import dedupe
from crawler.extraction.dates import page_dates
from crawler.extraction.language import page_language
from crawler.extraction.pagemeta import HTML, JSON_LD, META, URL
from crawler.extraction.titles import headline

if TYPE_CHECKING:
    from lxml.html import HtmlElement

    from crawler.extraction.pagemeta import PageMeta

Found = dict[str, tuple[Any, str]]


def article_metadata(
    tree: HtmlElement,
    page: PageMeta,
    headings: list[tuple[HtmlElement, str]],
    *,
    url: str,
    text: str,
    removed: list[str],
) -> Found:
    """{field: (value, source)} for the fields the page gives; `headings` are its visible
    `<h1>`s with their texts (`titles.visible_headings`), `removed` the trimmed lines."""
    found: Found = {}
    publishers = page.ld_names("publisher")
    sitename = first_of(
        (META, site_name(page.first("og:site_name", "application-name"))),
        (JSON_LD, site_name(next(iter(publishers), None))),
    )
    site_names = [n for n in (sitename[0], *publishers, hostname(url)) if n]
    found["title"] = headline(tree, headings, declared_titles(page), site_names)
    found["description"] = first_of(
        (META, page.first("og:description", "description", "twitter:description")),
        (JSON_LD, page.ld_text("description")),
    )
    found["image"] = first_of(
        (META, page.first("og:image", "og:image:url", "twitter:image", "twitter:image:src")),
        (JSON_LD, page.ld_url("image")),
    )
    found["canonical_url"] = first_of(
        (HTML, page.canonical), (META, page.first("og:url")), (JSON_LD, page.ld_url("url"))
    )
    for name in ("image", "canonical_url"):  # relative URLs are common in both
        value, source = found[name]
        found[name] = (urljoin(url, value) if value else None, source)
    if found["canonical_url"][0] == url:
        del found["canonical_url"]
    found["tags"] = page_tags(page)
    found["sitename"] = sitename if sitename[0] else (hostname(url), URL)
    found["authors"] = page_authors(tree, page, removed, site_names=site_names, host=hostname(url))
    found.update(page_dates(tree, page, url=url))
    if language := page_language(page, text):
        found["language"] = language
    return {name: value for name, value in found.items() if value[0]}


def page_tags(page: PageMeta) -> tuple[list[str], str]:
    """Keywords and sections from JSON-LD, else from meta tags."""
    for source, values in (
        (JSON_LD, page.ld_names("keywords") + page.ld_names("articleSection")),
        (META, [*page.meta.get("article:tag", []), page.first("news_keywords", "keywords")]),
    ):
        tags = [tag.strip() for value in values if value for tag in value.split(",")]
        tags = dedupe(tag for tag in tags if tag and len(tag) <= 60)
        if tags:
            return tags, source
    return [], META


def declared_titles(page: PageMeta) -> list[tuple[str, str | None]]:
    """The titles a page declares, as (source, title): JSON-LD, Open Graph/Twitter, `<title>`."""
    return [
        (JSON_LD, page.ld_text("headline")),
        (META, page.first("og:title", "twitter:title")),
        (HTML, page.html_title),
    ]


def site_name(name: str | None) -> str | None:
    """A site's name as declared, unless it is a URL; without a Twitter handle's "@"."""
    if not name or "://" in name:
        return None
    return name.strip().lstrip("@")


def hostname(url: str) -> str | None:
    """The URL's host without "www." ("example.org"), a name for a site that declares none."""
    host = urlsplit(url).hostname
    return host.removeprefix("www.") if host else None


def first_of(*candidates: tuple[str, str | None]) -> tuple[str | None, str]:
    """The first candidate (source, value) that has a value, as (value, source)."""
    for source, value in candidates:
        if value and value.strip():
            return " ".join(html.unescape(value).split()), source
    return None, candidates[0][0]
