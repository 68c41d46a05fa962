"""Only stories: section fronts and listings refused with a reason, stories beside them kept."""

from __future__ import annotations

import pytest

from crawler.extraction.extract import ExtractionFailed, extract_article

MENU = "".join(f"<li><a href='/{n}'>Menu section {n}</a></li>" for n in range(12))


def sentences(topic: str, count: int) -> str:
    return " ".join(
        f"On {topic}, sentence {n} tells the reader what the council decided and why it"
        " matters to the families who live along the harbour road."
        for n in range(count)
    )


def front_page(link: str) -> str:
    """A front page: eight stories, each two paragraphs cut short by a `link` to the rest."""
    stories = "".join(
        f"<div class='story'><h2>Harbour story number {n} of the week</h2>"
        f"<p>{sentences(f'story {n}', 2)}</p><p>{sentences(f'the quay {n}', 1)}</p>"
        f"<a href='/stories/harbour-story-{n}'>{link}</a></div>"
        for n in range(8)
    )
    return (
        "<html><head><title>Harbour Gazette</title></head><body>"
        f"<nav><ul>{MENU}</ul></nav><main>{stories}</main></body></html>"
    )


def story_with_related(link: str) -> str:
    """A story of twelve paragraphs and a box of eight related stories, each with a `link`."""
    body = "".join(f"<p>{sentences(f'the vote {n}', 2)}</p>" for n in range(12))
    related = "".join(
        f"<li><h3>Related story {n} on the harbour</h3><p>{sentences(f'related {n}', 1)}</p>"
        f"<a href='/stories/related-{n}'>{link}</a></li>"
        for n in range(8)
    )
    return (
        "<html><head><title>The council votes on the harbour</title></head><body>"
        f"<nav><ul>{MENU}</ul></nav><article><h1>The council votes on the harbour</h1>{body}"
        f"</article><aside><h2>Related</h2><ul>{related}</ul></aside></body></html>"
    )


@pytest.mark.parametrize("link", ["Read more »", "Full Story", "Continue reading"])
def test_a_front_page_of_stories_cut_short_by_read_more_links_is_refused(link: str) -> None:
    with pytest.raises(ExtractionFailed, match=r"a front page of 8 stories, each cut short"):
        extract_article(front_page(link), url="https://gazette.example/")


@pytest.mark.parametrize("link", ["Read more »", "Full Story"])
def test_a_story_with_read_more_links_in_its_related_box_is_stored(link: str) -> None:
    art = extract_article(
        story_with_related(link), url="https://gazette.example/news/council-votes-on-harbour"
    )
    assert "On the vote 11, sentence 1" in art.text


def test_a_story_with_read_more_links_between_its_paragraphs_is_stored() -> None:
    """A story that points to earlier stories with "Read more" links between its paragraphs:
    the links share the story's element, no story is cut short."""
    body = "".join(
        f"<p>Vote {n}: {sentences(f'the vote {n}', 3)}</p>"
        f"<p><a href='/stories/earlier-vote-{n}'>Read more</a></p>"
        for n in range(8)
    )
    page = (
        "<html><head><title>The council votes on the harbour</title></head><body>"
        f"<nav><ul>{MENU}</ul></nav><article><h1>The council votes on the harbour</h1>{body}"
        "</article></body></html>"
    )
    art = extract_article(page, url="https://gazette.example/news/council-votes-on-harbour")
    assert "On the vote 7, sentence 2" in art.text


def section_front(url_path: str) -> tuple[str, str]:
    """A section front that calls itself an article (og:type) under a slug that reads like a
    title: an introduction, then 30 cards of a headline, a date and topic links."""
    cards = "".join(
        f"<div class='item'><a href='/2026/03/{n:02}/harbour-story-{n}'><img src='/{n}.jpg'></a>"
        f"<h3><a href='/2026/03/{n:02}/harbour-story-{n}'>Story {n}</a></h3>"
        f"<span>March {n}, 2026, in the harbour's science pages</span>"
        + "".join(f"<a href='/tags/tag-{n}-{t}'>Topic {t}</a>" for t in range(3))
        + "</div>"
        for n in range(30)
    )
    page = (
        "<html><head><meta property='og:type' content='article'><title>Science: the harbour"
        f" desk</title></head><body><nav><ul>{MENU}</ul></nav><main><h1>Science</h1>"
        f"<p>{sentences('the science desk', 3)}</p>"
        f"<section class='list'>{cards}</section></main></body></html>"
    )
    return page, f"https://gazette.example{url_path}"


def test_a_section_front_under_a_section_path_is_refused_though_it_says_article() -> None:
    page, url = section_front("/sections/harbour-science-and-tides/")
    with pytest.raises(ExtractionFailed, match=r"a section page .* a section's path, /sections/"):
        extract_article(page, url=url)


def test_a_story_under_a_section_path_is_stored() -> None:
    """A story at a section's address, its text most of the page: stored."""
    body = "".join(f"<p>{sentences(f'the tides {n}', 3)}</p>" for n in range(10))
    page = (
        "<html><head><meta property='og:type' content='article'><title>Tides</title></head>"
        f"<body><nav><ul>{MENU}</ul></nav><article><h1>The tides are rising faster</h1>{body}"
        "</article></body></html>"
    )
    art = extract_article(page, url="https://gazette.example/sections/science/tides-rising-faster")
    assert "On the tides 9, sentence 2" in art.text


