"""What a page declares about itself (crawler/extraction/pagemeta.py): its JSON-LD article and
its meta tags, read from a parsed page."""

from __future__ import annotations

import json

from lxml.html import fromstring

from crawler.extraction.pagemeta import PageMeta, read_page_meta


def page(head: str, body: str = "<p>Story.</p>", lang: str = ' lang="en-GB"') -> PageMeta:
    return read_page_meta(fromstring(f"<html{lang}><head>{head}</head><body>{body}</body></html>"))


def ld(data: object) -> str:
    return f'<script type="application/ld+json">{json.dumps(data)}</script>'


def test_the_article_object_is_found_in_a_graph_among_others():
    graph = {
        "@context": "https://schema.org",
        "@graph": [
            {"@type": "WebSite", "name": "The Coastal Ledger"},
            {"@type": ["NewsArticle"], "headline": "Storm tears north pontoon"},
        ],
    }
    meta = page(ld({"@type": "Organization", "name": "Ledger"}) + ld(graph))
    assert meta.ld["headline"] == "Storm tears north pontoon"


def test_no_article_object_and_broken_json_ld_give_nothing():
    assert page(ld({"@type": "WebPage", "name": "Home"})).ld == {}
    broken = '<script type="application/ld+json">{"@type": "NewsArticle",</script>'
    assert page(broken).ld == {}


def test_json_ld_fields():
    meta = page(
        ld(
            {
                "@type": "NewsArticle",
                "author": [
                    {"@type": "Person", "name": "Mara Lindqvist"},
                    {"@type": "Organization", "name": "Ledger Staff"},
                    "Tomas Berg",
                ],
                "image": [{"url": " https://ledger.example/pontoon.jpg "}],
                "inLanguage": ["en", 3],
                "headline": "  ",
            }
        )
    )
    assert meta.ld_names("author") == ["Mara Lindqvist", "Ledger Staff", "Tomas Berg"]
    assert meta.ld_authors() == ["Mara Lindqvist", "Tomas Berg"]
    assert meta.ld_url("image") == "https://ledger.example/pontoon.jpg"
    assert meta.ld_text("inLanguage") == "en"
    assert meta.ld_text("headline") is None and meta.ld_text("missing") is None


def test_meta_tags_by_lower_cased_name_property_or_itemprop():
    meta = page(
        '<meta property="OG:Title" content="Pontoon">'
        '<meta name="author" content=" ">'
        '<meta name="author" content="Mara Lindqvist">'
        '<meta itemprop="datePublished" content="2026-11-20">'
        '<meta http-equiv="Content-Language" content="en">'
        "<meta name='empty'>"
    )
    assert meta.meta["og:title"] == ["Pontoon"]
    assert meta.first("author") == "Mara Lindqvist"  # the first that says something
    assert meta.first("missing", "datepublished") == "2026-11-20"
    assert meta.first("content-language") == "en"
    assert "empty" not in meta.meta


def test_title_language_and_canonical():
    meta = page(
        '<title> Storm | Ledger </title><link rel="alternate" href="/feed">'
        '<link rel="Canonical" href=" https://ledger.example/pontoon ">',
    )
    assert (meta.html_title, meta.html_lang) == ("Storm | Ledger", "en-GB")
    assert meta.canonical == "https://ledger.example/pontoon"
    assert page("", lang="").html_lang is None
