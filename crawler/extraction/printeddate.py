"""The date a page prints beside its headline: "By Jane Doe · March 9, 2026", "Nutrition
March 1, 2024 <h1>...", "Published: 12.12.2025".

That line is what the publisher shows readers as the story's date, in the publisher's own
calendar day; the declared dates are often an import's, a template's or the server's (in UTC).
Only a date close to the headline counts (the nearest within a few lines before or after it);
one labelled as an update ("Updated", "Last updated on", "Reviewed") is the update's day, kept
apart from the publication's. A number either way round ("03/01/2017") is read by the
`<time datetime>` that prints it, if any.
"""

from __future__ import annotations

import re
from datetime import date
from typing import TYPE_CHECKING, NamedTuple

from crawler.extraction.pagetext import HIDDEN, text_runs, visible_text

if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator

    from lxml.html import HtmlElement

# Month names and abbreviations in English, French, German, Spanish, Italian, Portuguese and
# Dutch (those the boilerplate trimmer knows too); where languages share one, it is the same month.
MONTH_NAMES = (
    "jan january janv janvier januar jänner ene enero gen gennaio janeiro januari",
    "feb february févr fevr février fevrier februar febrero febbraio fev fevereiro februari",
    "mar march mars märz maerz marzo março mrt maart",
    "apr april avr avril abr abril aprile",
    "may mai mayo mag maggio maio mei",
    "jun june juin juni junio giu giugno junho",
    "jul july juil juillet juli julio lug luglio julho",
    "aug august août aout ago agosto augustus",
    "sep sept september septembre septiembre set settembre setembro",
    "oct october octobre okt oktober octubre ott ottobre out outubro",
    "nov november novembre noviembre novembro",
    "dec december déc dec décembre decembre dez dezember dic diciembre dicembre dezembro",
)
MONTHS = {name: number for number, names in enumerate(MONTH_NAMES, 1) for name in names.split()}
_MONTH = "(?P<{}>" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")\.?"
_YEAR = r"(?P<{}>(?:19|20)\d\d)"
YEAR = re.compile(r"(?:19|20)\d\d")  # in every printed date: a line without one holds none
_DAY = r"(?P<{}>\d{{1,2}})(?:st|nd|rd|th|er|º|\.)?"
# "March 9, 2026", "9 March 2026", "9th of Mar. 2026", "9. März 2026", "9 de marzo de 2026",
# "04-ago-2021", "2026-03-09", "12.12.2025", "03/09/2026".
# (Each of them opens with a digit or a month's first letter: the regular expression engine
# looks for one before it tries the four forms, three times as fast on a page's lines.)
OPENING = "[\\d" + "".join(sorted({name[0] for name in MONTHS})) + "]"
PRINTED = re.compile(
    rf"\b(?={OPENING})(?:"
    + rf"{_MONTH.format('m1')}\s+{_DAY.format('d1')},?\s+{_YEAR.format('y1')}"
    + rf"|{_DAY.format('d2')}(?:\s+(?:of|de)\s+|\s+|-){_MONTH.format('m2')}"
    + rf"(?:,?\s+(?:de\s+|del\s+)?|-){_YEAR.format('y2')}"
    + rf"|{_YEAR.format('y3')}[-/](?P<m3>\d\d)[-/](?P<d3>\d\d)"
    + rf"|(?P<a4>\d{{1,2}})[./](?P<b4>\d{{1,2}})[./]{_YEAR.format('y4')}"
    + r")\b",
    re.IGNORECASE,
)
# A label that makes the date after it an update's, not the publication's.
UPDATE_TERMS = (
    *("updated", "modified", "reviewed", "edited", "last update", "aktualisiert", "geändert"),
    *("mis à jour", "modifié", "actualizado", "actualización", "aggiornato", "atualizado"),
    "bijgewerkt",
)
UPDATE_WORD = re.compile(
    f"(?=[{''.join(sorted({term[0] for term in UPDATE_TERMS}))}])"  # a first letter, as above
    f"(?:{'|'.join(UPDATE_TERMS)})",
    re.IGNORECASE,
)
UPDATE_LABEL = re.compile(UPDATE_WORD.pattern + r"\W*(?:on|at)?\W*$", re.IGNORECASE)
SKIP = HIDDEN | {"svg"}  # and a drawing's <title> and <text>, no part of a date line
# Text nodes joined by a character no date can span, so that one search reads them all.
APART = "\x00"
MACHINE_DAY = re.compile(r"\s*((?:19|20)\d\d)-(\d\d)-(\d\d)")
BEFORE_CHARS, AFTER_CHARS = 150, 400


class PrintedDays(NamedTuple):
    """The days printed nearest the headline: the publication's, and the update's."""

    published: str | None = None
    updated: str | None = None


def printed_days(tree: HtmlElement, headline: HtmlElement | None) -> PrintedDays:
    """The publication day ("YYYY-MM-DD") printed nearest the headline element, and the
    nearest day labelled an update ("Updated March 9, 2026", "Last updated on ..."), if any."""
    if headline is None:
        return PrintedDays()
    before, after = text_around(tree, headline)
    # On each side the nearest date decides (for the publication, one labelled an update is
    # passed over): a date that cannot be read ("04/05/2025") hides the farther ones.
    found: tuple[list[tuple[int, str]], list[tuple[int, str]]] = ([], [])
    for is_before, side in enumerate((after, before)):
        matches = reversed(list(PRINTED.finditer(side))) if is_before else PRINTED.finditer(side)
        for update, match in enumerate(nearest(matches, updates=bool(UPDATE_WORD.search(side)))):
            if match and (day := readable_day(tree, match)):
                distance = len(side) - match.end() if is_before else match.start()
                found[update].append((distance, day))
    return PrintedDays(*(min(days)[1] if days else None for days in found))


