"""Kept pages: each article's raw page, compressed, so a better extractor can run on it later.

zstd when the running Python has it (`compression.zstd` in 3.14, else the `backports.zstd` or
`zstandard` package), else gzip from the standard library. Each row names its codec, so an
archive written with one reads back with the other installed.
"""

from __future__ import annotations

import gzip
from collections.abc import Callable
from types import ModuleType
from typing import TypedDict

ZSTD_LEVEL = 3  # zstd's default: on news pages, gzip -6's size in a sixth of its time
GZIP_LEVEL = 6


class KeptPage(TypedDict):
    """A page as the archive keeps it (a row of `pages`, less the article it belongs to)."""

    url: str
    encoding: str
    codec: str  # "zstd" or "gzip"
    size: int  # bytes before compression
    body: bytes  # compressed


def _zstd() -> ModuleType | None:
    for name in ("compression.zstd", "backports.zstd", "zstandard"):
        try:
            return __import__(name, fromlist=["compress"])
        except ImportError:
            continue
    return None


ZSTD = _zstd()
CODEC = "zstd" if ZSTD is not None else "gzip"  # what new pages are written with


def _zstd_compress(data: bytes) -> bytes:
    assert ZSTD is not None
    if ZSTD.__name__ == "zstandard":
        return bytes(ZSTD.ZstdCompressor(level=ZSTD_LEVEL).compress(data))
    return bytes(ZSTD.compress(data, level=ZSTD_LEVEL))


def _zstd_decompress(data: bytes) -> bytes:
    if ZSTD is None:
        raise ValueError("this page was kept with zstd; install backports.zstd to read it")
    if ZSTD.__name__ == "zstandard":
        return bytes(ZSTD.ZstdDecompressor().decompress(data))
    return bytes(ZSTD.decompress(data))


COMPRESS: dict[str, Callable[[bytes], bytes]] = {
    "zstd": _zstd_compress,
    "gzip": lambda data: gzip.compress(data, GZIP_LEVEL, mtime=0),
}
DECOMPRESS: dict[str, Callable[[bytes], bytes]] = {
    "zstd": _zstd_decompress,
    "gzip": gzip.decompress,
}


def keep_page(url: str, body: bytes, encoding: str, codec: str = CODEC) -> KeptPage:
    """A page's raw bytes, compressed with `codec`, ready for `Archive.upsert_articles`."""
    return {
        "url": url,
        "encoding": encoding,
        "codec": codec,
        "size": len(body),
        "body": COMPRESS[codec](body),
    }


def page_body(codec: str, body: bytes) -> bytes:
    """The raw bytes of a kept page."""
    try:
        return DECOMPRESS[codec](body)
    except KeyError:
        raise ValueError(f"unknown page codec {codec!r}; expected zstd or gzip") from None
