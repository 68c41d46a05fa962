"""`newsdesk feeds`: find, remember, list, switch off and forget sources (feeds and sitemaps);
import and export OPML."""

from __future__ import annotations

import json
import logging
import sys
from pathlib import Path
from typing import Any

import click

from crawler.app.cli.common import (
    archive_option,
    duration,
    load_layers,
    make_plain_settings,
    open_archive,
    settings_options,
)
from crawler.app.cli.scaleout import feeds_push
from crawler.ingest.opml import OpmlError, Subscription, read_opml, write_opml
from crawler.ingest.sources import normalize_feed_url
from crawler.ingest.urls import is_http_url
from crawler.policy.runs import UsageError, check_urls
from storage import SourceRow


@click.group()
def feeds() -> None:
    """Find, remember, list, switch off and forget sources (feeds and sitemaps)."""


feeds.add_command(feeds_push)  # `feeds push`: the cluster's, in crawler/app/cli/scaleout.py


@feeds.command("add")
@click.argument("urls", nargs=-1, required=True, metavar="URL [URL ...]")
@click.option("--name", help="Your name for the source(s) found.")
@click.option("--category", help='A category for the source(s) found, e.g. "News / Politics".')
@click.option(
    "--poll-min", callback=duration, metavar="DURATION", help="This source's shortest interval."
)
@click.option(
    "--poll-max", callback=duration, metavar="DURATION", help="This source's longest interval."
)
@settings_options
def feeds_add(
    urls: tuple[str, ...],
    name: str | None,
    category: str | None,
    poll_min: int | None,
    poll_max: int | None,
    **options: Any,
) -> None:
    """Remember sources so that `newsdesk crawl` polls them: a feed (RSS, Atom, JSON Feed), a
    sitemap or Google News sitemap, or a web page, whose feeds are found for you.

    A page's sources are the feeds it declares (<link rel="alternate">), else the first feed at
    /feed, /rss, /rss.xml, /atom.xml, /feed.xml or /index.xml, else the sitemaps its site's
    robots.txt names. Every request obeys robots.txt.

    \b
    Example:
        newsdesk feeds add https://www.example-news.org/
        newsdesk feeds add https://example.org/rss.xml --name Example --category politics
        newsdesk feeds add https://example.org/news-sitemap.xml
    """
    from crawler.app.discover import Discoverer, NotASource

    try:
        check_urls(list(urls))
    except UsageError as exc:
        raise click.ClickException(str(exc)) from exc
    settings = make_plain_settings(**options)
    quiet_downloads(options.get("verbose", 0))
    archive = open_archive(load_layers(**options).config.db_path, create=True)
    extra: SourceRow = {
        "url": "",
        "name": name,
        "category": category,
        "poll_min": poll_min,
        "poll_max": poll_max,
    }
    discoverer, added, known, refused = Discoverer(settings), 0, 0, 0
    for url in urls:
        if known_url := archive.resolve_feed(normalize_feed_url(url)):
            archive.add_sources([{**extra, "url": known_url}])
            click.echo(f"{url}: known already, as {known_url}")
            known += 1
            continue
        try:
            found = discoverer.discover(url)
        except NotASource as exc:
            click.echo(f"Error: {exc}", err=True)
            refused += 1
            continue
        click.echo(f"{url}: {found.what}")
        for source in found.sources:
            row: SourceRow = {
                **extra,
                "url": source.url,
                "kind": source.kind,
                "title": source.title,
                "site_url": source.site_url,
            }
            [outcome] = archive.add_sources([row])
            if source.moved_from:
                archive.add_feed_alias(source.moved_from, source.url, reason="moved permanently")
            added += outcome == "added"
            known += outcome == "known"
            about = "; ".join(filter(None, [source.title, source.note]))
            moved = f" (moved from {source.moved_from})" if source.moved_from else ""
            click.echo(
                f"  {outcome:<8}{source.kind:<12}{source.url}{moved}"
                + (f"  {about}" if about else "")
            )
        for skipped, why in found.skipped:
            click.echo(f"  {'skipped':<20}{skipped}  {why}")
    archive.close()
    if added or known:
        click.echo(f"{added} source(s) added, {known} known already", err=True)
    if refused:
        sys.exit(1)


def quiet_downloads(verbose: int) -> None:
    """`feeds add` reports each URL it could not use itself; the downloader's own warnings
    show with -v."""
    logging.basicConfig(format="%(levelname)s %(name)s: %(message)s")
    level = logging.DEBUG if verbose > 1 else logging.INFO if verbose else logging.ERROR
    for name in ("crawler.app.direct", "crawler.app.download", "urllib3"):
        logging.getLogger(name).setLevel(level)


