"""The `newsdesk` command: a thin click layer over crawler/app/api.py, one module per command.

Each command's module is imported only when that command runs (or `--help` lists them all): a
cold `newsdesk fetch URL` does not pay for the archive, feed and cluster commands' imports.
"""

from __future__ import annotations

import importlib

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
