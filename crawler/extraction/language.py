"""An article's language: the one the page declares, else the one its text is written in."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from crawler.extraction.pagemeta import PageMeta

TAG = re.compile(r"^([a-z]{2,3})(?:[-_][a-z0-9]+)*$", re.IGNORECASE)
SAMPLE_CHARS = 3000


def page_language(page: PageMeta, text: str) -> tuple[str, str] | None:
    """(ISO 639 code, "declared" or "detected"), or None for a text too short to tell."""
    for declared in (
        page.html_lang,
        page.ld_text("inLanguage"),
        page.first("content-language", "og:locale", "language", "dc.language"),
    ):
        if declared and (match := TAG.match(declared.strip())):
            return match[1].lower(), "declared"
    if len(text) < 20:
        return None
    import py3langid  # loads its model on first use: only pages that declare nothing pay

    code, _ = py3langid.classify(text[:SAMPLE_CHARS])
    return str(code), "detected"
