"""Scaling out: `newsdesk crawl --redis URL` (a worker), `newsdesk ingest` (the archive's one
writer) and `newsdesk feeds push` (hand the due feeds to the workers). Redis and scrapy-redis
load only here, and only when one of these runs (README: Scaling out)."""

from __future__ import annotations

import logging
import sys
from typing import TYPE_CHECKING, Any

import click

from crawler.app.cli.common import (
    EXIT_BUSY,
    EXIT_ERROR,
    duration,
    make_plain_settings,
    make_settings,
    run,
    settings_options,
)
from crawler.app.config import ConfigError
from crawler.ingest.config import Config
from crawler.policy.runs import RunResult, UsageError

if TYPE_CHECKING:
    from collections.abc import Callable

    from crawler.scaleout.jobs import Jobs

redis_option = click.option(
    "--redis",
    "redis_url",
    envvar="NEWSDESK_REDIS",
    required=True,
    metavar="URL",
    help="The cluster's Redis, e.g. redis://127.0.0.1:6379/0 [env NEWSDESK_REDIS].",
)


def connect_jobs(redis_url: str) -> Jobs:
    from crawler.scaleout.jobs import Jobs, RedisUnavailable, connect

    try:
        return Jobs(connect(redis_url))
    except RedisUnavailable as exc:
        raise click.ClickException(str(exc)) from exc


def crawl_worker(
    redis_url: str, idle_exit: int | None, max_runtime: int | None, options: dict[str, Any]
) -> None:
    """`newsdesk crawl --redis URL`: one worker, until the queue has stayed empty for
    `idle_exit` seconds (never, when None)."""
    from crawler.app import api

    settings = make_settings(**options)
    connect_jobs(redis_url).server.close()  # one clear line when Redis is not there
    result = run(
        lambda: api.crawl_redis(
            settings, redis_url, idle_exit=idle_exit or 0, max_runtime=max_runtime
        )
    )
    reason = result.stats.get("finish_reason")
    if reason == "redis_unavailable":
        patience = Config.from_settings(settings).redis_patience
        click.echo(
            f"Error: lost {redis_url} for more than {patience:g} s; the jobs this worker held "
            "go back to the queue when its lease expires",
            err=True,
        )
        sys.exit(EXIT_ERROR)
    click.echo(f"newsdesk crawl --redis: {worker_summary(result)} -> {redis_url}", err=True)
    sys.exit(result.exit_code)


def worker_summary(result: RunResult) -> str:
    from crawler.app.cli.crawl import ending  # crawl.py imports this module

    s = result.stats
    return (
        f"{s.get('newsdesk/jobs_taken', 0)} jobs taken; sent {s.get('newsdesk/sent_feed', 0)} "
        f"feeds, {s.get('newsdesk/sent_article', 0)} articles, "
        f"{s.get('newsdesk/sent_failure', 0)} failures"
    ) + ending(result)


def ingest_settings(options: dict[str, Any]) -> Any:
    settings = make_plain_settings(**options)
    try:
        return settings, Config.from_settings(settings)
    except ConfigError as exc:
        raise click.ClickException(str(exc)) from exc


