"""A story the page prints twice is stored once.

Pages print a story's run of paragraphs again in a second copy: one layout for wide screens
and one for phones, a tab or accordion that repeats the sections above it, a "print" copy.
trafilatura keeps both copies when they sit in one container. A run of consecutive blocks
that repeats, block for block, a run earlier in the body and holds at least
`MIN_PROSE_BLOCKS` paragraphs of prose is a copy and is dropped. What a story repeats itself
stays: a pull quote, a question asked twice, and the short lines a plan, a recipe or a table
of schedules prints for each of its days or options (a run of headings and lines under
150 characters, with a paragraph of prose or two).
"""

from __future__ import annotations

from lxml.etree import _Element

MIN_PROSE_BLOCKS = 5
PROSE_CHARS = 150


def drop_repeated_runs(body: _Element) -> int:
    """Remove from `body` each run of blocks that repeats an earlier run; the blocks removed."""
    blocks = [
        (block, text) for block in body if (text := " ".join(" ".join(block.itertext()).split()))
    ]
    texts = [text for _, text in blocks]
    seen: dict[str, list[int]] = {}
    doomed: list[_Element] = []
    index = 0
    while index < len(texts):
        length = copied_run(texts, index, seen.get(texts[index], []))
        if length:
            doomed.extend(block for block, _ in blocks[index : index + length])
            index += length
            continue
        seen.setdefault(texts[index], []).append(index)
        index += 1
    for block in doomed:
        body.remove(block)
    return len(doomed)


def copied_run(texts: list[str], start: int, earlier: list[int]) -> int:
    """The length of the longest run at `start` that copies a run at one of `earlier` (ending
    before `start`), if it holds enough prose to be a copy; else 0."""
    best = 0
    for origin in earlier:
        length = 0
        while (
            start + length < len(texts)
            and origin + length < start
            and texts[origin + length] == texts[start + length]
        ):
            length += 1
        best = max(best, length)
    prose = sum(len(text) >= PROSE_CHARS for text in texts[start : start + best])
    return best if prose >= MIN_PROSE_BLOCKS else 0
