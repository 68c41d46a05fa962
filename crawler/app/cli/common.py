"""What the commands share: exit codes, the settings and archive options, one-line errors.

A new command gets newsdesk's options with one decorator:

- `@archive_options` for a command that only uses the archive (`feeds list`, `serve`, `status`,
  ...): `--db`, `--config` and `-s`, and the command receives `db`, the archive's path after
  every layer. Open it with `open_archive(db)` to read (a missing archive is one line and exit 1,
  never a new empty file) or `open_archive(db, create=True)` to write.
- `@settings_options` for a command that fetches (`crawl`, `fetch`, `feeds add`, `settings`):
  the same plus `--user-agent`, `--delay` and `-v`; the command receives them as `**options`
  and gets its settings with `make_settings(**options)` (Scrapy's) or
  `make_plain_settings(**options)` (without Scrapy), or the typed `Config` with
  `load_layers(**options).config`.

Either way every layer (defaults < config file < NEWSDESK_* environment < flags < -s) is read
and checked once, before the command runs: a bad value is one line on stderr and exit 1, before
any network or write.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from crawler.app.config import ConfigError, Layers, load
from crawler.ingest.config import parse_duration
from crawler.policy.runs import UsageError
from storage import Archive, ArchiveMissing, StorageError

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
EXIT_SIGNALLED = 130  # Ctrl-C or SIGTERM stopped the crawl (128 + SIGINT, as shells report it)

LOG_LEVELS = {0: "WARNING", 1: "INFO", 2: "DEBUG"}
# What the CLI changes of crawler/components/settings.py (for `scrapy crawl`): quieter, with
# logger names.
COMMAND_DEFAULTS = {
    "LOG_LEVEL": "WARNING",
    "LOG_FORMAT": "%(asctime)s %(levelname)s %(name)s: %(message)s",
    "LOG_DATEFORMAT": "%Y-%m-%d %H:%M:%S",  # Scrapy's own, for fetch's direct path too
}
MISSING_HINT = "`newsdesk crawl` or `newsdesk feeds add` creates one"
# The options that become settings layers (parameters of `load_layers`), and where a command's
# layers are kept once read.
LAYER_OPTIONS = ("config_file", "db", "user_agent", "delay", "overrides", "verbose")
LAYERS_KEY = "newsdesk.layers"

DB_OPTION = click.option("--db", help="Archive file [default: news.db; env NEWSDESK_DB].")
CONFIG_OPTION = click.option(
    "--config",
    "config_file",
    type=click.Path(dir_okay=False),
    help="TOML config file (see README).",
)
SET_OPTION = click.option(
    "-s",
    "--set",
    "overrides",
    multiple=True,
    metavar="NAME=VALUE",
    help="Any Scrapy or NEWSDESK_* setting; may repeat.",
)


def load_layers(
    config_file: str | None = None,
    db: str | None = None,
    user_agent: str | None = None,
    delay: float | None = None,
    overrides: tuple[str, ...] = (),
    verbose: int = 0,
) -> Layers:
    """Every settings layer of a command, read and checked once (the decorators below do it
    before the command runs); a bad value is a `ClickException`."""
    given = (config_file, db, user_agent, delay, tuple(overrides), verbose)
    context = click.get_current_context(silent=True)
    known = context.meta.get(LAYERS_KEY) if context is not None else None
    if known is not None and known[0] == given:
        return known[1]  # type: ignore[no-any-return]
    flags = {"db": db, "user_agent": user_agent, "delay": delay}
    flags["log_level"] = LOG_LEVELS[min(verbose, 2)] if verbose else None
    try:
        layers = load(
            config_file=config_file,
            flags=flags,
            overrides=overrides,
            command_defaults=COMMAND_DEFAULTS,
        )
    except ConfigError as exc:
        raise click.ClickException(str(exc)) from exc
    if context is not None:
        context.meta[LAYERS_KEY] = (given, layers)
    return layers


def make_settings(**options: Any) -> Settings:
    """Scrapy settings from a command's `settings_options`, for the commands that crawl."""
    return load_layers(**options).scrapy_settings()


