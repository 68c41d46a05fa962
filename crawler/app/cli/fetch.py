"""`newsdesk fetch`: store article pages now."""

from __future__ import annotations

import json
import sys
from typing import Any

import click

from crawler.app.cli.common import EXIT_PARTIAL, LOG_LEVELS, run, settings_options
from crawler.app.config import OPTIONS, parse_overrides


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
    config_file: str | None,
    db: str | None,
    user_agent: str | None,
    delay: float | None,
    overrides: tuple[str, ...],
    verbose: int,
) -> None:
    """Fetch article pages now and store them (robots.txt is obeyed).

    Prints one line per page stored (headline and URL) and one per page not stored, on
    stderr; --text or --json print the stories on stdout.

    \b
    Example:
        newsdesk fetch https://example.org/2025/story.html --db archive.db --text
        newsdesk fetch --html saved.html --url https://example.org/2025/story.html --json
    """
    from crawler.app import api  # Scrapy loads only if this fetch needs it

    flags = {"user_agent": user_agent, "delay": delay}
    flags["log_level"] = LOG_LEVELS[min(verbose, 2)] if verbose else None
    given = {OPTIONS[k]: v for k, v in flags.items() if v is not None}
    where: dict[str, Any] = {"db": db, "config_file": config_file}
    if html_file is not None or page_url is not None:
        if html_file is None or page_url is None or urls:
            raise click.UsageError("--html FILE and --url URL go together, without other URLs")
        urls = (page_url,)
        html = html_file.read()
        result = run(
            lambda: api.store_page(
                page_url, html, **where, settings=given | parse_overrides(overrides).values
            )
        )
    elif not urls:
        raise click.UsageError("give a URL to fetch, or --html FILE --url URL")
    else:
        result = run(
            lambda: api.fetch_urls(
                urls,
                **where,
                settings=given | parse_overrides(overrides).values,  # -s over the flags
            )
        )
        if verbose:
            how = f"through Scrapy ({result.why_scrapy})" if result.via == "scrapy" else "direct"
            click.echo(f"newsdesk fetch: downloaded {how}", err=True)
    for failure in result.failures:
        click.echo(f"not stored: {failure['url']}: {failure['reason']}", err=True)
    rows = result.articles
    for row in rows:
        click.echo(f"stored: {row['title'] or '(no headline)'}  {row['url']}", err=True)
    if as_json:
        click.echo(json.dumps(rows, indent=2, ensure_ascii=False))
    elif as_text:
        click.echo("\n\n".join(f"{r['title'] or '(no headline)'}\n\n{r['text']}" for r in rows))
    if len(rows) < len(urls):
        sys.exit(EXIT_PARTIAL)
