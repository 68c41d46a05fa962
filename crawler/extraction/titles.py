"""The headline: the one a reader sees on the page, without the site's name.

The `<title>` and `og:title` are written for search engines and sharing ("Story | Site",
"Story - Section - Site", or a different wording altogether); the visible `<h1>` is what the
publisher printed over the story. So the `<h1>` wins when it is there and says something else;
where the `<h1>` is no headline (the site's name, a paragraph, sections of the story, or none
at all) an `<h2>` or `<h3>` a declared title agrees with, or one marked as the post's title,
is the headline; otherwise the declared title is kept without the site's name.
"""

from __future__ import annotations

import html
import re
import unicodedata
from typing import TYPE_CHECKING

from lxml.etree import iterwalk

from crawler.extraction.pagemeta import HTML

if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator

    from lxml.html import HtmlElement

# Separators between a title and a site or section name: "Story | Site", "Site » Story".
SEPARATORS = re.compile(r"\s+[|\u2013\u2014\u00b7\u2022:/~-]\s+|\s*[|\u00bb\u203a]\s*|\s+::\s+")
# The separators left at an end of a title when a part is cut off ("Story |", "- Story").
SEPARATOR_CHARS = "|\u2013\u2014\u00b7\u2022:/~\u00bb\u203a-"
TRAILING_SEPARATOR = re.compile(rf"\s*[{SEPARATOR_CHARS}]+$")
LEADING_SEPARATOR = re.compile(rf"^\s*[{SEPARATOR_CHARS}]+\s*")
MOJIBAKE = re.compile("[\u00c2-\u00f4][\u0080-\u00bf]")
MONTH = r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]*\.?"
# A date before the headline ("Dec 18 2025 Story") or a "Posted on ..." line after it.
DATED = re.compile(rf"^(?:{MONTH}\s+\d{{1,2}},?\s+\d{{4}}|\d{{1,2}}\s+{MONTH}\s+\d{{4}})\s+(?=\w)")
POSTED_ON = re.compile(rf"\s+(?:Posted|Published|Updated)\s+on\s+(?:{MONTH}|\d).*$")
# Elements that start a line of their own: inside an `<h1>` they part the words around them.
LINES = frozenset({"br", "div", "p", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "li"})
MAX_HEADLINE_CHARS = 300  # a longer `<h1>` is not read as a heading at all
# An `<h1>` longer than this is a paragraph put where the headline goes (a summary of several
# sentences), not a headline: the longest headlines run to some 160 characters.
PARAGRAPH_CHARS = 200
MAX_HEADINGS = 6  # `<h1>`s read, and `<h2>`/`<h3>`s above the first `<h1>`
# Class names that mark a heading as the post's title (hAtom's "entry-title", WordPress's
# "wp-block-post-title", "article-title"), matched against whole class names.
ENTRY_TITLE = re.compile(
    r"(?:[\w-]*[-_])?(?:entry|post|article|story)[-_]{0,2}(?:title|headline)", re.I
)
# Class names that hide an element from readers (screen-reader text) or mark the site's logo
# or name, matched against whole class names: "sr-only", "wp-block-site-title", "is-hidden";
# not "overflow-hidden" (a layout utility), "md:hidden" (hidden on wide screens only),
# "field--label-hidden" (the field's label is hidden) or "bricks-lazy-hidden" (until loaded).
HIDING_CLASS = re.compile(
    r"(?:[\w-]*[-_])?(?:sr-only|screen-reader|visually-?hidden|logo|site-title|hidden-title)"
    r"(?:[-_][\w-]*)?|(?:is-|u-|element-)?(?:hidden|invisible)|d-none",
    re.I,
)


def normal(text: str) -> str:
    """Lower case, letters and digits only: for comparing titles."""
    text = unicodedata.normalize("NFKC", text).casefold()
    return " ".join(re.findall(r"\w+", text))


def clean(text: str | None) -> str | None:
    """One line of text, with entities decoded (twice: "&amp;#8230;" is common)."""
    if not text:
        return None
    for _ in range(2):
        text = html.unescape(text)
    text = " ".join(unmangle(text).split())
    return text or None


def unmangle(text: str) -> str:
    """UTF-8 read as Latin-1 ("Investorâ\x80\x99s", a meta tag written by another tool)
    read again as UTF-8; other text as it is."""
    if not MOJIBAKE.search(text):
        return text
    try:
        return text.encode("latin-1").decode("utf-8")
    except UnicodeError:
        return text


def visible_h1_elements(tree: HtmlElement) -> Iterator[HtmlElement]:
    """The page's `<h1>` elements that a reader sees, in page order."""
    return (h1 for h1 in tree.iter("h1") if shown(h1))


