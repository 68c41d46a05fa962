"""Authors as people: parse bylines, keep names, drop site and agency names."""

from __future__ import annotations

import functools
import re
from importlib import resources
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Iterable

# "By A and B", "Reporting by: A", "Written by A", "Von A", "Par A"...
BYLINE = re.compile(
    r"^\W*(?:(?:story|words|text|written|posted|reporting|reported|additional reporting|report|"
    r"article|authored|"
    r"interview|compiled|photos? and text)\s+by|by|von|par|por|di|door|texto|text|"
    r"autor|auteur|author|authors|autore|redacción)(?:\b|(?-i:(?=[A-Z])))\s*:?\s*(?P<names>.+)$",
    re.IGNORECASE,
)
# A sentence that says who wrote the story: "This post was written by A".
WRITTEN_BY = re.compile(r"\b(?:was|is|were|are) (?:written|authored|contributed) by\s+(?=[A-Z])")
# Clauses of a credit line that name people who did not write the story.
NOT_AUTHORS = re.compile(
    r"^\W*(editing|edited|photos?|graphics?|video|translated|illustrat\w+|"
    r"(medically |fact[- ])?(reviewed|checked))\s+by\b",
    re.I,
)
# Lower-case conjunctions only, so that an initial ("Maria E. Lopez") never splits a name.
NAME_SEPARATORS = re.compile(r"(?:\s*[,;|/&]\s*|\s+(?:and|And|AND|und|et|y|e|en)\s+)+")
# Degrees and credentials after a name: "Jeffrey A. Slotnick CPP".
CREDENTIAL = re.compile(r"^(?:[A-Z]{2,6}|Ph\.?D\.?|M\.D\.|Jr\.?|Sr\.?)$")
PARTICLES = {"de", "da", "do", "dos", "del", "della", "di", "du", "la", "le", "van", "von", "der"}
PARTICLES |= {"den", "ten", "ter", "bin", "ibn", "al", "el", "y", "st", "st.", "mc", "o'"}
# "The" in Arabic, Spanish, French, Italian, Dutch and German: a site whose name opens with one
# is a paper's ("Al Jazeera", "Le Monde"), though "Al" and "Le" are also first names.
ARTICLES = {"al", "el", "le", "la", "il", "lo", "de", "het", "der", "die", "das"}
# Words that make a "name" a job, a desk or an organisation.
NOT_A_PERSON = re.compile(
    r"\b(news|staff|team|desk|editors?|editorial|agency|agencies|media|press|wire|service|"
    r"newsroom|newsdesk|correspondents?|reporters?|writers?|contributors?|columnist|journalist|"
    r"bureau|online|digital|magazine|times|post|daily|weekly|herald|tribune|journal|gazette|"
    r"channel|network|radio|tv|group|inc|ltd|llc|company|associated|reuters|afp|business|"
    r"international|today|about|sobre|über|à propos|"
    r"admin|administrator|webmaster|guest|anonymous|redaktion|rédaction|redacción|redazione|"
    r"by|written|posted|published|updated|share|follow|sponsored|profile|bio|view|more|read|"
    r"author|authors|home|menu|login|subscribe|search|contact|"
    r"director|manager|officer|head|chief|founder|ceo|president|senior|specialist|expert|"
    r"consultant|marketing|category|policy|official|foundation|association|society|institute|"
    r"university|college|council|club|store|shop|former|clinic|hospital|bank|financial|tips|"
    r"strategy|licensed|certified|journalism|solutions|checked|related|topics|books|publishing|"
    r"publishers|representative|committee)\b"
    r"|https?:|www\.|\.com\b|[@:#]|\d|^the\b",
    re.IGNORECASE,
)
# A capital glued to a lower-case letter: "Jane DoeThe Gazette", but also "DeSiato", "McCarthy".
GLUE = re.compile(r"(?<=[a-z])(?=[A-Z])")

