"""What one crawl will fetch."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from crawler.ingest.items import FeedEntry
from crawler.ingest.reasons import transient
from crawler.policy.schedule import failure_due
from storage import Archive
from storage.times import iso, parse_time

MAX_RETRIES = 5  # tries of a failed article URL on its own; its feed may still bring it again


@dataclass
class Plan:
    """What one crawl will fetch: the feeds due a poll and the articles due a revision check."""

    feeds: list[str]
    revisits: list[FeedEntry]  # archived articles due a revision check
    retries: list[FeedEntry]  # articles that failed for a passing reason, due another try
    next_poll: str | None  # the earliest poll time of the feeds left for later


def plan_crawl(
    archive: Archive,
    feeds: Iterable[str],
    *,
    now: datetime,
    every_feed: bool = False,
    revision_checks: Iterable[int] = (),
) -> Plan:
    """Pick the enabled feeds whose `next_poll` has come (all of them with `every_feed`), the
    articles those feeds carried that are due a revision check, and their article URLs that
    failed for a passing reason (unreachable, 429, 5xx) and are due another try. Disabled feeds
    are left out."""
    feeds = list(feeds)
    due, later = [], []
    for url in feeds:
        row = archive.feed(url) or {}
        if row.get("disabled"):
            continue
        next_poll = row.get("next_poll")
        if every_feed or not next_poll or parse_time(next_poll) <= now:
            due.append(url)
        else:
            later.append(next_poll)
    revisits = archive.due_for_revision(revision_checks, at=iso(now), feeds=feeds)
    retries = [
        FeedEntry(link=f["url"], feed_url=f["feed_url"])
        for f in archive.article_failures(feeds)
        if f["attempts"] <= MAX_RETRIES
        and transient(f["status"], f["reason"])
        and failure_due(f, now=now)
    ]
    return Plan(
        due,
        [FeedEntry(link=r["url"], feed_url=r["feed_url"] or "") for r in revisits],
        retries,
        min(later, key=parse_time) if later else None,
    )
