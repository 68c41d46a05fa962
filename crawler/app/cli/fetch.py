"""`newsdesk fetch`: store article pages now."""

from __future__ import annotations

import json
import sys
from typing import Any

import click

from crawler.app.cli.common import (
    EXIT_PARTIAL,
    make_plain_settings,
    make_settings,
    run,
    settings_options,
)
from storage import Archive


@click.command()
@click.argument("urls", nargs=-1, required=True, metavar="URL [URL ...]")
@click.option("--json", "as_json", is_flag=True, help="Print the stored articles as JSON.")
@settings_options
def fetch(urls: tuple[str, ...], as_json: bool, **options: Any) -> None:
    """Fetch article pages now and store them (robots.txt is obeyed).

    \b
    Example:
        newsdesk fetch https://example.org/2025/story.html --db archive.db --json
    """
    from crawler.app import direct

    if len(urls) <= direct.MAX_URLS:  # a person waiting: no Scrapy start-up (crawler/app/direct.py)
        plain = make_plain_settings(**options)
        db = plain["NEWSDESK_DB"]
        result = run(lambda: direct.fetch_urls(plain, list(urls)))
    else:
        from crawler.app import api

        settings = make_settings(**options)
        db = settings["NEWSDESK_DB"]
        result = run(lambda: api.fetch_urls(settings, list(urls)))
    for failure in result.failures:
        click.echo(f"not stored: {failure.url}: {failure.reason}", err=True)
    if as_json:
        archive = Archive(db)
        rows = [archive.article_by_url(s.canonical_url) for s in result.stored]
        archive.close()
        click.echo(json.dumps([r for r in rows if r], indent=2, ensure_ascii=False))
    if len(result.stored) < len(urls):
        sys.exit(EXIT_PARTIAL)