@feeds.command("list")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per source, in a list.")
@archive_option
def feeds_list(as_json: bool, db: str) -> None:
    """List sources with their health: status of the last poll, failures in a row, last and
    next poll (UTC), and articles archived from each.

    \b
    Example:
        newsdesk feeds list --db archive.db
        newsdesk feeds list --json
    """
    rows = open_archive(db).feed_health()
    if as_json:
        click.echo(json.dumps([health(row) for row in rows], indent=2, ensure_ascii=False))
        return
    if not rows:
        click.echo("no sources yet: add one with `newsdesk feeds add URL`", err=True)
        return
    click.echo(
        f"{'STATUS':<11}{'KIND':<12}{'FAILS':>5}  {'LAST POLL':<17}  {'NEXT POLL':<17}"
        f"{'ARTICLES':>9}  URL"
    )
    for row in rows:
        status = "disabled" if row["disabled"] else row["last_status"] or "new"
        label = "  ".join(
            filter(
                None,
                [
                    row["name"] or row["title"],
                    f"[{row['category']}]" if row["category"] else None,
                    f"({row['disabled_reason'] or row['last_error']})"
                    if row["disabled"] or row["last_error"]
                    else None,
                ],
            )
        )
        click.echo(
            f"{status:<11}{row['kind'] or '?':<12}{row['consecutive_failures'] or 0:>5}  "
            f"{short_time(row['last_polled']) or 'never':<17}  "
            f"{next_poll(row):<17}{row['articles']:>9}  "
            f"{row['url']}" + (f"  {label}" if label else "")
        )


HEALTH = (
    "url", "kind", "name", "category", "title", "site_url", "added", "last_polled",
    "last_status", "last_error", "consecutive_failures", "next_poll", "poll_interval",
    "poll_min", "poll_max", "articles", "articles_found", "disabled", "disabled_reason", "aliases",
)  # fmt: skip


def health(row: dict[str, Any]) -> dict[str, Any]:
    """A source as `feeds list --json` shows it."""
    return {name: row[name] for name in HEALTH}


def next_poll(row: dict[str, Any]) -> str:
    if row["disabled"]:
        return "-"
    return short_time(row["next_poll"]) or "due now"


def short_time(value: str | None) -> str | None:
    """ "2026-11-30T02:41:07+00:00" as "2026-11-30 02:41" (UTC, as stored)."""
    return value[:16].replace("T", " ") if value else None


@feeds.command("remove")
@click.argument("url")
@archive_option
def feeds_remove(url: str, db: str) -> None:
    """Forget a source (its articles stay in the archive).

    \b
    Example:
        newsdesk feeds remove https://example.org/rss.xml
    """
    if not open_archive(db).remove_feed(normalize_feed_url(url)):
        raise click.ClickException(f"{url}: not a remembered source (see `newsdesk feeds list`)")
    click.echo(f"{url}: forgotten", err=True)


@feeds.command("disable")
@click.argument("url")
@archive_option
def feeds_disable(url: str, db: str) -> None:
    """Stop polling a source, keeping it and its history (`enable` turns it back on).

    \b
    Example:
        newsdesk feeds disable https://example.org/rss.xml
    """
    switch(db, url, "disabled by hand")


@feeds.command("enable")
@click.argument("url")
@archive_option
def feeds_enable(url: str, db: str) -> None:
    """Poll a disabled source again, from the next crawl on.

    \b
    Example:
        newsdesk feeds enable https://example.org/rss.xml
    """
    switch(db, url, None)


def switch(db: str, url: str, reason: str | None) -> None:
    target = open_archive(db).set_feed_disabled(normalize_feed_url(url), reason)
    if target is None:
        raise click.ClickException(f"{url}: not a remembered source (see `newsdesk feeds list`)")
    click.echo(f"{target}: {'disabled' if reason else 'enabled, due now'}", err=True)


@feeds.command("import")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@archive_option
def feeds_import(file: Path, db: str) -> None:
    """Remember the feeds of an OPML file (what feed readers export); nested folders become
    categories ("News / Politics"). The feeds are not fetched now: the next crawl reads them.

    \b
    Example:
        newsdesk feeds import subscriptions.opml
    """
    try:
        subscriptions = read_opml(file.read_bytes())
    except OSError as exc:
        raise click.ClickException(f"{file}: cannot read ({exc.strerror})") from exc
    except OpmlError as exc:
        raise click.ClickException(f"{file}: {exc}") from exc
    usable = [s for s in subscriptions if is_http_url(s.url.strip())]
    for item in subscriptions:
        if item not in usable:
            click.echo(f"{file}: skipped {item.url!r}: not an http(s) URL", err=True)
    outcomes = open_archive(db, create=True).add_sources(
        [
            {
                "url": normalize_feed_url(s.url),
                "name": s.name,
                "site_url": s.site_url,
                "category": s.category,
                "kind": s.kind,
            }
            for s in usable
        ]
    )
    click.echo(
        f"{file}: {len(subscriptions)} feeds, {outcomes.count('added')} added, "
        f"{outcomes.count('known')} known already",
        err=True,
    )


@feeds.command("export")
@archive_option
def feeds_export(db: str) -> None:
    """Write every source as OPML 2.0 on standard output (categories as folders); `feeds
    import` reads it back.

    \b
    Example:
        newsdesk feeds export > subscriptions.opml
    """
    sources = sorted(open_archive(db).feeds(), key=lambda f: (f["category"] or "", f["added"]))
    sys.stdout.buffer.write(write_opml(subscription(f) for f in sources))


def subscription(row: dict[str, Any]) -> Subscription:
    kind = row["kind"] if row["kind"] in ("sitemap", "newssitemap") else None
    return Subscription(
        url=row["url"],
        name=row["name"] or row["title"],
        site_url=row["site_url"],
        category=row["category"],
        kind=kind,
    )
