"""Times as newsdesk writes and reads them (storage/times.py): ISO 8601 with an offset."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta, timezone

import pytest

from storage.times import iso, iso_as_given, iso_from_struct, now, parse_time, read_time, shifted

CET = timezone(timedelta(hours=1))


def test_now_is_utc_to_the_second():
    stamp = now()
    assert stamp.endswith("+00:00") and len(stamp) == len("2026-11-20T10:00:00+00:00")
    assert abs(parse_time(stamp) - datetime.now(UTC)) < timedelta(seconds=5)


def test_iso_writes_utc_to_the_second():
    assert iso(datetime(2026, 11, 20, 7, 30, 15, 999, tzinfo=CET)) == "2026-11-20T06:30:15+00:00"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2026-11-20T07:30:00+01:00", datetime(2026, 11, 20, 7, 30, tzinfo=CET)),
        ("2026-11-20T06:30:00Z", datetime(2026, 11, 20, 6, 30, tzinfo=UTC)),
        (" 2026-11-20 ", datetime(2026, 11, 20, tzinfo=UTC)),  # no offset: UTC
    ],
)
def test_parse_time(value, expected):
    assert parse_time(value) == expected
    assert parse_time(value).utcoffset() == expected.utcoffset()


def test_read_time_gives_none_for_what_is_not_a_time():
    assert read_time("2026-11-20") == datetime(2026, 11, 20, tzinfo=UTC)
    assert [read_time(v) for v in ("soon", "", None, 20261120)] == [None] * 4
    with pytest.raises(ValueError):
        parse_time("soon")


def test_iso_as_given_keeps_the_offset():
    assert iso_as_given("2026-11-20T07:30:00.5+01:00") == "2026-11-20T07:30:00.500000+01:00"
    assert iso_as_given("2026-11-20T07:30:00Z") == "2026-11-20T07:30:00+00:00"
    assert iso_as_given("last Tuesday") is None


def test_shifted_moves_a_time_and_writes_it_in_utc():
    assert shifted("2026-11-20T07:30:00+01:00", 3600) == "2026-11-20T07:30:00+00:00"
    assert shifted(datetime(2026, 11, 20, tzinfo=UTC), -90) == "2026-11-19T23:58:30+00:00"


def test_feedparsers_time_tuples_are_utc():
    assert iso_from_struct(time.strptime("2026-11-20 06:30", "%Y-%m-%d %H:%M")) == (
        "2026-11-20T06:30:00+00:00"
    )
    assert iso_from_struct(None) is None
    assert iso_from_struct((99999, 1, 1, 0, 0, 0, 0, 1, 0)) is None  # a year datetime cannot hold
