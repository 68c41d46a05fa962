"""crawler/app/responses.py decides as Scrapy decides: each function against Scrapy's own on the
same answers (which are HTML, their encoding, meta refresh, Referer), and the Scrapy defaults the
direct path assumes against Scrapy's."""

from __future__ import annotations

import codecs

import pytest
from scrapy import Request
from scrapy.http import Headers, HtmlResponse, Response
from scrapy.responsetypes import responsetypes
from scrapy.settings import Settings, default_settings
from scrapy.spidermiddlewares.referer import RefererMiddleware
from scrapy.utils.response import get_meta_refresh

from crawler.app import responses
from crawler.app.download import SCRAPY_DEFAULTS
from tests.answers import SITE, latin_1_page

GERMAN = (SITE / "news" / "hafen-mueller.html").read_bytes()
BODIES = {
    "utf-8": "<html><body><p>Skår og søndag</p></body></html>".encode(),
    "ascii": b"<html><body><p>Harbour</p></body></html>",
    "meta latin-1": latin_1_page(),
    "undeclared cp1252": GERMAN,
    "xml declaration": b'<?xml version="1.0" encoding="iso-8859-2"?><html><p>\xb1</p></html>',
    "bom utf-16": codecs.BOM_UTF16_LE + "<html><p>Hafen</p></html>".encode("utf-16-le"),
    "bom utf-8 and meta": codecs.BOM_UTF8 + b"<meta charset='latin-1'><p>\xc3\xa5</p>",
    "binary": b"%PDF-1.4\x00\x01\x02",
    "doctype": b"<!DOCTYPE html><p>no html tag</p>",
    "xml": b"<?xml version='1.0'?><rss></rss>",
    "plain": b"just words",
}
CONTENT_TYPES = [
    None, "", "text/html", "text/html; charset=utf-8", "text/html; charset=ISO-8859-1",
    "application/xhtml+xml", "application/octet-stream", "application/pdf", "text/plain",
    "application/rss+xml", "TEXT/HTML ; charset=windows-1252", "text/html; charset=bogus",
]  # fmt: skip
URLS = ["http://x.test/story", "http://x.test/story.html", "http://x.test/a.pdf", "http://x.test/"]


def headers(content_type: str | None, **more: str) -> dict[str, str]:
    found = {} if content_type is None else {"Content-Type": content_type}
    return found | {k.replace("_", "-"): v for k, v in more.items()}


@pytest.mark.parametrize("content_type", CONTENT_TYPES)
def test_encoding_is_text_response_s(content_type):
    for name, body in BODIES.items():
        scrapy = HtmlResponse("http://x.test/", body=body, headers=headers(content_type))
        assert responses.encoding(body, content_type) == scrapy.encoding, name
        assert responses.text(body, scrapy.encoding) == scrapy.text, name


def test_the_german_page_without_a_charset_decodes():
    encoding = responses.encoding(GERMAN, "text/html")
    assert "Hafenmeister Müller" in responses.text(GERMAN, encoding)


@pytest.mark.parametrize("content_type", CONTENT_TYPES)
def test_is_html_is_responsetypes(content_type):
    cases = [{}, {"Content_Encoding": "gzip"}, {"Content_Disposition": "attachment"}]
    cases.append({"Content_Disposition": "attachment; filename=a.html"})
    for url in URLS:
        for name, body in BODIES.items():
            for more in cases:
                found = headers(content_type, **more)
                cls = responsetypes.from_args(headers=Headers(found), url=url, body=body)
                mine = responses.is_html(
                    url,
                    body,
                    content_type=content_type,
                    content_encoding=found.get("Content-Encoding"),
                    content_disposition=found.get("Content-Disposition"),
                )
                assert mine == issubclass(cls, HtmlResponse), (url, name, more)


REFRESHES = [
    b'<meta http-equiv="refresh" content="0; url=/next">',
    b'<meta http-equiv="refresh" content="5;URL=\'http://y.test/other\'">',
    b'<noscript><meta http-equiv="refresh" content="0; url=/js"></noscript>',
    b"<script>x=\"<meta http-equiv=refresh content='0;url=/s'>\"</script>",
    b'<base href="http://z.test/dir/"><meta http-equiv="refresh" content="1; url=page">',
    b'<meta http-equiv="refresh" content="30">',
    b"<p>" + b"x" * 5000 + b'</p><meta http-equiv="refresh" content="0; url=/late">',
    b"<p>nothing</p>",
]


def test_meta_refresh_is_scrapy_s():
    for body in REFRESHES:
        scrapy = HtmlResponse("http://x.test/a/b", body=body, headers={"Content-Type": "text/html"})
        expected = get_meta_refresh(scrapy, ignore_tags=["noscript"])
        mine = responses.meta_refresh("http://x.test/a/b", body, scrapy.encoding, ["noscript"])
        assert mine == expected, body


POLICIES = [None, "", "no-referrer", "same-origin", "origin", "strict-origin", "unsafe-url",
            "origin-when-cross-origin", "strict-origin-when-cross-origin", "bogus",
            "no-referrer, unsafe-url", "unsafe-url, bogus"]  # fmt: skip
HOPS = [
    ("http://x.test/a?q=1#f", "http://x.test/b"),
    ("https://u:p@x.test:443/a", "http://x.test/b"),
    ("https://x.test/a", "https://y.test/b"),
    ("http://x.test:80/a", "https://x.test/b"),
]


@pytest.mark.filterwarnings("ignore:Could not load referrer policy")
def test_referer_on_redirects_is_scrapy_s():
    middleware = RefererMiddleware(Settings())
    for policy in POLICIES:
        for source, target in HOPS:
            answer = Response(source, headers={} if policy is None else {"Referrer-Policy": policy})
            expected = middleware.policy(answer, Request(target)).referrer(source, target)
            assert responses.referrer(policy, source, target) == expected, (policy, source)


def test_the_scrapy_defaults_the_direct_path_assumes_are_scrapy_s():
    for name, value in SCRAPY_DEFAULTS.items():
        assert getattr(default_settings, name) == value, name
