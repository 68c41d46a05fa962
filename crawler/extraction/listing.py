"""Only stories: tell a section front, a category grid or a link list from an article.

Each rule describes a kind of page and refuses it with a reason a person understands:

- a page that declares itself a collection (JSON-LD `CollectionPage`, `ItemList`,
  `SearchResultsPage`, `ProfilePage`, or `og:type` `product.group`) and declares no article;
- a list of teasers, dated or not: most of the text extracted from it is five or more
  paragraphs that each follow their own titled link to another page inside a small card, or
  open with it when the card is read as one line (a blog's or a section's front, its
  headlines kept or dropped by the extraction: "not an article: a list of 12 teasers linking
  to other pages");
- a front page of stories cut short (not a page with a JSON-LD article: a live blog's
  entries may each end with "Read the full story"): six or more runs of the text extracted
  from it each end at a "Read more" ("Full story", "Continue reading") link to a page of its
  own, each run and its link in an element of their own, and those runs are 40% or more of
  its text ("not an article: a front page of 9 stories, each cut short by a 'Full Story'
  link");
- a dated page (a date in its URL, `datePublished` in its JSON-LD article,
  `article:published_time`, which a site's template stamps on its genre and section pages
  too, so not at a URL in a shop's or a section's path) otherwise only when 80% of the words
  of 20 or more lines are in short lines (a directory of names);
- a page whose publication is not dated, even when it calls itself an article or has a slug
  (many shops and section pages do both), is a shop's product list when it shows five or more
  "Add to cart" / "Buy now" buttons and three or more prices, a catalogue when 15 or more small
  cards alike each hold a link and a price, a feed when six or more different dates run newest
  first down a quarter or more of its lines (dates read by `printeddate`, in its seven
  languages), a list when most of the text extracted from it is short lines (names, titles,
  prices: "not an article: a list of 120 short lines"), a table
  when most of it is table rows and under 10% sentences, an index when under 40% of that text
  is sentences while the page is a grid of 15 or more cards, mostly link text, or holds five
  times more text than was extracted, a list of links when 85% of the page's text is links,
  and a section front when 12 or more cards alike each hold a headline linking to a post,
  links are half the page's text and the text extracted under 30% of it;
- a page that is neither declared nor addressed as an article (no JSON-LD article, no
  `og:type` article, no story slug, date or id in its URL, or a navigation URL such as
  `/category/...`, as courlan tells them; a URL in a shop's or a section's path, `/sections/`,
  `/genre/`, `/products/`, outweighs `og:type` and the slug) is also a listing when most of
  its text is link text ("not an article: a list of 240 links"), a section page when the
  text extracted from it is under 30% of the page's visible text (not when it is all but 10%
  of the text outside the page's navigation, header, footer and asides: a short notice on a
  site whose menus are most of the page), a grid when 20 or more cards built alike link
  elsewhere, and a product listing when it shows 12 or more prices;
- a page with no JSON-LD article and no date is a listing when it shows a "Sort by" and a
  "Filter" control, or a count of its results ("1,000+ relevant results"; not "0 results"),
  each a label of its own (a shop's category, a ranking, a search).

A story is prose: paragraphs of sentences with a few links in them, most of the page's own
text, at a URL that names it, and usually dated.
"""

from __future__ import annotations

import re
from collections import Counter
from datetime import date
from itertools import islice, pairwise, tee
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from courlan.filters import is_navigation_page
from lxml.etree import XPath

from crawler.extraction.pagetext import TextNode, squash, visible_text
from crawler.extraction.printeddate import PRINTED, YEAR, publication_day
from crawler.extraction.splitbody import common_ancestor

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable

    from lxml.html import HtmlElement

    from crawler.extraction.pagemeta import PageMeta