def shown(element: HtmlElement) -> bool:
    """Whether a reader sees the element: not hidden by an attribute, a style or a class of
    its own or of its parent's."""
    style = (element.get("style") or "").replace(" ", "")
    if element.get("hidden") is not None or "display:none" in style:
        return False
    parent = element.getparent()
    return not any(hides(node.get("class")) for node in (element, parent) if node is not None)


def hides(classes: str | None) -> bool:
    """Whether one of an element's class names hides it from readers (see `HIDING_CLASS`)."""
    if not classes:
        return False
    return any(HIDING_CLASS.fullmatch(name) for name in classes.split())


def headline_element(tree: HtmlElement) -> HtmlElement | None:
    """The first visible `<h1>` with text: where the story's header is."""
    return next((h1 for h1 in visible_h1_elements(tree) if clean(h1.text_content())), None)


def visible_h1s(tree: HtmlElement) -> list[str]:
    """The texts of the page's `<h1>` elements that a reader sees, in page order."""
    return [text for _, text in visible_headings(tree)]


def visible_headings(tree: HtmlElement) -> list[tuple[HtmlElement, str]]:
    """The page's `<h1>` elements that a reader sees, with their texts, in page order (the
    first `MAX_HEADINGS`): a headline paragraph's over a standfirst, without a date glued on,
    none over `MAX_HEADLINE_CHARS`."""
    found = []
    for h1 in visible_h1_elements(tree):
        text = clean(lines(h1))
        if (first := h1.find(".//p")) is not None and first.getnext() is not None:
            text = clean(first.text_content())  # a headline paragraph over a standfirst
        text = POSTED_ON.sub("", DATED.sub("", text or ""))  # the post's date glued on
        if text and len(text) <= MAX_HEADLINE_CHARS:
            found.append((h1, text))
        if len(found) == MAX_HEADINGS:
            break
    return found


def lines(h1: HtmlElement) -> str:
    """The text of an `<h1>`, with a space where a line break or a block inside it parts
    its lines ("Top MBA Programs (US)<br>Your Guide")."""
    if not len(h1):
        return h1.text or ""
    found = [h1.text or ""]
    for event, element in iterwalk(h1, events=("start", "end", "comment")):
        if element is h1:
            continue
        if element.tag in LINES:
            found.append(" ")
        if event == "start" and element.text:
            found.append(element.text)
        elif event != "start" and element.tail:  # a comment has one event, its end
            found.append(element.tail)
    return "".join(found)


def is_site(part: str, site_names: Iterable[str]) -> bool:
    """Whether a part of a title is the site's name: every word of it in one of the site's
    names ("Harvard Health" on health.harvard.edu), or glued into its host ("Bread Dad" on
    breaddad.com)."""
    words = normal(part).split()
    if not words:
        return False
    squashed = "".join(words)
    for name in site_names:
        other = normal(name).split()
        if not other:
            continue
        if set(words) <= set(other) or squashed == "".join(other):
            return True
        if "." in name and len(squashed) >= 4 and squashed in "".join(other):
            return True
    return False


def strip_site(title: str, site_names: Iterable[str]) -> str:
    """ "Story | Site" or "Site - Story" without the site's part (first or last part only)."""
    names = [name for name in site_names if name]
    parts = [part for part in SEPARATORS.split(title) if part.strip()]
    while len(parts) > 1 and is_site(parts[-1], names):
        title = title[: title.rfind(parts[-1])].rstrip()
        title = TRAILING_SEPARATOR.sub("", title)
        parts.pop()
    if len(parts) > 1 and is_site(parts[0], names):
        rest = title[title.find(parts[0]) + len(parts[0]) :]
        title = LEADING_SEPARATOR.sub("", rest)
    # The host's name before the story with no separator, as a host is written ("example.com
    # Story"); "Booking.com opens an office" names the company.
    domain, _, rest = title.strip().partition(" ")
    if "." in domain.strip(".") and domain.islower() and rest and is_site(domain, names):
        title = rest
    return title.strip()


def matches(h1: str, declared: str) -> bool:
    """The `<h1>` is the declared title, with a site's name or a section added or cut off."""
    short, long = sorted((normal(h1), normal(declared)), key=len)
    if not short or len(short) < 0.4 * len(long):
        return False
    return long.startswith(short) or long.endswith(short)


