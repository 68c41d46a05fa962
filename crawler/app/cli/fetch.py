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
@click.argument("urls", nargs=-1, metavar="URL [URL ...]")
@click.option("--json", "as_json", is_flag=True, help="Print the stored articles as JSON.")
@click.option(
    "--text", "as_text", is_flag=True, help="Print each stored story's headline and text."
)
@click.option(
    "--html",
    "html_file",
    type=click.File("rb"),
    help="Extract and store this saved page instead of downloading (give its --url).",
)
@click.option("--url", "page_url", help="With --html: the URL the saved page came from.")
@settings_options
def fetch(
    urls: tuple[str, ...],
    as_json: bool,
    as_text: bool,
    html_file: Any,
    page_url: str | None,
    **options: Any,
) -> None:
    """Fetch article pages now and store them (robots.txt is obeyed).

    Prints one line per page stored (headline and URL) and one per page not stored, on
    stderr; --text or --json print the stories on stdout.

    \b
    Example:
        newsdesk fetch https://example.org/2025/story.html --db archive.db --text
        newsdesk fetch --html saved.html --url https://example.org/2025/story.html --json
    """
    from crawler.app import direct

    if html_file is not None or page_url is not None:
        if html_file is None or page_url is None or urls:
            raise click.UsageError("--html FILE and --url URL go together, without other URLs")
        plain = make_plain_settings(**options)
        db = plain["NEWSDESK_DB"]
        urls = (page_url,)
        result = run(lambda: direct.store_saved(plain, page_url, html_file.read()))
    elif not urls:
        raise click.UsageError("give a URL to fetch, or --html FILE --url URL")
    elif (
        len(urls) <= direct.MAX_URLS
    ):  # a person waiting: no Scrapy start-up (crawler/app/direct.py)
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
    archive = Archive(db)
    rows = [r for s in result.stored if (r := archive.article_by_url(s.canonical_url))]
    archive.close()
    for row in rows:
        click.echo(f"stored: {row['title'] or '(no headline)'}  {row['url']}", err=True)
    if as_json:
        click.echo(json.dumps(rows, indent=2, ensure_ascii=False))
    elif as_text:
        click.echo("\n\n".join(f"{r['title'] or '(no headline)'}\n\n{r['text']}" for r in rows))
    if len(result.stored) < len(urls):
        sys.exit(EXIT_PARTIAL)