# On a page not declared or addressed as an article:
LINK_SHARE = 0.6  # link text above this share of the page's visible text: a list of links
LINKS_ONLY_SHARE = 0.85  # so much of it links that not even an article's URL or tag changes that
OWN_TEXT_SHARE = 0.3  # less of the page's visible text than this is extracted: a section page
# unless the text extracted is this share of the text outside the page's menus: a story alone
ALONE_SHARE, CHROME_TAGS = 0.9, {"nav", "header", "footer", "aside"}
MIN_CARDS = 20  # sibling blocks built alike, each with a link: a grid of cards
MIN_PRICES = 12  # prices shown on a page that neither says nor is addressed as an article
# On an undated page: 15 or more cards alike, each with a link and a price, are a catalogue.
MIN_PRICED_CARDS, PRICED_CARD_CHARS = 15, 400
# On an undated page: a feed of items, each line dated, newest first.
MIN_FEED_DATES, FEED_LINE_SHARE, NEWEST_FIRST = 6, 0.25, 0.9
CARD_TAGS = {"div", "li", "article", "section"}
COLLECTIONS = {
    "collectionpage": "CollectionPage",
    "itemlist": "ItemList",
    "searchresultspage": "SearchResultsPage",
    "profilepage": "ProfilePage",
}
LINK_TEXT = XPath("//body//a//text()[not(ancestor::script or ancestor::style)]")
LINKS = XPath("count(//body//a)")
PRICE = re.compile(r"[$€£¥]\s?\d|\d\s?(?:€|(?:EUR|USD)\b)")  # "$12", "129,90 €"
DATED_PATH = re.compile(r"/(?:19|20)\d\d/\d{1,2}(?:/|$)")
SHORT_LINE_WORDS = 8  # a line of fewer words is a name, a title or a label, not prose
SHORT_SHARE = 0.5  # more of the text's words in short lines than this: a list
MIN_LINES = 10
DATED_MIN_LINES, DATED_SHORT_SHARE = 20, 0.8  # a dated page's list is longer, and all list
PROSE_SHARE = 0.4  # less of the text's words in sentences than this: not a story's prose
INDEX_CARDS, INDEX_LINK_SHARE, INDEX_OWN_SHARE = 15, 0.5, 0.2
TABLE_SHARE, TABLE_PROSE_SHARE = 0.5, 0.1  # mostly table rows, hardly a sentence: standings
MIN_POST_CARDS, CARD_DEPTH = 12, 4  # cards of posts, each a headline this deep in its card
# A sentence: six words or more ending in . ! or ? (a closing quote or bracket allowed).
SENTENCE = re.compile(r"[^.!?\n]+[.!?]+[\"'\u201d\u2019)]*(?=\s|$)")
# Shop buttons: a product card's call to action, in the languages of the other rules.
SHOP_BUTTON = re.compile(
    r"^\W*(?:add to (?:cart|bag|basket|trolley)|buy now|quick ?(?:view|shop|add)|shop now"
    r"|choose options|select options|view product|in den warenkorb|ajouter au panier"
    r"|añadir al carrito|aggiungi al carrello|in winkelwagen)\W*$",
    re.I,
)
MIN_SHOP_BUTTONS, MIN_SHOP_PRICES = 5, 3  # a promotion's "Buy now" links show no prices
# A teaser: an extracted paragraph of 60+ characters after a link of 3+ words to another page,
# the two in a card (an element under 2.5 times the paragraph's length plus 150 characters).
TEASER_CHARS, CARD_GROWTH, CARD_SLACK, TITLE_WORDS = 60, 2.5, 150, 3
MIN_TEASERS, TEASER_SHARE = 5, 0.6
START_CHARS = 25  # a paragraph is found on the page by its first characters
LINK_DEPTH = 4  # a title's text sits this close under its link (<a><h3><span>...)
HEADINGS = ("h2", "h3", "h4")
HEADLINE_LINKS = 4  # a teaser's headline is among the last links before it (source, tags)
# A URL in a shop's or a section's path: its slug names a category, not a story, whatever its
# og:type says (only a JSON-LD article outweighs it).
SECTION_PATH = re.compile(
    r"/(?:browse|c|collections|genres?|products|product-category|sections?|shop)/",
    re.I,
)
# A front page's stories cut short: a link that only says "read more" to the rest of each.
READ_MORE = re.compile(
    r"^\W*(?:read more|continue reading|read the (?:full|rest)(?: of the)? (?:story|article|post)"
    r"|full (?:story|article|post)|keep reading|read on|more|weiterlesen|mehr lesen"
    r"|lire la suite|leer m[aá]s|continua a leggere|lees meer)\W*$",
    re.I,
)
MIN_CUTS, CUT_SHARE = 6, 0.4  # stories cut short, and the share of the text they hold
EDGES = re.compile(r"^\W+|\W+$")
STORY_ID = re.compile(r"/(?:19|20)\d\d/\d{1,2}(?:/|$)|\d{5,}")  # a date or an id: a story's URL
# A listing's controls, each a label of its own: "Sort by" and "Filter" together.
SORT_CONTROL = re.compile(
    r"^\W*(?:sort(?: by| results)?|trier par|sortieren(?: nach)?|ordenar por)\W*$", re.I
)
FILTER_CONTROL = re.compile(
    r"^\W*(?:filters?|filter by|refine(?: by)?|filtern|filtrer|filtros?)\W*$", re.I
)
# A count of results, a label of its own; "0 results" is an empty cart's or search box's.
RESULTS_COUNT = re.compile(
    r"^\W*(?:showing\s+)?(?:\d[\d,.]*\s*(?:[-\u2013]|to)\s*)?(?P<count>\d[\d,.]*)\+?\s*"
    r"(?:of\s+\d[\d,.]*\+?\s*)?(?:relevant\s+|matching\s+)?results(?:\s+found)?\W*$",
    re.I,
)
CONTROL_CHARS = 40
STORY_PATH = re.compile(
    r"/(?:19|20)\d\d/\d{1,2}(?:/|$)|\d{5,}|[^/]*\w[-_]\w+[-_]\w+[^/]*"  # a date, an id, a slug
)


