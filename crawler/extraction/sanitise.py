"""The HTML a reader may see: the tags and attributes of a story, nothing that runs."""

from __future__ import annotations

import nh3

SAFE_TAGS = {
    "p",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "blockquote",
    "ul",
    "ol",
    "li",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
    "b",
    "strong",
    "i",
    "em",
    "u",
    "br",
    "hr",
    "pre",
    "code",
    "a",
    "img",
    "figure",
    "figcaption",
    "sub",
    "sup",
    "del",
    "ins",
}
SAFE_ATTRIBUTES = {"a": {"href", "title"}, "img": {"src", "alt", "title"}}


def sanitise_html(html: str) -> str:
    """Keep the tags and attributes a reader needs; drop scripts, handlers, style, `javascript:`."""
    return nh3.clean(
        html,
        tags=SAFE_TAGS,
        attributes=SAFE_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow",
    )
