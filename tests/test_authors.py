"""The `site-name` author rule: a personal site's owner, when nothing else names an author."""

from __future__ import annotations

import pytest

from crawler.extraction.extract import extract_article

STORY = "<p>" + "I rebuilt the shed behind the house with wood from an old fence this winter. " * 8
STORY += "</p>"


def page(head: str = "", header: str = "", story: str = STORY) -> str:
    return (
        f"<html><head>{head}</head><body><header>{header}</header>"
        f"<article><h1>Rebuilding the shed</h1>{story}</article></body></html>"
    )


@pytest.mark.parametrize(
    ("html", "url", "owner"),
    [
        # The home link's text; the host carries the last name.
        (
            page(header="<a href='/'>Tamsin Vrolijk</a> <a href='/posts'>Posts</a>"),
            "https://www.vrolijk.example/posts/rebuilding-the-shed",
            "Tamsin Vrolijk",
        ),
        # The declared site name; the host carries the first name.
        (
            page("<meta property='og:site_name' content='Idris Okonkwo'>"),
            "https://idris.blogs.example/rebuilding-the-shed",
            "Idris Okonkwo",
        ),
        # The title's end, with the host's word for it.
        (
            page("<title>Rebuilding the shed | Bronwen Castellanos</title>"),
            "https://bronwen.example/notes/rebuilding-the-shed",
            "Bronwen Castellanos",
        ),
        # The feed's title, a common first name.
        (
            page("<link rel='alternate' type='application/rss+xml' title='Nora Lindqvist'>"),
            "https://shed.example/post/rebuilding",
            "Nora Lindqvist",
        ),
    ],
)
def test_a_personal_sites_name_names_its_owner(html: str, url: str, owner: str) -> None:
    art = extract_article(html, url=url)
    assert (art.authors, art.metadata_source.get("authors")) == ([owner], "site-name")


def test_a_brand_or_a_company_named_site_names_nobody() -> None:
    """A person's name is written whole on their site; a brand's first word stands alone on
    its pages ("Ridgeback" of "Ridgeback Canada": "Ridgeback Life"), a company's other word
    is a common one ("Harbour Actuaries": "actuaries"). A company's whole name glued into its
    host is no sign of a person (quietharbour.example), nor is a title's end the host says
    nothing of."""
    person = page(header="<a href='/'>Cadoc Ellery</a> <a href='/notes'>Notes</a>")
    assert extract_article(person, url="https://cadoc.example/notes/shed").authors == [
        "Cadoc Ellery"
    ]
    brand = page(header="<a href='/'>Ridgeback Canada</a> <a href='/life'>Ridgeback Life</a>")
    assert extract_article(brand, url="https://ridgeback.example/reviews/shed").authors == []
    firm = page(
        "<meta property='og:site_name' content='Harbour Actuaries'>",
        story="<p>" + "Our actuaries priced the harbour's new insurance this winter. " * 8 + "</p>",
    )
    assert extract_article(firm, url="https://actuaries.example/news/shed").authors == []
    company = page("<meta property='og:site_name' content='Quiet Harbour'>")
    assert extract_article(company, url="https://quietharbour.example/shed").authors == []
    titled = page("<title>Rebuilding the shed | Bronwen Castellanos</title>")
    assert extract_article(titled, url="https://gazette.example/2026/shed").authors == []


def test_a_paper_named_with_an_article_is_no_person() -> None:
    """ "Al" and "Le" are first names, but a site called "Al Manara" or "Le Phare" is a paper's
    ("the lighthouse"), neither a personal site's owner nor a byline to keep."""
    for name in ("Al Manara", "Le Phare"):
        head = f"<meta property='og:site_name' content='{name}'>"
        art = extract_article(page(head), url="https://lighthouse.example/2026/shed")
        assert art.authors == []
        byline = page(head, story=f"<p>By {name}</p>{STORY}")
        assert extract_article(byline, url="https://lighthouse.example/2026/shed").authors == []
