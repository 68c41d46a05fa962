"""Who wrote the story: the rules that can name the authors, most trusted first.

Each rule has a name, stored in `metadata_source["authors"]`, so that a wrong author can be
traced to the rule that found it:

- `json-ld`: the JSON-LD article's `author` persons (an `@id` reference is looked up);
- `meta`: `author`, `article:author`, `dc.creator`, `citation_author`... meta tags;
- `rel=author`, `itemprop=author`: links and elements marked up as the author;
- `author-page-link`: a link to the author's page ("/author/jane-doe") that names them;
- `class=author`: an element whose class or id says author or byline (an author box);
- `by-line`: a short "By A and B" line on the page, or the "by A" after the story's date
  ("<time>...</time> by A", "Last updated March 3, 2025 by A");
- `text`: a byline trimmed from the edges of the article's text;
- `site-name`: nothing else names anyone, and the site is named after a person (a personal
  blog: "Owain Brennan", "Colin Watson's blog"): the name it declares, its feed's title, its
  home link's text or its title's end, with a common first name or its host carrying the first
  or the last name alone (see `site_owner`).

Candidates are reduced to people (`bylines.people`): a site's, publisher's or agency's name,
a job, a date and stray symbols are never stored; a one-word name only where the markup says
author, or a common first name in a byline or an author link. A later rule wins over an
earlier one only when it names the same people and more (co-authors the JSON-LD leaves out).
"""

from __future__ import annotations

import itertools
import re
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from lxml.etree import XPath

from crawler.extraction.bylines import (
    BYLINE,
    capitalised,
    dedupe,
    first_names,
    is_person,
    key,
    parse_byline,
    people,
    personal_site,
)
from crawler.extraction.pagemeta import JSON_LD, META
from crawler.extraction.pagetext import HIDDEN
from crawler.extraction.printeddate import PRINTED, YEAR
from crawler.extraction.titles import SEPARATORS

if TYPE_CHECKING:
    from collections.abc import Callable

    from lxml.html import HtmlElement

    from crawler.extraction.pagemeta import PageMeta

