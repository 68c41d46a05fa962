"""Prose a story sets in a `<div>` of its own among its paragraphs, read as a paragraph."""

from __future__ import annotations

from crawler.extraction import divprose, splitbody
from crawler.extraction.extract import extract_article
from crawler.extraction.parse import parse_page

URL = "http://127.0.0.1/2026/03/09/which-language-to-learn"
STORY = "".join(
    f"<p>{name} is the language we would teach first to a team of {size}, because its tools "
    "are mature, its libraries cover most of what a business asks for, and hiring is easy.</p>"
    for name, size in (("Python", "analysts"), ("Go", "backend engineers"), ("Kotlin", "apps"))
)


def page(box: str) -> str:
    """A story whose second paragraph is followed by `box`."""
    first, rest = STORY.split("</p>", 1)
    return (
        "<html><head><title>Which language to learn</title></head><body>"
        "<nav><a href='/'>Home</a> <a href='/guides'>Guides</a></nav><article>"
        f"<h1>Which language to learn</h1><div class='entry'>{first}</p>{box}{rest}"
        "<p>Whichever you pick, write something small in it every day.</p></div></article>"
        "</body></html>"
    )


CALLOUT = (
    "<strong>Update:</strong> the latest release, out in the autumn, made the interpreter "
    "faster again and dropped the global lock for builds that ask for it."
)


def test_a_callout_in_a_div_among_paragraphs_is_story() -> None:
    """A `<div>` holding the text itself (inline markup only) between two `<p>`s."""
    text = extract_article(page(f"<div class='note'>{CALLOUT}</div>"), url=URL).text
    assert "made the interpreter faster again" in text
    assert "Whichever you pick" in text


def test_a_callout_whose_style_draws_no_border_is_story() -> None:
    """`border: none` draws no box: the callout is read like one without a style."""
    box = f"<div class='note' style='background: #eee; border: none; padding: 30px'>{CALLOUT}</div>"
    text = extract_article(page(box), url=URL).text
    assert "made the interpreter faster again" in text


def test_a_div_of_links_among_paragraphs_stays_out() -> None:
    """A box of related links (its text mostly links) is not prose."""
    links = (
        "<div class='related'><a href='/a'>The ten best editors for Python in 2026</a> "
        "<a href='/b'>How we hire engineers</a> <a href='/c'>Our Go style guide, revised</a>"
        "</div>"
    )
    text = extract_article(page(links), url=URL).text
    assert "best editors" not in text
    assert "Whichever you pick" in text


def test_a_banner_built_of_blocks_stays_a_div() -> None:
    """A banner's title and button are blocks: the banner is not renamed a paragraph."""
    banner = (
        "<div class='cta-banner'><div class='title'>Need engineers for your next project? Our "
        "team has built more than two hundred products for companies like yours.</div>"
        "<div class='button'><a href='/contact'>Talk to us</a></div></div>"
    )
    text = extract_article(page(banner), url=URL).text
    assert "Need engineers" not in text
    assert "Whichever you pick" in text


def test_a_box_whose_inline_markup_holds_blocks_stays_a_div() -> None:
    """A `<span>` around a product card's `<div>`s is no run of inline text."""
    card = (
        "<div class='catalog'><span><div class='card'><div class='name'>Harbour Kayak</div>"
        "<div class='about'>A sit-on-top kayak for two that tracks straight in a cross wind "
        "and weighs less than most boats its size.</div></div></span></div>"
    )
    tree = parse_page(page(card))
    assert tree is not None
    divprose.read_boxed_prose(splitbody.page_paragraphs(tree))
    assert [box.tag for box in tree.find_class("catalog")] == ["div"]
