"""What the commands share: exit codes, settings options, one-line errors, the archive option."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

import click

from crawler.app.config import ConfigError, build_settings, plain_settings
from crawler.policy.runs import UsageError
from crawler.policy.schedule import ScheduleError, parse_duration
from storage import Archive, StorageError

if TYPE_CHECKING:
    from scrapy.settings import Settings

    from crawler.app.config import PlainSettings

T = TypeVar("T")

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


def run(action: Callable[[], T]) -> T:
    """Run an API call, turning our exceptions into one clear line."""
    try:
        return action()
    except (UsageError, StorageError, ConfigError, ScheduleError) as exc:
        raise click.ClickException(str(exc)) from exc


def duration(ctx: click.Context, param: click.Parameter, value: str | None) -> int | None:
    """Seconds from "600", "90s", "10m" or "2h"."""
    try:
        return None if value is None else parse_duration(value)
    except ScheduleError as exc:
        raise click.BadParameter(str(exc)) from exc


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