REL, ITEMPROP, AUTHOR_LINK, CLASS, BY_LINE, TEXT, SITE = (
    *("rel=author", "itemprop=author", "author-page-link"),
    *("class=author", "by-line", "text", "site-name"),
)
# "Colin Watson's blog": the site of a person.
POSSESSIVE = re.compile(r"['\u2019]s\s+(?:blog|site|notes|journal|newsletter|weblog)$", re.I)
# Elements a byline may sit in, and the classes, ids and opening words that make one a byline.
# (Plain regular expressions over `iter()`: EXSLT ones in XPath cost a Python call per element.)
TAGS = ("a", "span", "strong", "em", "small", "b", "p", "div", "li", "address", "h3", "h4", "h5")
# ("authorization", "authorize", "authorities" are not authors.)
# (Every match holds "author", "byl", "writer", "posted" or "written": see `class_elements`.)
BYLINE_CLASS = re.compile(r"author(?!i[stz])|byline|\bbyl\b|writer|posted-?by|written-?by", re.I)
BYLINE_ID = re.compile(r"author(?!i[stz])|byline", re.I)
LABEL_WORDS = (
    r"(?:by|written by|posted by|words by|story by|article by|authored by|author|von|par|por|door)"
)
BY_WORDS = re.compile(
    rf"^{LABEL_WORDS}(?:\s|:|$)|^(?-i:(?:Written|Posted|Words|Story) by[A-Z])", re.I
)
# A byline after the story's date, in the same line: "Last updated March 3, 2025 by A",
# "Posted on 15/12/2025 at 19:00 by A" (a few words before the date at most, so that a
# sentence of the story, "...approved on May 1, 2023 by the board", is not one). English
# only: the plain test for "by" keeps the date search off nearly every line of the page.
DATED_BY = re.compile(
    rf"^\W*(?:[^\W\d]+\.?\s+){{0,3}}(?:{PRINTED.pattern})"
    r"(?:,?\s*(?:at\s+)?\d{1,2}[:.]\d\d(?:\s*[ap]\.?m\.?)?)?[\s,|\u00b7\u2022\u2013\u2014-]*"
    r"(?P<by>by\b)",
    re.I,
)
# Parts of a page whose bylines belong to other stories or to readers. The page's `<body>` is
# not one (its classes describe the layout: "footer-on-bottom", "nv-sidebar-right"), nor is an
# Elementor widget (every block of such a page is one).
OTHER_PART = re.compile(
    r"comment|related|sidebar|(?<!elementor-)widget|recommend|more-stories|popular|trending|"
    r"footer|respond|reply|modal",
    re.I,
)
ARBITRARY_VALUE = re.compile(r"\[[^\]]*\]")
# Menus and filters: "By Event Type", "By Industry" there are not bylines. A menu entry sits a
# few levels down in its menu, so only that far up counts (a page section "under-menu" is not).
MENU_PART = re.compile(r"menu|filter|dropdown|facet|\btabs?\b", re.I)
MENU_TAGS = {"nav", "label", "button", "select"}
MENU_DEPTH = 4
# A byline label alone in its element, the name in the next one: "<span>By</span><a>A B</a>".
LABEL_ONLY = re.compile(rf"^\W*{LABEL_WORDS}\W*$", re.I)
# A link to the author's page: "/author/jane-doe", "/articles/authors/jane-doe/".
AUTHOR_HREF = XPath(
    '//a[contains(@href, "/author") or contains(@href, "/writer")'
    ' or contains(@href, "/contributor")]'
)
AUTHOR_PAGE = re.compile(r"/(?:author|authors|writers?|contributors?)/(?P<slug>[\w.-]+)/?$")
# The names a site bears besides the one it declares: its feed's title (the first
# `<link rel=alternate>` to an RSS or Atom feed in its `<head>`), its home link's text (a link
# to "/" among the first links of the page, its header's).
FEED_TYPES = ("application/rss+xml", "application/atom+xml")
HEADER_LINKS = 20
PAGE_TEXT = XPath("//text()[not(parent::script or parent::style)]")
USED = r"(?<![\w@/.]){}(?!\w|\.\w)"  # a word in a text, not in a handle or a host ("@a", "a.se")
INITIAL = re.compile(r"[A-Z]\.?")


def class_elements(tree: HtmlElement) -> list[HtmlElement]:
    """Elements whose class or id says author or byline (an author box). Most classes hold
    none of the words every match holds, and are told by a plain search for them, ten times
    as fast as the expression's; the searches are spelt out, as a call or a generator for
    each of the page's elements costs more than the searches themselves."""
    found = []
    for element in tree.iter(*TAGS):
        if (
            (names := element.get("class"))
            and (
                not names.isascii()
                or "author" in (lowered := names.lower())
                or "byl" in lowered
                or "writer" in lowered
                or "posted" in lowered
                or "written" in lowered
            )
            and BYLINE_CLASS.search(names)
        ):
            found.append(element)
            continue
        if (name := element.get("id")) and BYLINE_ID.search(name):
            found.append(element)
    return found


def by_line_elements(tree: HtmlElement) -> list[HtmlElement]:
    """Elements whose text opens with "By", "Written by", "Von"..., or with the story's date
    and then "by" ("Last updated March 3, 2025 by A"); a `<time>` followed by "by A"."""
    elements = []
    for element in tree.iter(*TAGS, "h6", "i", "time"):
        if element.tag == "time":
            if element.tail and BY_WORDS.match(element.tail.strip()):
                elements.append(element)
        elif element.text:
            text = " ".join(element.text.split())
            if BY_WORDS.match(text) or (
                ("by" in text or "By" in text) and YEAR.search(text) and DATED_BY.match(text)
            ):
                elements.append(element)
    return elements


