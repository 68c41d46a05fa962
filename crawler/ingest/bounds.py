"""What extraction is given: a page small enough that parsing it keeps memory and time bounded.

Extraction's cost grows with the number of elements on a page, faster than linearly (a 2 MB page
of small `<div>`s took 790 MB and 90 s), so a page under DOWNLOAD_MAXSIZE (10 MB) could still
take the crawl's memory past what any machine offers. A page over NEWSDESK_EXTRACT_MAXSIZE bytes
or NEWSDESK_EXTRACT_MAX_ELEMENTS elements is first reduced, without parsing it, to what may hold
an article: its scripts (JSON-LD kept), styles, SVG drawings and comments go. What is still over
either bound is refused with a reason (`reasons.too_large`). Pages within both, nearly every
news page, are given to extraction as they are.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from crawler.ingest import reasons

# An element that never holds article text, or a comment: where it opens.
BLOCK = re.compile(rb"<(script|style|svg)\b|<!--", re.IGNORECASE)


@dataclass(frozen=True)
class Bounds:
    max_size: int = 4 * 1024 * 1024  # bytes of HTML; 0: no bound
    max_elements: int = 15_000  # start tags; 0: no bound


DEFAULT = Bounds()  # NEWSDESK_EXTRACT_MAXSIZE, NEWSDESK_EXTRACT_MAX_ELEMENTS


def within(html: bytes, bounds: Bounds) -> bytes:
    """`html` as extraction may take it: as it is when within `bounds`, else reduced; raises
    `ExtractionFailed` (too large) when even the reduced page is over them."""
    if fits(html, bounds):
        return html
    # Here, not at the top: crawler/components/settings.py reads DEFAULT, and `fetch` starts
    # downloading before trafilatura, which crawler.extraction.extract loads, is imported.
    from crawler.extraction.extract import ExtractionFailed

    reduced = reduce(html)
    if bounds.max_size and len(reduced) > bounds.max_size:
        raise ExtractionFailed(reasons.too_large(bounds.max_size, "NEWSDESK_EXTRACT_MAXSIZE"))
    if bounds.max_elements and elements(reduced) > bounds.max_elements:
        raise ExtractionFailed(
            reasons.too_large(bounds.max_elements, "NEWSDESK_EXTRACT_MAX_ELEMENTS", "elements")
        )
    return reduced


def fits(html: bytes, bounds: Bounds) -> bool:
    return (not bounds.max_size or len(html) <= bounds.max_size) and (
        not bounds.max_elements or elements(html) <= bounds.max_elements
    )


def elements(html: bytes) -> int:
    """About how many elements a page has: its start tags, counted without parsing."""
    return html.count(b"<") - html.count(b"</") - html.count(b"<!")


def reduce(html: bytes) -> bytes:
    """The page without scripts (but JSON-LD, which holds metadata), styles, SVG drawings and
    comments. One pass: each block's end is searched for once, from where it opens (an
    unclosed one ends the page, as it does in a browser)."""
    lower = html.lower()
    kept: list[bytes] = []
    start = 0
    while match := BLOCK.search(lower, start):
        opened = match.start()
        name = match.group(1)
        end_marker = b"-->" if name is None else b"</" + name
        end = lower.find(end_marker, match.end())
        tag_end = lower.find(b">", match.end())
        if name == b"script" and b"ld+json" in lower[opened : tag_end + 1]:
            keep_to = len(html) if end < 0 else end
            kept.append(html[start:keep_to])
            start = keep_to
            continue
        kept.append(html[start:opened])
        if end < 0:
            start = len(html)
            break
        close = lower.find(b">", end) if name is not None else end + 2
        start = len(html) if close < 0 else close + 1
    kept.append(html[start:])
    return b"".join(kept)
