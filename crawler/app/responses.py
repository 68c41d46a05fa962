"""What Scrapy decides about an answer, decided the same way without importing Scrapy.

`fetch`'s direct path (crawler/app/direct.py) must store what a crawl stores, so it takes
Scrapy 2.19's own rules, step by step, with the same w3lib calls: which answers are HTML pages
(`scrapy.responsetypes`), which encoding a page is in (`TextResponse.encoding`: BOM,
Content-Type, `<meta>`, then a guess) and where a `<meta http-equiv="refresh">` sends the
reader (`scrapy.utils.response.get_meta_refresh`). tests/test_responses.py holds each function
to Scrapy's own on the same answers.
"""

from __future__ import annotations

import functools
import importlib.util
from mimetypes import MimeTypes
from pathlib import Path
from urllib.parse import urlparse, urlunparse

from w3lib.encoding import (
    html_body_declared_encoding,
    html_to_unicode,
    http_content_type_encoding,
    read_bom,
    resolve_encoding,
)
from w3lib.html import get_base_url, get_meta_refresh

# scrapy.responsetypes.ResponseTypes.CLASSES, by what the class is: HtmlResponse, or another.
HTML_TYPES = ("text/html", "application/xhtml+xml", "application/vnd.wap.xhtml+xml")
OTHER_TEXT_TYPES = (
    "application/atom+xml", "application/rdf+xml", "application/rss+xml", "application/xml",
    "application/json", "application/x-json", "application/json-amazonui-streaming",
    "application/javascript", "application/x-javascript", "text/xml",
)  # fmt: skip
# Control characters that make Scrapy take a body for binary (scrapy.utils.python).
BINARY_CHARS = frozenset(i for i in range(32) if i not in (0, 9, 10, 13))
DEFAULT_ENCODING = "ascii"  # TextResponse._DEFAULT_ENCODING


def is_html(
    url: str,
    body: bytes,
    *,
    content_type: str | None,
    content_encoding: str | None = None,
    content_disposition: str | None = None,
) -> bool:
    """Whether Scrapy makes an `HtmlResponse` of this answer (`responsetypes.from_args`): by
    its Content-Type (no class while the body is still encoded), then the file name in its
    Content-Disposition, then the URL's file name, then a look at the body."""
    kind: str | None = None
    if content_type is not None:
        kind = None if content_encoding else by_mimetype(content_type.split(";")[0].strip().lower())
    if kind is None and content_disposition is not None:
        try:
            name = content_disposition.split(";")[1].split("=")[1].strip("\"'")
        except IndexError:
            name = None
        kind = by_filename(name) if name is not None else None
    if kind is None:
        kind = by_filename(url)
    if kind is None:
        kind = by_body(body)
    return kind == "html"


def by_mimetype(mimetype: str) -> str | None:
    """ "html", "text" (any other text response), or None (a plain `Response`)."""
    if mimetype in HTML_TYPES:
        return "html"
    if mimetype in OTHER_TEXT_TYPES or mimetype.split("/", 1)[0] == "text":
        return "text"
    return None


def by_filename(name: str) -> str | None:
    mimetype, encoding = mimetypes().guess_type(name)
    return by_mimetype(mimetype) if mimetype and not encoding else None


def by_body(body: bytes) -> str | None:
    chunk = body[:5000]
    if any(c in BINARY_CHARS for c in chunk):
        return None  # application/octet-stream
    lower = chunk.lower()
    if b"<html>" in lower:
        return "html"
    if b"<?xml" in lower:
        return "text"
    return "html" if b"<!doctype html>" in lower else "text"


@functools.cache
def mimetypes() -> MimeTypes:
    """The system's MIME types with Scrapy's own file on top, as `ResponseTypes` reads them
    (from Scrapy's folder, found without importing Scrapy)."""
    types = MimeTypes()
    spec = importlib.util.find_spec("scrapy")
    assert spec is not None and spec.submodule_search_locations
    with (Path(next(iter(spec.submodule_search_locations))) / "mime.types").open(
        encoding="utf8"
    ) as f:
        types.readfp(f)
    return types


