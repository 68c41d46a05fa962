"""Published and modified dates, kept apart, as ISO 8601 with an offset."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from dateutil import parser as dateutil_parser
from htmldate import find_date

from crawler.extraction.pagemeta import JSON_LD, META, URL
from crawler.extraction.printeddate import (
    PrintedDays,
    calendar_day,
    printed_days,
    prints_a_date,
)
from crawler.extraction.titles import headline_element

if TYPE_CHECKING:
    from lxml.html import HtmlElement

    from crawler.extraction.pagemeta import PageMeta

URL_DATE = re.compile(r"/((?:19|20)\d\d)[/-](\d{1,2})[/-](\d{1,2})(?=/|-|_|\.|$)")
MIN_YEAR = 1990  # no news page is older than the web
PUBLISHED_META = (
    "article:published_time",
    "og:article:published_time",
    "datepublished",
    "publishdate",
    "publish-date",
    "publish_date",
    "published",
    "publication_date",
    "date_published",
    "article.published",
    "article_date_original",
    "original-publish-date",
    "cxenseparse:recs:publishtime",
    "pubdate",
    "parsely-pub-date",
    "sailthru.date",
    "dc.date.issued",
    "dcterms.issued",
    "dcterms.created",
    "dc.date",
    "date",
)
UPDATED = "updated"  # the source of a published date that is the page's one date, its update
MODIFIED_META = (
    "article:modified_time",
    "og:updated_time",
    "datemodified",
    "date_modified",
    "article.updated",
    "dcterms.modified",
    "last-modified",
)


def page_dates(tree: HtmlElement, page: PageMeta, *, url: str) -> dict[str, tuple[str, str]]:
    """{"published"/"modified": (ISO date, where it came from)} for the dates the page gives.

    - Declared: JSON-LD, meta tags or `<time>` elements, in this order (a page that declares
      no article object is read from its `WebPage` object: a CMS's pages).
    - The published date's calendar day is checked against the date in the article's URL
      ("/2026/11/20/"), else the date printed beside the headline ("By A · March 9, 2026",
      not "Updated ..."): the declared date-time, with the publisher's offset, is kept when it
      falls on that day; otherwise that day is the published date.
    - `modified` is never taken for `published` when the page says when it was published: a
      printed date that is its declared modified day does not replace the declared one.
    - A page that says only when it was updated (a guide that declares `dateModified` alone,
      or prints "Updated on Oct 21, 2025" beside its headline and no other date there or in
      its URL) is dated by that update, its one date, rather than by htmldate's guess (a
      related post's date, as often as not): source "updated", and `modified` keeps it too.
    - Only a page that gives none of these is read by htmldate (its original date; the dates
      printed anywhere on the page when its quick search finds none): a guess never replaces
      a declaration.
    - A page that declares no modified date gets the day printed beside the headline as an
      update's ("Updated on Mar 9, 2026"), when it is after the published day.
    """
    declared = declared_dates(tree, page)
    in_url = url_day(url)
    printed = PrintedDays()
    if in_url is None or "modified" not in declared:
        printed = printed_days(tree, headline_element(tree))
    found = {name: value for name, value in declared.items() if name == "modified"}
    if published := published_date(tree, declared, url, in_url, printed):
        found["published"] = published
    update = printed.updated  # printed as an update's day, after the publication's
    if "modified" not in found and update and (not published or update > published[0][:10]):
        found["modified"] = (midnight(update), "printed")
    elif "modified" not in found and published and published[1] == UPDATED:
        found["modified"] = (published[0], "printed")
    return found


def published_date(
    tree: HtmlElement,
    declared: dict[str, tuple[str, str]],
    url: str,
    in_url: str | None,
    printed: PrintedDays,
) -> tuple[str, str] | None:
    """(the published date, its source), given the days in the URL and printed beside the
    headline: see `page_dates`."""
    published = declared.get("published")
    updated = declared["modified"][0][:10] if "modified" in declared else None

    def not_the_update(day: str | None) -> str | None:
        if published and day == updated and day != published[0][:10]:
            return None  # the page says this day is when it was updated, not published
        return day

    day, source = in_url, URL
    if day is None:
        day, source = not_the_update(printed.published), "printed"
    if day is None and published is None:
        if "modified" in declared:  # the page says only when it was updated: its one date
            return declared["modified"][0], UPDATED
        day, source = printed.updated, UPDATED
    if day is None and published is None:  # htmldate reads the page: a guess, the last resort
        day, source = guess_day(tree, url), "htmldate"
    if published and (day is None or published[0][:10] == day):
        return published
    if day and (stamp := time_on(tree, day)):
        # the day's time and offset, as a `<time>` element gives them
        return stamp, (UPDATED if source == UPDATED else "time")
    return (midnight(day), source) if day else None


def midnight(day: str) -> str:
    """A day ("YYYY-MM-DD") as a date-time: its start, in UTC."""
    return f"{day}T00:00:00+00:00"


def time_on(tree: HtmlElement, day: str) -> str | None:
    """The date-time of the first `<time datetime>` on `day` (a post's "entry-date"), if any."""
    for time in tree.iter("time"):
        if (
            (iso := iso_datetime(time.get("datetime")))
            and iso[:10] == day
            and "T" in (time.get("datetime") or "")
        ):
            return iso
    return None


def url_day(url: str) -> str | None:
    """The date in an article's URL ("/2026/11/20/story", "/2026-11-20-story"), if valid."""
    match = URL_DATE.search(urlsplit(url).path)
    return calendar_day(int(match[1]), int(match[2]), int(match[3])) if match else None


def declared_dates(tree: HtmlElement, page: PageMeta) -> dict[str, tuple[str, str]]:
    """The published and modified dates the page declares: JSON-LD, meta tags, `<time>`;
    a published date that is the modified one to the second gives way to an earlier
    `<time pubdate>` or `itemprop=datePublished` element."""
    found: dict[str, tuple[str, str]] = {}
    for field, ld_key, meta_names in (
        ("published", "datePublished", PUBLISHED_META),
        ("modified", "dateModified", MODIFIED_META),
    ):
        candidates = [
            (JSON_LD, page.ld_text(ld_key, page=True)),
            (META, page.first(*meta_names)),
            ("time", time_element(tree, ld_key)),
        ]
        for source, value in candidates:
            if iso := iso_datetime(value):
                found[field] = (iso, source)
                break
    if "published" in found and found["published"][0] == found.get("modified", ("",))[0]:
        # A CMS that stamps both dates at each save says nothing about the first one; an
        # element the page marks as its publication date (`<time pubdate>`) does, when earlier.
        marked = iso_datetime(time_element(tree, "datePublished"))
        if marked and marked[:10] < found["published"][0][:10]:
            found["published"] = (marked, "time")
    return found


def guess_day(tree: HtmlElement, url: str) -> str | None:
    """htmldate's original-date guess, "YYYY-MM-DD" (it works on a copy of the tree and
    never fetches). Its extensive search, which also reads the dates printed on the page and
    costs ten times more, runs only when the quick one finds nothing and the page prints a
    whole date somewhere (without one, what it finds is a year or a month taken for a day, or
    a number taken for a date); the 1st of a month that search finds is refused."""
    guess = find_date(tree, url=url, original_date=True, extensive_search=False)
    if guess is None and prints_a_date(tree):
        guess = find_date(tree, url=url, original_date=True, extensive_search=True)
        if isinstance(guess, str) and guess.endswith("-01"):
            # Its last resorts: a copyright line's year ("© 2026") as 1 January, a month
            # ("November 2026") as its 1st. A day nobody wrote is not a publication date.
            return None
    return guess if isinstance(guess, str) and iso_datetime(guess) else None


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
