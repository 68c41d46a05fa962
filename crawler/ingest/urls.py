"""URL normalisation: one spelling per story, whatever link led to it."""

from __future__ import annotations

from urllib.parse import urldefrag, urlsplit

from courlan import normalize_url as _courlan_normalize


def normalize_url(url: str) -> str:
    """Lower-case scheme and host, drop default port, fragment and tracking parameters
    (utm_*, fbclid, gclid, ...), sort the query. Unparseable URLs come back unchanged."""
    try:
        return urldefrag(_courlan_normalize(url, strict=False)).url
    except ValueError:
        return url


def is_http_url(url: str) -> bool:
    parts = urlsplit(url)
    return parts.scheme in ("http", "https") and bool(parts.netloc)
