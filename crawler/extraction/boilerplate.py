"""Trim the boilerplate that survives at the edges of an extracted body.

Trimming works on trafilatura's body tree, one block (paragraph, heading, list...) at a time, and
only by structure and position: the title repeated at the top, date and reading-time lines above
the story, share/follow/subscribe prompts, "Related" lists, comment forms, captchas and copyright
lines below it. Inside the body only whole "Read more: <headline>" link rows and a theme's
placeholder paragraphs ("Lorem ipsum dolor sit amet...", left in an unused tab or slide) go;
sentences of the story are never touched.
"""

from __future__ import annotations

import re
import unicodedata
from typing import TYPE_CHECKING

from crawler.extraction.bylines import parse_byline

if TYPE_CHECKING:
    from collections.abc import Sequence

    from lxml.etree import _Element

# A block longer than this is story, whatever it says.
EDGE_MAX_CHARS = 220
BYLINE_MAX_CHARS = 160
# How far into the body the top edge reaches.
HEAD_MAX_BLOCKS = 6

_SOCIAL = r"(?:twitter|facebook|instagram|linkedin|youtube|telegram|whatsapp|tiktok|pinterest|x)"
_I = re.IGNORECASE

# Lines above the story: dates, reading time, "Updated" (short, and with a figure in them).
HEAD_MAX_CHARS = 100
HEAD_PATTERNS = re.compile(
    "|".join(
        [
            r"^[-\u2013\u2022\s]*(published|updated|posted|last (updated|modified)|modified|"
            r"publié|mis à jour|veröffentlicht|aktualisiert|publicado|actualizado|atualizado|"
            r"pubblicato|aggiornato|gepubliceerd|bijgewerkt)\b",
            r"\b(\d+|one|two|three|four|five)[ -]?(min|minute|minutes|mins)"
            r"( read(ing)?( time)?|\.? de lectura| de leitura)?$",
            r"^(reading time|tempo de leitura|tiempo de lectura|temps de lecture|lesezeit|"
            r"tempo di lettura|leestijd)\b",
        ]
    ),
    _I,
)

# Labels above the story, with no figure: the reading time's label, the way back to the blog
# or the section, an audio player's and the share buttons' labels (each a block of its own).
HEAD_LABEL_MAX_CHARS = 60
HEAD_LABELS = re.compile(
    r"^\W*((estimated )?(reading|read) time|tempo de leitura|tiempo de lectura|temps de lecture|"
    r"lesezeit|tempo di lettura|leestijd|(back|return) to (all |the )?(blog|blogs|articles|posts|"
    r"news|insights|resources|stories)|all (posts|articles|stories)|"
    r"listen to (this|the) (article|story|post)\b.*|share( this( article| story| post)?)?)\W*$",
    _I,
)

# Lines below the story, in as many languages as we can: prompts, widgets, legal lines.
TAIL_PATTERNS = re.compile(
    "|".join(
        [
            rf"\bfollow (us|me)\b|\bfollow\b.*(\b{_SOCIAL}\b|@\w)",
            rf"\b(like|find) us on {_SOCIAL}\b|\bjoin us on\b",
            r"\b(subscribe|subscribing|sign up|signup)\b.*\b(newsletters?|inbox|updates|alerts|"
            r"channel|podcast|our)\b",
            r"\bnewsletters?\b.*\b(inbox|sign up|subscribe)\b",
            r"\b(abonnez-vous|inscrivez-vous|abonnieren|suscríbete|suscribete|assine|"
            r"iscriviti|abonneer)\b",
            r"^\W*(short ?link|shortlink|permalink|share this( article| story| post)?|"
            r"share( on| via)?|compartir|partager|teilen|condividi|compartilhe)\b",
            r"^\W*((leave|post|add|write) a (comment|reply)|\d*\s*comments?|"
            r"(no|view|show|read) comments?|comment(ez|ários?|arios?|i)?|kommentare?|"
            r"reageer|tell us what you think)\b",
            r"^\W*(related( articles| stories| posts| content| coverage| reading)?|"
            r"read more|more (from|by)|more on this|more stories|see also|"
            r"you (may|might) also like|recommended( for you)?|most (read|popular|viewed)|"
            r"trending|explore further|don'?t miss|lire aussi|à lire aussi|voir aussi|"
            r"lesen sie auch|mehr zum thema|"
            r"leia (também|mais)|veja também|lee también|te puede interesar|leggi anche|"
            r"lees ook|top stories|latest (news|stories))\b",
            r"©|\(c\)\s*\d{4}|\bcopyright\s*(\(c\)|\d{4})|\ball rights reserved\b|"
            r"tous droits réservés|alle rechte vorbehalten|todos los derechos reservados|"
            r"todos os direitos reservados|tutti i diritti riservati",
            r"^\W*(source|sources|quelle|fuente|fonte)\s*:",
            r"^\W*(filed under|tags|tagged|topics|categories|category|posted in)\s*:",
            r"^\W*(\w+|\d+)\s*[+x*\u00d7\u2212-]\s*(\w+|\d+)\s*=\s*\S*\s*$",  # captcha: "one + 3 ="
            r"\b(captcha|are you a robot|not a robot)\b",
            r"\bclick here\b|\bget (it|the app|\w+ (news|business) on the go)\b.*\bhere\b",
            r"\bfill out (the|this|our)( quick| short)? form\b|\b(comment|commenting) below\b",
            r"^\W*(photo|image|picture|video|foto|bild)s?( credit)?\s*[:©]|^\W*\((photo|image)"
            r" credit\b|^\W*(getty images|afp|reuters|ap photo)\W*$",
            r"^[-_*=~•·\s]{3,}$",  # rules drawn with characters
        ]
    ),
    _I,
)