def elsewhere(element: HtmlElement) -> bool:
    """In a form, comments, related stories, a sidebar, a footer... (a utility class's value,
    Tailwind's "md:[grid-area:sidebar]", places a column on the page, not a sidebar's box)."""
    for above in element.iterancestors():
        if above.tag in ("body", "html"):
            return False
        names = ARBITRARY_VALUE.sub("", f"{above.get('class')} {above.get('id')}")
        if above.tag == "form" or OTHER_PART.search(names):
            return True
    return False


def in_menu(element: HtmlElement) -> bool:
    """In a menu or a filter, `MENU_DEPTH` levels up at most ("By Industry" is no byline)."""
    for depth, node in enumerate((element, *element.iterancestors())):
        if depth > MENU_DEPTH:
            break
        if node.tag in MENU_TAGS or MENU_PART.search(f"{node.get('class')} {node.get('id')}"):
            return True
    return False


def author_page_links(tree: HtmlElement) -> list[HtmlElement]:
    """Links to the author's own page whose text is that author's name ("/author/jane-doe")."""
    links = []
    for link in AUTHOR_HREF(tree):
        match = AUTHOR_PAGE.search(urlsplit(link.get("href") or "").path)
        if match and key(match["slug"]) == key(link.text_content()) != "":
            links.append(link)
    return links


ELEMENTS: dict[str, Callable[[HtmlElement], list[HtmlElement]]] = {
    REL: XPath('//*[@rel][contains(concat(" ", normalize-space(@rel), " "), " author ")]'),
    ITEMPROP: XPath('//*[@itemprop][contains(@itemprop, "author")][not(self::meta or self::link)]'),
    AUTHOR_LINK: author_page_links,
    CLASS: class_elements,
    BY_LINE: by_line_elements,
}
MAX_ELEMENTS = 12  # read for each rule, in page order
FOLLOWERS = 3  # elements after a byline label that may hold the name
WORKS_LIST = 3  # bylines naming different people that make a list of works (see `works_list`)
MAX_BYLINE_CHARS = 120  # a longer text is a paragraph, not a byline
MAX_NAME_CHARS = 60  # an author box's first line longer than this is no name
META_NAMES = (
    "author",
    "article:author",
    "dc.creator",
    "dcterms.creator",
    "citation_author",
    "byl",
    "parsely-author",
    "sailthru.author",
    "cxenseparse:author",
)


def page_authors(
    tree: HtmlElement,
    page: PageMeta,
    removed: list[str],
    *,
    site_names: list[str],
    host: str | None = None,
) -> tuple[list[str], str]:
    """(the people who wrote the story, the rule that found them); `site_names` are the
    site's and the publisher's names (and its `host`), which name nobody, the first of them
    the one a personal site bears (see `site_owner`)."""

    def found(candidates: list[str], *, single: bool = False) -> list[str]:
        return people(candidates, not_names=site_names, single=single)

    declared: tuple[list[str], str] = ([], JSON_LD)
    # A JSON-LD `Person` is a person even when the site bears their name (a personal blog).
    persons = people(page.ld_authors(persons=True))
    for rule, candidates in (
        (JSON_LD, page.ld_authors()),
        (META, [value for name in META_NAMES for value in meta_authors(page, name)]),
    ):
        names = found([capitalised(candidate) for candidate in candidates], single=True)
        if rule == JSON_LD and len(persons) > len(names):
            names = persons
        if names:
            declared = (names, rule)
            break
    best = declared
    for later in (
        page_bylines(tree, found),
        (found([line for line in removed if parse_byline(line)], single=False), TEXT),
    ):
        if not best[0] or covers(later[0], best[0]):
            best = later if later[0] else best
    if not best[0] and (owner := site_owner(tree, page, site_names[:1], host=host)):
        best = ([owner], SITE)
    return best