# A date line before a byline's name: "Dec. 19, 2025 · ", "Nov 25, 2025 ".
LEADING_DATE = re.compile(
    r"^\W*(?:(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)\w*,?\s+)?"
    r"(?:[A-Z][a-z]{2,8}\.?\s+\d{1,2},?\s+\d{4}|\d{1,2}\s+[A-Z][a-z]{2,8}\.?\s+\d{4}|"
    r"\d{4}-\d\d-\d\d|\d{1,2}[./]\d{1,2}[./]\d{4})[\s\u00b7\u2022|,-]*"
)
# A byline that ran on into its date or time, cut there: "A on" (March 3), "A at" (11:15).
RUNS_ON = re.compile(r"\s+(?:on|at|in)\s*$")
BEHALF = re.compile(r"\s+(?:on behalf of|for|at)\s+(?=[A-Z]|the\b)")
# An avatar's initials before a name: "CM Craig McCarthy".
INITIALS = re.compile(r"^([A-Z])([A-Z])\s+(?=\1\w+\s+\2)")

# Where a date starts in a byline that runs on into it.
DATE_WORDS = re.compile(
    r"(?:\b|(?<=[a-z]))(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day\b|\b(?:January|February|March|"
    r"April|May|June|July|August|September|October|November|December|Jan|Feb|Mar|Apr|Jun|Jul|"
    r"Aug|Sep|Sept|Oct|Nov|Dec)\.?\s+\d|\b(?:last\s+)?(?:updated|published|posted)\b|"
    r"(?<![^\W\d_])\d",  # a digit, not one glued to a word ("Rapid7" is no "Rapid")
    re.IGNORECASE,
)


def parse_byline(line: str, *, single: bool = False) -> list[str]:
    """The people a byline line names ("Reporting by: A; Editing by B" gives [A]); [] if none."""
    names: list[str] = []
    for clause in re.split(r"\s*;\s*", line.strip()):
        if NOT_AUTHORS.match(clause):
            continue
        match = BYLINE.match(clause)
        if match and match["names"][:1].isupper():  # "By clicking..." is not a byline
            names.extend(split_names(match["names"], single=single))
    return dedupe(names)


def split_names(text: str, *, single: bool = False) -> list[str]:
    """People in "A, B and C" or "A, Reuters": names come first, and the list ends at the first
    part that is not a person (an agency, a job: "A, Head of Marketing"). One-word names
    ("Kristin") only if `single`."""
    text = LEADING_DATE.sub("", text)  # "Dec. 19, 2025 · A B", a date line before the name
    if len((head := BEHALF.split(text)[0]).split()) >= 2:
        text = head  # "A B on behalf of the Rust team", "A B for The Times"; not "Center for X"
    text = re.split(r"\s+[-\u2013\u2014|\u2022]\s+|\s*\(", text)[0]  # "A - Reuters", "A (AP)"
    text = DATE_WORDS.split(text)[0]  # "A B Monday, November 18" from a byline with its date
    text = RUNS_ON.sub("", text)  # "A B on", "A B at"
    text = INITIALS.sub("", text)  # "CM Craig McCarthy": an avatar's initials before the name
    names = []
    for part in NAME_SEPARATORS.split(text):
        name = without_credentials(unglue(part.strip()))
        if not is_person(name, single=single):
            break
        names.append(name)
    return names


def unglue(name: str) -> str:
    """A name without the organisation glued to it: "Jane DoeThe Gazette" gives "Jane Doe"."""
    for glue in GLUE.finditer(name):
        head, tail = name[: glue.start()], name[glue.start() :]
        if re.search(r"\b(?:Mc|Mac|De|Di|Le|La)$", head):
            continue  # "McKinsey", "MacDonald", "DeSiato": one name
        if " " in head and " " in tail and NOT_A_PERSON.search(tail):
            return head
    return name


def without_credentials(name: str) -> str:
    """ "Jeffrey A. Slotnick CPP" gives "Jeffrey A. Slotnick" (a name not written in capitals)."""
    words = name.split()
    while len(words) > 2 and CREDENTIAL.match(words[-1]) and not words[0].isupper():
        words.pop()
    return " ".join(words)


