"""What a robots.txt answer means for a site, per RFC 9309 (section 2.3.1), whichever downloader
fetched it: rules to parse (2xx, the first `PARSE_LIMIT` bytes at least), no rules (a 4xx: the
site has no robots.txt), or the site unreachable, which means "disallow everything" (a 5xx, a
429, or no answer at all)."""

from __future__ import annotations

import zlib
from enum import Enum

try:
    import brotli

    DECODE_ERRORS: tuple[type[Exception], ...] = (zlib.error, brotli.error)
except ImportError:  # Scrapy then neither asks for nor decodes `br`
    brotli = None
    DECODE_ERRORS = (zlib.error,)

# RFC 9309 2.5: a parsing limit, if any, must be at least 500 KiB.
PARSE_LIMIT = 500 * 1024
# RFC 9309 2.4: a cached robots.txt should not be used for more than 24 hours.
MAX_AGE = 24 * 3600


class Robots(Enum):
    RULES = "rules"  # parse the body
    ALLOW_ALL = "allow all"  # the site has no robots.txt
    UNREACHABLE = "unreachable"  # disallow everything until it can be read again


def robots_answer(status: int) -> Robots:
    """What a robots.txt answer with this status (after redirects) means. A 429 is read as a
    5xx: a site that limits us now does not want its pages fetched now either."""
    if 200 <= status < 300:
        return Robots.RULES
    if status == 429 or status >= 500:
        return Robots.UNREACHABLE
    return Robots.ALLOW_ALL  # 4xx, and a redirect without a target: "unavailable"


def within_limit(body: bytes, limit: int = PARSE_LIMIT) -> bytes:
    """The first `limit` bytes of a robots.txt, cut after the last whole line."""
    if len(body) <= limit:
        return body
    return body[: body.rfind(b"\n", 0, limit) + 1]


def decoded_prefix(body: bytes, encodings: list[str], limit: int = PARSE_LIMIT) -> bytes | None:
    """The first `limit` bytes (and one more, so that `within_limit` sees it was cut) of a
    robots.txt sent with these Content-Encodings, in the order they were applied, without
    inflating the rest: a body of 1 MB may hold 1 GB of gzipped zeros. None when an encoding
    is not one of these or the body does not decode."""
    for encoding in reversed(encodings):
        try:
            if encoding in ("gzip", "x-gzip"):
                body = zlib.decompressobj(wbits=47).decompress(body, limit + 1)  # gzip or zlib
            elif encoding == "deflate":
                body = _inflate(body, limit + 1)
            elif encoding == "br" and brotli is not None:
                body = brotli.Decompressor().process(body, output_buffer_limit=limit + 1)
            else:
                return None
        except DECODE_ERRORS:
            return None
        body = body[: limit + 1]
    return body


def _inflate(body: bytes, size: int) -> bytes:
    """Deflate as Scrapy reads it: zlib-wrapped, or raw as some servers send it."""
    try:
        return zlib.decompressobj().decompress(body, size)
    except zlib.error:
        return zlib.decompressobj(wbits=-15).decompress(body, size)
