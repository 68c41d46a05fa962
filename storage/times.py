"""Times as newsdesk writes and reads them: ISO 8601 with an offset, UTC when it writes.

The one home of the small time helpers; it lives in storage, which imports nothing of the
crawler's, so that the archive and the crawler (policy, ingest, spiders, CLI) share it.
Extraction reads the many ways pages write dates on its own (crawler/extraction/dates.py).
"""

from __future__ import annotations

import calendar
from datetime import UTC, datetime, timedelta
from typing import Any


def now() -> str:
    """The current UTC time as ISO 8601 with an offset, to the second."""
    return iso(datetime.now(UTC))


def iso(moment: datetime) -> str:
    """`moment` in UTC as ISO 8601 with an offset, to the second."""
    return moment.astimezone(UTC).isoformat(timespec="seconds")


def parse_time(value: str) -> datetime:
    """An ISO 8601 time (`Z` for UTC, as JSON Feed and sitemaps write it); UTC when it has no
    offset. Raises ValueError when `value` is not one."""
    moment = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def read_time(value: Any) -> datetime | None:
    """`parse_time` for values that may be missing or malformed: None then."""
    if not isinstance(value, str) or not value.strip():
        return None
    try:
        return parse_time(value)
    except ValueError:
        return None


def iso_as_given(value: Any) -> str | None:
    """An ISO 8601 time as written, with its own offset (UTC when it has none); None when it
    is not one."""
    moment = read_time(value)
    return moment.isoformat() if moment else None


def shifted(at: str | datetime, seconds: float) -> str:
    """The ISO 8601 UTC time `seconds` after `at` (before it when negative)."""
    moment = parse_time(at) if isinstance(at, str) else at
    return iso(moment + timedelta(seconds=seconds))


def iso_from_struct(value: Any) -> str | None:
    """A UTC `time.struct_time` (feedparser's `*_parsed`) as ISO 8601 with an offset."""
    if not value:
        return None
    try:
        return iso(datetime.fromtimestamp(calendar.timegm(value), UTC))
    except (OverflowError, ValueError, OSError):  # a year datetime cannot hold
        return None
