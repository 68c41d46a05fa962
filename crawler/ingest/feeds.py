"""Feed parsing from downloaded bytes: RSS 0.9x/1.0/2.0 and Atom via feedparser, and JSON Feed 1.x.

Nothing here touches the network: Scrapy downloads, these functions only read bytes.
"""

from __future__ import annotations

import io
import json
import re
import sys
from dataclasses import dataclass, field
from typing import Any

import feedparser

from crawler.extraction.dates import iso_datetime
from crawler.ingest import reasons
from crawler.ingest.items import FeedEntry
from crawler.ingest.urls import absolute_http_url, is_http_url
from storage.times import iso_as_given, iso_from_struct

# RSS authors: "desk@gazette.example (Gazette desk)" and "Gazette desk <desk@gazette.example>".
EMAIL_NAME = re.compile(r"^\s*[^\s@()<>]+@[^\s()<>]+\s*\((?P<name>[^()]*)\)\s*$")
NAME_EMAIL = re.compile(r"^\s*(?P<name>[^<>@]+?)\s*<[^\s<>@]+@[^\s<>]+>\s*$")
# Atom link relations that never point at the article itself.
NOT_ARTICLE_RELS = {"enclosure", "replies", "self", "edit", "via", "license", "hub", "related"}


class FeedError(ValueError):
    """The bytes are not a feed we can read; the message says why, in one line."""


@dataclass
class ParsedFeed:
    title: str | None = None
    site_url: str | None = None
    entries: list[FeedEntry] = field(default_factory=list)
    warning: str | None = None  # set when the feed was malformed but entries were recovered
    kind: str | None = None  # "rss", "atom" or "jsonfeed"; None when feedparser cannot tell


def parse_feed(body: bytes, *, url: str, content_type: str = "") -> ParsedFeed:
    """Parse a downloaded feed; raise `FeedError` when nothing usable is in it.

    feedparser itself raises on some malformed feeds (a character reference to a lone surrogate
    or past U+10FFFF, a backslash in a DOCTYPE's entity); those are read again once repaired
    (`repair`), and a feed that still makes it raise is a `FeedError` naming the exception.
    """
    if looks_like_json_feed(body, content_type):
        return parse_json_feed(body, url=url)
    repaired: list[str] = []
    try:
        parsed = _feedparser(body, url, content_type)
    except Exception as exc:  # feedparser's own bugs: any exception, from any of its parsers
        fixed, repaired = repair(body)
        if not repaired:
            raise FeedError(f"unreadable feed ({reasons.unexpected(exc)})") from exc
        try:
            parsed = _feedparser(fixed, url, content_type)
        except Exception as again:
            raise FeedError(f"unreadable feed ({reasons.unexpected(again)})") from again
    entries = [e for e in (_entry(raw, url) for raw in parsed.entries) if e is not None]
    problems = [_one_line(parsed.get("bozo_exception"))] if parsed.bozo else []
    problem = "; ".join(repaired + problems) or None
    if not parsed.get("version") and not entries:
        raise FeedError(f"not a feed ({problem or 'no RSS, Atom or JSON Feed found'})")
    feed = parsed.feed
    version = parsed.get("version") or ""
    return ParsedFeed(
        title=feed.get("title") or None,
        site_url=_absolute(feed.get("link"), url),
        entries=entries,
        warning=f"malformed feed, {len(entries)} entries recovered: {problem}" if problem else None,
        kind="atom" if version.startswith("atom") else "rss" if version else None,
    )


def _feedparser(body: bytes, url: str, content_type: str) -> Any:
    return feedparser.parse(
        io.BytesIO(body),
        response_headers={"content-location": url, "content-type": content_type or "text/xml"},
    )


# A numeric character reference, decimal or hexadecimal (the semicolon is optional in HTML).
CHAR_REF = re.compile(rb"&#(?:[xX]([0-9a-fA-F]+)|([0-9]+));?")
# An entity declaration in a DOCTYPE: feedparser copies it into a regular expression's
# replacement, where a backslash is an escape.
ENTITY_DECL = re.compile(rb"<!ENTITY[^>]*>")


def repair(body: bytes) -> tuple[bytes, list[str]]:
    """The feed with what makes feedparser raise put right, and what was put right: character
    references no XML or Python string may hold (surrogates, 0, past U+10FFFF) become U+FFFD,
    and backslashes in entity declarations are escaped."""
    done: list[str] = []

    def char_ref(match: re.Match[bytes]) -> bytes:
        hexa, decimal = match.groups()
        digits = hexa or decimal
        code = int(digits, 16 if hexa else 10) if len(digits) <= 8 else sys.maxunicode + 1
        if code == 0 or 0xD800 <= code <= 0xDFFF or code > sys.maxunicode:
            done.append(f"character reference {match[0].decode('ascii')} replaced")
            return b"&#xFFFD;"
        return match[0]

    def entity(match: re.Match[bytes]) -> bytes:
        if b"\\" not in match[0]:
            return match[0]
        done.append("backslash in a DOCTYPE entity escaped")
        return match[0].replace(b"\\", b"\\\\")

    body = ENTITY_DECL.sub(entity, CHAR_REF.sub(char_ref, body))
    return body, list(dict.fromkeys(done))


