"""An article's language (crawler/extraction/language.py): the page's declaration, else what
its text is written in."""

from __future__ import annotations

import pytest
from lxml.html import fromstring

from crawler.extraction.language import page_language
from crawler.extraction.pagemeta import read_page_meta

SPANISH_LD = (
    '<script type="application/ld+json">{"@type": "NewsArticle", "inLanguage": "es"}</script>'
)
GERMAN = (
    "Der Sturm hat in der Nacht den nördlichen Steg aus dem Hafen gerissen. Die Fischer "
    "mussten ihre Boote an der alten Mole festmachen, bis die Reparatur abgeschlossen ist."
)


def language(head: str = "", lang: str = "", text: str = GERMAN) -> tuple[str, str] | None:
    tree = fromstring(f"<html{lang}><head>{head}</head><body><p>x</p></body></html>")
    return page_language(read_page_meta(tree), text)


@pytest.mark.parametrize(
    ("head", "lang", "expected"),
    [
        ("", ' lang="fr-CA"', "fr"),
        ("", ' xml:lang="NL"', "nl"),
        (SPANISH_LD, "", "es"),
        ('<meta http-equiv="content-language" content="pt-BR">', "", "pt"),
        ('<meta property="og:locale" content="it_IT">', "", "it"),
        # the html element comes first
        ('<meta property="og:locale" content="it_IT">', ' lang="sv"', "sv"),
    ],
)
def test_a_declared_language(head, lang, expected):
    assert language(head, lang) == (expected, "declared")


def test_a_declaration_that_is_not_a_language_tag_is_passed_over():
    assert language('<meta property="og:locale" content="English">', ' lang="en"') == (
        "en",
        "declared",
    )
    assert language('<meta name="language" content="English">') == ("de", "detected")


def test_undeclared_language_is_detected_from_the_text():
    assert language() == ("de", "detected")


def test_a_text_too_short_to_tell_has_no_language():
    assert language(text="Kurz.") is None
