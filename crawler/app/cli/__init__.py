"""The `newsdesk` command: a thin click layer over crawler/app/api.py."""

from __future__ import annotations

import functools
import json
import logging
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import click

from crawler import __version__
from crawler.app.config import ConfigError, build_settings, effective, plain_settings
from crawler.policy.runs import RunResult, UsageError, check_urls
from crawler.policy.schedule import ScheduleError, parse_duration
from storage import Archive, StorageError

if TYPE_CHECKING:
    from scrapy.settings import Settings

    from crawler.app.config import PlainSettings

# Exit codes (documented in the README).
EXIT_OK = 0
EXIT_ERROR = 1  # a user mistake or an archive newsdesk cannot use; one line on stderr
EXIT_USAGE = 2  # click's own: unknown option, missing argument
EXIT_PARTIAL = 3  # the run finished, but a URL was not stored or no feed could be read
EXIT_BUSY = 4  # another crawl is running on this archive (see --wait)
EXIT_STOPPED = 5  # --max-runtime stopped the crawl; the next run fetches the rest

LOG_LEVELS = {0: "WARNING", 1: "INFO", 2: "DEBUG"}
# What the CLI changes of crawler/components/settings.py (for `scrapy crawl`): quieter, with
# logger names.
COMMAND_DEFAULTS = {
    "LOG_LEVEL": "WARNING",
    "LOG_FORMAT": "%(asctime)s %(levelname)s %(name)s: %(message)s",
    "LOG_DATEFORMAT": "%Y-%m-%d %H:%M:%S",  # Scrapy's own, for fetch's direct path too
}


def settings_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """Options every crawling command shares: --db --config --user-agent --delay -s -v."""
    decorators = [
        click.option("--db", help="Archive file [default: news.db; env NEWSDESK_DB]."),
        click.option(
            "--config",
            "config_file",
            type=click.Path(dir_okay=False),
            help="TOML config file (see README).",
        ),
        click.option("--user-agent", help="User-Agent header [env NEWSDESK_USER_AGENT]."),
        click.option("--delay", type=float, help="Seconds between requests to one site."),
        click.option(
            "-s",
            "--set",
            "overrides",
            multiple=True,
            metavar="NAME=VALUE",
            help="Any Scrapy or NEWSDESK_* setting; may repeat.",
        ),
        click.option("-v", "--verbose", count=True, help="More log lines (-vv for debug)."),
    ]
    return functools.reduce(lambda f, d: d(f), reversed(decorators), command)


def option_layers(
    config_file: str | None,
    db: str | None,
    user_agent: str | None,
    delay: float | None,
    overrides: tuple[str, ...],
    verbose: int = 0,
) -> dict[str, Any]:
    """The `settings_options` of a command as crawler/app/config.py's layers."""
    flags = {"db": db, "user_agent": user_agent, "delay": delay}
    flags["log_level"] = LOG_LEVELS[min(verbose, 2)] if verbose else None
    return {
        "config_file": config_file,
        "flags": flags,
        "overrides": overrides,
        "command_defaults": COMMAND_DEFAULTS,
    }


def make_settings(**options: Any) -> Settings:
    """Scrapy settings, for the commands that crawl."""
    try:
        return build_settings(**option_layers(**options))
    except ConfigError as exc:
        raise click.ClickException(str(exc)) from exc


def make_plain_settings(**options: Any) -> PlainSettings:
    """The same settings as plain values, for the commands that do not start Scrapy."""
    try:
        return plain_settings(**option_layers(**options))
    except ConfigError as exc:
        raise click.ClickException(str(exc)) from exc


def run(action: Callable[[], RunResult]) -> RunResult:
    """Run an API call, turning our exceptions into one clear line."""
    try:
        return action()
    except (UsageError, StorageError, ConfigError, ScheduleError) as exc:
        raise click.ClickException(str(exc)) from exc


@click.group()
@click.version_option(__version__, prog_name="newsdesk")
def cli() -> None:
    """newsdesk: news feeds in, clean articles in a SQLite archive out."""


def duration(ctx: click.Context, param: click.Parameter, value: str | None) -> int | None:
    """Seconds from "600", "90s", "10m" or "2h"."""
    try:
        return None if value is None else parse_duration(value)
    except ScheduleError as exc:
        raise click.BadParameter(str(exc)) from exc