def _entry(raw: Any, feed_url: str) -> FeedEntry | None:
    link = _article_link(raw, feed_url)
    if link is None:
        return None
    return FeedEntry(
        link=link,
        feed_url=feed_url,
        guid=raw.get("id") or None,
        title=raw.get("title") or None,
        authors=_names(raw),
        published=_time(raw, "published"),
        modified=_time(raw, "updated"),  # no fallback to published
        summary=raw.get("summary") or None,
        tags=[t["term"] for t in raw.get("tags", []) if t.get("term")],
    )


def _article_link(raw: Any, base: str) -> str | None:
    """The entry's link to its article: rel=alternate first, never enclosures or comments."""
    for link in raw.get("links", []):
        if link.get("rel", "alternate") == "alternate" and link.get("href"):
            return _absolute(link["href"], base)
    href = raw.get("link")
    if href and all(
        href != link.get("href")
        for link in raw.get("links", [])
        if link.get("rel") in NOT_ARTICLE_RELS
    ):
        return _absolute(href, base)
    guid = raw.get("id")
    if raw.get("guidislink") and guid:
        return _absolute(guid, base)
    return None


def _time(raw: Any, name: str) -> str | None:
    """An entry's time as the feed writes it, with the publisher's offset (a story published
    at 23:30 in New York keeps its day); feedparser's UTC reading when ours fails."""
    written = dict.get(raw, name)
    as_given = iso_datetime(written) if isinstance(written, str) else None
    return as_given or iso_from_struct(dict.get(raw, f"{name}_parsed"))


def _names(raw: Any) -> list[str]:
    """The entry's authors' names. An RSS `<author>` is an e-mail address with the name in
    brackets ("desk@gazette.example (Gazette desk)"); feedparser cuts long domain endings
    wrongly ("ple (Gazette desk"), so that form is read here."""
    written = raw.get("author")
    if isinstance(written, str) and "@" in written:
        name = author_name(written)
        others = [a.get("name") for a in raw.get("authors", [])[1:] if a.get("name")]
        return [name, *others] if name else others
    names = [a.get("name") for a in raw.get("authors", []) if a.get("name")]
    if not names and written:
        names = [written]
    return names


def author_name(written: str) -> str | None:
    """The name in "email (Name)" or "Name <email>"; None for a bare address."""
    if match := EMAIL_NAME.match(written) or NAME_EMAIL.match(written):
        return " ".join(match["name"].split()) or None
    return None if "@" in written else written.strip() or None


def _absolute(href: str | None, base: str) -> str | None:
    if not href:
        return None
    return absolute_http_url(href, base)


def _one_line(exc: object) -> str:
    return " ".join(str(exc).split()) or type(exc).__name__


# -- JSON Feed 1.x (https://jsonfeed.org/version/1.1) ----------------------------------------
def looks_like_json_feed(body: bytes, content_type: str) -> bool:
    if "json" in content_type.lower():
        return True
    return body.lstrip()[:1] == b"{"


def parse_json_feed(body: bytes, *, url: str) -> ParsedFeed:
    try:
        data = json.loads(body)
    except (ValueError, UnicodeDecodeError, RecursionError) as exc:  # arrays in arrays...
        raise FeedError(f"not a JSON Feed: {_one_line(exc)}") from exc
    if not isinstance(data, dict) or not str(data.get("version", "")).startswith(
        "https://jsonfeed.org/version/1"
    ):
        raise FeedError("not a JSON Feed: no jsonfeed.org version")
    declared = _text(data.get("feed_url")) or ""
    base = declared if is_http_url(declared) else url
    items = data.get("items") or []
    if not isinstance(items, list):
        raise FeedError("not a JSON Feed: its items are not a list")
    entries = []
    for item in items:
        if not isinstance(item, dict):
            continue
        link = _absolute(_text(item.get("url")) or _text(item.get("external_url")), base)
        if link is None:
            continue
        authors = item.get("authors") or ([item["author"]] if item.get("author") else [])
        entries.append(
            FeedEntry(
                link=link,
                feed_url=url,
                guid=str(item["id"]) if item.get("id") is not None else None,
                title=_text(item.get("title")),
                authors=[
                    name
                    for a in _list(authors)
                    if isinstance(a, dict) and (name := _text(a.get("name")))
                ],
                published=iso_as_given(item.get("date_published")),
                modified=iso_as_given(item.get("date_modified")),
                summary=_text(item.get("summary")),
                tags=[str(t) for t in _list(item.get("tags"))],
            )
        )
    return ParsedFeed(
        title=_text(data.get("title")),
        site_url=_absolute(_text(data.get("home_page_url")), url),
        entries=entries,
        kind="jsonfeed",
    )


def _list(value: Any) -> list[Any]:
    """A JSON Feed list field; empty when it is missing or not a list."""
    return value if isinstance(value, list) else []


def _text(value: Any) -> str | None:
    """A JSON Feed string field; None when it is missing, empty or not a string."""
    return value if isinstance(value, str) and value else None
