"""Published and modified dates, kept apart, as ISO 8601 with an offset."""

from __future__ import annotations

from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import TYPE_CHECKING

from dateutil import parser as dateutil_parser
from htmldate import find_date

if TYPE_CHECKING:
    from lxml.html import HtmlElement

    from crawler.extraction.pagemeta import PageMeta

MIN_YEAR = 1990  # no news page is older than the web
PUBLISHED_META = (
    "article:published_time",
    "og:article:published_time",
    "datepublished",
    "publishdate",
    "publish-date",
    "pubdate",
    "parsely-pub-date",
    "sailthru.date",
    "dc.date.issued",
    "dcterms.issued",
    "dcterms.created",
    "dc.date",
    "date",
)
MODIFIED_META = (
    "article:modified_time",
    "og:updated_time",
    "datemodified",
    "dcterms.modified",
    "last-modified",
)


def page_dates(tree: HtmlElement, page: PageMeta, *, url: str) -> dict[str, tuple[str, str]]:
    """{"published"/"modified": (ISO date, where it came from)} for the dates the page gives.

    Order: JSON-LD, meta tags, `<time>` elements, then (published only, and only when all
    of these are silent) htmldate's reading of the page and its URL.
    """
    found: dict[str, tuple[str, str]] = {}
    for field, ld_key, meta_names in (
        ("published", "datePublished", PUBLISHED_META),
        ("modified", "dateModified", MODIFIED_META),
    ):
        candidates = [
            ("json-ld", page.ld_text(ld_key)),
            ("meta", page.first(*meta_names)),
            ("time", time_element(tree, ld_key)),
        ]
        for source, value in candidates:
            if iso := iso_datetime(value):
                found[field] = (iso, source)
                break
    if "published" not in found and (guess := guess_date(tree, url)):
        found["published"] = (guess, "htmldate")
    return found


def guess_date(tree: HtmlElement, url: str) -> str | None:
    """htmldate's original-date guess (it works on a copy of the tree; it never fetches)."""
    guess = find_date(tree, url=url, original_date=True, extensive_search=False)
    return iso_datetime(guess) if isinstance(guess, str) else None


def time_element(tree: HtmlElement, itemprop: str) -> str | None:
    """`<time itemprop=... datetime=...>`, or `<time pubdate>` for the published date."""
    for time in tree.iter("time"):
        stamp = time.get("datetime")
        if not stamp:
            continue
        if time.get("itemprop") == itemprop or (
            itemprop == "datePublished" and time.get("pubdate") is not None
        ):
            return str(stamp)
    return None


def iso_datetime(value: str | None) -> str | None:
    """A date or date-time as ISO 8601 with an offset (UTC when the source gives none)."""
    if not value or not value.strip():
        return None
    value = value.strip()
    parsed: datetime | None = None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        try:
            parsed = parsedate_to_datetime(value)  # RFC 2822, as in HTTP headers and RSS
        except (TypeError, ValueError):
            try:
                parsed = dateutil_parser.parse(value)
            except (ValueError, OverflowError):
                return None
    if parsed.year < MIN_YEAR:
        return None  # "0001-01-01", a CMS's empty date
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.isoformat()