def article_declared(page: PageMeta) -> bool:
    return bool(page.ld) or (page.first("og:type") or "").lower() == "article"


def section_url(url: str) -> str | None:
    """The shop's or section's path segment the URL lies under ("/browse/"), if any, unless a
    date or an id in it names a story."""
    path = urlsplit(url).path
    found = SECTION_PATH.search(path)
    return found.group(0) if found and not STORY_ID.search(path) else None


def named_story(page: PageMeta, url: str) -> bool:
    """The page says it is an article or is addressed like one: a JSON-LD article, or
    `og:type` article or a story URL unless the URL lies in a shop's or a section's path
    (a section front that calls itself an article, a category whose slug reads like a title)."""
    if page.ld:
        return True
    if section_url(url):
        return False
    return article_declared(page) or story_url(url)


def story_url(url: str) -> bool:
    """A URL that names a story: a slug of words, a date or an id, and no navigation path."""
    path = urlsplit(url).path
    return bool(STORY_PATH.search(path)) and not is_navigation_page(url)


def dated(page: PageMeta, url: str) -> bool:
    """The page says when it was published: a date in its URL, the JSON-LD article's
    `datePublished` or `article:published_time` (not at a URL in a shop's or a section's path,
    whose pages a site's template stamps with one)."""
    return bool(
        DATED_PATH.search(urlsplit(url).path)
        or (page.ld and page.ld.get("datePublished"))
        or (page.first("article:published_time") and not section_url(url))
    )


def not_an_article(
    tree: HtmlElement, page: PageMeta, *, body_chars: int, url: str, text: str = ""
) -> str | None:
    """Why the page is a listing rather than a story, or None if it may be a story;
    `body_chars` is the length of the text extracted from it, `text` that text (one
    paragraph a line)."""
    kinds = [COLLECTIONS[kind] for kind in sorted(page.ld_types & COLLECTIONS.keys())]
    if kinds and not page.ld:
        return f"not an article: the page declares itself a collection ({kinds[0]})"
    og_type = (page.first("og:type") or "").lower()
    if og_type.startswith("product") and not page.ld:
        return f"not an article: a shop page (og:type {og_type})"
    # teaser_list reads the page's text only as far as it needs to decide; an undated page's
    # rules read all of it.
    walk, cuts, rest = tee(visible_text(tree), 3)
    if (reason := teaser_list(walk, text)) or (
        not page.ld and (reason := stories_cut_short(tree, cuts, text))
    ):
        return reason
    if dated(page, url):  # a list even so: a table of names, a directory
        return short_lines(text, min_lines=DATED_MIN_LINES, share=DATED_SHORT_SHARE)
    texts = list(rest)
    if (buttons := shop_buttons(tree)) >= MIN_SHOP_BUTTONS:
        prices = len(PRICE.findall(" ".join(node.text for node in texts)))
        if prices >= MIN_SHOP_PRICES:
            return (
                f"not an article: a shop's product list ({buttons} 'Add to cart' or 'Buy'"
                f" buttons, {prices} prices)"
            )
    if (priced := priced_cards(tree)) >= MIN_PRICED_CARDS:
        return f"not an article: a grid of {priced} cards with prices (a catalogue), not a story"
    if reason := dated_feed(text):
        return reason
    visible = sum(len(node.text.strip()) for node in texts)
    linked = sum(len(text.strip()) for text in LINK_TEXT(tree))
    if reason := list_or_index(tree, text, visible=visible, linked=linked, body_chars=body_chars):
        return reason
    named = named_story(page, url)
    if visible and linked >= (LINKS_ONLY_SHARE if named else LINK_SHARE) * visible:
        links = int(LINKS(tree))
        return f"not an article: a list of {links} links ({linked / visible:.0%} of its text)"
    if named:
        return post_front(
            tree, visible=visible, linked=linked, body_chars=body_chars
        ) or listing_controls(page, texts)
    if visible and body_chars < OWN_TEXT_SHARE * visible and not story_alone(texts, body_chars):
        own = body_chars / visible
        why = (
            f"its URL is in a shop's or a section's path, {segment}"
            if (segment := section_url(url)) and (article_declared(page) or story_url(url))
            else "neither the page nor its URL says it is an article"
        )
        return f"not an article: a section page (its own text is {own:.0%} of the page's; {why})"
    if (cards := grid_cards(tree)) >= MIN_CARDS:
        return f"not an article: a grid of {cards} cards linking to other pages"
    prices = len(PRICE.findall(" ".join(node.text for node in texts)))
    if prices >= MIN_PRICES:
        return f"not an article: a product listing ({prices} prices)"
    return listing_controls(page, texts)


