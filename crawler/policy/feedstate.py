"""What a run learns about its feeds and entries, judged against the archive (no Scrapy).

A local crawl asks these from its Scrapy extension (crawler/components/incremental.py); a cluster's
ingester (crawler/scaleout/ingester.py) asks the same of the archive it owns, so that both decide
alike what is new, what is unchanged and when each feed is polled next.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from crawler.ingest.items import EntrySeen, FeedEntry
from crawler.ingest.urls import normalize_url
from crawler.policy.schedule import failure_delay, failure_due, next_interval, retry_after
from storage import Archive
from storage.times import iso, parse_time, shifted

logger = logging.getLogger(__name__)


@dataclass
class FeedPoll:
    """What this run learned about one feed."""

    etag: str | None = None
    last_modified: str | None = None
    body_hash: str | None = None
    unchanged: bool = False
    failed: bool = False
    retry_after: int | None = None
    new_entries: int = 0
    incomplete: bool = False  # an item of this feed was lost in the pipeline: read it again


def conditional_headers(feed: dict[str, Any]) -> dict[str, str]:
    """Conditional-request headers for a feed read before (a row of `feeds`)."""
    headers = {"If-None-Match": feed.get("etag"), "If-Modified-Since": feed.get("last_modified")}
    return {name: value for name, value in headers.items() if value}


def read_answer(
    poll: FeedPoll,
    *,
    status: int,
    headers: dict[str, str | None],
    body: bytes,
    known_hash: str | None,
    now: datetime,
) -> bool:
    """Note a feed's answer in `poll` (`headers`: ETag, Last-Modified, Retry-After); True when
    it holds nothing new: a 304, or the same body as `known_hash`, the last full read's."""
    poll.retry_after = retry_after(headers.get("Retry-After"), now=now)
    if status == 304:
        poll.unchanged = True
        return True
    if status != 200:
        return False
    poll.etag, poll.last_modified = headers.get("ETag"), headers.get("Last-Modified")
    poll.body_hash = hashlib.sha256(body).hexdigest()
    poll.unchanged = poll.body_hash == known_hash
    return poll.unchanged


def known_entry(
    archive: Archive, entry: FeedEntry, *, revisits: Collection[str], now: datetime
) -> tuple[EntrySeen | None, str]:
    """Whether a feed entry's article need be fetched now: (None, "new" or "modified") when
    it must, (`EntrySeen`, "archived" or "failed recently") when not.

    Fetched: entries not archived under any of their URLs or GUID (unless their URL failed
    recently), and archived ones the feed says were modified since our last fetch (unless a
    revision check, one of `revisits`, fetches them anyway).
    """
    found = archive.find_article(
        [normalize_url(entry.link)], guid=entry.guid, feed_url=entry.feed_url
    )
    if found is None:
        failure = archive.failure([entry.link, normalize_url(entry.link)])
        if failure and not failure_due(failure, now=now):
            logger.debug("%s: failed recently (%s), not fetched", entry.link, failure["reason"])
            return EntrySeen(entry, None), "failed recently"
        return None, "new"
    modified = entry.modified and edited_since(entry.modified, found["fetched_at"])
    if modified and found["url"] not in revisits:
        return None, "modified"
    logger.debug("%s: archived as article %d, not fetched", entry.link, found["id"])
    return EntrySeen(entry, found["id"]), "archived"


def edited_since(modified: str, fetched_at: str) -> bool:
    """Whether a feed's "modified" time is after our fetch. A feed's time is written in whole
    seconds: an edit in the second we fetched the page (12:00:00 against 12:00:00.7) may have
    come after the fetch, so it counts as after."""
    return parse_time(modified) >= parse_time(fetched_at).replace(microsecond=0)


def feed_states(
    archive: Archive,
    polls: dict[str, FeedPoll],
    *,
    finished: bool,
    bounds: tuple[int, int],
    now: datetime,
    disable_after: int = 0,
) -> dict[str, dict[str, Any]]:
    """Each polled feed's new state (columns of `storage.archive.FEED_STATE`): validators and
    schedule after a run that `finished`, only the failure backoff after one that did not, so
    that the next run reads those feeds again and fetches whatever was missed. A source's own
    poll bounds beat `bounds`; one that failed `disable_after` polls in a row is switched off.
    A feed one of whose items was lost (`incomplete`) keeps its old state, to be read again."""
    states: dict[str, dict[str, Any]] = {}
    default_bounds = bounds
    for url, poll in polls.items():
        row = archive.feed(url)
        if row is None or poll.incomplete:
            continue
        bounds = source_bounds(row, default_bounds)
        if poll.failed:
            failures = (row["consecutive_failures"] or 0) + 1
            delay = max(failure_delay(failures, bounds=bounds), poll.retry_after or 0)
            states[url] = {"consecutive_failures": failures, "next_poll": shifted(now, delay)}
            if disable_after and failures >= disable_after:
                reason = f"{failures} polls in a row failed, the last: {row['last_error']}"
                states[url] |= {"disabled": iso(now), "disabled_reason": reason}
                logger.warning(
                    "feed %s disabled: %s (`newsdesk feeds enable URL` turns it back on)",
                    url,
                    reason,
                )
        elif finished:
            interval = next_interval(
                row["poll_interval"], new_entries=poll.new_entries, bounds=bounds
            )
            delay = max(interval, poll.retry_after or 0)
            states[url] = {
                "consecutive_failures": 0,
                "poll_interval": interval,
                "next_poll": shifted(now, delay),
            }
            if poll.body_hash is not None:  # a full answer (a 304 keeps the old validators)
                states[url] |= {
                    "etag": poll.etag,
                    "last_modified": poll.last_modified,
                    "body_hash": poll.body_hash,
                }
    return states


def source_bounds(row: dict[str, Any], default: tuple[int, int]) -> tuple[int, int]:
    """A source's own poll interval bounds where it has them, else the crawl's."""
    low = row.get("poll_min") or default[0]
    high = row.get("poll_max") or default[1]
    return low, max(low, high)
