"""A word diff between two versions of a story, as HTML: removed words in <del>, added in <ins>."""

from __future__ import annotations

import re
from difflib import SequenceMatcher

from markupsafe import Markup, escape

# Words, and paragraph breaks (a blank line) as tokens of their own.
TOKENS = re.compile(r"\n\s*\n|\S+")


def tokens(text: str) -> list[str]:
    return ["\n\n" if t.isspace() else t for t in TOKENS.findall(text or "")]


def word_diff(old: str, new: str) -> Markup:
    """Paragraphs of `new`, with the words `old` had and `new` lacks struck through (<del>) and
    the words `new` added marked (<ins>)."""
    before, after = tokens(old), tokens(new)
    marked: list[tuple[str, str]] = []  # (kind, token): kind "", "del" or "ins"
    matcher = SequenceMatcher(None, before, after, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            marked += [("", t) for t in after[j1:j2]]
            continue
        marked += [("del", t) for t in before[i1:i2]]
        marked += [("ins", t) for t in after[j1:j2]]
    return render(marked)


def render(marked: list[tuple[str, str]]) -> Markup:
    """Marked tokens as paragraphs; each run of removed or added words in one element, never
    across a paragraph break."""
    paragraphs: list[Markup] = []
    runs: list[tuple[str, list[str]]] = []
    for kind, token in [*marked, ("", "\n\n")]:
        if token == "\n\n":
            if runs:
                paragraphs.append(Markup(" ").join(run_html(k, words) for k, words in runs))
            runs = []
        elif runs and runs[-1][0] == kind:
            runs[-1][1].append(token)
        else:
            runs.append((kind, [token]))
    return Markup("\n").join(Markup("<p>{}</p>").format(p) for p in paragraphs)


def run_html(kind: str, words: list[str]) -> Markup:
    text = " ".join(words)
    return Markup("<{0}>{1}</{0}>").format(Markup(kind), text) if kind else Markup(escape(text))
