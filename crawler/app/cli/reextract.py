"""`newsdesk reextract`: the current extractor over the pages the archive kept."""

from __future__ import annotations

import sqlite3
import sys
from pathlib import Path
from typing import Any

import click

from crawler.app.cli.archive import since_option
from crawler.app.cli.common import (
    CONFIG_OPTION,
    DB_OPTION,
    SET_OPTION,
    open_archive,
    with_options,
)
from crawler.ingest.config import Config


def config_options(command: Any) -> Any:
    """`--db`, `--config` and `-s`, handed over as the typed `Config`."""
    return with_options(
        command,
        [DB_OPTION, CONFIG_OPTION, SET_OPTION],
        lambda given, layers: {"config": layers.config},
    )


@click.command()
@since_option()
@click.option(
    "--where",
    metavar="SQL",
    help="Only the stories matching this SQL condition on articles, e.g. \"sitename = 'X'\".",
)
@click.option("-q", "--quiet", is_flag=True, help="No progress bar at a terminal.")
@config_options
def reextract(since: str | None, where: str | None, quiet: bool, config: Config) -> None:
    """Run the current extractor over the kept pages; store what changed.

    A story is written only where its text or metadata changed (a changed text keeps the old
    one as an earlier version, as a crawl does); a page that no longer yields an article leaves
    its story as it is. Uses the crawl's extraction workers (`workers` in the config file).

    \b
    Example:
        newsdesk reextract --db archive.db
        newsdesk reextract --since 7d --where "sitename = 'The Coastal Ledger'"
    """
    from crawler.ingest.reextract import reextract as run_reextract

    path = config.db_path
    archive = open_archive(path)
    before = Path(path).stat().st_size
    bar = Bar(enabled=not quiet and sys.stderr.isatty())
    try:
        result = run_reextract(
            archive,
            since=since,
            where=where,
            workers=config.workers,
            min_chars=config.min_chars,
            progress=bar.update,
        )
    except sqlite3.Error as exc:
        raise click.ClickException(
            f"--where {where}: not a condition SQLite takes ({exc})"
        ) from exc
    finally:
        bar.stop()
        archive.close()
    rate = result.pages / result.seconds if result.seconds else 0.0
    growth = Path(path).stat().st_size - before
    click.echo(
        f"newsdesk reextract: {result.pages} pages in {result.seconds:.1f} s "
        f"({rate:.1f} pages/s): {result.text_changed} text changed, "
        f"{result.metadata_changed} metadata only, {result.unchanged} unchanged, "
        f"{result.failed} no longer extract; archive {growth / 1e6:+.2f} MB -> {path}",
        err=True,
    )


class Bar:
    """A rich progress bar on stderr, started at the first update (after the extraction
    workers are forked: no thread may run when they are)."""

    def __init__(self, *, enabled: bool) -> None:
        self.enabled = enabled
        self.progress: Any = None
        self.task: Any = None

    def update(self, done: int, total: int) -> None:
        if not self.enabled:
            return
        if self.progress is None:
            from rich.console import Console
            from rich.progress import (
                BarColumn,
                MofNCompleteColumn,
                Progress,
                TaskProgressColumn,
                TextColumn,
                TimeElapsedColumn,
                TimeRemainingColumn,
            )

            self.progress = Progress(
                TextColumn("reextract"),
                BarColumn(),
                MofNCompleteColumn(),
                TaskProgressColumn(),
                TextColumn("pages · elapsed"),
                TimeElapsedColumn(),
                TextColumn("· ETA"),
                TimeRemainingColumn(),
                console=Console(stderr=True),
                transient=True,
            )
            self.task = self.progress.add_task("reextract", total=total)
            self.progress.start()
        self.progress.update(self.task, completed=done)

    def stop(self) -> None:
        if self.progress is not None:
            self.progress.stop()
