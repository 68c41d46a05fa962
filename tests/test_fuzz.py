"""Fuzzing with hypothesis (issue 15): feed parsing, URL identity and article extraction take
whatever the web sends and end in a result or a one-line reason, never an exception that escapes.

Bounded for CI: a fixed number of examples, derandomized so that a run is repeatable;
`NEWSDESK_FUZZ_EXAMPLES=2000 python -m pytest tests/test_fuzz.py` explores further.
"""

from __future__ import annotations

import asyncio
import os

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from crawler.ingest.bounds import Bounds
from crawler.ingest.feeds import FeedError, parse_feed
from crawler.ingest.items import ArticlePage, Failure, FeedEntry
from crawler.ingest.pipeline import extract_row
from crawler.ingest.records import canonical_url, entry_aliases
from crawler.ingest.urls import is_http_url, normalize_url
from crawler.ingest.workers import ExtractionPool

EXAMPLES = int(os.environ.get("NEWSDESK_FUZZ_EXAMPLES", "0"))


def bounded(examples: int) -> settings:
    return settings(
        max_examples=EXAMPLES or examples,
        deadline=None,  # a loaded machine is slow; the number of examples bounds the time
        derandomize=not EXAMPLES,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
        database=None,
    )


def one_line(reason: str) -> bool:
    return bool(reason) and "\n" not in reason


# -- the pieces hostile pages and feeds are made of -------------------------------------------
WORDS = st.text(st.characters(exclude_categories=("Cs",)), max_size=24)
CHAR_REF = st.integers(0, 0x11FFFF).map(lambda n: f"&#x{n:X};") | st.integers(0, 10**12).map(
    lambda n: f"&#{n};"
)
ENTITY = st.sampled_from(["&amp;", "&lt;", "&nbsp;", "&eacute;", "&bogus;", "&", "&#;", "&#x;"])
MARKUP = st.sampled_from(
    ["<", ">", "]]>", "<![CDATA[", "<!--", "-->", "\\", '"', "'", "\x00", "\ufeff"]
)
TEXT = st.lists(WORDS | CHAR_REF | ENTITY | MARKUP, max_size=8).map("".join)

HOSTS = st.sampled_from(
    ["127.0.0.1", "127.0.0.1:8080", "EXAMPLE.org", "bücher.example", "xn--bcher-kva.example",
     "[::1]", "a..b", "", "user:pw@127.0.0.1", "127.0.0.1:99999", "%zz"]
)  # fmt: skip
PARAMS = st.sampled_from(
    ["utm_source", "fbclid", "gclid", "id", "cid", "ref", "page", "", "a b", "ü", "%00"]
)
URL_PARTS = st.builds(
    lambda scheme, host, path, query, fragment: f"{scheme}{host}{path}{query}{fragment}",
    st.sampled_from(["http://", "https://", "HTTP://", "ftp://", "//", "", "javascript:"]),
    HOSTS,
    st.lists(WORDS | st.sampled_from(["..", ".", "%2F", "%", "~"]), max_size=4).map(
        lambda parts: "/" + "/".join(parts)
    ),
    st.lists(st.tuples(PARAMS, WORDS), max_size=4).map(
        lambda pairs: ("?" + "&".join(f"{k}={v}" for k, v in pairs)) if pairs else ""
    ),
    st.sampled_from(["", "#top", "#", "#%"]),
)
URLS = URL_PARTS | WORDS


def feed_document(title: str, links: list[str], texts: list[str], doctype: str, kind: str) -> str:
    items = "".join(
        f"<item><title>{text}</title><link>{link}</link><guid>{text}</guid>"
        f"<pubDate>{text}</pubDate><description>{text}</description></item>"
        for link, text in zip(links, texts, strict=False)
    )
    if kind == "atom":
        entries = "".join(
            f'<entry><title>{text}</title><link href="{link}"/><updated>{text}</updated></entry>'
            for link, text in zip(links, texts, strict=False)
        )
        body = f'<feed xmlns="http://www.w3.org/2005/Atom"><title>{title}</title>{entries}</feed>'
    else:
        body = f'<rss version="2.0"><channel><title>{title}</title>{items}</channel></rss>'
    return f'<?xml version="1.0" encoding="utf-8"?>\n{doctype}{body}'


