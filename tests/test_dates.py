"""Published and modified dates (crawler/extraction/dates.py): kept apart, taken from JSON-LD,
then meta tags, then <time>; the published day is checked against the URL's date, else the date
printed beside the headline; htmldate reads only pages that declare no published date."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from lxml.html import fromstring

from crawler.extraction.dates import iso_datetime, page_dates
from crawler.extraction.pagemeta import read_page_meta

if TYPE_CHECKING:
    from collections.abc import Callable

URL = "https://ledger.example/news/pontoon.html"
LD = (
    '<script type="application/ld+json">{"@type": "NewsArticle", '
    '"datePublished": "2026-11-20T07:30:00+01:00", "dateModified": "2026-11-20T09:05:00+01:00"}'
    "</script>"
)
META = (
    '<meta property="article:published_time" content="2026-11-19T10:00:00Z">'
    '<meta property="article:modified_time" content="2026-11-19T12:00:00Z">'
)
SAME_DAY_META = '<meta property="article:published_time" content="2026-11-20T06:30:00Z">'
TIME = '<time itemprop="datePublished" datetime="2026-11-18">18 November</time>'


def dates(head: str = "", body: str = "", url: str = URL) -> dict[str, tuple[str, str]]:
    tree = fromstring(f"<html><head>{head}</head><body><article>{body}</article></body></html>")
    return page_dates(tree, read_page_meta(tree), url=url)


def test_json_ld_comes_first():
    assert dates(LD + SAME_DAY_META) == {
        "published": ("2026-11-20T07:30:00+01:00", "json-ld"),
        "modified": ("2026-11-20T09:05:00+01:00", "json-ld"),
    }


def test_then_meta_tags_then_time_elements():
    assert dates(META, TIME) == {
        "published": ("2026-11-19T10:00:00+00:00", "meta"),
        "modified": ("2026-11-19T12:00:00+00:00", "meta"),
    }
    assert dates(body=TIME) == {"published": ("2026-11-18T00:00:00+00:00", "time")}
    assert dates(body='<time pubdate datetime="2026-11-17T08:00">x</time>') == {
        "published": ("2026-11-17T08:00:00+00:00", "time")
    }


# A story long enough that what follows it is not beside the headline.
STORY = "<p>" + "The pontoon broke under the weight of the crowd at the regatta. " * 8 + "</p>"


def test_a_page_that_declares_only_its_update_is_dated_by_it():
    # A guide that declares `dateModified` alone: that is the one date it gives; the source
    # says the published date is the update's, and `modified` keeps it.
    only_update = '<meta property="article:modified_time" content="2026-11-19T12:00:00Z">'
    related = "<aside><h3>More guides</h3><p>Pontoon care</p><p>October 2, 2026</p></aside>"
    assert dates(only_update, HEADLINE + STORY + related) == {
        "published": ("2026-11-19T12:00:00+00:00", "updated"),
        "modified": ("2026-11-19T12:00:00+00:00", "meta"),
    }
    # Not when the page says when it was published: declared, or printed beside the headline.
    found = dates(PUBLISHED_AND_MODIFIED, HEADLINE + STORY + related)
    assert found["published"] == ("2021-08-12T19:35:44+00:00", "meta")
    found = dates(only_update, HEADLINE + "<p>By Ann Lee · October 30, 2026</p>" + STORY)
    assert found["published"] == ("2026-10-30T00:00:00+00:00", "printed")


def test_a_page_that_prints_only_its_update_is_dated_by_it_not_by_a_guess():
    # "Updated on" beside the headline, no other date there nor declared; htmldate's guess
    # would be a related post's date further down.
    related = (
        "<aside><h3>More guides</h3><ul><li><a href='/a'>Pontoon care</a> "
        "<span>October 2, 2026</span></li></ul></aside>"
    )
    body = HEADLINE + "<p>By Ann Lee · Updated on November 19, 2026</p>" + STORY
    assert dates(body=body + related) == {
        "published": ("2026-11-19T00:00:00+00:00", "updated"),
        "modified": ("2026-11-19T00:00:00+00:00", "printed"),
    }
    # A publication date printed beside it, or declared, is the published date.
    body = HEADLINE + "<p>Published Nov 2, 2026 · Updated on November 19, 2026</p>" + STORY
    assert dates(body=body + related)["published"] == ("2026-11-02T00:00:00+00:00", "printed")
    declared = '<meta property="article:published_time" content="2026-11-01T09:00:00Z">'
    found = dates(declared, HEADLINE + "<p>Updated on November 19, 2026</p>" + STORY + related)
    assert found["published"] == ("2026-11-01T09:00:00+00:00", "meta")


def test_a_pages_webpage_object_declares_its_dates_when_it_has_no_article_object():
    # A CMS's page (not a post): the dates are on the `WebPage` of its JSON-LD graph.
    graph = (
        '<script type="application/ld+json">{"@graph": [{"@type": "WebSite", "name": "Ledger"},'
        '{"@type": "WebPage", "datePublished": "2021-01-27T06:00:00+00:00",'
        '"dateModified": "2021-04-15T00:07:20+00:00"}]}</script>'
        '<meta property="article:modified_time" content="2021-04-15T00:07:20Z">'
    )
    assert dates(graph, "<p>Updated April 15, 2021</p>") == {
        "published": ("2021-01-27T06:00:00+00:00", "json-ld"),
        "modified": ("2021-04-15T00:07:20+00:00", "json-ld"),
    }


def test_htmldate_reads_the_page_when_it_declares_nothing():
    guessed = dates(body="<p>Published 16 November 2026</p>")
    assert guessed == {"published": ("2026-11-16T00:00:00+00:00", "htmldate")}


def test_a_copyright_year_or_a_month_is_not_a_publication_day():
    # htmldate's last resorts: 1 January of the copyright year, the 1st of a month named.
    assert dates(body="<p>The pontoon broke.</p><footer>Copyright 2026 The Ledger</footer>") == {}
    assert dates(body="<p>The pontoon broke.</p><p>Archive: November 2026</p>") == {}


def test_the_date_in_the_url_beats_a_site_wide_tag():
    url = "https://ledger.example/2026/11/16/pontoon.html"
    assert dates(url=url) == {"published": ("2026-11-16T00:00:00+00:00", "url")}
    filing = '<meta name="date" content="2026-11-01">'  # the same on every page of the site
    assert dates(filing, url=url)["published"] == ("2026-11-16T00:00:00+00:00", "url")
    on_the_day = '<meta property="article:published_time" content="2026-11-16T22:40:00-05:00">'
    assert dates(on_the_day, url=url)["published"] == ("2026-11-16T22:40:00-05:00", "meta")


def test_a_late_evening_story_keeps_its_calendar_day_and_offset():
    evening = '<meta property="article:published_time" content="2026-11-20T23:30:00-05:00">'
    assert dates(evening)["published"] == ("2026-11-20T23:30:00-05:00", "meta")


def test_unusable_values_are_passed_over():
    head = (
        '<meta property="article:published_time" content="0001-01-01T00:00:00">'
        '<meta name="date" content="yesterday-ish">'
    )
    assert dates(head, TIME)["published"] == ("2026-11-18T00:00:00+00:00", "time")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("Fri, 20 Nov 2026 06:30:00 GMT", "2026-11-20T06:30:00+00:00"),  # RFC 2822, as in RSS
        ("20 November 2026 07:30 +0100", "2026-11-20T07:30:00+01:00"),
        ("1989-12-31", None),  # older than the web
        ("", None),
        (None, None),
    ],
)
def test_iso_datetime_reads_what_feeds_and_pages_write(value, expected):
    assert iso_datetime(value) == expected


HEADLINE = "<h1>Pontoon rebuilt</h1>"


def test_the_date_printed_beside_the_headline_is_the_publishers_day():
    # The page declares UTC; the publisher printed its own calendar day under the headline.
    late = '<meta property="article:published_time" content="2026-11-21T03:30:00Z">'
    found = dates(late, HEADLINE + "<p>By Ann Lee · November 20, 2026</p>")
    assert found["published"] == ("2026-11-20T00:00:00+00:00", "printed")
    # On the declared day, the declared date-time (and its offset) is kept.
    evening = '<meta property="article:published_time" content="2026-11-20T23:30:00-05:00">'
    found = dates(evening, HEADLINE + "<p>By Ann Lee · November 20, 2026</p>")
    assert found["published"] == ("2026-11-20T23:30:00-05:00", "meta")
    # A date line above the headline counts too; the nearest one wins.
    found = dates(body="<p>Nutrition</p><p>March 1, 2024</p>" + HEADLINE + "<p>x</p>")
    assert found["published"] == ("2024-03-01T00:00:00+00:00", "printed")


def test_an_update_line_or_an_ambiguous_number_is_not_the_printed_day():
    found = dates(body=HEADLINE + "<p>Updated: December 12, 2025</p><p>The pontoon broke.</p>")
    assert found.get("published", ("", ""))[1] != "printed"
    found = dates(body=HEADLINE + "<p>Last updated on 12/03/2025 · Published 18.06.2025</p>")
    assert found["published"] == ("2025-06-18T00:00:00+00:00", "printed")
    assert dates(body=HEADLINE + "<p>04/05/2025</p>").get("published", ("", ""))[1] != "printed"


# A story published in 2021 and declared modified in 2025.
PUBLISHED_AND_MODIFIED = (
    '<meta property="article:published_time" content="2021-08-12T19:35:44+00:00">'
    '<meta property="article:modified_time" content="2025-02-22T08:00:00+00:00">'
)


def test_the_declared_modified_day_never_displaces_the_declared_published_one():
    head = PUBLISHED_AND_MODIFIED
    # Printed beside the headline without a label, it is still the update's day.
    found = dates(head, HEADLINE + "<p>February 22, 2025</p>")
    assert found["published"] == ("2021-08-12T19:35:44+00:00", "meta")
    assert found["modified"] == ("2025-02-22T08:00:00+00:00", "meta")


def test_a_guess_never_replaces_a_declared_published_date():
    head = '<meta property="article:published_time" content="2026-11-20T07:30:00+01:00">'
    found = dates(head, "<p>Published 16 November 2026</p><p>The pontoon broke.</p>")
    assert found["published"] == ("2026-11-20T07:30:00+01:00", "meta")


@pytest.mark.parametrize(
    ("line", "day"),
    [
        ("Von Anna Schmidt, 9. März 2026", "2026-03-09"),
        ("Por Ana Ruiz, 9 de marzo de 2026", "2026-03-09"),
        ("Par Luc Martin, le 5 mars 2026", "2026-03-05"),
        ("By: FlowGuard on 04-ago-2021 5:11:10", "2021-08-04"),
        ("9th of Mar. 2026", "2026-03-09"),
    ],
)
def test_printed_days_in_the_languages_the_trimmer_knows(line, day):
    assert dates(body=f"{HEADLINE}<p>{line}</p>")["published"] == (
        f"{day}T00:00:00+00:00",
        "printed",
    )


def test_more_publication_meta_tags_and_htmldate_searches_only_pages_that_print_a_date():
    assert dates('<meta name="published" content="July 17, 2025">')["published"] == (
        "2025-07-17T00:00:00+00:00",
        "meta",
    )
    # Nothing declared, no whole date printed: htmldate's extensive search is not run.
    assert dates(body="<p>The pontoon broke.</p><p>Posted in November 2026, 14 comments</p>") == {}


def test_a_time_element_on_the_printed_day_gives_its_time_and_offset():
    body = (
        HEADLINE
        + '<p>By Ann Lee <time datetime="2026-11-20T22:40:00-05:00">Nov 20, 2026</time></p>'
    )
    assert dates(body=body)["published"] == ("2026-11-20T22:40:00-05:00", "time")


def test_the_nearest_date_decides_so_a_ticker_before_the_headline_does_not():
    ticker = "<ul><li>12/16/2025 Exams open</li><li>President retires 12/04/2025</li></ul>"
    found = dates(body=ticker + HEADLINE + "<p>03/01/2017 by Agatha Caleo</p><p>The pontoon.</p>")
    assert found.get("published", ("", ""))[1] != "printed"


def test_a_number_either_way_round_is_read_by_the_time_element_that_prints_it():
    # Drupal's "03/01/2017": March 1 or 3 January; its `<time datetime>` says which.
    line = '<p><time datetime="2017-03-01T12:00:00Z">03/01/2017</time> by Agatha Caleo</p>'
    found = dates(body=HEADLINE + line + "<p>The pontoon.</p>")
    assert found["published"] == ("2017-03-01T12:00:00+00:00", "time")
    before = '<small><time datetime="2023-10-12T19:38:01Z"><b>10/12/2023</b> 7:38 PM</time></small>'
    found = dates(body=before + HEADLINE + "<p>The pontoon.</p>")
    assert found["published"] == ("2023-10-12T19:38:01+00:00", "time")


def test_a_time_element_that_is_neither_reading_leaves_the_number_unread():
    line = '<p><time datetime="2017-05-01">03/01/2017</time> by Agatha Caleo</p>'
    found = dates(body=HEADLINE + line + "<p>The pontoon.</p>")
    assert found.get("published", ("", ""))[1] not in ("printed", "time")


def resaved(published: str, modified: str) -> str:
    return (
        '<script type="application/ld+json">{"@type": "Article", '
        f'"datePublished": "{published}", "dateModified": "{modified}"}}</script>'
    )


def test_a_published_date_stamped_with_each_save_gives_way_to_the_marked_up_one():
    pubdate = '<p>Published <time pubdate datetime="2025-08-13">August 13, 2025</time></p>'
    found = dates(resaved("2025-11-29T12:28:31-05:00", "2025-11-29T12:28:31-05:00"), pubdate)
    assert found == {
        "published": ("2025-08-13T00:00:00+00:00", "time"),
        "modified": ("2025-11-29T12:28:31-05:00", "json-ld"),
    }


def test_a_published_date_apart_from_the_modified_one_stands():
    pubdate = '<p>Published <time pubdate datetime="2025-08-13">August 13, 2025</time></p>'
    found = dates(resaved("2025-09-01T08:00:00-05:00", "2025-11-29T12:28:31-05:00"), pubdate)
    assert found["published"] == ("2025-09-01T08:00:00-05:00", "json-ld")
    later = '<p>Published <time pubdate datetime="2025-12-01">December 1, 2025</time></p>'
    found = dates(resaved("2025-11-29T12:28:31-05:00", "2025-11-29T12:28:31-05:00"), later)
    assert found["published"] == ("2025-11-29T12:28:31-05:00", "json-ld")


def test_an_update_printed_beside_the_headline_is_the_modified_date():
    line = "<p>Published on Oct 21, 2025 · Updated on Mar 9, 2026</p><p>The pontoon.</p>"
    assert dates(body=HEADLINE + line) == {
        "published": ("2025-10-21T00:00:00+00:00", "printed"),
        "modified": ("2026-03-09T00:00:00+00:00", "printed"),
    }
    head = '<meta property="article:published_time" content="2018-06-12T07:00:00Z">'
    found = dates(head, HEADLINE + "<p>Written by Ann Lee — Updated on March 7, 2025</p>")
    assert found["modified"] == ("2025-03-07T00:00:00+00:00", "printed")


def test_a_declared_modified_date_or_an_update_not_after_the_publication_stands():
    head = PUBLISHED_AND_MODIFIED
    found = dates(head, HEADLINE + "<p>Updated March 7, 2025</p>")
    assert found["modified"] == ("2025-02-22T08:00:00+00:00", "meta")
    same_day = '<meta property="article:published_time" content="2025-09-09T13:00:00-04:00">'
    assert "modified" not in dates(same_day, HEADLINE + "<p>Updated September 9, 2025</p>")


@pytest.mark.parametrize("case", [str.lower, str.upper, str.title])
def test_every_month_name_opens_a_printed_date(case: Callable[[str], str]) -> None:
    """The printed-date expression looks for a digit or a month's first letter before it tries
    its forms: every month name, in any case, still opens a date, as does each label of an
    update."""
    from crawler.extraction.printeddate import MONTHS, PRINTED, UPDATE_LABEL, UPDATE_TERMS

    for name in MONTHS:
        match = PRINTED.search(f"Posted {case(name)} 9, 2026 by A")
        assert match is not None and match["m1"] == case(name), name
        assert PRINTED.search(f"le 9 {case(name)} 2026") is not None, name
    for term in UPDATE_TERMS:
        assert UPDATE_LABEL.search(f"{case(term)}: "), term
