"""The precise pass reads the page without what trafilatura's cleaning deletes anyway: the same
body, from a tree half the size."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest
import trafilatura
from lxml.etree import tostring
from lxml.html import HtmlElement

from crawler.extraction.chrome import without_chrome
from crawler.extraction.extract import extract_article, main_text
from crawler.extraction.parse import parse_page

AEB = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "aeb-dev" / "html"
PAGE = """<html><head><title>Pontoon</title>
<script type="application/ld+json">{"@type": "NewsArticle"}</script>
<script>var tracking = 1;</script></head><body>
<nav><a href="/">Home</a><a href="/news">News</a></nav>
<div class="infinite-scroll"><aside><h1>Pontoon to be rebuilt</h1></aside>
<article><p>The harbour board voted on Tuesday to rebuild the north pontoon.</p>
<svg><path d="M0 0"/></svg>after the icon
<p>Work starts in the spring, the chair said, and ends before the summer season.</p></article></div>
<footer>Follow us <button>Share</button></footer></body></html>"""


def precise_body(tree: HtmlElement, url: str) -> bytes | None:
    """trafilatura's precise fast pass over the whole tree, as newsdesk asks for it."""
    doc = trafilatura.bare_extraction(
        tree, url=url, fast=True, favor_precision=True, include_comments=False,
        include_tables=True, with_metadata=False, output_format="txt",
    )  # fmt: skip
    return None if doc is None else tostring(doc.body)


def test_chrome_goes_and_the_page_stays() -> None:
    tree = parse_page(PAGE)
    assert tree is not None
    before = tostring(tree)
    lean = without_chrome(tree)
    assert tostring(tree) == before  # a copy: the page itself is untouched
    assert [e.tag for e in lean.iter("nav", "footer", "button", "svg", "path")] == []
    scripts = lean.findall(".//script")
    assert [s.get("type") for s in scripts] == ["application/ld+json"]  # a forum thread's sign
    assert lean.find(".//aside/h1") is not None  # a headline keeps its container
    assert "after the icon" in lean.text_content()  # the text after a deleted element stays


def test_the_precise_body_is_the_same() -> None:
    tree = parse_page(PAGE)
    assert tree is not None
    body = main_text(tree, "https://example.org/2026/01/05/pontoon", fast=True, focus="precision")
    assert body is not None and b"north pontoon" in tostring(body)
    assert tostring(body) == precise_body(tree, "https://example.org/2026/01/05/pontoon")


def test_the_precise_body_is_the_same_on_real_pages() -> None:
    if not AEB.is_dir():
        pytest.skip(f"no aeb-dev pages at {AEB}")
    for path in sorted(AEB.glob("*.html.gz"))[:40]:
        tree = parse_page(gzip.decompress(path.read_bytes()))
        assert tree is not None
        url = "https://example.org/news/story.html"
        body = main_text(tree, url, fast=True, focus="precision")
        assert (None if body is None else tostring(body)) == precise_body(tree, url), path.name


CODE_PAGE = """<html><head><title>Locking down a home server</title></head><body><article>
<h1>Locking down a home server</h1>
<p>Once the server answered on the right address, I turned to its firewall, which I have kept
as unexciting as I could: nothing comes in unless I asked for it, and everything may go out.</p>
<div class="highlight"><pre><span></span>sudo<span class="w"> </span>ufw\
<span class="w"> </span>default<span class="w"> </span>deny<span class="w"> </span>incoming
</pre></div>
<p>Then I let the mesh network in, so that the dashboards can be reached from my laptop only,
wherever it is, and from no other machine on the internet, whatever it tries.</p>
<div class="highlight"><pre><span></span>curl<span class="w"> </span>-fsSL<span class="w"> </span>\
https://mesh.example/install.sh
</pre></div>
<p>The last step was the one I had put off for weeks: a backup of the models, kept on a disk
in another room, in case the first disk fails on the morning I need it the most.</p>
</article></body></html>"""


def test_a_highlighted_code_block_keeps_its_first_word() -> None:
    """Pygments opens each block with an empty <span>; precision's pruning of empty elements
    would delete the code after it with it."""
    art = extract_article(CODE_PAGE, url="https://example.org/2026/01/05/home-server")
    assert "sudo ufw default deny incoming" in art.text
    assert "curl -fsSL https://mesh.example/install.sh" in art.text