@cli.command()
@click.option(
    "--feed",
    "feeds",
    multiple=True,
    metavar="URL",
    help="Poll this feed when due (and remember it); may repeat. Default: every remembered feed.",
)
@click.option("--all", "every_feed", is_flag=True, help="Poll every feed now, due or not.")
@click.option("--wait", is_flag=True, help="Wait for a running crawl of this archive to end.")
@click.option(
    "--max-runtime",
    callback=duration,
    metavar="DURATION",
    help="Stop cleanly after this long, --wait included (e.g. 600, 10m); the next run "
    "fetches the rest.",
)
@settings_options
def crawl(
    feeds: tuple[str, ...], every_feed: bool, wait: bool, max_runtime: int | None, **options: Any
) -> None:
    """Poll the feeds that are due and store the new and revised articles they link to.

    Feeds are fetched with conditional requests and polled on their own schedule; archived
    articles are fetched again only when their feed says they changed or a revision check is
    due. One crawl per archive at a time. Exit codes: 0 done, 1 error, 3 no feed could be
    read, 4 another crawl is running, 5 stopped by --max-runtime.

    \b
    Example:
        newsdesk feeds add https://example.org/rss.xml
        newsdesk crawl
        newsdesk crawl --feed https://example.org/rss.xml --db archive.db --all
        newsdesk crawl --max-runtime 10m --wait
    """
    from crawler.app import api  # Scrapy loads only for the commands that crawl
    from crawler.policy.lock import ArchiveBusy

    settings = make_settings(**options)
    try:
        result = run(
            lambda: api.crawl_feeds(
                settings,
                list(feeds) or None,
                every_feed=every_feed,
                wait=wait,
                max_runtime=max_runtime,
            )
        )
    except ArchiveBusy as exc:
        click.echo(f"Error: {exc}", err=True)
        sys.exit(EXIT_BUSY)
    click.echo(f"newsdesk crawl: {summary(result)} -> {settings.get('NEWSDESK_DB')}", err=True)
    sys.exit(result.exit_code)


def summary(result: RunResult) -> str:
    """The one line a crawl prints, from its `crawl_runs` counters."""
    c = result.counts
    if result.status == "nothing due":
        return f"nothing due; next feed poll at {result.next_poll} (--all polls now)"
    line = (
        f"{c['feeds_polled']} feeds polled ({c['feeds_failed']} failed), "
        f"{c['feeds_unchanged']} unchanged; articles: {c['articles_new']} new, "
        f"{c['articles_updated']} updated, {c['articles_unchanged']} unchanged, "
        f"{c['articles_skipped']} already archived; {c['failures']} failures"
    )
    if result.status == "stopped":
        line += "; stopped by --max-runtime"
    elif result.status == "aborted":
        line += f"; stopped early ({result.stats.get('finish_reason')})"
    return line


@cli.command()
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


@cli.group()
def feeds() -> None:
    """Remember, list and forget feeds."""


def archive_option(command: Callable[..., Any]) -> Callable[..., Any]:
    return click.option(
        "--db",
        envvar="NEWSDESK_DB",
        default="news.db",
        show_default=True,
        help="Archive file [env NEWSDESK_DB].",
    )(command)


def open_archive(db: str) -> Archive:
    try:
        return Archive(db)
    except StorageError as exc:
        raise click.ClickException(str(exc)) from exc


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


@cli.command("settings")
@settings_options
def show_settings(**options: Any) -> None:
    """Print the effective settings as JSON.

    \b
    Example:
        newsdesk settings --config newsdesk.toml -s DOWNLOAD_DELAY=2
    """
    click.echo(json.dumps(effective(make_plain_settings(**options)), indent=2))


@cli.command("serve")
@archive_option
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", type=click.IntRange(0, 65535), default=8001, show_default=True)
@click.option(
    "--metadata-path",
    is_flag=True,
    help="Print the path of the Datasette metadata file newsdesk ships, and exit.",
)
def serve_archive(db: str, host: str, port: int, metadata_path: bool) -> None:
    """Browse, search, read and chart the archive in Datasette (read-only).

    \b
    Example:
        newsdesk serve --db archive.db          # then open http://127.0.0.1:8001/news
        datasette news.db -m "$(newsdesk serve --metadata-path)"
    """
    from crawler.app import serve  # Datasette and uvicorn load only for this command

    if metadata_path:
        click.echo(serve.METADATA)
        return
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    try:
        serve.serve(db, host=host, port=port)
    except (StorageError, serve.ServeError) as exc:
        raise click.ClickException(str(exc)) from exc