def listing_controls(page: PageMeta, texts: list[TextNode]) -> str | None:
    """Why a page with no JSON-LD article is a listing, or None: it shows a "Sort by" and a
    "Filter" control, or a count of results ("1,000+ relevant results", "Showing 1-24 of 312
    results"), each a label of its own: the controls of a listing's results (a shop's
    category, a ranking, a search); a story has none. `texts` are its visible text nodes."""
    if page.ld:
        return None
    sort = found = False
    for node in texts:
        if len(label := node.text.strip()) > CONTROL_CHARS or not label:
            continue
        if (count := RESULTS_COUNT.match(label)) and count["count"].strip("0,.") != "":
            return f"not an article: a page of search results ({label.strip(' ,.')!r}), not a story"
        sort = sort or bool(SORT_CONTROL.match(label))
        found = found or bool(FILTER_CONTROL.match(label))
        if sort and found:
            return "not an article: a listing with 'Sort by' and 'Filter' controls, not a story"
    return None


def stories_cut_short(tree: HtmlElement, texts: Iterable[TextNode], text: str) -> str | None:
    """Why the extracted text is a front page of stories cut short, or None: six or more runs
    of its paragraphs each end at a "Read more" ("Full story", "Continue reading") link to a
    page of its own, each run and its link in an element of their own (a story's "Read more"
    links between its paragraphs share the story's element), and those runs are 40% or more
    of the text. A story's "Read more" links lead away from a related-stories box, outside its
    text. `texts` are the page's visible text nodes."""
    targets = {
        link.get("href")
        for link in tree.iter("a")
        if len(label := squash(link.text_content())) < 40 and READ_MORE.match(label)
    }
    if len(targets) < MIN_CUTS:
        return None  # too few such links to cut six stories short: no need to read the page
    lines = [squash(line).lstrip("- ") for line in text.splitlines() if line.strip()]
    starts: dict[str, str] = {}
    for line in lines:
        if len(line) >= START_CHARS:
            starts.setdefault(line[:START_CHARS], line)
    words = sum(len(line.split()) for line in lines)
    seen: set[str] = set()
    followed: dict[str, str] = {}  # the pages the links lead to, and what they say
    holders: set[HtmlElement] = set()  # each story's own element: its paragraphs and its link
    last: HtmlElement | None = None  # the paragraph before the "Read more"
    run = cut = stories = 0  # the words of the paragraphs since the last "Read more"
    for node in texts:
        if node.text.isspace():
            continue
        link = link_around(node)
        if link is not None and READ_MORE.match(label := squash(link.text_content())):
            href = link.get("href")
            holder = common_ancestor(link, last) if last is not None else None
            if run and href and href not in followed and holder not in holders:
                stories, cut = stories + 1, cut + run
                followed[href] = label
                holders.add(holder)
            run, last = 0, None
        elif len(node.text) >= START_CHARS and len(found := squash(node.text)) >= START_CHARS:
            paragraph = starts.get(found[:START_CHARS])
            if paragraph is not None and paragraph not in seen:
                seen.add(paragraph)
                run += len(paragraph.split())
                last = node.element
    if stories < MIN_CUTS or cut < CUT_SHARE * words:
        return None
    label = EDGES.sub("", next(iter(followed.values())))  # "Read more »": Read more
    return (
        f"not an article: a front page of {stories} stories, each cut short by a '{label}'"
        f" link ({cut / words:.0%} of its text), not a story"
    )


