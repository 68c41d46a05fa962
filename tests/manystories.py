"""A generated news site for tests that need more stories than tests/site/ has: `count` article
pages, each with its own text, listed round-robin by `feeds` RSS feeds whose entries carry the
author and the publication date (the pages themselves name neither)."""

from __future__ import annotations

from pathlib import Path

from tests.newsroom import Newsroom

WORDS = [
    "harbour",
    "pontoon",
    "ferry",
    "council",
    "storm",
    "quay",
    "island",
    "lighthouse",
    "trawler",
    "crew",
    "union",
    "rota",
    "winter",
    "pier",
    "tide",
    "dredger",
    "museum",
    "keeper",
    "festival",
    "school",
    "bridge",
    "market",
    "gale",
    "coast",
    "mooring",
    "vote",
]


def story_text(i: int) -> list[str]:
    """Four paragraphs that belong to story `i` alone."""
    word = WORDS[i % len(WORDS)]
    other = WORDS[(i * 7 + 3) % len(WORDS)]
    return [
        f"Story number {i}: the {word} committee met on day {i} of the season and agreed, after "
        f"a long debate about the {other}, to publish its findings before the end of the month.",
        f"Residents said the {word} had been a concern for years. One of them, who has lived by "
        f"the {other} since childhood, said the decision number {i} came far too late.",
        f"The committee will meet again next week. Its chair said that the {word} plan would be "
        f"costed in full and put to a public vote, with the {other} works to follow in spring.",
        f"Reference {i * 104729 % 1000003}: this sentence makes the text of story {i} unique.",
    ]


def article_html(i: int) -> str:
    paragraphs = "".join(f"<p>{p}</p>" for p in story_text(i))
    return (
        f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        f"<title>Story {i} of the coast</title></head><body><article>"
        f"<h1>Story {i} of the coast</h1>{paragraphs}</article></body></html>"
    )


def feed_xml(f: int, stories: list[int]) -> str:
    items = "".join(
        f"<item><title>Story {i} of the coast</title><link>news/story-{i}.html</link>"
        f'<guid isPermaLink="false">story-{i}</guid>'
        f"<pubDate>Fri, 20 Nov 2026 {i % 24:02d}:{i % 60:02d}:00 GMT</pubDate>"
        f"<dc:creator>Reporter {i}</dc:creator></item>"
        for i in stories
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?>'
        '<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/"><channel>'
        f"<title>Coast feed {f}</title><link>/</link><description>d</description>"
        f"{items}</channel></rss>"
    )


def write_site(root: Path, *, count: int, feeds: int) -> None:
    (root / "news").mkdir(parents=True)
    for i in range(count):
        (root / "news" / f"story-{i}.html").write_text(article_html(i))
    for f in range(feeds):
        (root / f"feed-{f}.xml").write_text(feed_xml(f, list(range(f, count, feeds))))


def serve_stories(tmp_path: Path, *, count: int, feeds: int) -> Newsroom:
    """The generated site on a free 127.0.0.1 port (shut it down when done)."""
    root = tmp_path / "stories"
    write_site(root, count=count, feeds=feeds)
    return Newsroom.start(root)


def feed_urls(server: Newsroom, feeds: int) -> list[str]:
    return [f"{server.url}/feed-{f}.xml" for f in range(feeds)]
