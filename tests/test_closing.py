"""What closes a story without being part of it, and no class name gives away: the author's
card under a label ("About the author", "Written by Jane Doe", "Jane Doe, Contributing
Writer") and the site's list of its other posts under a label recommending them. A closing
note on the author with no label, and a list of the site's pages under "See also", stay."""

from __future__ import annotations

from crawler.extraction.extract import extract_article

URL = "https://gazette.example/2026/03/02/harbour-pontoon"
HEADLINE = "Harbour crew lifts the north pontoon"
BIO = (
    "Jane Harper is a freelance writer living on the coast, who has covered harbours, ferries "
    "and the people who work on them for fifteen years."
)


def paragraphs(first: int, last: int) -> str:
    return "".join(
        f"<p>On day {n} of the works, the harbour crew lifted another section of the north "
        f"pontoon, and the board said the rebuilt berths of section {n} open before spring.</p>"
        for n in range(first, last + 1)
    )


def page(story: str, after: str = "") -> str:
    return (
        f"<html><head><title>{HEADLINE}</title></head><body><article><h1>{HEADLINE}</h1>"
        f"<div class='entry-content'>{story}</div>{after}</article></body></html>"
    )


def posts(*slugs: str, host: str = "") -> str:
    return (
        "<ul>"
        + "".join(
            f"<li><a href='{host}/2026/01/{slug}/'>{slug.replace('-', ' ').title()}</a></li>"
            for slug in slugs
        )
        + "</ul>"
    )


# Three of the site's other posts: long titles, as trafilatura keeps a list of few links that
# holds 100 characters or more and is followed by another block.
SLUGS = (
    "ferry-timetable-changes-for-the-winter-crossings",
    "meet-the-new-keeper-of-the-harbour-lighthouse",
    "quay-wall-repairs-begin-after-the-january-storm",
)
AFTER = "<p>Thanks for reading the Gazette.</p>"


def text_of(html: str) -> str:
    return extract_article(html, url=URL).text


def test_an_about_the_author_label_and_the_card_after_it_are_not_story() -> None:
    card = f"<h3>About the Author</h3><p>Jane Harper</p><p>Freelance writer</p><p>{BIO}</p>"
    text = text_of(page(paragraphs(1, 6) + card))
    assert "section 6 open before spring" in text
    assert "About the Author" not in text
    assert "freelance writer living on the coast" not in text


def test_a_bio_under_a_written_by_line_is_not_story() -> None:
    text = text_of(page(paragraphs(1, 6) + f"<h3>Written by Jane Harper</h3><p>{BIO}</p>"))
    assert "section 6 open before spring" in text
    assert "Written by" not in text
    assert "freelance writer living on the coast" not in text


def test_a_bio_under_a_role_and_the_authors_name_is_not_story() -> None:
    card = (
        "<p><strong>Contributor</strong></p><p><strong>Jane Harper</strong></p>"
        "<p>Jane Harper worked on ferries for ten years before she wrote about them.</p>"
        "<p><a href='/author/jane-harper/'>More by this contributor</a></p>"
    )
    text = text_of(page(paragraphs(1, 6) + card))
    assert "section 6 open before spring" in text
    assert "Contributor" not in text
    assert "worked on ferries" not in text


def test_a_bio_under_the_authors_name_and_role_on_the_page_is_not_story() -> None:
    card = (
        "<div class='card'><div class='name'><span>Jane Harper</span><span>Contributing Writer"
        f"</span></div><div class='text'><p>{BIO}</p></div></div>"
    )
    text = text_of(page(paragraphs(1, 6) + card))
    assert "section 6 open before spring" in text
    assert "freelance writer living on the coast" not in text


def test_a_closing_note_on_the_author_with_no_label_stays() -> None:
    text = text_of(page(paragraphs(1, 6) + f"<p><em>{BIO}</em></p>"))
    assert "freelance writer living on the coast" in text


def test_the_sites_posts_under_you_might_also_like_are_not_story() -> None:
    more = "<p><strong>You might also like:</strong></p>" + posts(*SLUGS)
    text = text_of(page(paragraphs(1, 6) + more + AFTER))
    assert "section 6 open before spring" in text
    assert "You might also like" not in text
    assert "Harbour Lighthouse" not in text


def test_the_sites_posts_under_a_label_the_body_leaves_out_are_not_story() -> None:
    dated = "".join(
        f"<li><a href='/2026/01/{slug}/'>{slug.replace('-', ' ').title()}</a> - January {day}, 2026"
        "</li>"
        for day, slug in enumerate(SLUGS, 12)
    )
    box = (
        "<div class='heading'>Latest posts by Jane Harper</div>"
        f"<div class='items'><ul>{dated}</ul></div>"
    )
    text = text_of(page(paragraphs(1, 6) + box + AFTER))
    assert "section 6 open before spring" in text
    assert "Harbour Lighthouse" not in text


def test_the_sites_pages_under_see_also_stay() -> None:
    more = "<p>See also:</p>" + posts(*SLUGS)
    text = text_of(page(paragraphs(1, 6) + more + AFTER))
    assert "Harbour Lighthouse" in text


def test_other_sites_pages_under_you_might_also_like_stay() -> None:
    more = "<p>You might also like:</p>" + posts(*SLUGS, host="https://port.example")
    text = text_of(page(paragraphs(1, 6) + more + AFTER))
    assert "Harbour Lighthouse" in text


def test_a_short_story_about_its_bylined_author_stays() -> None:
    story = (
        "<p>By Jane Harper</p><p>Jane Harper is the first woman to skipper the harbour ferry, "
        "and on Monday she took it across the bay for the last time before she retires.</p>"
        + paragraphs(1, 2)
    )
    text = text_of(page(story))
    assert "first woman to skipper the harbour ferry" in text
