"""How much a text changed, in words: the short summary kept with each article revision."""

from __future__ import annotations

from difflib import SequenceMatcher


def word_changes(old: str, new: str) -> tuple[int, int]:
    """(words added, words removed) going from `old` to `new`."""
    before, after = old.split(), new.split()
    added = removed = 0
    for tag, i1, i2, j1, j2 in SequenceMatcher(None, before, after, autojunk=False).get_opcodes():
        if tag in ("replace", "delete"):
            removed += i2 - i1
        if tag in ("replace", "insert"):
            added += j2 - j1
    return added, removed
