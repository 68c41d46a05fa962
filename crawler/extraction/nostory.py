"""Pages with no story on them, though they are served with 200 and some text.

Each rule describes a kind of page and refuses it with a reason a person understands:

- a JavaScript shell: the page asks the reader to enable JavaScript and holds under 200
  characters of story besides that notice (an app that renders the story in the browser);
- a soft 404: the page's headline or a part of its `<title>` says the page was not found
  ("Page not found", "404", "Oops! That page can't be found", "Seite nicht gefunden"), and it
  holds under 250 words;
- a cookie notice or a comment form and nothing else: what is extracted is consent text
  ("We use cookies...", "Accept all") and comment-form labels ("Leave a Reply", "Your email
  address will not be published"), and under 200 characters of anything else;
- a paywall teaser: the page says the story is for subscribers (JSON-LD
  `isAccessibleForFree` false, a paywall element, "Subscribe to continue reading"), under 80
  words of it are on the page, and no JSON-LD `articleBody` holds the rest.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from lxml.etree import XPath

from crawler.extraction import MIN_CHARS
from crawler.extraction.pagemeta import as_list
from crawler.extraction.titles import SEPARATORS, clean, visible_h1s

if TYPE_CHECKING:
    from lxml.html import HtmlElement

    from crawler.extraction.pagemeta import PageMeta

TEASER_WORDS = 80  # a paywalled page with fewer words of story is a teaser
NOT_FOUND_WORDS = 250  # a "page not found" page with more text than this may be a story
NOT_FOUND_TITLE_WORDS = 10
MAX_CHARS = 5000  # a cookie notice and a comment form hold less text than this

JS_NOTICE = re.compile(
    r"\b(?:enable|turn on|activate|allow|switch on)\s+(?:your\s+)?javascript"
    r"|\bjavascript\s+(?:is\s+)?(?:required|disabled|must be enabled|needs to be enabled"
    r"|is (?:turned off|not enabled|switched off))"
    r"|\b(?:requires?|needs?)\s+javascript"
    r"|\bjavascript\s+to\s+(?:run|view|use|see|read|display|continue)"
    r"|\bjavascript\s+(?:aktivieren|einschalten)|\bactive[rz]\s+(?:le\s+)?javascript"
    r"|\b(?:habilita|activa)r?\s+(?:el\s+)?javascript",
    re.I,
)
NOT_FOUND = re.compile(
    r"^(?:error\s+)?404(?:\s+error)?\b"
    r"|\b(?:page|file|article|story|content|post|resource|url|document)s?\b.{0,40}"
    r"\b(?:not|n.t|cannot|can.t|couldn.t|no longer)\s+(?:be\s+)?(?:found|exists?|available)\b"
    r"|^(?:oops\W*)?(?:nothing|not)\s+(?:was\s+)?found\b"
    r"|\b(?:we|i)\s+(?:can.t|cannot|couldn.t|could not)\s+find\s+(?:that|the|this)\s+page"
    r"|\bseite\s+nicht\s+gefunden|\bpage\s+(?:non\s+trouv[ée]e|introuvable)"
    r"|\bp[áa]gina\s+(?:no\s+encontrada|n[ãa]o\s+encontrada|non\s+trovata)"
    r"|\bpagina\s+(?:niet\s+gevonden|non\s+trovata)",
    re.I,
)
CONSENT = re.compile(
    r"\bcookies?\b.*\b(?:consent|accept|agree|privacy|settings|preferences|personali[sz]"
    r"|advertis|experience|browsing|reject|partners|necessary)"
    r"|\b(?:consent|accept|agree|privacy|settings|preferences)\b.*\bcookies?\b"
    r"|\bwe value your privacy\b|\bGDPR\b|^(?:accept|reject|allow|deny)(?: all)?(?: cookies)?$"
    r"|^(?:privacy|cookie) (?:policy|settings|notice|preferences)$",
    re.I,
)
COMMENT_FORM = re.compile(
    r"\bleave a (?:reply|comment)\b|\byour email address will not be published"
    r"|\brequired fields are marked|\bsave my name,? email|\bpost comment\b|\bcancel reply\b"
    r"|\bmust be logged in to post a comment|\bnotify me of (?:follow-up|new) (?:comments|posts)"
    r"|^(?:comment|name|e-?mail|website|reply)\s*\*?$",
    re.I,
)
PAYWALL_TEXT = re.compile(
    r"\bsubscribe\s+(?:now\s+)?to\s+(?:continue|keep)\s+reading"
    r"|\bto\s+(?:continue|keep)\s+reading,?\s+(?:please\s+)?(?:subscribe|log\s*in|sign\s*in|register)"
    r"|\b(?:this|the)\s+(?:full\s+)?(?:article|story|content)\s+is\s+(?:only\s+)?(?:available\s+)?"
    r"(?:for|to)\s+(?:our\s+)?(?:paying\s+)?(?:subscribers|members)"
    r"|\bsubscribers?[- ]only\b|\balready\s+a\s+subscriber\b"
    r"|\b(?:become|be)\s+a\s+(?:member|subscriber)\s+to\s+(?:read|continue)"
    r"|\bsubscribe\s+to\s+(?:read|unlock)\s+(?:the\s+)?(?:full|this|more)",
    re.I,
)
PAYWALL_ELEMENT = XPath(
    "//*[contains(translate(concat(@class, ' ', @id), 'PAYWL', 'paywl'), 'paywall')"
    " or contains(@class, 'subscriber-only') or contains(@class, 'premium-content')]"
)
NOTICE_TEXT = XPath("//body//noscript//text() | //body//text()[not(ancestor::script)]")


def words(text: str) -> int:
    return len(text.split())


def no_story(tree: HtmlElement, page: PageMeta, text: str) -> str | None:
    """Why the page holds no story though it has text, or None; `text` is what was extracted
    from it, one paragraph a line."""
    if len(text) > MAX_CHARS:
        return None  # more text than any of these pages holds: not one of them
    lines = [line for line in text.splitlines() if line.strip()]
    if js_shell(tree, lines):
        return "not an article: a JavaScript shell (the page asks to enable JavaScript to show it)"
    if words(text) < NOT_FOUND_WORDS and (headline := not_found(tree, page)):
        return f"not an article: a 'page not found' page served as a page ({headline!r})"
    if kinds := only_consent_or_comments(lines):
        return f"not an article: only {' and '.join(kinds)}, no story"
    if words(text) < TEASER_WORDS and paywalled(tree, page) and not page.ld_text("articleBody"):
        return (
            f"not an article: a paywall teaser ({words(text)} words on the page,"
            " the story is for subscribers)"
        )
    return None


def js_shell(tree: HtmlElement, lines: list[str]) -> bool:
    """The page asks for JavaScript and has no story without it."""
    story = 0
    for line in lines:
        if not JS_NOTICE.search(line) and (story := story + len(line)) >= MIN_CHARS:
            return False
    return any(JS_NOTICE.search(part) for part in NOTICE_TEXT(tree) if "script" in part.lower())


def not_found(tree: HtmlElement, page: PageMeta) -> str | None:
    """The page's headline or `<title>` part that says it was not found, if any."""
    candidates = visible_h1s(tree)
    for title in (page.html_title, page.first("og:title")):
        if title := clean(title):
            candidates += [part for part in SEPARATORS.split(title) if part.strip()]
    for candidate in candidates:
        if words(candidate) <= NOT_FOUND_TITLE_WORDS and NOT_FOUND.search(candidate.strip()):
            return candidate.strip()
    return None


def only_consent_or_comments(lines: list[str]) -> list[str]:
    """What the extracted text holds instead of a story ("a cookie notice", "a comment form"),
    when under 200 characters of it are anything else; [] otherwise."""
    consent, form, rest = [], [], 0
    for line in sorted(lines, key=len, reverse=True):  # the longest first: most say "no" soon
        if CONSENT.search(line):
            consent.append(line)
        elif COMMENT_FORM.search(line):
            form.append(line)
        elif (rest := rest + len(line)) >= MIN_CHARS:
            return []
    if not (consent or form):
        return []
    kinds = (("a cookie notice", consent), ("a comment form", form))
    return [kind for kind, found in kinds if found]


def paywalled(tree: HtmlElement, page: PageMeta) -> bool:
    """The page says its story is for subscribers."""
    free = [page.ld.get("isAccessibleForFree")]
    free += [
        part.get("isAccessibleForFree")
        for part in as_list(page.ld.get("hasPart"))
        if isinstance(part, dict)
    ]
    if any(str(value).strip().lower() == "false" for value in free if value is not None):
        return True
    if PAYWALL_ELEMENT(tree):
        return True
    return bool(PAYWALL_TEXT.search(" ".join(tree.xpath("//body//text()[not(ancestor::script)]"))))