def story_alone(texts: list[TextNode], body_chars: int) -> bool:
    """The text extracted is all but 10% of the page's text (`texts`, its visible runs)
    outside its navigation, header, footer and asides: a short story on a site whose menus
    are most of the page (a notice on a university's page), not a section page, whose cards
    or links lie beside its introduction."""
    outside = 0
    for node in texts:
        element = node.holder
        if element is not None and not any(
            above.tag in CHROME_TAGS for above in (element, *element.iterancestors())
        ):
            outside += len(node.text.strip())
    return bool(outside) and body_chars >= ALONE_SHARE * outside


def post_front(tree: HtmlElement, *, visible: int, linked: int, body_chars: int) -> str | None:
    """Why an undated page that calls itself an article is a blog's or a section's front, or
    None: a grid of post cards, each a headline linking to the post, mostly links, and its
    own text a small part of the page (an introduction above the posts)."""
    if not visible or body_chars >= OWN_TEXT_SHARE * visible or linked < INDEX_LINK_SHARE * visible:
        return None
    if (posts := post_cards(tree)) < MIN_POST_CARDS:
        return None
    return (
        f"not an article: a section page ({posts} posts in cards, each a headline linking to"
        f" it; its own text is {body_chars / visible:.0%} of the page's)"
    )


def post_cards(tree: HtmlElement) -> int:
    """The most sibling elements of one tag that each hold a headline (`<h2>` to `<h4>`, 3+
    words) linking to another page: a grid of posts."""
    counts: Counter[tuple[HtmlElement, str]] = Counter()
    for heading in tree.iter("h2", "h3", "h4"):
        link = heading.find(".//a[@href]")
        if link is None:
            link = enclosing_link(heading.getparent())
        if link is None or not titled_link(link, squash(heading.text_content())):
            continue
        element = heading
        for _ in range(CARD_DEPTH):
            parent = element.getparent()
            if parent is None:
                break
            if len(parent) >= MIN_POST_CARDS:
                counts[parent, element.tag] += 1
            element = parent
    return max(counts.values(), default=0)


def grid_cards(tree: HtmlElement) -> int:
    """The most sibling elements of one class that each hold a link and some text."""

    def card_class(child: HtmlElement) -> str | None:
        if not isinstance(child.tag, str) or not child.get("class"):
            return None
        if child.find(".//a") is None or len(squash(child.text_content())) < 20:
            return None
        return str(child.get("class"))

    return most_alike(tree, MIN_CARDS, card_class)


def most_alike(
    tree: HtmlElement, min_children: int, kind: Callable[[HtmlElement], str | None]
) -> int:
    """The most children of one element (of `min_children` or more) that are of one `kind`
    (None: a child that is no card)."""
    most = 0
    for parent in tree.iter():
        if len(parent) < min_children:
            continue
        alike = Counter(found for child in parent if (found := kind(child)) is not None)
        if alike:
            most = max(most, alike.most_common(1)[0][1])
    return most


def dated_feed(text: str) -> str | None:
    """Why the extracted text is a feed, or None: 6 or more different dates, a quarter or more
    of its lines dated, newest first (a blog's index, a podcast's episodes, reviews), where a
    story's dates (a timeline, a history) run oldest first or in no order."""
    lines = [line for line in text.splitlines() if line.strip()]
    with_year = [line for line in lines if YEAR.search(line)]
    if len(with_year) < max(MIN_FEED_DATES, FEED_LINE_SHARE * len(lines)):
        return None  # too few lines can hold a date: no need to read them
    days = [day for day in map(first_day, with_year) if day]
    if len(set(days)) < MIN_FEED_DATES or len(days) < FEED_LINE_SHARE * len(lines):
        return None
    pairs = list(pairwise(days))
    if sum(newer >= older for newer, older in pairs) < NEWEST_FIRST * len(pairs):
        return None
    return (
        f"not an article: a feed of {len(days)} dated items, newest first (posts, episodes,"
        " reviews), not a story"
    )


