"""`newsdesk crawl` and `newsdesk settings`."""

from __future__ import annotations

import json
import sys
from typing import Any

import click

from crawler.app.cli.common import (
    EXIT_BUSY,
    duration,
    make_plain_settings,
    make_settings,
    process_age,
    run,
    settings_options,
)
from crawler.app.cli.scaleout import worker_options
from crawler.app.config import effective
from crawler.policy.runs import RunResult


@click.command()
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
@click.option("-q", "--quiet", is_flag=True, help="No live progress line at a terminal.")
@worker_options
@settings_options
def crawl(
    feeds: tuple[str, ...],
    every_feed: bool,
    wait: bool,
    max_runtime: int | None,
    quiet: bool,
    redis_url: str | None,
    idle_exit: int | None,
    **options: Any,
) -> None:
    """Poll the feeds that are due and store the new and revised articles they link to.

    Feeds are fetched with conditional requests and polled on their own schedule; archived
    articles are fetched again only when their feed says they changed or a revision check is
    due. At a terminal one line shows the progress (feeds, articles, pages/s, time left);
    elsewhere -v logs it every minute. One crawl per archive at a time. Ctrl-C stops after
    the pages in flight (2 s at most), a second Ctrl-C at once. Exit codes: 0 done, 1 error,
    3 no feed could be read, 4 another crawl is running, 5 stopped by --max-runtime, 130
    stopped by Ctrl-C or SIGTERM.

    \b
    Example:
        newsdesk feeds add https://example.org/rss.xml
        newsdesk crawl
        newsdesk crawl --feed https://example.org/rss.xml --db archive.db --all
        newsdesk crawl --max-runtime 10m --wait
        newsdesk crawl --redis redis://127.0.0.1:6379/0 --idle-exit 30s
    """
    if redis_url:  # a worker of a cluster (crawler/app/cli/scaleout.py)
        if feeds or every_feed or wait:
            raise click.UsageError(
                "--feed, --all and --wait are for `newsdesk ingest` with --redis"
            )
        from crawler.app.cli.scaleout import crawl_worker

        crawl_worker(redis_url, idle_exit, max_runtime, options)
    if idle_exit is not None:
        raise click.UsageError("--idle-exit is for workers: give --redis URL too")
    from crawler.app import api  # Scrapy loads only for the commands that crawl
    from crawler.policy.lock import ArchiveBusy

    settings = make_settings(**options)
    if quiet:
        settings.set("NEWSDESK_PROGRESS", False, priority="cmdline")
    try:
        result = run(
            lambda: api.crawl_feeds(
                settings,
                list(feeds) or None,
                every_feed=every_feed,
                wait=wait,
                max_runtime=max_runtime and round(max(1.0, max_runtime - process_age()), 1),
            )
        )
    except ArchiveBusy as exc:
        click.echo(f"Error: {exc}", err=True)
        sys.exit(EXIT_BUSY)
    if result.status == "failed":
        click.echo(
            f"Error: {result.error}; the crawl stopped: {summary(result)}; "
            "the next crawl fetches what was not stored",
            err=True,
        )
    else:
        click.echo(f"newsdesk crawl: {summary(result)} -> {settings.get('NEWSDESK_DB')}", err=True)
    sys.exit(result.exit_code)


def summary(result: RunResult) -> str:
    """The one line a crawl prints, from its `crawl_runs` counters."""
    c = result.counts
    if result.status == "nothing due" and result.next_poll is None:
        return "nothing due: every source is disabled (see `newsdesk feeds list`)"
    if result.status == "nothing due":
        return f"nothing due; next feed poll at {result.next_poll} (--all polls now)"
    line = (
        f"{c['feeds_polled']} feeds polled ({c['feeds_failed']} failed), "
        f"{c['feeds_unchanged']} unchanged; articles: {c['articles_new']} new, "
        f"{c['articles_updated']} updated, {c['articles_unchanged']} unchanged, "
        f"{c['articles_skipped']} already archived; {c['failures']} failures"
    )
    return line + ending(result)


def ending(result: RunResult) -> str:
    """How a run that did not finish ended, for its summary line."""
    if result.status == "stopped":
        return "; stopped by --max-runtime"
    if result.status == "aborted":
        return "; stopped by a signal (Ctrl-C, SIGTERM): the next run fetches the rest"
    return ""


@click.command("settings")
@settings_options
def show_settings(**options: Any) -> None:
    """Print the effective settings as JSON.

    \b
    Example:
        newsdesk settings --config newsdesk.toml -s DOWNLOAD_DELAY=2
    """
    click.echo(json.dumps(effective(make_plain_settings(**options)), indent=2))
