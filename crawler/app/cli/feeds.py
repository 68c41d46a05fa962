"""`newsdesk feeds`: remember, list and forget feeds."""

from __future__ import annotations

import click

from crawler.app.cli.common import archive_option, open_archive
from crawler.policy.runs import UsageError, check_urls


@click.group()
def feeds() -> None:
    """Remember, list and forget feeds."""


@feeds.command("add")
@click.argument("urls", nargs=-1, required=True, metavar="URL [URL ...]")
@archive_option
def feeds_add(urls: tuple[str, ...], db: str) -> None:
    """Remember feeds so that `newsdesk crawl` polls them.

    \b
    Example:
        newsdesk feeds add https://example.org/rss.xml https://example.org/atom.xml
    """
    try:
        check_urls(list(urls))
    except UsageError as exc:
        raise click.ClickException(str(exc)) from exc
    added = open_archive(db).add_feeds(urls)
    click.echo(f"{added} feed(s) added, {len(urls) - added} already known", err=True)


@feeds.command("list")
@archive_option
def feeds_list(db: str) -> None:
    """List remembered feeds with their last poll and when they are next due.

    \b
    Example:
        newsdesk feeds list --db archive.db
    """
    for feed in open_archive(db).feeds():
        status = feed["last_status"] or "never polled"
        error = f" ({feed['last_error']})" if feed["last_error"] else ""
        due = f"next poll {feed['next_poll']}" if feed["next_poll"] else "due now"
        click.echo(f"{feed['url']}\t{status}{error}\t{feed['articles_found']} entries\t{due}")


@feeds.command("remove")
@click.argument("url")
@archive_option
def feeds_remove(url: str, db: str) -> None:
    """Forget a feed (its articles stay in the archive).

    \b
    Example:
        newsdesk feeds remove https://example.org/rss.xml
    """
    if not open_archive(db).remove_feed(url):
        raise click.ClickException(f"{url}: not a remembered feed (see `newsdesk feeds list`)")