def headline(
    tree: HtmlElement,
    visible: list[tuple[HtmlElement, str]],
    declared: list[tuple[str, str | None]],
    site_names: list[str],
) -> tuple[str | None, str]:
    """(the headline, where it came from: "h1", "heading" or the declared title's source).

    In this order: the declared title an `<h1>` damaged by a lost encoding is (see `mended`);
    the visible `<h1>` (`visible`, as `visible_headings` gives them) that the declared titles
    (JSON-LD `headline`, `og:title`, `<title>`, as (source, value)) agree with, or the element
    of its own inside it they agree with (see `agreed_h1`); an `<h2>` or `<h3>` where the
    `<h1>`s are no headline (see `printed_heading`); the page's first `<h1>` if it is related to
    the declared titles (to those written for sharing, when there are several); else the first
    declared title (the longer one when a later title goes on where it stops: JSON-LD headlines
    are often cut at 110 characters). Each without the site's name or the parts a "|" adds to it
    (see `main_part`). An `<h1>` that is the site's name or a paragraph is passed over."""
    titles = [(source, text) for source, value in declared if (text := clean(value))]
    headings = [
        (h1, text)
        for h1, text in visible
        if not is_site(text, site_names) and len(text) <= PARAGRAPH_CHARS
    ]
    stripped = [(source, cut) for source, title in titles if (cut := strip_site(title, site_names))]
    for _, text in headings:
        if damaged := mended(text, stripped):
            return main_part(damaged[1]), damaged[0]
    if found := agreed_h1(headings, titles, stripped):
        return cased(without_site(found, site_names), stripped), "h1"
    if found := printed_heading(tree, headings, titles, stripped, site_names):
        return cased(without_site(found, site_names), stripped), "heading"
    # The first of several `<h1>`s, if related to the titles written for sharing (the
    # `<title>` often carries the blog's name, which an `<h1>` over the page repeats).
    h1s = [text for _, text in headings]
    shared = [(source, title) for source, title in titles if source != HTML] or titles
    if h1s and len(h1s[0].split()) >= 2 and related(h1s[0], titles if len(h1s) == 1 else shared):
        return without_site(h1s[0], site_names), "h1"
    return first_declared([(source, main_part(title)) for source, title in stripped])


def without_site(printed: str, site_names: list[str]) -> str:
    """A printed headline without the site's name (see `strip_site`; all of it, if that is all
    it is) and the parts a "|" adds (see `main_part`)."""
    return main_part(strip_site(printed, site_names) or printed)


def printed_heading(
    tree: HtmlElement,
    headings: list[tuple[HtmlElement, str]],
    titles: list[tuple[str, str]],
    stripped: list[tuple[str, str]],
    site_names: list[str],
) -> str | None:
    """The headline in an `<h2>` or `<h3>` (see `headings_above`), given the page's `<h1>`
    `headings`: above `<h1>`s that say something else (a blog's post title over a story whose
    sections are `<h1>`s), when it is a declared title; on a page without an `<h1>`, when a
    declared title agrees with it ("Story" printed, "Story - Infographic" declared; see
    `ends`); or one marked as the post's title (see `entry_title`)."""
    above = headings_above(tree, headings, site_names)
    if headings:
        exact = {normal(main_part(title)) for _, title in stripped}
        found = next((text for _, text in above if normal(text) in exact), None)
    else:
        printed = [(e, text) for e, text in above if any(ends(text, t) for _, t in titles)]
        found = agreed_h1(printed, titles, stripped)
    return found or entry_title(above, titles)


def headings_above(
    tree: HtmlElement, headings: list[tuple[HtmlElement, str]], site_names: list[str]
) -> list[tuple[HtmlElement, str]]:
    """The `<h2>` and `<h3>` elements a reader sees above the first `<h1>` (all of them on a
    page without one, up to `MAX_HEADINGS`), with their texts: where a page without an `<h1>`
    for its story prints the headline."""
    first = headings[0][0] if headings else None
    found: list[tuple[HtmlElement, str]] = []
    for element in tree.iter("h1", "h2", "h3"):
        if element is first or len(found) == MAX_HEADINGS:
            break
        if element.tag == "h1" or not shown(element):
            continue
        text = clean(lines(element))
        if text and len(text.split()) >= 2 and not is_site(text, site_names):
            found.append((element, text))
    return found


def ends(heading: str, title: str) -> bool:
    """The heading is the title, or the title with parts cut off or added at an end after a
    separator ("Story" and "Story - Infographic", "Story / Dec 2025" and "Story"); not a
    section's name that starts the title ("Travel Insurance" and "Travel Insurance: Best
    Policies")."""
    short, long = sorted((heading, title), key=lambda text: len(normal(text)))
    wanted = normal(short)
    parts = [part for part in SEPARATORS.split(long) if part.strip()]
    return wanted == normal(long) or any(
        wanted in (normal(" ".join(parts[:n])), normal(" ".join(parts[n:])))
        for n in range(1, len(parts))
    )