def site_owner(
    tree: HtmlElement, page: PageMeta, declared: list[str], *, host: str | None
) -> str | None:
    """The person a personal site is named after, when nothing else on the page names an
    author: a name the site bears (the one it declares, its feed's title, its home link's
    text) that is a person's by a common first name ("Cassidy Williams", "Colin Watson's
    blog"), or by its `host` (see `hosted`), which makes its title's end one too."""
    parts = [part for part in SEPARATORS.split(page.html_title or "") if part.strip()]
    borne = [(name, True) for name in (*declared, *feed_title(tree), *home_link_text(tree, host))]
    for name, bears in [*borne, *((part, False) for part in parts[-1:] if len(parts) > 1)]:
        name = POSSESSIVE.sub("", " ".join(name.split()))
        if not is_person(name):
            continue
        if (bears and personal_site(name)) or (host and hosted(name, host, tree)):
            return name
    return None


def feed_title(tree: HtmlElement) -> list[str]:
    """The title of the first RSS or Atom feed the page's `<head>` links to."""
    head = tree.find("head")
    for link in head.iter("link") if head is not None else ():
        if (
            link.get("type") in FEED_TYPES
            and "alternate" in (link.get("rel") or "").lower().split()
        ):
            return [title] if (title := link.get("title")) else []
    return []


def home_link_text(tree: HtmlElement, host: str | None) -> list[str]:
    """The text of the first link to the site's home page ("/", "https://host/") among the
    page's first links, when it shows one."""
    homes = {"/"}
    if host:
        homes |= {f"{s}://{w}{host}/" for s in ("http", "https") for w in ("", "www.")}
    for link in itertools.islice(tree.iter("a"), HEADER_LINKS):
        href = (link.get("href") or "").strip()
        if href and f"{href.removesuffix('/')}/" in homes and (text := line_text(link)):
            return [text]
    return []


def hosted(name: str, host: str, tree: HtmlElement) -> bool:
    """A first and a last name, one of them alone a label of the site's host ("Pierce
    Freeman" on pierce.dev, "Christoffer Artmann" on artmann.co), neither word written on the
    page but in the name: a brand's first word stands alone ("Hardtail" of "Hardtail
    Canada": "a Hardtail"), a company's other word is a common one ("Harbour Actuaries":
    "actuaries"). The whole name glued into the host is no sign (quietlight.com)."""
    words = [word for word in name.split() if not INITIAL.fullmatch(word)]
    if len(words) != 2 or len(name.split()) > 3 or any(word.isupper() for word in words):
        return False
    labels = set(re.split(r"[.-]", host.casefold()))
    if sum(key(word) in labels for word in words) != 1:
        return False
    text = " ".join(PAGE_TEXT(tree))
    whole = len(re.findall(r"\s+".join(map(re.escape, name.split())), text, re.I))
    return all(len(re.findall(USED.format(re.escape(word)), text, re.I)) <= whole for word in words)


def meta_authors(page: PageMeta, name: str) -> list[str]:
    """The values of one author meta tag; `citation_author`'s "Last, First" turned round;
    for `author`, also the Twitter card's "Written by" field (`twitter:label1` and
    `twitter:data1`, as WordPress SEO plugins write it)."""
    values = page.meta.get(name, [])
    if name == "author":
        for n in "12":
            if (page.first(f"twitter:label{n}") or "").strip().lower() == "written by":
                values = [*values, *page.meta.get(f"twitter:data{n}", [])]
    if name == "citation_author":
        return [" ".join(reversed(v.split(",", 1))) if v.count(",") == 1 else v for v in values]
    return values


