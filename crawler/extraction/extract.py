"""Article extraction: HTML in, clean text and metadata out. Pure: no network, no Scrapy."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

import trafilatura
from lxml.etree import _Element
from lxml.html import HtmlElement, tostring
from trafilatura.htmlprocessing import convert_to_html
from trafilatura.settings import Document
from trafilatura.xml import xmltotxt

from crawler.extraction import (
    MIN_CHARS,
    asides,
    boilerplate,
    closing,
    declared,
    discarded,
    divprose,
    headings,
    listing,
    nostory,
    repairs,
    repeats,
    splitbody,
)
from crawler.extraction.chrome import without_chrome
from crawler.extraction.metadata import article_metadata, declared_titles
from crawler.extraction.pagemeta import PageMeta, read_page_meta
from crawler.extraction.parse import parse_page
from crawler.extraction.sanitise import sanitise_html
from crawler.extraction.titles import visible_headings

# A precise body shorter than this, than a quarter of the page's story-sized paragraphs, or
# than 60% of the prose in the element that holds its paragraphs, missed part of the story:
# trafilatura's full cascade (readability and justext), favouring neither side, gets a second
# look, and the longer body wins.
SECOND_OPINION_CHARS = 500
MISSED_MOST_SHARE = 0.25
CONTAINER_SHARE = 0.6
# A longest body under half the page's story-sized paragraphs may come from the wrong one of
# the page's sections built alike: the section alike with the most prose is extracted alone.
SECTION_SHARE = 0.5
# When the precise body left out this many characters of headings, list items and table
# cells between its paragraphs, the recall-first fast pass fills the gaps.
DROPPED_CHARS = 100


# A story with no declared language, so that a warm-up goes through every step of extraction
# and loads every model it may need (py3langid's among them); its paragraphs differ, as
# trafilatura keeps one of paragraphs that repeat, and its URL is dated, as stories' are.
WARM_UP_PAGE = (
    "<html><head><title>Harbour board votes to rebuild the north pontoon</title></head>"
    "<body><article><h1>Harbour board votes to rebuild the north pontoon</h1>"
    + "".join(
        f"<p>On day {day} of the meeting, the harbour board heard why the north pontoon, "
        "built after the storm of the last winter, must be rebuilt before the spring.</p>"
        for day in range(1, 6)
    )
    + "</article></body></html>"
)
WARM_UP_URL = "http://127.0.0.1/2026/01/05/warm-up"


class ExtractionFailed(ValueError):
    """The page holds no article; the message is a reason a person can act on."""


@dataclass
class Extracted:
    """A clean article and its metadata, as found on the page itself."""

    text: str
    html: str
    title: str | None = None
    authors: list[str] = field(default_factory=list)
    published: str | None = None
    modified: str | None = None
    sitename: str | None = None
    language: str | None = None
    description: str | None = None
    tags: list[str] = field(default_factory=list)
    image: str | None = None
    canonical_url: str | None = None
    metadata_source: dict[str, str] = field(default_factory=dict)

    @property
    def word_count(self) -> int:
        return len(self.text.split())

    @property
    def content_hash(self) -> str:
        return hashlib.sha256(self.text.encode()).hexdigest()


def extract_article(html: bytes | str, *, url: str, min_chars: int = MIN_CHARS) -> Extracted:
    """Extract the article of one page, or raise `ExtractionFailed` saying why not.

    The page is parsed once. trafilatura (comments off, precision first, fast mode) finds the
    body; when that finds too little (under 500 characters, a quarter of the page's
    story-sized paragraphs, or 60% of the prose of the element it came from), its full
    cascade favouring neither precision nor recall and its recall-first fast pass give a
    second and a third opinion, and the longest body wins; when it left out headings, lists
    or tables between its paragraphs, the recall-first fast pass fills those gaps. A story
    split over several containers is joined up again, the boilerplate trimmer cleans the body's
    edges, a more complete JSON-LD `articleBody` that agrees with the body replaces it, and the
    metadata is read from JSON-LD, meta tags, bylines and `<time>` (see
    `crawler.extraction.metadata`).
    """
    tree = parse_page(html)
    if tree is None:
        raise ExtractionFailed("not an HTML page")
    repairs.repair(tree)
    page = read_page_meta(tree)
    page_text = splitbody.page_paragraphs(tree)
    divprose.read_boxed_prose(page_text)
    body = story_body(tree, url, page_text, page)
    if body is None:
        raise ExtractionFailed(nostory.no_story(tree, page, "") or "no article text (0 characters)")
    body_text = " ".join(body.itertext())
    body_chars = len(body_text)  # as `chars` counts them, before the rejoin
    splitbody.rejoin(tree, body, body_text, page_text)
    repeats.drop_repeated_runs(body)
    asides.drop_asides(body, page_text)
    headings = visible_headings(tree)
    titles = [title for _, title in declared_titles(page)] + [text for _, text in headings]
    removed = closing.trim(body, tree, url, page_text) + boilerplate.trim(body, titles=titles)
    text = paragraphs(xmltotxt(body, False))
    if declared.prefer_declared(page, body, text):
        text = paragraphs(xmltotxt(body, False))
    if reason := nostory.no_story(tree, page, text):
        raise ExtractionFailed(reason)
    if len(text) < min_chars:
        raise ExtractionFailed(f"no article text ({len(text)} characters)")
    if reason := listing.not_an_article(tree, page, body_chars=body_chars, url=url, text=text):
        raise ExtractionFailed(reason)
    found = article_metadata(tree, page, headings, url=url, text=text, removed=removed)
    return Extracted(
        text=text,
        html=clean_html(body),
        metadata_source={name: source for name, (_, source) in found.items()},
        **{name: value for name, (value, _) in found.items()},
    )


def story_body(
    tree: HtmlElement, url: str, page_text: splitbody.Paragraphs, page: PageMeta
) -> _Element | None:
    """The precise body, or the longest of it, the balanced full cascade's and the
    recall-first fast pass's when precision found too little (a story in no container
    trafilatura knows, whose lists only recall keeps; a story that broken markup puts inside
    an unclosed header or pop-up, which the other two discard). Recall is asked only on a
    page that says it is an article or is addressed like one: on a listing it finds more
    cards. A precise body that missed the story because trafilatura's boilerplate vocabulary
    names the element holding most of its paragraphs (a listicle's entries in a
    `div.page-footer`) is taken again with those names off (`discarded.open_story`).

    A precise body that left out headings, list items or table cells between its paragraphs
    (trafilatura, finding no container it knows, gathers only paragraphs; precision drops
    link-heavy headings) gets them back from the recall-first fast pass, between the
    blocks both hold. When the longest body holds under half the page's story-sized
    paragraphs, the section built like one around it with the most prose (a page of sections
    alike: hero, story, promotion) is extracted alone, and the longer body wins. A page
    whose precise body already reads as a listing (its cards'
    teasers are what precision keeps) is refused before the second look, which would only
    find more cards."""
    body = main_text(tree, url, fast=True, focus="precision")
    missed = missed_part(body, page_text, tree)
    if missed and discarded.open_story(page_text, body):
        body = main_text(tree, url, fast=True, focus="precision")
        missed = missed_part(body, page_text, tree)
    if not missed:
        if body is not None and (dropped := splitbody.dropped_blocks(body, page_text)):
            if dropped >= DROPPED_CHARS:
                splitbody.fill_gaps(body, main_text(tree, url, fast=True, focus="recall"))
            headings.fill_headings(body, tree, url)
        return body
    if reason := precise_listing(tree, page, body, url):
        raise ExtractionFailed(reason)
    second = main_text(tree, url, fast=False, focus="balanced")
    if not (listing.article_declared(page) or listing.story_url(url)):
        return max((body, second), key=chars)  # recall would find more of a listing's cards
    third = main_text(tree, url, fast=True, focus="recall")
    best = max((body, second, third), key=chars)
    # a page of sections alike (hero, promotion, story), where all three took the wrong one
    if (
        best is not None
        and chars(best) < SECTION_SHARE * splitbody.long_text(page_text)
        and (section := splitbody.fuller_section(tree, best)) is not None
    ):
        alone = main_text(splitbody.section_page(section), url, fast=False, focus="balanced")
        return max((best, alone), key=chars)
    return best


def precise_listing(
    tree: HtmlElement, page: PageMeta, body: _Element | None, url: str
) -> str | None:
    """Why the page is a listing, judged on a precise body of 500+ characters; else None."""
    text = "" if body is None else paragraphs(xmltotxt(body, False))
    if len(text) < SECOND_OPINION_CHARS:
        return None
    return listing.not_an_article(tree, page, body_chars=chars(body), url=url, text=text)


def missed_part(body: _Element | None, page_text: splitbody.Paragraphs, tree: HtmlElement) -> bool:
    """The precise body is short, or much shorter than the page's story-sized paragraphs or
    than the prose of the element it came from (a guide's lists and headed sections dropped;
    a story of bare text between headings, or of long list items in a layout table, where the
    element is found by the body's runs of prose, as none of its paragraphs is a `<p>`)."""
    size = chars(body)
    if body is None or size < max(
        SECOND_OPINION_CHARS, MISSED_MOST_SHARE * splitbody.long_text(page_text)
    ):
        return True
    container = splitbody.container_text(body, page_text)
    if container is None:
        container = splitbody.runs_container_text(body, tree)
    return container is not None and size < CONTAINER_SHARE * container


def main_text(tree: HtmlElement, url: str, *, fast: bool, focus: str) -> _Element | None:
    """trafilatura's article body for the page (it works on a copy of `tree`); `focus` is
    "precision", "balanced" or "recall"."""
    doc = trafilatura.bare_extraction(
        without_chrome(tree) if focus == "precision" else tree,
        url=url,
        fast=fast,
        favor_precision=focus == "precision",
        favor_recall=focus == "recall",
        include_comments=False,
        include_tables=True,
        with_metadata=False,
        output_format="txt",  # "python" would also render the body as text, unused here
    )
    return doc.body if isinstance(doc, Document) else None


def chars(body: _Element | None) -> int:
    return 0 if body is None else len(" ".join(body.itertext()))


def clean_html(body: _Element) -> str:
    """The extracted body as HTML that is safe to show: no scripts, handlers or style."""
    body_html = convert_to_html(body)[0]
    return sanitise_html("".join(tostring(child, encoding="unicode") for child in body_html))


def paragraphs(text: str) -> str:
    """One paragraph a line in, paragraphs separated by blank lines out; within a paragraph,
    each run of spaces, tabs and no-break spaces is one space, as a browser shows it."""
    return "\n\n".join(joined for line in text.splitlines() if (joined := " ".join(line.split())))
