"""Story that trafilatura's boilerplate vocabulary would discard, read as story."""

from __future__ import annotations

from crawler.extraction.extract import extract_article

URL = "http://127.0.0.1/2026/03/02/the-best-new-bakeries"
INTRO = (
    "<p>Twelve bakeries opened in the city this winter, and we queued at every one of them "
    "before sunrise so that you would not have to.</p><p>Some of them bake only on weekends, "
    "some only sell what they bake before noon, and one of them is a van that moves.</p>"
)
NAV = "<nav><a href='/'>Home</a> <a href='/food'>Food</a></nav>"


def entries(count: int, subject: str = "bakery") -> str:
    return "".join(
        f"<div class='entry'><h2>The {subject} number {n}</h2><p>The {subject} number {n} "
        "bakes its rye in a wood-fired oven its owners rebuilt brick by brick, and its "
        "cardamom buns sell out before nine on most mornings of the week.</p></div>"
        for n in range(1, count + 1)
    )


def listicle(footer_class: str, count: int = 8) -> str:
    """An introduction, then the entries in an element named for where it sits."""
    return (
        "<html><head><title>The best new bakeries</title></head><body>"
        f"{NAV}<section id='content'><div class='page'><h1>The best new bakeries</h1>"
        f"<div class='page-main'>{INTRO}<p>Prices and hours were checked in February.</p>"
        "<ul><li><a href='/maps'>See them on a map</a></li><li><a href='/app'>Get the app</a>"
        f"</li></ul></div><div class='{footer_class}'>{entries(count)}</div></div></section>"
        "</body></html>"
    )


def test_a_story_in_an_element_named_footer_is_kept() -> None:
    """The entries sit in `div.page-footer`, which trafilatura deletes as a footer."""
    text = extract_article(listicle("page-footer"), url=URL).text
    assert "The bakery number 8 bakes its rye" in text
    assert text.count("cardamom buns") == 8


def test_a_real_footer_beside_the_story_stays_out() -> None:
    """A footer with prose of its own, beside a story that holds most of the page's prose,
    is left to trafilatura."""
    footer = (
        "<div class='site-footer'>"
        + "".join(
            f"<p>The Daily Crumb is an independent food magazine published by a cooperative of "
            f"its writers, photographers and readers since 1998 ({part} of five).</p>"
            for part in ("one", "two", "three", "four", "five")
        )
        + "</div>"
    )
    html = listicle("page-list").replace("</section>", f"</section>{footer}")
    text = extract_article(html, url=URL).text
    assert "The bakery number 8 bakes its rye" in text
    assert "independent food magazine" not in text


def slides(count: int = 8) -> str:
    """An introduction, then each entry in a slide of its own."""
    return (
        "<html><head><title>The best new bakeries</title></head><body>"
        f"{NAV}<section id='content'><div class='page'><h1>The best new bakeries</h1>"
        f"<div class='page-main'>{INTRO}<p>Prices and hours were checked in February.</p>"
        "<ul><li><a href='/maps'>See them on a map</a></li><li><a href='/app'>Get the app</a>"
        "</li></ul></div>"
        + "".join(
            f"<div class='listicle-slide'>{entries(1, f'bakery {n}')}</div>" for n in range(count)
        )
        + "</div></section></body></html>"
    )


def test_a_listicle_whose_entries_are_slides_is_kept() -> None:
    """Each entry sits in a `div.listicle-slide`, which trafilatura deletes as a slideshow's."""
    text = extract_article(slides(), url=URL).text
    assert text.count("cardamom buns") == 8


def test_a_carousel_of_teasers_after_a_story_stays_out() -> None:
    """Slides holding no prose (a carousel of other stories' teasers) are left to trafilatura."""
    carousel = "".join(
        f"<div class='slide'><h3>Other story {n}</h3><p>A teaser of a few words.</p></div>"
        for n in range(8)
    )
    html = listicle("page-list").replace("</section>", f"</section>{carousel}")
    text = extract_article(html, url=URL).text
    assert "The bakery number 8 bakes its rye" in text
    assert "A teaser of a few words." not in text