def first_day(line: str) -> date | None:
    """The first whole date printed in `line` ("27 February 2026", "Dec 15, 2025",
    "15. Dezember 2025", "2025-12-15"; a number either way round is no date), if any."""
    for match in PRINTED.finditer(line):
        if day := publication_day(match):
            return date.fromisoformat(day)
    return None


def priced_cards(tree: HtmlElement) -> int:
    """The most sibling cards of one tag (small blocks of under 400 characters) that each hold
    a link and a price: a catalogue's products or a listings site's offers."""

    def priced_card(child: HtmlElement) -> str | None:
        if child.tag not in CARD_TAGS or child.find(".//a") is None:
            return None
        card = squash(child.text_content())
        return str(child.tag) if len(card) <= PRICED_CARD_CHARS and PRICE.search(card) else None

    return most_alike(tree, MIN_PRICED_CARDS, priced_card)


def short_lines(text: str, *, min_lines: int, share: float) -> str | None:
    """Why the extracted text is a list: `min_lines` lines or more, over `share` of its words
    in lines of a few words (names, titles, prices); else None."""
    lines = [len(line.split()) for line in text.splitlines() if line.strip()]
    words = sum(lines)
    short = sum(n for n in lines if n < SHORT_LINE_WORDS)
    if len(lines) < min_lines or short <= share * words:
        return None
    return (
        f"not an article: a list of {len(lines)} short lines ({short / words:.0%} of its"
        " words in lines of a few words: names, titles, prices), not a story"
    )


def list_or_index(
    tree: HtmlElement, text: str, *, visible: int, linked: int, body_chars: int
) -> str | None:
    """Why the extracted text is a list or an index rather than a story's prose, or None."""
    if reason := short_lines(text, min_lines=MIN_LINES, share=SHORT_SHARE):
        return reason
    words = len(text.split())
    if not words:
        return None
    in_sentences = sum(
        len(found.split()) for found in SENTENCE.findall(text) if len(found.split()) >= 6
    )
    prose = in_sentences / words
    if prose >= PROSE_SHARE:
        return None
    rows = [line for line in text.splitlines() if line.lstrip().startswith("|")]
    in_rows = sum(len(row.split()) for row in rows)
    if prose < TABLE_PROSE_SHARE and in_rows >= TABLE_SHARE * words:
        return (
            f"not an article: a table of {len(rows)} rows ({in_rows / words:.0%} of its words,"
            f" {prose:.0%} in sentences), not a story"
        )
    what = ""
    if visible and linked >= INDEX_LINK_SHARE * visible:
        what = f"{linked / visible:.0%} of the page's text is links"
    elif visible and body_chars < INDEX_OWN_SHARE * visible:
        what = f"its own text is {body_chars / visible:.0%} of the page's"
    elif (cards := grid_cards(tree)) >= INDEX_CARDS:
        what = f"{cards} cards link to other pages"
    if what:
        return f"not an article: an index page ({what}, and {prose:.0%} of its text is sentences)"
    return None


def shop_buttons(tree: HtmlElement) -> int:
    """How many "Add to cart", "Buy now", "Quick view"... buttons or links the page shows."""
    found = 0
    for element in tree.iter("a", "button", "input"):
        label = (element.get("value") or "") if element.tag == "input" else element.text_content()
        if len(label := squash(label)) < 40 and SHOP_BUTTON.match(label):
            found += 1
    return found


