"""An article's language: the one the page declares, else the one its text is written in."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from crawler.extraction.pagemeta import PageMeta

LANGUAGE_TAG = re.compile(r"^([a-z]{2,3})(?:[-_][a-z0-9]+)*$", re.IGNORECASE)  # "en-GB"
SAMPLE_CHARS = 3000  # of the text, read to detect its language
MIN_TEXT_CHARS = 20  # a shorter text is too short to tell


def page_language(page: PageMeta, text: str) -> tuple[str, str] | None:
    """(ISO 639 code, "declared" or "detected"), or None for a text too short to tell."""
    for declared in (
        page.html_lang,
        page.ld_text("inLanguage"),
        page.first("content-language", "og:locale", "language", "dc.language"),
    ):
        if declared and (match := LANGUAGE_TAG.match(declared.strip())):
            return match[1].lower(), "declared"
    if len(text) < MIN_TEXT_CHARS:
        return None
    import py3langid  # loads its model on first use: only pages that declare nothing pay

    code, _ = py3langid.classify(text[:SAMPLE_CHARS])
    return str(code), "detected"