def make_plain_settings(**options: Any) -> PlainSettings:
    """The same settings as plain values, for the commands that do not start Scrapy."""
    return load_layers(**options).plain_settings()


def with_options(
    command: Callable[..., Any],
    options: list[Callable[[Any], Any]],
    hand_over: Callable[[dict[str, Any], Layers], dict[str, Any]],
) -> Callable[..., Any]:
    """`command` with click `options` whose values are the settings layers, read and checked
    before it runs; `hand_over(given, layers)` is what the command receives of them."""

    @functools.wraps(command)
    def checked_first(*args: Any, **kwargs: Any) -> Any:
        given = {name: kwargs.pop(name) for name in LAYER_OPTIONS if name in kwargs}
        return command(*args, **kwargs, **hand_over(given, load_layers(**given)))

    return functools.reduce(lambda f, option: option(f), reversed(options), checked_first)


def archive_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """`--db PATH`, `--config FILE` and `-s NAME=VALUE` for a command that uses the archive.

    The command receives `db`: the archive's path after every layer (defaults < config file <
    NEWSDESK_DB < --db < -s NEWSDESK_DB=...), all of them checked first. Open it with
    `open_archive(db)` to read or `open_archive(db, create=True)` to write.

    \b
        @feeds.command("list")
        @archive_options
        def feeds_list(db: str) -> None:
            archive = open_archive(db)
    """
    return with_options(
        command,
        [DB_OPTION, CONFIG_OPTION, SET_OPTION],
        lambda given, layers: {"db": layers.config.db_path},
    )


def settings_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """`--db`, `--config`, `--user-agent`, `--delay`, `-s NAME=VALUE` and `-v` for a command that
    fetches. Every layer is read and checked before the command runs; the command receives the
    options as they were given (`**options`) and gets its settings with
    `make_settings(**options)`, `make_plain_settings(**options)` or `load_layers(**options)`,
    which reuse what was read."""
    options = [
        DB_OPTION,
        CONFIG_OPTION,
        click.option("--user-agent", help="User-Agent header [env NEWSDESK_USER_AGENT]."),
        click.option("--delay", type=float, help="Seconds between requests to one site."),
        SET_OPTION,
        click.option("-v", "--verbose", count=True, help="More log lines (-vv for debug)."),
    ]
    return with_options(command, options, lambda given, layers: given)


# The name commands used before `archive_options` took --config and -s.
archive_option = archive_options


def open_archive(db: str, *, create: bool = False) -> Archive:
    """The archive at `db`; a missing one is created only with `create` (commands that write)."""
    try:
        return Archive(db, create=create)
    except StorageError as exc:
        raise one_line(exc) from exc


def one_line(exc: StorageError) -> click.ClickException:
    """The error a command exits with when the archive cannot be used."""
    if isinstance(exc, ArchiveMissing):
        return click.ClickException(f"{exc}; {MISSING_HINT}")
    return click.ClickException(str(exc))


def run(action: Callable[[], T]) -> T:
    """Run an API call, turning our exceptions into one clear line."""
    try:
        return action()
    except (UsageError, StorageError, ConfigError) as exc:
        raise click.ClickException(str(exc)) from exc


def process_age() -> float:
    """Seconds since this process started, which a command's --max-runtime counts from (Python's
    start and Scrapy's import take a second or two): from Linux's /proc, else 0."""
    try:
        stat = Path("/proc/self/stat").read_text()
        uptime = float(Path("/proc/uptime").read_text().split()[0])
    except (OSError, ValueError):
        return 0.0
    started = int(stat.rsplit(")", 1)[1].split()[19])  # field 22, in clock ticks after boot
    return max(0.0, uptime - started / os.sysconf("SC_CLK_TCK"))


def duration(ctx: click.Context, param: click.Parameter, value: str | None) -> int | None:
    """Seconds from "600", "90s", "10m" or "2h"."""
    try:
        return None if value is None else parse_duration(value)
    except ConfigError as exc:
        raise click.BadParameter(str(exc)) from exc