STORY = "".join(
    f"<p>Step {n} of moving house is the one most people leave too late, and the movers we "
    "asked all said the same thing about it when we called them this spring.</p>"
    for n in range(1, 6)
)


def story_with(embed: str) -> str:
    return (
        "<html><head><title>How to move house</title></head><body><article>"
        f"<h1>How to move house</h1><div class='entry-content'>{STORY}{embed}"
        "<p>Book the van early.</p></div></article></body></html>"
    )


def test_a_paragraph_in_an_embed_block_is_story() -> None:
    """A CMS's embed block (a callout, a review of a mover) holding a paragraph of prose."""
    embed = (
        "<div class='mover-profile embed'><h2>Harbour Movers</h2><p>Harbour Movers packs a "
        "two-bedroom flat in a day and insures every box it carries, which is why it tops our "
        "list of the movers we tried this year.</p></div>"
    )
    text = extract_article(story_with(embed), url=URL).text
    assert "Harbour Movers packs a two-bedroom flat" in text


def test_a_post_in_an_embed_block_stays_out() -> None:
    """A social-media post's text sits in a `<blockquote>`: the embed stays out."""
    embed = (
        "<div class='social-embed'><blockquote class='social-post'><p>Moving day again! Forty "
        "boxes, one van, two cats who hate all of it, and a sofa that will not fit through the "
        "door of the new flat #movingday</p></blockquote></div>"
    )
    text = extract_article(story_with(embed), url=URL).text
    assert "Forty boxes" not in text
    assert "Book the van early." in text


def test_a_quotation_in_a_figure_is_story() -> None:
    """`<figure><blockquote>...</blockquote><figcaption>who said it</figcaption></figure>`."""
    quote = (
        "<figure class='quote'><blockquote><p>Nobody regrets packing the kitchen last; "
        "everybody regrets packing it first.</p></blockquote>"
        "<figcaption>Ana Ruiz, Harbour Movers</figcaption></figure>"
    )
    text = extract_article(story_with(quote), url=URL).text
    assert "Nobody regrets packing the kitchen last" in text


def test_a_post_in_a_figure_stays_out() -> None:
    """A post embedded in a figure (its script loads it, or its frame says embed) stays out."""
    for frame in ("<figure>", "<figure class='wp-block-embed'>"):
        post = (
            f"{frame}<blockquote class='social-post'><p>Moving day again! Forty boxes and two "
            "cats.</p></blockquote><script src='https://social.example/widgets.js'></script>"
            "</figure>"
        )
        text = extract_article(story_with(post), url=URL).text
        assert "Forty boxes" not in text
        assert "Book the van early." in text


FOLDED = (
    "<p>The van's tail lift carries up to three hundred kilos, enough for a washing machine, "
    "a fridge and the sofa at once, though never all of them on a wet ramp.</p>"
)


def test_a_panel_a_closed_disclosure_button_opens_is_story() -> None:
    """`<button aria-expanded="false">` opens the hidden panel after its heading, or the
    one its `aria-controls` names."""
    for button, panel in (
        ("<button aria-expanded='false'>How much it lifts</button>", "<div aria-hidden='true'>"),
        (
            "<button aria-expanded='false' aria-controls='lift'>How much it lifts</button>",
            "<div id='lift' style='display: none'>",
        ),
    ):
        section = f"<div class='section'><h3>{button}</h3>{panel}{FOLDED}</div></div>"
        text = extract_article(story_with(section), url=URL).text
        assert "The van's tail lift carries up to three hundred kilos" in text


def test_a_hidden_element_no_button_opens_stays_hidden() -> None:
    section = (
        f"<div class='section'><h3>How much it lifts</h3><div aria-hidden='true'>{FOLDED}</div>"
        "</div>"
    )
    text = extract_article(story_with(section), url=URL).text
    assert "tail lift" not in text
    assert "Book the van early." in text