def test_an_empty_element_outside_code_stays() -> None:
    """Outside a code block, an empty element and the words after it are left to trafilatura
    (an icon before a share button's label goes with it)."""
    share = '<p class="share"><i class="icon"></i>Share this story</p>'
    page = CODE_PAGE.replace("<h1>", f"{share}<h1>")
    tree = parse_page(page)
    assert tree is not None
    lean = without_chrome(tree)
    assert lean.find(".//p[@class='share']/i") is not None
    assert lean.find(".//pre/span") is not None  # a code block's spans with text stay
    assert lean.xpath("//pre//span[not(node())]") == []


STANDFIRST = (
    "When it comes to choosing a rowing boat, it is worth knowing what a family boat asks of "
    "its crew, and what it gives back."
)


def header_page(header: str) -> str:
    """A story long enough for the precise pass alone, under `header`."""
    days = "".join(
        f"<p>On day {day} we rowed the boats on the estuary, in every weather the harbour had, "
        "and carried each from the slipway to the car park and back; the lighter boats won on "
        "the slipway and lost in the cross wind, where the heavier ones held their line.</p>"
        for day in range(1, 7)
    )
    return (
        "<html><head><title>Choosing a rowing boat</title></head><body>"
        f"{header}<div class='wrap'><div class='copy'>{days}</div></div></body></html>"
    )


def test_an_article_header_s_standfirst_is_kept() -> None:
    """Precision discards every <header>; an article's holds its headline and standfirst."""
    page = header_page(
        f"<header class='top'><h1>Choosing a rowing boat</h1><p>{STANDFIRST}</p></header>"
    )
    text = extract_article(page, url="https://example.org/2026/01/05/rowing-boats").text
    assert STANDFIRST in text


def test_a_page_header_with_a_menu_stays_out() -> None:
    """A header holding the site's menu is the page's, whatever prose it holds (a tagline)."""
    menu = "<nav><ul><li><a href='/'>Home</a></li><li><a href='/boats'>Boats</a></li></ul></nav>"
    page = header_page(f"<header>{menu}<p>{STANDFIRST}</p></header>")
    text = extract_article(page, url="https://example.org/2026/01/05/rowing-boats").text
    assert "On day 2 we rowed the boats" in text
    assert STANDFIRST not in text


PLANTS = ("Velvet Calathea", "Chinese Evergreen", "Swiss Cheese Vine", "Iron Cross Begonia")


def plants_page(entry: str) -> str:
    """A story whose entries sit in a table, each cell opening with `entry` (formatted with
    the plant's name and slug), then a teaser of another story within it."""
    rows = "".join(
        f"<tr><td>{entry.format(name=name, slug=name.lower().replace(' ', '-'))}"
        f"<p>{name} grows well in low to medium light: it is a tropical plant grown for its "
        "leaves, and it wants its soil moist but never wet, and a room that stays warm.</p>"
        "</td></tr>"
        for name in PLANTS
    )
    intro = "".join(
        f"<p>Part {n}: a north window, a dark hallway or an office lit by lamps all day can "
        "still hold a plant, if the plant comes from the floor of a forest.</p>"
        for n in range(1, 4)
    )
    return (
        "<html><head><title>Plants for dark rooms</title></head><body><article>"
        f"<h1>Plants for dark rooms</h1>{intro}<table>{rows}</table>"
        "<div><h3><a href='/plants/ferns'>Ferns for bathrooms</a></h3>"
        "<p>A fern wants what a bathroom has: steam, shade and a window it never sees.</p>"
        f"</div>{intro.replace('Part', 'Step')}</article></body></html>"
    )


def test_a_table_cell_s_linked_heading_is_kept() -> None:
    """An entry's name, a heading linking to the entry's page, stays in its row."""
    entry = "<h3><a href='/plants/{slug}'>{name}</a></h3>"
    text = extract_article(plants_page(entry), url="https://example.org/2026/01/05/dark").text
    for name in PLANTS:
        assert f"{name} {name} grows well" in text


def test_a_linked_heading_outside_a_table_stays_a_heading() -> None:
    """Only a table cell's linked heading is read as bold text: a teaser's headline elsewhere
    is left to precision."""
    tree = parse_page(plants_page("<h3><a href='/plants/{slug}'>{name}</a></h3>"))
    assert tree is not None
    lean = without_chrome(tree)
    assert [h.text_content() for h in lean.iter("h3")] == ["Ferns for bathrooms"]
    assert [s.text_content() for s in lean.iter("strong")] == list(PLANTS)
