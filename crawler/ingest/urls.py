"""URL identity: one spelling per story, whatever link led to it, and never one for two stories.

Only parameters that track the visitor and never choose the page are dropped: the explicit list
below, matched without regard to case. Every other parameter is kept, since `?cid=101` and
`?cid=102`, or `?ref=55`, may well be different stories.
"""

from __future__ import annotations

from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

from courlan import normalize_url as _courlan_normalize

# Whole families: UTM (Google Analytics), Matomo, HubSpot ads.
TRACKING_PREFIXES = ("utm_", "mtm_", "hsa_")
TRACKING_PARAMETERS = frozenset(
    {
        # click ids of ad and social networks
        "fbclid", "gclid", "gclsrc", "dclid", "gbraid", "wbraid", "msclkid", "yclid", "ysclid",
        "twclid", "ttclid", "igshid", "igsh", "li_fat_id", "epik", "srsltid", "wickedid",
        "irclickid", "rb_clickid",
        # mail and marketing tools: Mailchimp, Marketo, HubSpot, Olytics, Vero, Adobe
        "mc_cid", "mc_eid", "mkt_tok", "_hsenc", "_hsmi", "__hstc", "__hssc", "__hsfp",
        "oly_anon_id", "oly_enc_id", "vero_id", "vero_conv", "s_cid",
        # Google Analytics cross-domain linking
        "_ga", "_gl",
        # Piwik campaigns
        "pk_campaign", "pk_kwd", "pk_keyword", "pk_source", "pk_medium", "pk_content",
    }
)  # fmt: skip


def is_tracking(name: str) -> bool:
    name = name.lower()
    return name in TRACKING_PARAMETERS or name.startswith(TRACKING_PREFIXES)


def normalize_url(url: str) -> str:
    """Lower-case scheme and host, drop the default port, the fragment and the tracking
    parameters, sort the others (blank and repeated values kept). Unparseable URLs come back
    unchanged.

    Scheme, host and path are courlan's work, as before, so a URL whose parameters were all
    kept (or all tracking) keeps the key archives already hold it under.
    """
    try:
        parts = urlsplit(url)
        base = urlsplit(_courlan_normalize(urlunsplit((*parts[:3], "", "")), strict=False))
        pairs = parse_qsl(parts.query, keep_blank_values=True)
    except ValueError:
        return url
    kept = sorted((pair for pair in pairs if not is_tracking(pair[0])), key=lambda p: p[0])
    query = urlencode(kept)
    path = base.path or ("/" if query else "")
    return urlunsplit((base.scheme, base.netloc, path, query, ""))


def is_http_url(url: str) -> bool:
    """An http(s) URL with a host that a request can be made for: a port out of range or a
    broken IPv6 host (`http://[::1`) is not one."""
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 (raises ValueError for a port out of range or not a number)
    except ValueError:
        return False
    return parts.scheme in ("http", "https") and bool(parts.netloc)


def absolute_http_url(href: str, base: str) -> str | None:
    """`href` (a feed's or sitemap's link) made absolute against `base`, if it is an http(s)
    URL a request can be made for; None for `mailto:`, `file:` and links no URL parser reads."""
    try:
        url = urljoin(base, href.strip())
    except ValueError:
        return None
    return url if is_http_url(url) else None