def prints_a_date(tree: HtmlElement) -> bool:
    """Whether the page's visible text holds a whole date ("March 9, 2026", "09.03.2026")."""
    return PRINTED.search(APART.join(node.text for node in visible_text(tree))) is not None


def readable_day(tree: HtmlElement, match: re.Match[str]) -> str | None:
    """`publication_day(match)`; for a number either way round ("03/01/2017"), the day of the
    `<time datetime>` that prints it when it is one of the two readings."""
    if day := publication_day(match):
        return day
    if not match["y4"]:
        return None
    readings = {(int(match["a4"]), int(match["b4"])), (int(match["b4"]), int(match["a4"]))}
    for time in tree.iter("time"):
        stamp = MACHINE_DAY.match(time.get("datetime") or "")
        if (
            stamp
            and stamp[1] == match["y4"]
            and (int(stamp[2]), int(stamp[3])) in readings
            and match[0] in "".join(time.itertext())
        ):
            return "-".join(stamp.groups())
    return None


def nearest(
    matches: Iterable[re.Match[str]], *, updates: bool = True
) -> tuple[re.Match[str] | None, re.Match[str] | None]:
    """The first of `matches` not labelled as an update's date, and the first labelled so
    ("Updated March 9, 2026"); without `updates` (no such label in the text), the first."""
    first: list[re.Match[str] | None] = [None, None]
    for match in matches:
        label = match.string[max(0, match.start() - 30) : match.start()]
        update = int(updates and bool(UPDATE_LABEL.search(label)))
        first[update] = first[update] or match
        if first[1 - update] or not updates:
            break
    return first[0], first[1]


def publication_day(match: re.Match[str]) -> str | None:
    """The matched date as "YYYY-MM-DD", unless it is not a real day."""
    parts = match.groupdict()
    if parts["y1"] or parts["y2"]:
        n = "1" if parts["y1"] else "2"
        year, month, day = int(parts["y" + n]), MONTHS[parts["m" + n].lower()], int(parts["d" + n])
    elif parts["y3"]:
        year, month, day = int(parts["y3"]), int(parts["m3"]), int(parts["d3"])
    else:  # "12.03.2026": day first, or month first; unreadable when both could be the month
        year, first, second = int(parts["y4"]), int(parts["a4"]), int(parts["b4"])
        if first > 12 >= second or first == second:
            month, day = second, first
        elif second > 12 >= first:
            month, day = first, second
        else:
            return None
    return calendar_day(year, month, day)


def calendar_day(year: int, month: int, day: int) -> str | None:
    """The day as "YYYY-MM-DD", or None when there is no such day ("2026-02-30")."""
    try:
        return date(year, month, day).isoformat()
    except ValueError:
        return None


def text_around(tree: HtmlElement, element: HtmlElement) -> tuple[str, str]:
    """The page's visible text just before `element` and just after it (its own text left
    out), each as one line of at most BEFORE_CHARS and AFTER_CHARS characters. Only the
    neighbourhood is read, outwards from the element."""
    return (
        " ".join(" ".join(reversed(gather(text_before(element), 4 * BEFORE_CHARS))).split())[
            -BEFORE_CHARS:
        ],
        " ".join(" ".join(gather(text_after(element), 2 * AFTER_CHARS)).split())[:AFTER_CHARS],
    )


def gather(chunks: Iterator[str], size: int) -> list[str]:
    """The first chunks with text, until they hold more than `size` characters."""
    taken: list[str] = []
    for chunk in chunks:
        if chunk.strip():
            taken.append(chunk)
            size -= len(chunk) + 1
            if size < 0:
                break
    return taken


def text_after(element: HtmlElement) -> Iterator[str]:
    """The visible text after `element`, in page order."""
    node: HtmlElement | None = element
    while node is not None:
        if node.tail:
            yield node.tail
        for sibling in node.itersiblings():
            if visible(sibling):
                for run in text_runs(sibling, SKIP):
                    yield run.text
            if sibling.tail:
                yield sibling.tail
        node = node.getparent()


def text_before(element: HtmlElement) -> Iterator[str]:
    """The visible text before `element`, nearest first."""
    node: HtmlElement | None = element
    while node is not None:
        for sibling in node.itersiblings(preceding=True):
            if sibling.tail:
                yield sibling.tail
            yield from reversed_texts(sibling)
        node = node.getparent()
        if node is not None and visible(node) and node.text:
            yield node.text


def reversed_texts(element: HtmlElement) -> Iterator[str]:
    """An element's visible text (tails of its children included), from the last chunk to
    the first. One loop, with a stack of the elements it is inside, each with what is left of
    its children (a generator for each element would hand each chunk up through every
    level)."""
    if not visible(element):
        return
    inside = [(element, reversed(element))]
    while inside:
        holder, children = inside[-1]
        for child in children:
            if child.tail:
                yield child.tail
            if visible(child):
                inside.append((child, reversed(child)))
                break
        else:
            inside.pop()
            if holder.text:
                yield holder.text


def visible(element: HtmlElement) -> bool:
    """An element (not a comment) whose text a reader sees."""
    return isinstance(element.tag, str) and element.tag not in SKIP
