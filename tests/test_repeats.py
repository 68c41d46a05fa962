"""A story the page prints twice is stored once; what a story repeats itself stays."""

from __future__ import annotations

from crawler.extraction.extract import extract_article

URL = "http://127.0.0.1/2026/03/02/pontoon-rebuilt"


def prose(topic: str, count: int) -> list[str]:
    return [
        f"The harbour board heard on day {n} why the {topic} must be rebuilt, what it will "
        f"cost the town, and who will pay for the work before the spring season opens."
        for n in range(count)
    ]


def page(body: str) -> str:
    return (
        "<html><head><title>Pontoon rebuilt</title></head><body>"
        f"<article><h1>Pontoon rebuilt</h1>{body}</article></body></html>"
    )


def test_a_story_printed_twice_is_stored_once() -> None:
    """A wide-screen and a phone copy of the same paragraphs, in one container."""
    paragraphs = "".join(f"<p>{text}</p>" for text in prose("north pontoon", 8))
    extracted = extract_article(
        page(f"<div class='desktop'>{paragraphs}</div><div class='mobile'>{paragraphs}</div>"),
        url=URL,
    )
    for text in prose("north pontoon", 8):
        assert extracted.text.count(text) == 1
        assert extracted.html.count(text) == 1


def test_a_plan_that_repeats_its_lines_for_each_day_is_kept_whole() -> None:
    """Headings and short lines repeated for each day, with one paragraph of prose each."""
    days = "".join(
        f"<h2>Day {day}</h2><p>Breakfast</p><p>Oats, 1 cup berries</p><p>Lunch</p>"
        f"<p>Salad with beans, lemon and oil</p><p>Dinner</p><p>Fish, rice, greens</p>"
        f"<p>{prose('menu', 1)[0]}</p>"
        for day in range(1, 6)
    )
    intro = "".join(f"<p>{text}</p>" for text in prose("plan", 3))
    extracted = extract_article(page(intro + days), url=URL)
    assert extracted.text.count("Salad with beans, lemon and oil") == 5
    assert "Day 5" in extracted.text


def test_a_repeated_pull_quote_stays() -> None:
    quote = "“We will not leave the fleet without a berth for another winter,” the chair said."
    paragraphs = prose("south pontoon", 6)
    body = "".join(f"<p>{text}</p>" for text in paragraphs[:3])
    body += f"<blockquote><p>{quote}</p></blockquote>"
    body += "".join(f"<p>{text}</p>" for text in paragraphs[3:])
    body += f"<p>{quote}</p>"
    extracted = extract_article(page(body), url=URL)
    assert extracted.text.count("without a berth for another winter") == 2
