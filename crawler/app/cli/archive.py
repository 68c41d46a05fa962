"""The archive's questions as commands: `status`, `runs`, `failures`, `search`, `show`, `export`.

Each one opens an existing archive, asks one query of storage/queries.py and prints it as text
(or JSON with `--json`); none starts Scrapy or writes a row.
"""

from __future__ import annotations

import csv
import json
import os
import sys
from collections.abc import Callable, Iterable, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

import click

from crawler.app.cli.common import archive_option, open_archive
from crawler.ingest.config import ConfigError, parse_duration
from storage import Archive
from storage.queries import EXPORT_COLUMNS, MATCH_END, MATCH_START
from storage.times import iso, parse_time

SINCE_HELP = "Only since then: a duration back from now (90m, 1d) or an ISO 8601 date or time."


def since_option(default: str | None = None) -> Callable[..., Any]:
    return click.option(
        "--since",
        callback=parse_since,
        default=default,
        show_default=default is not None,
        metavar="WHEN",
        help=SINCE_HELP,
    )


def json_option(command: Callable[..., Any]) -> Callable[..., Any]:
    return click.option("--json", "as_json", is_flag=True, help="Print JSON instead of text.")(
        command
    )


def parse_since(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    """`--since` as an ISO 8601 UTC time."""
    return None if value is None else since_time(value)


def since_time(value: str) -> str:
    """An ISO 8601 UTC time from "1d" (back from now) or a date/time as given (UTC if bare)."""
    try:
        moment = datetime.now(UTC) - timedelta(seconds=parse_duration(value))
    except ConfigError:
        try:
            moment = parse_time(value)
        except ValueError:
            raise click.BadParameter(
                f"{value!r}: expected a duration (90m, 1d) or an ISO 8601 date (2026-11-20)"
            ) from None
    return iso(moment)


def read_archive(db: str) -> Archive:
    """An existing archive; a missing file is one line, never a new empty archive."""
    return open_archive(db)


def print_json(value: Any) -> None:
    click.echo(json.dumps(value, indent=2, ensure_ascii=False, default=str))


def aligned(rows: Sequence[Sequence[Any]], indent: str = "  ") -> list[str]:
    """Rows as lines of left-aligned columns (the last column is not padded)."""
    cells = [["" if c is None else str(c) for c in row] for row in rows]
    if not cells:
        return []
    widths = [max(len(row[i]) for row in cells) for i in range(len(cells[0]) - 1)]
    return [
        indent + "  ".join([*(c.ljust(w) for c, w in zip(row, widths, strict=False)), row[-1]])
        for row in cells
    ]


def echo_lines(lines: Iterable[str]) -> None:
    for line in lines:
        click.echo(line)


def human_bytes(size: int) -> str:
    value = float(size)
    for unit in ("bytes", "KB", "MB", "GB"):
        if value < 1024 or unit == "GB":
            return f"{value:.0f} {unit}" if unit == "bytes" else f"{value:.1f} {unit}"
        value /= 1024
    return f"{size} bytes"


def run_line(run: dict[str, Any]) -> list[Any]:
    """One crawl run as table cells."""
    return [
        f"#{run['id']}",
        run["started"],
        run["status"],
        f"{run['feeds_polled'] or 0}/{run['feeds_due'] or 0} feeds",
        f"{run['articles_new'] or 0} new",
        f"{run['articles_updated'] or 0} updated",
        f"{run['failures'] or 0} failures",
        "" if run["exit_code"] is None else f"exit {run['exit_code']}",
    ]


@click.command()
@archive_option
@json_option
def status(db: str, as_json: bool) -> None:
    """The archive at a glance: size, last runs, feeds due next, failures in the last day.

    \b
    Example:
        newsdesk status --db archive.db
        newsdesk status --json | jq .last_runs[0].status
    """
    archive = read_archive(db)
    report: dict[str, Any] = {
        "archive": db,
        "size": archive.size(db),
        "last_runs": archive.last_runs(5),
        "feeds_due_next": archive.feeds_due_next(5),
        "failures_last_day": archive.failures_by_reason(since=since_time("1d")),
    }
    archive.close()
    if as_json:
        print_json(report)
        return
    size = report["size"]
    click.echo(
        f"{db}: {human_bytes(size['bytes'])}; {size['articles']} articles, "
        f"{size['article_versions']} earlier versions, {size['feeds']} feeds, "
        f"{size['failures']} failures, {size['crawl_runs']} crawl runs"
        + (f", {size['pages']} pages kept" if "pages" in size else "")
    )
    click.echo("Last runs:" if report["last_runs"] else "Last runs: none yet")
    echo_lines(aligned([run_line(r) for r in report["last_runs"]]))
    click.echo("Feeds due next:" if report["feeds_due_next"] else "Feeds: none remembered")
    echo_lines(
        aligned(
            [
                [f["next_poll"] or "now", f["url"], f"({f['last_status'] or 'never polled'})"]
                for f in report["feeds_due_next"]
            ]
        )
    )
    failures = report["failures_last_day"]
    click.echo(
        "Failures in the last day, by reason:" if failures else "Failures in the last day: none"
    )
    echo_lines(aligned([[f["urls"], f"{f['reason']} ({f['kind']})"] for f in failures]))


@click.command()
@archive_option
@click.option("--limit", type=click.IntRange(1), default=20, show_default=True)
@json_option
def runs(db: str, limit: int, as_json: bool) -> None:
    """Crawl runs, newest first, with what each polled, stored and failed.

    A run still going shows status "running" and its counts so far.

    \b
    Example:
        newsdesk runs --limit 5
    """
    archive = read_archive(db)
    rows = archive.last_runs(limit)
    archive.close()
    if as_json:
        print_json(rows)
        return
    if not rows:
        click.echo("no crawl runs yet", err=True)
    echo_lines(aligned([run_line(r) for r in rows], indent=""))


@click.command()
@archive_option
@since_option()
@click.option(
    "--reason",
    "reasons",
    multiple=True,
    metavar="TEXT",
    help="Only failures whose reason contains this (404, robots, 'no article'); may repeat.",
)
@click.option("--limit", type=click.IntRange(1), default=100, show_default=True)
@json_option
def failures(
    db: str, since: str | None, reasons: tuple[str, ...], limit: int, as_json: bool
) -> None:
    """URLs that did not become articles, and feeds that could not be read, latest first.

    \b
    Example:
        newsdesk failures --since 1d
        newsdesk failures --reason 404 --reason robots --json
    """
    archive = read_archive(db)
    rows = archive.failures_matching(since=since, reasons=reasons)
    archive.close()
    if as_json:
        print_json(rows[:limit])
        return
    echo_lines(
        aligned(
            [
                [r["failed_at"], r["kind"], f"x{r['attempts']}", r["reason"], r["url"]]
                for r in rows[:limit]
            ],
            indent="",
        )
    )
    shown = f" (latest {limit} shown)" if len(rows) > limit else ""
    click.echo(f"{len(rows)} failure(s){shown}", err=True)


@click.command()
@click.argument("query")
@archive_option
@click.option("--limit", type=click.IntRange(1), default=20, show_default=True)
@json_option
def search(query: str, db: str, limit: int, as_json: bool) -> None:
    """Full-text search over headlines and text, best match first, with snippets.

    QUERY is SQLite FTS5 syntax: words (all must match), "a phrase", prefix*, OR, NOT,
    title:word. A query that is not valid FTS5 (a stray quote or dash) is searched word by
    word as typed instead.

    \b
    Example:
        newsdesk search 'pontoon'
        newsdesk search 'ferr* OR "north pontoon"' --json
    """
    archive = read_archive(db)
    hits, mode = archive.search_stories(query, limit=limit)
    archive.close()
    if as_json:
        for hit in hits:
            hit["snippet"] = hit["snippet"].replace(MATCH_START, "").replace(MATCH_END, "")
        print_json({"query": query, "mode": mode, "results": hits})
        return
    for hit in hits:
        click.echo(f"{hit['id']:>6}  {click.style(hit['title'] or '(no headline)', bold=True)}")
        about = " · ".join(str(v) for v in (hit["sitename"], hit["published"], hit["url"]) if v)
        click.echo(f"        {about}")
        snippet = " ".join(hit["snippet"].split())
        marked = snippet.replace(MATCH_START, "\x00").replace(MATCH_END, "\x00").split("\x00")
        click.echo(
            "        "
            + "".join(click.style(p, bold=True) if i % 2 else p for i, p in enumerate(marked))
        )
    escaped = "; not FTS5 syntax, so searched word by word as typed" if mode == "escaped" else ""
    click.echo(f"{len(hits)} match(es) for {query}{escaped}", err=True)


@click.command()
@click.argument("key", metavar="ID|URL")
@archive_option
@json_option
def show(key: str, db: str, as_json: bool) -> None:
    """One stored story as text, with its metadata and where each field came from.

    ID is the article number (`newsdesk search` shows it); a URL may be the fetched, canonical
    or any feed's link to the story.

    \b
    Example:
        newsdesk show 12
        newsdesk show https://example.org/2025/story.html --json
    """
    archive = read_archive(db)
    story = archive.story(key)
    archive.close()
    if story is None:
        raise click.ClickException(f"no story {key} in {db} (try `newsdesk search WORDS`)")
    if as_json:
        print_json(story)
        return
    echo_lines(story_lines(story))


def story_lines(story: dict[str, Any]) -> list[str]:
    """A story as a person reads it: headline, metadata, provenance, then the text."""
    sources = story.get("metadata_source") or {}

    def field(name: str, label: str) -> list[str]:
        value = story.get(name)
        if isinstance(value, list):
            value = ", ".join(value)
        if not value:
            return []
        origin = f"  [{sources[name]}]" if name in sources else ""
        return [f"{label:<12}{value}{origin}"]

    lines = [click.style(story["title"] or "(no headline)", bold=True), ""]
    for name, label in (
        ("authors", "By"),
        ("sitename", "Site"),
        ("published", "Published"),
        ("modified", "Modified"),
        ("language", "Language"),
        ("description", "Summary"),
        ("tags", "Tags"),
        ("image", "Image"),
    ):
        lines += field(name, label)
    lines += [
        f"{'URL':<12}{story['url']}",
        f"{'Canonical':<12}{story['canonical_url']}",
        f"{'Feed':<12}{story['feed_url'] or '(fetched by hand)'}",
        f"{'Stored':<12}article {story['id']}, first seen {story['first_seen']}, "
        f"fetched {story['fetched_at']}, {story['word_count']} words, "
        f"{story['revisions']} revision(s)",
    ]
    for alias in story["aliases"]:
        via = f" via {alias['feed_url']}" if alias["feed_url"] else ""
        lines.append(f"{'Known as':<12}{alias['kind']} {alias['alias']}{via}")
    for version in story["versions"]:
        lines.append(
            f"{'Version':<12}{version['fetched_at']} to {version['replaced_at']}: "
            f"+{version['words_added']} -{version['words_removed']} words"
        )
    return [*lines, "", story["text"]]


@click.command()
@archive_option
@click.option(
    "--format",
    "format_",
    type=click.Choice(["jsonl", "csv"]),
    default="jsonl",
    show_default=True,
    help="One JSON object per line, or CSV with a header row.",
)
@since_option()
@click.option(
    "--feed", "feeds", multiple=True, metavar="URL", help="Only stories this feed carried."
)
@click.option(
    "-o",
    "--output",
    type=click.File("w", encoding="utf-8", lazy=True),
    default="-",
    help="Write here instead of standard output.",
)
def export(db: str, format_: str, since: str | None, feeds: tuple[str, ...], output: Any) -> None:
    """Every stored story, oldest first, streamed as JSON lines or CSV.

    `--since` keeps the stories fetched since then; lists (authors, tags) and metadata_source
    are JSON in CSV cells. Memory stays flat whatever the archive's size.

    \b
    Example:
        newsdesk export --format csv --since 7d > week.csv
        newsdesk export --feed https://example.org/rss.xml | jq -r .title
    """
    archive = read_archive(db)
    count = 0
    writer = csv.DictWriter(output, EXPORT_COLUMNS) if format_ == "csv" else None
    if writer is not None:
        writer.writeheader()
    try:
        for row in archive.export_rows(since=since, feeds=feeds):
            if writer is None:
                output.write(json.dumps(row, ensure_ascii=False) + "\n")
            else:
                writer.writerow(
                    {k: json.dumps(v) if isinstance(v, list | dict) else v for k, v in row.items()}
                )
            count += 1
    except BrokenPipeError:  # `| head`: the reader has what it wanted; say nothing more
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return
    finally:
        archive.close()
    click.echo(f"{count} article(s) exported", err=True)


COMMANDS = (status, runs, failures, search, show, export)