@click.command()
@redis_option
@click.option("--once", is_flag=True, help="Stop once one cycle is stored (for cron).")
@click.option(
    "--no-push",
    "push",
    flag_value=False,
    default=True,
    help="Open no cycles; store those `newsdesk feeds push` opens.",
)
@click.option("--all", "every_feed", is_flag=True, help="Poll every feed in the first cycle.")
@settings_options
def ingest(redis_url: str, once: bool, push: bool, every_feed: bool, **options: Any) -> None:
    """Store what the crawl workers fetch into the archive: the one process that writes it.

    Opens a cycle whenever feeds are due and none is open (unless --no-push), queues their
    jobs in Redis for `newsdesk crawl --redis URL` workers, stores every outcome with the
    crawl's own writer, and closes the cycle (feed validators, next polls, a `crawl_runs` row)
    once every job is stored. Exit codes as `crawl` (--once), 4 when a crawl or another
    ingester holds the archive.

    \b
    Example:
        newsdesk ingest --redis redis://127.0.0.1:6379/0 --db news.db
        newsdesk ingest --redis redis://127.0.0.1:6379/0 --db news.db --once
    """
    from crawler.app.cli.crawl import summary
    from crawler.policy.lock import ArchiveBusy
    from crawler.scaleout.ingester import ingest as run_ingest
    from crawler.scaleout.jobs import RedisUnavailable

    logging.basicConfig(
        level=logging.getLevelName(settings_level(options)),
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        datefmt="%Y-%m-%d %H:%M:%S",
    )
    _, config = ingest_settings(options)
    jobs = connect_jobs(redis_url)
    db = config.db_path

    def report(result: RunResult) -> None:
        click.echo(f"newsdesk ingest: {summary(result)} -> {db}", err=True)

    try:
        result = run(
            lambda: run_ingest(
                jobs,
                config,
                once=once,
                push=push,
                every_feed=every_feed,
                patience=config.redis_patience,
                on_cycle=report,
            )
        )
    except ArchiveBusy as exc:
        click.echo(f"Error: {exc}", err=True)
        sys.exit(EXIT_BUSY)
    except RedisUnavailable as exc:
        raise click.ClickException(str(exc)) from exc
    except KeyboardInterrupt:
        click.echo("newsdesk ingest: interrupted; the open cycle stays in Redis", err=True)
        sys.exit(EXIT_ERROR)
    if result is not None:
        report(result)
        sys.exit(result.exit_code)


def settings_level(options: dict[str, Any]) -> str:
    verbose = options.get("verbose") or 0
    return {0: "WARNING", 1: "INFO"}.get(verbose, "DEBUG")


@click.command("push")
@redis_option
@click.option("--all", "every_feed", is_flag=True, help="Push every feed, due or not.")
@settings_options
def feeds_push(redis_url: str, every_feed: bool, **options: Any) -> None:
    """Hand the feeds that are due to the crawl workers, as a new cycle (unless one is open).

    `newsdesk ingest` does this itself each cycle unless given --no-push.

    \b
    Example:
        newsdesk feeds push --redis redis://127.0.0.1:6379/0 --db news.db
    """
    from crawler.scaleout.cycle import open_cycle
    from storage import Archive, StorageError

    _, config = ingest_settings(options)
    jobs = connect_jobs(redis_url)
    try:
        archive = Archive(config.db_path)
        opened = open_cycle(jobs, archive, config, every_feed=every_feed)
    except (StorageError, UsageError, ConfigError) as exc:
        raise click.ClickException(str(exc)) from exc
    if opened.cycle is not None and opened.plan is not None:
        plan = opened.plan
        click.echo(
            f"newsdesk feeds push: cycle {opened.cycle}: {len(plan.feeds)} feeds, "
            f"{len(plan.revisits)} revision checks, {len(plan.retries)} retries -> {redis_url}",
            err=True,
        )
    elif opened.plan is not None:
        click.echo(
            f"newsdesk feeds push: nothing due; next feed poll at {opened.plan.next_poll}",
            err=True,
        )
    else:
        click.echo("newsdesk feeds push: a cycle is open already; nothing pushed", err=True)


def worker_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """`crawl`'s options for running as a worker."""
    command = click.option(
        "--idle-exit",
        callback=duration,
        metavar="DURATION",
        help="With --redis: stop once the queue has stayed empty this long (e.g. 30s; for "
        "cron). Default: wait for jobs forever (a service).",
    )(command)
    return click.option(
        "--redis",
        "redis_url",
        envvar="NEWSDESK_REDIS",
        metavar="URL",
        help="Work as one of many crawl workers on this Redis (README: Scaling out).",
    )(command)