def entry_title(
    headings: list[tuple[HtmlElement, str]], titles: list[tuple[str, str]]
) -> str | None:
    """The first heading marked as the post's title (`itemprop="headline"`, a class such as
    "entry-title"; see `ENTRY_TITLE`) that shares words with a declared title (see
    `related`): on a page whose `<h1>` is the site's name, the visible headline, even where
    the titles written for search engines say something else."""
    for element, text in headings:
        classes = (element.get("class") or "").split()
        marked = element.get("itemprop") == "headline"
        if (marked or any(ENTRY_TITLE.fullmatch(name) for name in classes)) and related(
            text, titles
        ):
            return text
    return None


def first_declared(titles: list[tuple[str, str]]) -> tuple[str | None, str]:
    """(title, source): the first declared title, or a later one that goes on where it stops
    (see `cut_short`)."""
    for n, (source, title) in enumerate(titles):
        for _, later in titles[n + 1 :]:
            if cut_short(title, later):
                return later, source
        return title, source
    return None, "h1"


def cased(h1: str, stripped: list[tuple[str, str]]) -> str:
    """An `<h1>` in capitals as a declared title writes it, when it is the same words."""
    if not h1.isupper():
        return h1
    return next((main_part(t) for _, t in stripped if normal(main_part(t)) == normal(h1)), h1)


def agreed_h1(
    headings: list[tuple[HtmlElement, str]],
    titles: list[tuple[str, str]],
    stripped: list[tuple[str, str]],
) -> str | None:
    """The first `<h1>` that a declared title agrees with (see `matches`), or the run of text
    in an element of its own inside an `<h1>` that one agrees with: the `<h1>` holds the
    declared title and a label ("<strong>Blog:</strong> Story"), a kicker over it, or the
    source and comment count after it."""
    for element, h1 in headings:
        if any(matches(h1, title) for _, title in titles):
            exact = {normal(title) for _, title in stripped}
            return next((part for part in parts(element, h1) if normal(part) in exact), h1)
    for element, h1 in headings:
        for part in parts(element, h1):
            if any(matches(part, title) for _, title in titles):
                return part
    return None


def parts(h1: HtmlElement, text: str) -> Iterator[str]:
    """The `<h1>`'s runs of text (each element's text, the text after each) of two words or
    more, when it has several."""
    for run in h1.itertext():
        part = clean(run)
        if part and part != text and len(part.split()) >= 2:
            yield part


def mended(h1: str, stripped: list[tuple[str, str]]) -> tuple[str, str] | None:
    """(source, title): the declared title that an `<h1>` damaged by a lost encoding is, a
    "?" or "\ufffd" standing for what was lost ("Event Planning? Beginner? Guide" for
    "Event Planning: Beginner's Guide")."""
    if "?" not in h1 and "\ufffd" not in h1:
        return None
    lost = r"\S{1,2}"
    pattern = lost.join(re.escape(piece) for piece in re.split("[?\ufffd]", h1))
    found = (
        (source, title)
        for source, title in stripped
        if title.casefold() != h1.casefold() and re.fullmatch(pattern, title, re.I)
    )
    return next(found, None)


def cut_short(title: str, later: str) -> bool:
    """`later` goes on where `title` stops, mid-sentence: "... Find Solutions (Including" and
    "... Find Solutions (Including One Universal Trick)"; not "Story" and "Story - Site"."""
    if len(later) <= len(title) or not normal(later).startswith(normal(title)):
        return False
    rest = later[len(title) :] if later.startswith(title) else later[len(later) - len(title) :]
    return not SEPARATORS.match(rest) and not re.match(
        r"\s*[|\u2013\u2014\u00b7\u2022:/~(\[-]", rest
    )


def main_part(title: str) -> str:
    """The longest of a title's parts between " | " ("Story | Opinion", "Story | Section |
    Publisher", "Desk | Story"): the others name a section, a series or a site."""
    parts = [part.strip() for part in re.split(r"\s+\|\s+", title) if part.strip()]
    return max(parts, key=len) if len(parts) > 1 else title


def related(h1: str, titles: list[tuple[str, str]]) -> bool:
    """The `<h1>` shares two words (its one word) with a declared title, or the page declares
    none: an `<h1>` that shares less is a section's or a blog's name ("Our Blog", "M&A
    Updates") or a slogan over the story ("Form your New York LLC today")."""
    if not titles:
        return True
    words = set(normal(h1).split())
    return any(len(words & set(normal(title).split())) >= min(2, len(words)) for _, title in titles)