def teaser_list(texts: Iterable[TextNode], text: str) -> str | None:
    """Why the extracted text is a list of teasers, or None: most of it is paragraphs that
    each follow their own titled link to another page inside a small card (a headline and its
    summary), whether or not the extraction kept the headlines, or open with it (an `<li>`
    card's headline and summary read as one line). `texts` are the page's
    visible text nodes."""
    lines = [squash(line).lstrip("- ") for line in text.splitlines() if line.strip()]
    starts: dict[str, str] = {}  # a paragraph of TEASER_CHARS+ by its first START_CHARS
    for line in lines:
        if len(line) >= TEASER_CHARS:
            starts.setdefault(line[:START_CHARS], line)
    if len(starts) < MIN_TEASERS:
        return None
    prose = "\n".join(starts.values())
    words = sum(len(line.split()) for line in lines)
    # Words that are no teaser nor title: once they leave under TEASER_SHARE of the text for
    # teasers, the page is no list of them, and the reading stops.
    spare = words - sum(len(paragraph.split()) for paragraph in starts.values())
    if (words - spare) / words < TEASER_SHARE:
        return None
    seen: set[str] = set()
    teasers, titles = [], []
    links: list[HtmlElement] = []  # the links since the last paragraph, in page order
    for node in texts:
        if node.text.isspace():
            continue
        link = link_around(node)
        paragraph = None
        if len(node.text) >= START_CHARS and len(run := squash(node.text)) >= START_CHARS:
            paragraph = starts.get(run[:START_CHARS])
        if paragraph is None:
            if link is not None and (not links or links[-1] is not link):
                links.append(link)
            continue
        if paragraph in seen:
            continue
        seen.add(paragraph)
        name = squash(link.text_content()) if link is not None else ""
        if link is not None and paragraph == name and titled_link(link, paragraph):
            titles.append(paragraph)  # a headline the extraction kept: its teaser follows
            links = [link]
            continue
        if link is not None and opens_card(link, name, node, paragraph):
            teasers.append(paragraph)  # a card's headline and teaser read as one line
        elif (title := headline(links, prose, titles)) is not None and in_card(
            title, node, paragraph
        ):
            teasers.append(paragraph)
        else:
            spare += len(paragraph.split())
            if (words - spare) / words < TEASER_SHARE:
                return None
        links = []
    share = sum(len(line.split()) for line in teasers + titles) / words
    if len(teasers) < MIN_TEASERS or share < TEASER_SHARE:
        return None
    return (
        f"not an article: a list of {len(teasers)} teasers linking to other pages"
        f" ({share:.0%} of its text), not a story"
    )


def opens_card(link: HtmlElement, name: str, node: TextNode, paragraph: str) -> bool:
    """The extracted `paragraph` is a card's headline and its teaser read as one line (an
    `<li>` card's text): it opens with the text `name` of a titled link that is or holds a
    heading, and goes on past it, inside a small card."""
    if paragraph == name or not paragraph.startswith(name) or not titled_link(link, name):
        return False
    if next(link.iter(*HEADINGS), None) is None and enclosing_heading(link) is None:
        return False
    return in_card(link, node, paragraph)


def enclosing_heading(element: HtmlElement) -> HtmlElement | None:
    """The heading a few levels above `element`, if any (`<h3><a>...</a></h3>`)."""
    for above in islice(element.iterancestors(), LINK_DEPTH):
        if above.tag in HEADINGS:
            return above
    return None


def headline(links: list[HtmlElement], prose: str, titles: list[str]) -> HtmlElement | None:
    """The last of the few `links` before a paragraph that is a title: one of `titles`, or
    not part of the paragraphs of `prose` (a link in a sentence)."""
    for link in reversed(links[-HEADLINE_LINKS:]):
        name = squash(link.text_content())
        if titled_link(link, name) and (name not in prose or name in titles):
            return link
    return None


def link_around(node: TextNode) -> HtmlElement | None:
    """The link a text node of the page is part of, if any."""
    return enclosing_link(node.holder)


def enclosing_link(element: HtmlElement | None) -> HtmlElement | None:
    """`element` if it is a link, or the link a few levels above it, if any."""
    for _ in range(LINK_DEPTH):
        if element is None or element.tag == "a":
            return element
        element = element.getparent()
    return None


def in_card(link: HtmlElement, node: TextNode, line: str) -> bool:
    """The paragraph `line` (starting at text `node`) and `link` sit in a small element: a
    card, not a story whose paragraphs a link sits among."""
    holders = {link, *link.iterancestors()}
    element: HtmlElement | None = node.element
    while element is not None and element not in holders:
        element = element.getparent()
    limit = CARD_GROWTH * len(line) + CARD_SLACK
    return element is not None and len(squash(element.text_content())) <= limit


def titled_link(link: HtmlElement, name: str) -> bool:
    """A link to another page whose text `name` is a title (3+ words)."""
    href = (link.get("href") or "").strip()
    if not href or href.startswith(("#", "javascript:", "mailto:", "tel:")):
        return False
    return len(name.split()) >= TITLE_WORDS
