"""The `newsdesk` command: a thin click layer over crawler/app/api.py, one module per command."""

from __future__ import annotations

import click

from crawler import __version__
from crawler.app.cli import archive
from crawler.app.cli.crawl import crawl, show_settings
from crawler.app.cli.feeds import feeds
from crawler.app.cli.fetch import fetch
from crawler.app.cli.reextract import reextract
from crawler.app.cli.scaleout import feeds_push, ingest
from crawler.app.cli.serve import serve_archive


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="newsdesk")
def cli() -> None:
    """newsdesk: news feeds in, clean articles in a SQLite archive out."""


for command in (
    crawl,
    fetch,
    feeds,
    show_settings,
    serve_archive,
    ingest,
    reextract,
    *archive.COMMANDS,
):
    cli.add_command(command)
feeds.add_command(feeds_push)
