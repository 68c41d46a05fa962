"""Authors as people: parse bylines, keep names, drop site and agency names."""

from __future__ import annotations

import re
from collections.abc import Iterable

# "By A and B", "Reporting by: A", "Written by A", "Von A", "Par A"...
BYLINE = re.compile(
    r"^\W*(?:(?:story|words|text|written|reporting|reported|additional reporting|report|"
    r"interview|compiled|photos? and text)\s+by|by|von|par|por|di|door|texto|text|"
    r"autor|auteur|author|authors|autore|redacción)\b\s*:?\s*(?P<names>.+)$",
    re.IGNORECASE,
)
# Clauses of a credit line that name people who did not write the story.
NOT_AUTHORS = re.compile(r"^\W*(editing|edited|photos?|graphics?|video|translated)\s+by\b", re.I)
# Lower-case conjunctions only, so that an initial ("Maria E. Lopez") never splits a name.
SEPARATORS = re.compile(r"\s*[,;|/&]\s*|\s+(?:and|And|AND|und|et|y|e|en)\s+")
PARTICLES = {"de", "da", "do", "dos", "del", "della", "di", "du", "la", "le", "van", "von", "der"}
PARTICLES |= {"den", "ten", "ter", "bin", "ibn", "al", "el", "y", "st", "st.", "mc", "o'"}
# Words that make a "name" a job, a desk or an organisation.
NOT_A_PERSON = re.compile(
    r"\b(news|staff|team|desk|editors?|editorial|agency|agencies|media|press|wire|service|"
    r"newsroom|correspondents?|reporters?|writers?|contributors?|columnist|journalist|"
    r"bureau|online|digital|magazine|times|post|daily|weekly|herald|tribune|journal|gazette|"
    r"channel|network|radio|tv|group|inc|ltd|llc|company|associated|reuters|afp|business|"
    r"international|today|about|sobre|über|à propos|"
    r"admin|administrator|webmaster|guest|anonymous|redaktion|rédaction|redacción|redazione)\b"
    r"|https?:|www\.|\.com\b|[@:]|\d|^the\b",
    re.IGNORECASE,
)

# Where a date starts in a byline that runs on into it.
DATE_WORDS = re.compile(
    r"(?:\b|(?<=[a-z]))(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day\b|\b(?:January|February|March|"
    r"April|May|June|July|August|September|October|November|December|Jan|Feb|Mar|Apr|Jun|Jul|"
    r"Aug|Sep|Sept|Oct|Nov|Dec)\.?\s+\d|\b(?:updated|published|posted)\b|\d",
    re.IGNORECASE,
)


def parse_byline(line: str) -> list[str]:
    """The people a byline line names ("Reporting by: A; Editing by B" gives [A]); [] if none."""
    names: list[str] = []
    for clause in re.split(r"\s*;\s*", line.strip()):
        if NOT_AUTHORS.match(clause):
            continue
        match = BYLINE.match(clause)
        if match:
            names.extend(split_names(match["names"]))
    return dedupe(names)


def split_names(text: str) -> list[str]:
    """People in "A, B and C" or "A, Reuters" (an agency or a role after a comma is dropped)."""
    text = re.split(r"\s+[-\u2013\u2014|]\s+|\s*\(", text)[0]  # "A - Reuters", "A (AP)"
    text = DATE_WORDS.split(text)[0]  # "A B Monday, November 18" from a byline with its date
    return [name for name in SEPARATORS.split(text) if name and is_person(name)]


def is_person(name: str) -> bool:
    """Two to five words, each capitalised (or a particle), none of an organisation's."""
    name = name.strip(" .:")
    words = name.split()
    if not 1 <= len(words) <= 5 or NOT_A_PERSON.search(name):
        return False
    cased = any(ch.isupper() or ch.islower() for ch in name)
    if not cased:  # a script without case: Chinese, Korean, Arabic...
        return len(name) <= 30
    if len(words) < 2:
        return False
    return all(word.lower() in PARTICLES or word[0].isupper() for word in words)


def people(candidates: Iterable[str], *, not_names: Iterable[str | None] = ()) -> list[str]:
    """Candidate author strings reduced to people, without the site's or publisher's name."""
    banned = {key(name) for name in not_names if name}
    found: list[str] = []
    for candidate in candidates:
        names = parse_byline(candidate) if BYLINE.match(candidate) else split_names(candidate)
        found.extend(name for name in names if key(name) not in banned)
    return [
        name
        for name in dedupe(found)
        if not any(name != other and name.endswith(" " + other) for other in found)
    ]  # "About A B" next to "A B"


def key(name: str) -> str:
    return "".join(ch for ch in name.casefold() if ch.isalnum())


def dedupe(names: Iterable[str]) -> list[str]:
    seen: dict[str, str] = {}
    for name in names:
        name = " ".join(name.split()).strip(" .:")
        seen.setdefault(key(name), name)
    return list(seen.values())