def page_bylines(tree: HtmlElement, found: Callable[..., list[str]]) -> tuple[list[str], str]:
    """The people the page's first byline element names, with those of its neighbours
    (co-authors in elements of their own), and the rule of the element."""
    for rule, find in ELEMENTS.items():
        names: list[str] = []
        group: HtmlElement | None = None
        elements = find(tree)[:MAX_ELEMENTS]
        if rule == BY_LINE and works_list(elements, found):
            continue
        for element in elements:
            if group is not None and group not in element.iterancestors():
                continue
            text = byline_text(element) if rule == BY_LINE else line_text(element)
            if rule == CLASS and len(text) > MAX_BYLINE_CHARS:
                text = box_name(element)  # an author box: the name over a bio
            if not text or len(text) > MAX_BYLINE_CHARS or elsewhere(element):
                continue
            if rule == BY_LINE and (not BYLINE.match(text) or in_menu(element)):
                continue
            got = named(found, text, rule)
            if not got and not names and rule == CLASS and len(element):
                got = named(found, box_name(element), rule)  # "A B" over "Writer"
            if got:
                names.extend(got)
                group = group if group is not None else neighbourhood(element)
        if names:
            return dedupe(names), rule
    return [], CLASS


def named(found: Callable[..., list[str]], text: str, rule: str) -> list[str]:
    """The people an element's text names. A one-word name is a person's when the markup says
    so (`rel=author`, `itemprop=author`), or when a byline or a link to the author's page gives
    a common first name ("by Amanda", "Posted by David"); never a brand's ("By Bloomberg")."""
    if rule in (REL, ITEMPROP):
        return found([text], single=True)
    if rule in (BY_LINE, AUTHOR_LINK):
        names = found([text], single=True)
        return [name for name in names if " " in name or name.casefold() in first_names()]
    return found([text])


def box_name(box: HtmlElement) -> str:
    """An author box's first line, when it is short (the name over the bio): "" if none."""
    for line in box.itertext():
        if line := " ".join(line.split()):
            return line if len(line) <= MAX_NAME_CHARS else ""
    return ""


def works_list(elements: list[HtmlElement], found: Callable[..., list[str]]) -> bool:
    """Three or more "By: ..." lines in the story naming different people: a list of books,
    papers or stories with their authors, not the story's own byline."""
    bylines = set()
    for element in elements:
        if elsewhere(element) or in_menu(element):
            continue
        text = byline_text(element)
        if BYLINE.match(text) and (names := found([text])):
            bylines.add(tuple(key(name) for name in names))
    return len(bylines) >= WORKS_LIST


def line_text(element: HtmlElement) -> str:
    """An element's text as one line."""
    return " ".join(" ".join(element.itertext()).split())


def byline_text(element: HtmlElement) -> str:
    """A "By ..." element's text, from the "by" after a date if it holds one; the "by A"
    after a `<time>`; a label alone ("By") gets the name next door."""
    if element.tag == "time":
        text = " ".join((element.tail or "").split())
    else:
        text = line_text(element)
        if not BY_WORDS.match(text) and (dated := DATED_BY.match(text)):
            text = text[dated.start("by") :]
    return f"{text} {label_follower(element)}" if LABEL_ONLY.match(text) else text


def label_follower(label: HtmlElement) -> str:
    """The text right after a byline label: its tail, else the text of the next element that
    shows some (an avatar's `<img>` or `<picture>`, a `<style>` may come between)."""
    tail = (label.tail or "") if label.tag != "time" else ""  # a <time>'s tail is the label
    if tail.strip():
        return tail.strip()
    for follower in itertools.islice(label.itersiblings(), FOLLOWERS):
        shown = isinstance(follower.tag, str) and follower.tag not in HIDDEN
        if shown and (text := line_text(follower)):
            return text
        if (after := (follower.tail or "").strip()) != "":
            return after
    return ""


def neighbourhood(element: HtmlElement) -> HtmlElement | None:
    """The element two levels up: co-authors' bylines sit in it, other stories' do not."""
    parent = element.getparent()
    return parent.getparent() if parent is not None else None


def covers(visible: list[str], declared: list[str]) -> bool:
    """The visible byline names every declared author, and more."""
    keys = {key(name) for name in visible}
    return len(visible) > len(declared) and all(key(name) in keys for name in declared)