def category_page(controls: str) -> str:
    """A shop's category page: an introduction and a buying guide (its product grid is drawn
    by script), with the grid's `controls`."""
    guide = "".join(f"<p>{sentences(f'bread makers {n}', 2)}</p>" for n in range(3))
    return (
        "<html><head><title>Bread makers</title></head><body>"
        f"<nav><ul>{MENU}</ul></nav><main><h1>Bread makers</h1>{controls}"
        f"<div id='grid'></div>{guide}</main></body></html>"
    )


def test_a_page_with_sort_and_filter_controls_is_a_listing() -> None:
    page = category_page("<button>Filters</button><label>Sort by:</label><select></select>")
    with pytest.raises(ExtractionFailed, match=r"a listing with 'Sort by' and 'Filter' controls"):
        extract_article(page, url="https://shop.example/kitchen/bread-makers")


def test_a_story_whose_comments_can_be_sorted_is_stored() -> None:
    """A comment section's "Sort by" alone, or a story declared in JSON-LD: stored."""
    page = category_page("<label>Sort by:</label><select></select>")
    assert extract_article(page, url="https://shop.example/kitchen/bread-makers").text
    declared = category_page("<button>Filters</button><label>Sort by:</label>").replace(
        "</head>", '<script type=\'application/ld+json\'>{"@type": "Article"}</script></head>'
    )
    assert extract_article(declared, url="https://shop.example/kitchen/bread-makers").text


def priced_page() -> str:
    """An introduction, then 13 watches, each a name and a price in a table row."""
    rows = "".join(
        f"<tr><td><a href='/watch/{n}'>Automatic watch {n}</a></td><td>${n}99</td></tr>"
        for n in range(1, 14)
    )
    intro = "".join(f"<p>{sentences(f'automatic watches {n}', 2)}</p>" for n in range(4))
    return (
        "<html><head><title>Automatic watches</title></head><body>"
        f"<nav><ul>{MENU}</ul></nav><main><h1>Automatic watches</h1>{intro}"
        f"<table>{rows}</table></main></body></html>"
    )


def test_an_undeclared_page_with_a_dozen_prices_is_a_product_listing() -> None:
    with pytest.raises(ExtractionFailed, match=r"a product listing \(13 prices\)"):
        extract_article(priced_page(), url="https://watches.example/automatic")


def test_a_story_comparing_a_dozen_prices_is_stored() -> None:
    """The same page at a story's address: a comparison of prices is a story."""
    art = extract_article(
        priced_page(), url="https://watches.example/guides/best-automatic-watches-under-500"
    )
    assert "On automatic watches 3, sentence 1" in art.text


def test_a_genre_page_stamped_with_a_publication_time_is_a_section_page() -> None:
    """A site's template stamps `article:published_time` on its genre pages too: at a URL in
    a section's path it does not date the page, which is then read as the section it is."""
    page, _ = section_front("")
    stamped = page.replace(
        "</head>", "<meta property='article:published_time' content='2022-01-26'></head>"
    )
    with pytest.raises(ExtractionFailed, match=r"a section page .* a section's path, /genre/"):
        extract_article(stamped, url="https://games.example/genre/action-and-adventure-games/")


def test_a_dated_story_under_a_genre_path_is_stored() -> None:
    body = "".join(f"<p>{sentences(f'the album {n}', 3)}</p>" for n in range(10))
    page = (
        "<html><head><meta property='og:type' content='article'>"
        "<meta property='article:published_time' content='2026-03-01'><title>Review</title>"
        f"</head><body><nav><ul>{MENU}</ul></nav><article><h1>The harbour's new album</h1>"
        f"{body}</article></body></html>"
    )
    art = extract_article(page, url="https://music.example/genre/jazz/2026/03/harbour-album")
    assert "On the album 9, sentence 2" in art.text


@pytest.mark.parametrize("label", ["1,000+ relevant results,", "Showing 1-24 of 312 results"])
def test_a_page_that_counts_its_results_is_a_listing(label: str) -> None:
    page = category_page(f"<span>{label}</span>")
    with pytest.raises(ExtractionFailed, match=r"a page of search results"):
        extract_article(page, url="https://shop.example/kitchen/bread-makers")


def test_a_story_beside_an_empty_search_box_is_stored() -> None:
    """ "0 results" is an empty search box's or cart's count, not a listing's."""
    page = category_page("<span>0 results</span>")
    assert extract_article(page, url="https://shop.example/kitchen/bread-makers").text


def test_a_shopping_story_at_a_news_sites_shopping_path_is_stored() -> None:
    """A newsroom's shopping desk writes stories (og:type article) under /shopping/: that path
    is no shop's, and its dozen prices are a story's comparison."""
    page = priced_page().replace("</head>", "<meta property='og:type' content='article'></head>")
    art = extract_article(page, url="https://news.example/shopping/best-automatic-watches/")
    assert "On automatic watches 3, sentence 1" in art.text


def test_a_live_blog_whose_entries_end_with_read_more_is_stored() -> None:
    """A live blog declares itself (JSON-LD `LiveBlogPosting`): its entries each ending with a
    link to the full story are its story."""
    ld = '<script type=\'application/ld+json\'>{"@type": "LiveBlogPosting"}</script>'
    page = front_page("Read the full story").replace("</head>", f"{ld}</head>")
    art = extract_article(page, url="https://gazette.example/live/harbour-council-vote")
    assert "On story 7, sentence 1" in art.text