def encoding(body: bytes, content_type: str | None) -> str:
    """The encoding `TextResponse.encoding` finds: a BOM, the Content-Type's charset, a
    `<meta>` or XML declaration; failing those, ASCII, UTF-8 or what charset_normalizer
    guesses (`TextResponse._auto_detect_fun`)."""
    return (
        read_bom(body)[0]
        or http_content_type_encoding(content_type or "")
        or html_body_declared_encoding(body)
        or html_to_unicode(
            content_type or "", body, auto_detect_fun=guess, default_encoding=DEFAULT_ENCODING
        )[0]
    )


def guess(body: bytes) -> str | None:
    for name in (DEFAULT_ENCODING, "utf-8"):
        try:
            body.decode(name)
        except UnicodeError:
            continue
        return resolve_encoding(name)
    from charset_normalizer import from_bytes  # only for pages that declare no charset

    match = from_bytes(body).best()
    return resolve_encoding(match.encoding) if match else None


def text(body: bytes, page_encoding: str) -> str:
    """`TextResponse.text`."""
    return html_to_unicode(f"charset={page_encoding}", body)[1]


def meta_refresh(
    url: str, body: bytes, page_encoding: str, ignore_tags: list[str]
) -> tuple[float, str] | tuple[None, None]:
    """The delay and absolute URL of the page's `<meta http-equiv="refresh">`, read from its
    first 4,096 characters as Scrapy's MetaRefreshMiddleware reads them."""
    head = text(body, page_encoding)[:4096]
    base = get_base_url(head, url, page_encoding)
    return get_meta_refresh(head, base, page_encoding, ignore_tags=ignore_tags)


# Referrer policies by the names a Referrer-Policy header may give (RefererMiddleware.policies);
# "" and "scrapy-default" (Scrapy's default for http pages) act as no-referrer-when-downgrade.
POLICIES = (
    "no-referrer", "no-referrer-when-downgrade", "same-origin", "origin", "strict-origin",
    "origin-when-cross-origin", "strict-origin-when-cross-origin", "unsafe-url",
)  # fmt: skip


def referrer(policy_header: str | None, from_url: str, to_url: str) -> str | None:
    """The Referer Scrapy's RefererMiddleware gives a request redirected from the http(s)
    page `from_url` to `to_url`: by the last policy it knows in the answer's Referrer-Policy
    header, else by its default, no-referrer-when-downgrade."""
    names = [n.strip() for n in (policy_header or "").lower().split(",")]
    policy = next((n for n in reversed(names) if n in (*POLICIES, "")), "")
    full, bare = strip_url(from_url), strip_url(from_url, origin_only=True)
    same_origin = bare == strip_url(to_url, origin_only=True)
    downgrade = from_url.startswith("https:") and not to_url.startswith("https:")
    return {
        "no-referrer": None,
        "same-origin": full if same_origin else None,
        "origin": bare,
        "strict-origin": None if downgrade else bare,
        "origin-when-cross-origin": full if same_origin else bare,
        "strict-origin-when-cross-origin": full if same_origin else None if downgrade else bare,
        "unsafe-url": full,
    }.get(policy, None if downgrade else full)


def strip_url(url: str, *, origin_only: bool = False) -> str:
    """scrapy.utils.url.strip_url as referrers use it: no credentials, no default port, no
    fragment; with `origin_only`, no path or query either."""
    parts = urlparse(url)
    netloc = parts.netloc.split("@")[-1] if parts.username or parts.password else parts.netloc
    if (parts.scheme, parts.port) in (("http", 80), ("https", 443), ("ftp", 21)):
        netloc = netloc.removesuffix(f":{parts.port}")
    if origin_only:
        return urlunparse((parts.scheme, netloc, "/", "", "", ""))
    return urlunparse((parts.scheme, netloc, parts.path, parts.params, parts.query, ""))
