"""A story's headings that hold a link: a permalink or a link to another site is no teaser's."""

from __future__ import annotations

from crawler.extraction.extract import extract_article

URL = "https://www.harbour.example/2026/03/02/the-best-rowing-boats"
BOATS = ("Osprey", "Kittiwake", "Cormorant", "Gannet")
# long enough that the precise body's missing headings call for them (100+ characters)
BEST = "the best boat for a family of four"


def story(heading: str) -> str:
    """A story in a container trafilatura does not know, each section under `heading`
    (formatted with the boat's name and number)."""
    sections = "".join(
        heading.format(name=name, n=n)
        + f"<p>Section {n}: the {name} rowed straight in a cross wind on the estuary, and two "
        f"of our testers carried it from the slipway to the car park without a trolley.</p>"
        f"<p>Section {n} goes on: its oars are spruce, its seats slide, and the builder "
        f"repairs a cracked hull for free for the first five years ({n}).</p>"
        for n, name in enumerate(BOATS, 1)
    )
    return (
        "<html><head><title>The best rowing boats</title></head><body>"
        "<nav><a href='/'>Home</a> <a href='/boats'>Boats</a></nav>"
        "<div class='blog-wrap'><div class='rich-copy'><h1>The best rowing boats</h1>"
        "<p>We rowed twelve boats on the estuary this winter, in every weather the harbour "
        f"had, to find the four worth buying.</p>{sections}</div></div></body></html>"
    )


def test_a_heading_linking_to_its_own_section_is_kept() -> None:
    """A heading holding its permalink ("#osprey") is a plain heading."""
    heading = "<h2><a href='#boat-{n}'>{n}. The {name}, " + BEST + "</a></h2>"
    text = extract_article(story(heading), url=URL).text
    for n, name in list(enumerate(BOATS, 1))[1:]:
        assert f"{n}. The {name}, {BEST}\n\nSection {n}:" in text


def test_an_entry_heading_linking_to_its_maker_is_kept() -> None:
    """A listicle's entry heading names the boat and links to its builder, another site."""
    heading = "<h2><a href='https://boats-{n}.example/{name}'>The {name}, " + BEST + "</a></h2>"
    text = extract_article(story(heading), url=URL).text
    for n, name in list(enumerate(BOATS, 1))[1:]:
        assert f"The {name}, {BEST}\n\nSection {n}:" in text


def test_a_heading_linking_to_a_page_of_the_site_stays_out() -> None:
    """A heading linking to another page of the site (or of its domain) is a teaser's."""
    heading = (
        "<h2><a href='https://shop.harbour.example/{name}'>Buy the {name}, " + BEST + "</a></h2>"
    )
    text = extract_article(story(heading), url=URL).text
    assert "Section 2: the Kittiwake rowed" in text
    assert "Buy the" not in text


def test_a_ranked_entry_heading_linking_to_a_page_of_the_site_is_kept() -> None:
    """A ranking's numbered entry links to the site's own page on the entry (a school's
    profile): it is the entry's name, not a teaser's headline."""
    heading = "<h2><a href='/boats/{name}'>{n}. The {name}, " + BEST + "</a></h2>"
    text = extract_article(story(heading), url=URL).text
    for n, name in list(enumerate(BOATS, 1))[1:]:
        assert f"{n}. The {name}, {BEST}\n\nSection {n}:" in text


def test_an_entry_heading_linking_to_a_maker_under_the_same_public_suffix_is_kept() -> None:
    """Two sites under "co.uk" are two sites: the site is the registered domain, by the
    public suffix list, not the host's last two labels."""
    heading = "<h2><a href='https://boats-{n}.co.uk/{name}'>The {name}, " + BEST + "</a></h2>"
    page = story(heading)
    text = extract_article(page, url="https://www.harbour.co.uk/2026/03/02/rowing-boats").text
    for n, name in list(enumerate(BOATS, 1))[1:]:
        assert f"The {name}, {BEST}\n\nSection {n}:" in text