def test_the_text_after_an_image_frame_in_a_paragraph_is_kept() -> None:
    """`<p><span><img></span>Text...`: the precise pass deleted the emptied frame and, with
    it, the paragraph's first sentence."""
    framed = (
        "<p><span class='lazy-frame' style='display: block'><img src='/van.jpg' alt=''></span>"
        "Most vans come with a trolley. Ask for straps too, as most firms lend them for free "
        "when you book a full day with a driver.</p>"
    )
    text = extract_article(story_with(framed), url=URL).text
    assert "Most vans come with a trolley." in text


def test_a_space_of_its_own_between_words_stays() -> None:
    """An element holding only a space is no empty frame: the words around it stay apart."""
    spaced = (
        "<p><strong>Straps</strong><span> </span>are lent for free by most firms when you book "
        "a full day with a driver, and a trolley is usually included in the price.</p>"
    )
    text = extract_article(story_with(spaced), url=URL).text
    assert "Straps are lent for free" in text


def test_text_pasted_with_a_border_box_style_is_kept() -> None:
    """Half a sentence in `<span style="box-sizing: border-box">` (pasted from another page)."""
    pasted = (
        "<p><span style='box-sizing: border-box; margin: 0px;'>Other movers we asked quoted "
        "twice as much for the same flat</span> and took a week longer to pack it.</p>"
    )
    text = extract_article(story_with(pasted), url=URL).text
    assert "Other movers we asked quoted twice as much" in text


def test_a_box_with_a_border_stays_out() -> None:
    box = (
        "<div style='border: 1px solid #ccc'><p>Download our free moving checklist and get "
        "a discount code for boxes from our partner shops.</p></div>"
    )
    text = extract_article(story_with(box), url=URL).text
    assert "moving checklist" not in text
    assert "Book the van early." in text


def faq(wrapper: str, style: str = "") -> str:
    answers = "".join(
        f"<div class='accordion-pane'><h3>Question {n}</h3><div class='accordion-panel'><p>Answer "
        f"{n}: the movers carry the boxes down the stairs themselves, and the price they quote "
        "already covers the stairs, the lift and the parking permit.</p></div></div>"
        for n in range(1, 4)
    )
    return f"<div class='{wrapper}' style='{style}'>{answers}</div>"


def test_an_accordion_named_by_its_icon_style_is_story() -> None:
    """`div.accordion-wrap.accordion-icon-style-arrow`: '-icon' names it boilerplate."""
    html = story_with(faq("accordion-wrap accordion-icon-style-arrow"))
    text = extract_article(html, url=URL).text
    assert "Answer 3: the movers carry the boxes" in text


def test_an_accordion_among_widgets_is_left_as_it_is() -> None:
    """On a page whose every block says 'widget', unnaming the accordion alone would let
    trafilatura delete the other widgets, the story."""
    steps = "".join(
        f"<div class='widget'><p>Step {n} of moving house is the one most people leave too "
        "late, and the movers we asked all said the same thing about it this spring.</p></div>"
        for n in range(1, 6)
    )
    html = (
        "<html><head><title>How to move house</title></head><body><article>"
        f"<h1>How to move house</h1><div class='entry-content'>{steps}"
        f"{faq('accordion-wrap accordion-icon-style-arrow')}</div></article></body></html>"
    )
    text = extract_article(html, url=URL).text
    assert "Step 5 of moving house" in text


def test_an_accordion_drawn_as_a_box_is_story() -> None:
    """An accordion block with `style="border: 1px solid"`, which the precise pass deletes as
    a box beside the story; a bordered box that is no accordion stays out (above)."""
    html = story_with(faq("accordion-block", style="border: 1px solid #cccccc"))
    text = extract_article(html, url=URL).text
    assert "Answer 3: the movers carry the boxes" in text
