"""`newsdesk serve`: the archive in Datasette."""

from __future__ import annotations

import logging

import click

from crawler.app.cli.common import archive_options, one_line
from storage import StorageError


@click.command("serve")
@archive_options
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
    except StorageError as exc:
        raise one_line(exc) from exc
    except serve.ServeError as exc:
        raise click.ClickException(str(exc)) from exc
