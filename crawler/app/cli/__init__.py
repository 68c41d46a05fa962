"""The `newsdesk` command: a thin click layer over crawler/app/api.py, one module per command.

Each command's module is imported only when that command runs (or `--help` lists them all): a
cold `newsdesk fetch URL` does not pay for the archive, feed and cluster commands' imports.
"""

from __future__ import annotations

import gc
import importlib
from typing import Any

import click

from crawler import __version__

# Command name: "module:attribute" under crawler.app.cli, in the order `--help` lists them.
COMMANDS = {
    "crawl": "crawl:crawl",
    "fetch": "fetch:fetch",
    "feeds": "feeds:feeds",
    "settings": "crawl:show_settings",
    "serve": "serve:serve_archive",
    "ingest": "scaleout:ingest",
    "reextract": "reextract:reextract",
    "status": "archive:status",
    "runs": "archive:runs",
    "failures": "archive:failures",
    "search": "archive:search",
    "show": "archive:show",
    "export": "archive:export",
}


class LazyGroup(click.Group):
    """A group whose commands are imported when first asked for (click's documented recipe)."""

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        """Run as the `newsdesk` process (click's test runner calls `main` instead). On the way
        out, every object is frozen out of the garbage collector: Python's last collections at
        exit would otherwise walk everything trafilatura and newsdesk loaded, about 0.2 s of a
        one-page `fetch`. atexit handlers still run, and newsdesk has closed its archive and
        files by then."""
        try:
            return self.main(*args, **kwargs)
        finally:
            gc.freeze()

    def list_commands(self, ctx: click.Context) -> list[str]:
        return list(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in COMMANDS:
            return None
        module, attribute = COMMANDS[cmd_name].split(":")
        command = getattr(importlib.import_module(f"{__name__}.{module}"), attribute)
        assert isinstance(command, click.Command), COMMANDS[cmd_name]
        return command


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="newsdesk")
def cli() -> None:
    """newsdesk: news feeds in, clean articles in a SQLite archive out."""
