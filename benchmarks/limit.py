"""The machine's limit for a crawl: extract the benchmark site's pages from memory, no network.

    python benchmarks/limit.py --articles 2000 --extractor trafilatura --processes 2

Builds each page of benchmarks/newssite.py in memory and extracts it in a pool of processes (one
per core by default): `trafilatura` runs `trafilatura.bare_extraction` with the options newsdesk
gives it, `newsdesk` runs newsdesk's own `extract_article`. Prints the number of pages extracted.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import sys
from pathlib import Path

import trafilatura

sys.path.insert(0, str(Path(__file__).resolve().parent))
from newssite import NewsSite, load_templates

from crawler.extraction.extract import ExtractionFailed, extract_article

SITE = NewsSite([], 0, 1, base="http://127.0.0.1")


def with_trafilatura(i: int) -> bool:
    doc = trafilatura.bare_extraction(
        SITE.article(i).decode(),
        url=SITE.article_url(i),
        with_metadata=True,
        include_comments=False,
        include_tables=True,
    )
    return doc is not None


def with_newsdesk(i: int) -> bool:
    try:
        extract_article(SITE.article(i).decode(), url=SITE.article_url(i))
    except ExtractionFailed:
        return False
    return True


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--articles", type=int, default=2000)
    parser.add_argument("--extractor", choices=("trafilatura", "newsdesk"), default="trafilatura")
    parser.add_argument("--processes", type=int, default=os.cpu_count() or 1)
    args = parser.parse_args()
    SITE.templates = load_templates()  # before the fork: the workers share them
    work = with_trafilatura if args.extractor == "trafilatura" else with_newsdesk
    with multiprocessing.get_context("fork").Pool(args.processes) as pool:
        extracted = sum(pool.imap_unordered(work, range(args.articles), chunksize=4))
    print(extracted)
    return 0


if __name__ == "__main__":
    sys.exit(main())