DOCTYPES = st.one_of(
    st.just(""),
    st.builds(
        lambda name, value: f'<!DOCTYPE rss [\n<!ENTITY {name} "{value}">\n]>\n',
        st.sampled_from(["x", "path", "a1"]),
        TEXT,
    ),
    st.sampled_from(['<!DOCTYPE rss PUBLIC "-//Netscape Communications//DTD RSS 0.91//EN">\n']),
)
FEEDS = st.one_of(
    st.binary(max_size=3000),
    st.builds(
        feed_document,
        TEXT,
        st.lists(URLS, max_size=5),
        st.lists(TEXT, max_size=5),
        DOCTYPES,
        st.sampled_from(["rss", "atom"]),
    ).flatmap(
        lambda doc: st.sampled_from(["utf-8", "utf-16", "latin-1", "utf-32"]).map(
            lambda codec: doc.encode(codec, errors="replace")
        )
    ),
    st.builds(
        lambda items: (
            '{"version": "https://jsonfeed.org/version/1.1", "items": ' + items + "}"
        ).encode(),
        st.sampled_from(
            [
                '[{"url": 5}]',
                '[{"url": "http://127.0.0.1/a", "date_published": "x"}]',
                "7",
                "[null]",
            ]
        ),
    ),
)
CONTENT_TYPES = st.sampled_from(
    [
        "",
        "application/rss+xml",
        "text/xml; charset=utf-16",
        "application/feed+json",
        "text/html",
        "x/y; charset=bogus",
    ]
)

TAGS = st.sampled_from(
    ["p", "div", "article", "main", "span", "a", "script", "style", "h1", "table", "td", "li",
     "br", "img", "meta", "svg", "time", "noscript", "template", "iframe", "html", "body"]
)  # fmt: skip
ATTRIBUTES = st.lists(
    st.tuples(
        st.sampled_from(["class", "id", "href", "content", "property", "datetime", "lang", "type"]),
        TEXT,
    ),
    max_size=3,
).map(lambda pairs: "".join(f' {k}="{v}"' for k, v in pairs))
HTML = st.recursive(
    TEXT,
    lambda inner: st.builds(
        lambda tag, attributes, children, closed: (
            f"<{tag}{attributes}>{''.join(children)}" + (f"</{tag}>" if closed else "")
        ),
        TAGS,
        ATTRIBUTES,
        st.lists(inner, max_size=4),
        st.booleans(),
    ),
    max_leaves=40,
)
PAGES = st.one_of(
    st.binary(max_size=4000),
    st.builds(
        lambda body, codec: body.encode(codec, errors="replace"),
        HTML,
        st.sampled_from(["utf-8", "latin-1", "utf-16"]),
    ),
)


# -- the properties -----------------------------------------------------------------------------
@bounded(300)
@given(body=FEEDS, content_type=CONTENT_TYPES)
def test_any_feed_is_read_or_refused_in_one_line(body, content_type):
    try:
        feed = parse_feed(body, url="http://127.0.0.1:9/feed", content_type=content_type)
    except FeedError as exc:
        assert one_line(str(exc))
        return
    assert all(is_http_url(entry.link) for entry in feed.entries)
    assert feed.warning is None or one_line(feed.warning)


@bounded(500)
@given(url=URLS, declared=st.none() | URLS, guid=st.none() | TEXT)
def test_any_url_has_one_identity(url, declared, guid):
    normal = normalize_url(url)
    assert isinstance(normal, str)
    assert normalize_url(normal) == normal  # one spelling per story: normalising is idempotent
    assert isinstance(canonical_url(url, declared), str)
    aliases = entry_aliases(FeedEntry(link=url, feed_url="http://127.0.0.1:9/feed", guid=guid))
    assert ("url", normal) in aliases


POOL = ExtractionPool(
    min_chars=50, inline=True, bounds=Bounds(max_size=200_000, max_elements=2_000)
)


@bounded(60)
@given(body=PAGES, encoding=st.sampled_from(["utf-8", "latin-1", "utf-16", "bogus-codec"]))
def test_any_page_ends_as_a_row_or_a_reason(body, encoding):
    page = ArticlePage(url="http://127.0.0.1:9/story", body=body, encoding=encoding)
    outcome = asyncio.run(extract_row(POOL, page))
    if isinstance(outcome, Failure):
        assert one_line(outcome.reason), outcome.reason
    else:
        assert outcome["text"] and outcome["canonical_url"].startswith("http")
