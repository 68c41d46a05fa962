"""OPML subscription lists, as feed readers import and export them (OPML 1.0 and 2.0).

A feed is an `<outline>` with an `xmlUrl`; the outlines it sits in are folders, which become its
category ("News / Politics"). `text` (or `title`) is the reader's name for the feed, `htmlUrl`
its site. Pure: bytes in, bytes out.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from email.utils import formatdate

from lxml import etree

FOLDER_SEPARATOR = " / "
SITEMAP_KINDS = ("sitemap", "newssitemap")


class OpmlError(ValueError):
    """The bytes are not an OPML subscription list; the message says why, in one line."""


@dataclass(frozen=True)
class Subscription:
    """One feed of an OPML list."""

    url: str
    name: str | None = None
    site_url: str | None = None
    category: str | None = None
    kind: str | None = None  # a sitemap kind when newsdesk exported one; None for feeds


def read_opml(data: bytes) -> list[Subscription]:
    """The feeds of an OPML document, in document order (each URL once)."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True, recover=True)
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        raise OpmlError(f"not OPML: {exc}") from exc
    if root is None or etree.QName(root).localname.lower() != "opml":
        raise OpmlError("not OPML: no <opml> root element")
    body = next((c for c in root if _name(c) == "body"), None)
    if body is None:
        raise OpmlError("not OPML: no <body>")
    seen: dict[str, Subscription] = {}
    for item in _walk(body, []):
        seen.setdefault(item.url, item)
    return list(seen.values())


def _walk(element: etree._Element, folders: list[str]) -> Iterator[Subscription]:
    for outline in element:
        if _name(outline) != "outline":
            continue
        attrs = {str(k).lower(): " ".join(str(v).split()) for k, v in outline.attrib.items()}
        label = attrs.get("text") or attrs.get("title") or None
        if url := attrs.get("xmlurl"):
            kind = attrs.get("type", "").lower()
            yield Subscription(
                url=url,
                name=label if label != url else None,  # a reader's stand-in for no name
                site_url=attrs.get("htmlurl") or None,
                category=FOLDER_SEPARATOR.join(folders) or _category_attribute(attrs),
                kind=kind if kind in SITEMAP_KINDS else None,
            )
        yield from _walk(outline, [*folders, label] if label and not url else folders)


def _category_attribute(attrs: dict[str, str]) -> str | None:
    """The first path of a `category` attribute ("/News/Politics,/Tech") as a category."""
    first = attrs.get("category", "").split(",")[0]
    parts = [p.strip() for p in first.split("/") if p.strip()]
    return FOLDER_SEPARATOR.join(parts) or None


def _name(element: etree._Element) -> str:
    return etree.QName(element).localname.lower() if isinstance(element.tag, str) else ""


def write_opml(subscriptions: Iterable[Subscription], *, title: str = "newsdesk sources") -> bytes:
    """An OPML 2.0 document of the feeds, each category a (nested) folder, as readers write it."""
    root = etree.Element("opml", version="2.0")
    head = etree.SubElement(root, "head")
    etree.SubElement(head, "title").text = title
    etree.SubElement(head, "dateCreated").text = formatdate(usegmt=True)
    body = etree.SubElement(root, "body")
    folders: dict[tuple[str, ...], etree._Element] = {(): body}
    for item in subscriptions:
        path = tuple(item.category.split(FOLDER_SEPARATOR)) if item.category else ()
        for depth in range(1, len(path) + 1):
            if path[:depth] not in folders:
                name = path[depth - 1]
                folders[path[:depth]] = etree.SubElement(
                    folders[path[: depth - 1]], "outline", text=name, title=name
                )
        attrs = {"type": item.kind or "rss", "text": item.name or item.url}
        attrs["title"] = attrs["text"]
        attrs["xmlUrl"] = item.url
        if item.site_url:
            attrs["htmlUrl"] = item.site_url
        etree.SubElement(folders[path], "outline", attrs)
    return bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True))