# "Read more: <headline>" rows, wherever they are: a label, a colon, a linked headline.
LINK_ROW = re.compile(
    r"^\W*(read more|read also|also read|related|see also|more|watch|listen|"
    r"lire aussi|à lire aussi|lesen sie auch|leia também|lee también|leggi anche|lees ook)"
    r"\s*:",
    _I,
)

# A theme's placeholder text, a whole block of it: nobody writes it for a reader.
PLACEHOLDER = re.compile(r"^\W*lorem ipsum dolor sit amet\b", _I)


def normalize(text: str) -> str:
    """Lower case, letters and digits only: for comparing a line with the title."""
    text = unicodedata.normalize("NFKC", text).casefold()
    return " ".join(re.findall(r"\w+", text))


def block_text(block: _Element) -> str:
    return " ".join("".join(block.itertext()).split())


def is_title(text: str, title: str | None) -> bool:
    """The headline repeated in the body (as is, or with a site suffix cut off)."""
    if not title:
        return False
    line, head = normalize(text), normalize(title)
    return bool(line) and (line == head or (len(line) > 20 and head.startswith(line)))


def is_byline(text: str) -> bool:
    return len(text) <= BYLINE_MAX_CHARS and bool(parse_byline(text))


def is_head_boilerplate(text: str, titles: Sequence[str | None]) -> bool:
    dated = len(text) <= HEAD_MAX_CHARS and re.search(r"\d", text) is not None
    return len(text) <= EDGE_MAX_CHARS and (
        any(is_title(text, title) for title in titles)
        or (dated and bool(HEAD_PATTERNS.search(text)))
        or (len(text) <= HEAD_LABEL_MAX_CHARS and bool(HEAD_LABELS.match(text)))
        or is_byline(text)
    )


def is_tail_boilerplate(block: _Element, text: str) -> bool:
    if not text:
        return block.tag not in ("graphic", "table")
    if block.tag == "head" and len(text) <= 80:
        return True  # a heading with nothing after it introduces no story
    return len(text) <= EDGE_MAX_CHARS and (bool(TAIL_PATTERNS.search(text)) or is_byline(text))


def is_link_row(block: _Element, text: str) -> bool:
    return block.tag in ("p", "head") and len(text) <= 160 and bool(LINK_ROW.match(text))


def is_placeholder(text: str) -> bool:
    return bool(PLACEHOLDER.match(text))


def trim(body: _Element, *, titles: Sequence[str | None] = ()) -> list[str]:
    """Remove boilerplate blocks from the edges of `body` (in place); return their texts."""
    removed: list[str] = []
    blocks = list(body)
    for block in blocks[:HEAD_MAX_BLOCKS]:
        text = block_text(block)
        if text and not is_head_boilerplate(text, titles):
            break
        removed.append(text)
        body.remove(block)
    for block in reversed(list(body)):
        text = block_text(block)
        if not is_tail_boilerplate(block, text):
            break
        removed.append(text)
        body.remove(block)
    for block in list(body):
        text = block_text(block)
        if is_link_row(block, text) or is_placeholder(text):
            removed.append(text)
            body.remove(block)
    return [text for text in removed if text]
