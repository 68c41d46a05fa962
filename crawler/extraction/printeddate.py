"""The date a page prints beside its headline: "By Jane Doe · March 9, 2026", "Nutrition
March 1, 2024 <h1>...", "Published: 12.12.2025".

That line is what the publisher shows readers as the story's date, in the publisher's own
calendar day; the declared dates are often an import's, a template's or the server's (in UTC).
Only a date close to the headline counts (the nearest within a few lines before or after it),
and not one labelled as an update ("Updated", "Last updated on", "Reviewed").
"""

from __future__ import annotations

import re
from datetime import date
from typing import TYPE_CHECKING

from lxml.etree import XPath

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
_DAY = r"(?P<{}>\d{{1,2}})(?:st|nd|rd|th|er|º|\.)?"
# "March 9, 2026", "9 March 2026", "9th of Mar. 2026", "9. März 2026", "9 de marzo de 2026",
# "04-ago-2021", "2026-03-09", "12.12.2025", "03/09/2026".
PRINTED = re.compile(
    r"\b(?:"
    + rf"{_MONTH.format('m1')}\s+{_DAY.format('d1')},?\s+{_YEAR.format('y1')}"
    + rf"|{_DAY.format('d2')}(?:\s+(?:of|de)\s+|\s+|-){_MONTH.format('m2')}"
    + rf"(?:,?\s+(?:de\s+|del\s+)?|-){_YEAR.format('y2')}"
    + rf"|{_YEAR.format('y3')}[-/](?P<m3>\d\d)[-/](?P<d3>\d\d)"
    + rf"|(?P<a4>\d{{1,2}})[./](?P<b4>\d{{1,2}})[./]{_YEAR.format('y4')}"
    + r")\b",
    re.IGNORECASE,
)
# A label that makes the date after it an update's, not the publication's.
UPDATE_LABEL = re.compile(
    r"(?:updated|modified|reviewed|edited|last update|aktualisiert|geändert|mis à jour|"
    r"modifié|actualizado|actualización|aggiornato|atualizado|bijgewerkt)"
    r"\W*(?:on|at)?\W*$",
    re.IGNORECASE,
)
SKIP = {"script", "style", "noscript", "template", "svg"}
BODY_TEXT = XPath("//body//text()[not(ancestor::script or ancestor::style)]")
BEFORE_CHARS, AFTER_CHARS = 150, 400


def printed_day(tree: HtmlElement, headline: HtmlElement | None) -> str | None:
    """The publication day ("YYYY-MM-DD") printed nearest the headline element, if any."""
    if headline is None:
        return None
    before, after = text_around(tree, headline)
    found: list[tuple[int, str]] = []
    # On each side the nearest date decides (one labelled an update is passed over): a date
    # that cannot be read ("04/05/2025") hides the farther ones, a ticker's or a list's.
    if (match := nearest(PRINTED.finditer(after))) and (day := publication_day(match)):
        found.append((match.start(), day))
    if (match := nearest(reversed(list(PRINTED.finditer(before))))) and (
        day := publication_day(match)
    ):
        found.append((len(before) - match.end(), day))
    return min(found)[1] if found else None


def prints_a_date(tree: HtmlElement) -> bool:
    """Whether the page's visible text holds a whole date ("March 9, 2026", "09.03.2026")."""
    return any(PRINTED.search(text) for text in BODY_TEXT(tree))


def nearest(matches: Iterable[re.Match[str]]) -> re.Match[str] | None:
    """The first of `matches` not labelled as an update's date ("Updated March 9, 2026")."""
    for match in matches:
        if not UPDATE_LABEL.search(match.string[max(0, match.start() - 30) : match.start()]):
            return match
    return None


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
    try:
        return date(year, month, day).isoformat()
    except ValueError:
        return None


def text_around(tree: HtmlElement, element: HtmlElement) -> tuple[str, str]:
    """The page's visible text just before `element` and just after it (its own text left
    out), each as one line of at most BEFORE_CHARS and AFTER_CHARS characters."""
    before, after = "", ""
    state = "before"
    for closing, node in walk(tree):
        if node is element:
            state = "after" if closing else "inside"
            chunk = node.tail if closing else None
        elif state == "inside":
            continue
        elif closing:
            chunk = node.tail
        else:
            chunk = node.text if isinstance(node.tag, str) and node.tag not in SKIP else None
        if not chunk or not chunk.strip():
            continue
        if state == "before":
            before = (before + " " + chunk)[-4 * BEFORE_CHARS :]
        elif state == "after":
            after += " " + chunk
            if len(after) > 2 * AFTER_CHARS:
                break
    return " ".join(before.split())[-BEFORE_CHARS:], " ".join(after.split())[:AFTER_CHARS]


def walk(tree: HtmlElement) -> Iterator[tuple[bool, HtmlElement]]:
    """(closing, node) for every node's opening and closing, in document order; comments
    included, for the text after them (lxml's `iterwalk` leaves them out)."""
    stack: list[tuple[bool, HtmlElement]] = [(False, tree)]
    while stack:
        closing, node = stack.pop()
        yield closing, node
        if not closing:
            stack.append((True, node))
            if node.tag not in SKIP:
                stack.extend((False, child) for child in reversed(node))
