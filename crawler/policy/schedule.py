"""When to poll a feed next and when to look at an article again: pure time arithmetic."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from typing import Any

from storage.times import parse_time

FIRST_INTERVAL = 3600  # a feed never polled before is assumed to change hourly
# The longest wait a `Retry-After` is taken for: a server asking for more (10**23 seconds, the
# year 9999) is asking for a week, which keeps every later date within what `datetime` holds.
RETRY_AFTER_MAX = 7 * 86400


def next_interval(previous: int | None, *, new_entries: int, bounds: tuple[int, int]) -> int:
    """Seconds until a healthy feed's next poll: halved when it brought new entries, else
    half as long again, within `bounds` (minimum, maximum)."""
    low, high = bounds
    interval = previous or FIRST_INTERVAL
    interval = interval // 2 if new_entries else interval * 3 // 2
    return max(low, min(high, interval))


def failure_delay(failures: int, *, bounds: tuple[int, int]) -> int:
    """Seconds until retrying a feed that failed `failures` times in a row: doubling from the
    minimum interval, up to the maximum."""
    low, high = bounds
    return int(min(high, low * 2 ** max(0, min(failures - 1, 20))))


def retry_after(header: str | None, *, now: datetime) -> int | None:
    """Seconds a `Retry-After` header (seconds or an HTTP date) asks us to wait, or None."""
    if not header:
        return None
    header = header.strip()
    if header.isascii() and header.isdigit():  # not '²', which isdigit() takes
        return min(RETRY_AFTER_MAX, int(header))
    try:
        when = parsedate_to_datetime(header)
    except (TypeError, ValueError, OverflowError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0, min(RETRY_AFTER_MAX, int((when - now).total_seconds())))


def failure_due(failure: Mapping[str, Any], *, now: datetime) -> bool:
    """Whether a failed URL (a row of `failures`) may be fetched again: at its `retry_at`, when
    the site said when to come back (not before, not later), else on the backoff below."""
    if failure.get("retry_at"):
        return now >= parse_time(failure["retry_at"])
    return failure_retry_due(failure["failed_at"], failure["attempts"], now=now)


def failure_retry_due(failed_at: str, attempts: int, *, now: datetime) -> bool:
    """Whether an article URL that failed `attempts` times is worth fetching again: after an
    hour, then two, four... at most a day."""
    wait = min(86400, 3600 * 2 ** max(0, min(attempts - 1, 20)))
    return now >= parse_time(failed_at) + timedelta(seconds=wait)