def is_person(name: str, *, single: bool = False) -> bool:
    """Two to five words (one if `single`), each capitalised (or a particle), none of an
    organisation's, a job's or a page's ("Written By", "Share")."""
    name = name.strip(" .:")
    words = name.split()
    if not 1 <= len(words) <= 5 or NOT_A_PERSON.search(name):
        return False
    if not all(ch.isalpha() or ch in "-'.\u2019" for word in words for ch in word):
        return False  # symbols (a bullet, a dash), digits, handles
    cased = any(ch.isupper() or ch.islower() for ch in name)
    if not cased:  # a script without case: Chinese, Korean, Arabic...
        return len(name) <= 30
    if len(words) < 2 and not (single and len(name) >= 3 and name[1:].islower()):
        return False
    return all(word.lower() in PARTICLES or word[0].isupper() for word in words)


def people(
    candidates: Iterable[str], *, not_names: Iterable[str | None] = (), single: bool = False
) -> list[str]:
    """Candidate author strings reduced to people, without the site's or publisher's name (nor
    a one-word name that is part of the site's host: "Swoogo" on swoogo.events), unless that
    name is a person's: a personal site ("Erin Spain" on erinspain.com, see `personal_site`)."""
    banned = {key(name) for name in not_names if name}
    banned |= {label for name in not_names if name and "." in name for label in name.split(".")}
    found: list[str] = []
    for candidate in candidates:
        if (told := WRITTEN_BY.search(candidate)) and not BYLINE.match(candidate):
            candidate = candidate[told.end() :]  # "This post was written by A, Head of B"
            names = split_names(candidate, single=single)
        elif BYLINE.match(candidate):
            names = parse_byline(candidate, single=single)
        else:
            names = split_names(candidate, single=single)
        found.extend(name for name in names if key(name) not in banned or personal_site(name))
    return [
        name
        for name in dedupe(found)
        if not any(name != other and name.endswith(" " + other) for other in found)
    ]  # "About A B" next to "A B"


def personal_site(name: str) -> bool:
    """A site named after its author ("Erin Spain", "Brian Jenney" on brianjenney.medium.com):
    a first and a last name (a middle initial between them), the first a common first name; a
    company's name ("Quiet Light", "CBC Bank", "Ava Community Energy") is not, nor one that
    opens with an article ("Al Jazeera", "Al Bawaba", "Le Monde")."""
    words = name.split()
    if len(words) == 3 and not re.fullmatch(r"[A-Z]\.?", words[1]):
        return False  # "Ava Community Energy"; "Jeff T. Kaufman" is a person
    first = words[0].casefold() if words else ""
    return 2 <= len(words) <= 3 and first in first_names() and first not in ARTICLES


def capitalised(candidate: str) -> str:
    """A name written in lower case in a CMS profile ("kirstin boatto") with capitals, when its
    first word is a common first name; any other text as it is."""
    words = candidate.split()
    if 2 <= len(words) <= 3 and candidate.islower() and words[0] in first_names():
        return " ".join(word.capitalize() for word in words)
    return candidate


@functools.cache
def first_names() -> frozenset[str]:
    """Common first names, lower case: the US census lists the `names` package ships."""
    folder = resources.files("names")
    lists = [(folder / f"dist.{sex}.first").read_text("ascii") for sex in ("male", "female")]
    return frozenset(
        line.split()[0].lower() for text in lists for line in text.splitlines() if line
    )


def key(name: str) -> str:
    """A name's letters and digits, lower case: "Jane Doe" and "JANE DOE." are one person."""
    return "".join(ch for ch in name.casefold() if ch.isalnum())


def dedupe(names: Iterable[str]) -> list[str]:
    """Each name once (see `key`), in its first form, spaces squashed, " .:" off its ends."""
    seen: dict[str, str] = {}
    for name in names:
        name = " ".join(name.split()).strip(" .:")
        seen.setdefault(key(name), name)
    return list(seen.values())
