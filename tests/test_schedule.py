"""Poll intervals, backoff, Retry-After and revision checks: pure time arithmetic."""

from __future__ import annotations

from datetime import UTC, datetime

from crawler.policy.schedule import failure_delay, failure_retry_due, next_interval, retry_after

NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
BOUNDS = (300, 86400)


def test_a_busy_feed_is_polled_more_often_a_quiet_one_less_within_bounds():
    assert next_interval(None, new_entries=3, bounds=BOUNDS) == 1800
    assert next_interval(1800, new_entries=0, bounds=BOUNDS) == 2700
    assert next_interval(400, new_entries=1, bounds=BOUNDS) == 300
    assert next_interval(80000, new_entries=0, bounds=BOUNDS) == 86400


def test_failures_back_off_doubling_up_to_a_day():
    assert [failure_delay(n, bounds=BOUNDS) for n in (1, 2, 3)] == [300, 600, 1200]
    assert failure_delay(40, bounds=BOUNDS) == 86400


def test_retry_after_in_seconds_or_as_a_date():
    assert retry_after("120", now=NOW) == 120
    assert retry_after("Wed, 25 Nov 2026 13:00:00 GMT", now=NOW) == 3600
    assert retry_after("whenever", now=NOW) is None
    assert retry_after(None, now=NOW) is None


def test_a_failed_article_is_retried_after_an_hour_then_less_often():
    assert not failure_retry_due("2026-11-25T11:30:00+00:00", 1, now=NOW)
    assert failure_retry_due("2026-11-25T10:59:00+00:00", 1, now=NOW)
    assert not failure_retry_due("2026-11-25T10:59:00+00:00", 2, now=NOW)


def test_a_first_poll_assumes_an_hourly_feed():
    assert next_interval(None, new_entries=0, bounds=BOUNDS) == 5400
    assert next_interval(None, new_entries=0, bounds=(300, 3600)) == 3600


def test_the_first_failure_waits_the_shortest_interval():
    assert failure_delay(0, bounds=BOUNDS) == failure_delay(1, bounds=BOUNDS) == 300


def test_retry_after_a_date_in_the_past_or_without_a_zone():
    assert retry_after("Wed, 25 Nov 2026 11:00:00 GMT", now=NOW) == 0
    assert retry_after(" 30 ", now=NOW) == 30
    assert retry_after("Wed, 25 Nov 2026 12:01:00 -0000", now=NOW) == 60


def test_a_failed_article_waits_at_most_a_day():
    assert not failure_retry_due("2026-11-24T12:30:00+00:00", 30, now=NOW)
    assert failure_retry_due("2026-11-24T12:00:00+00:00", 30, now=NOW)
    assert failure_retry_due("2026-11-25T07:59:00Z", 3, now=NOW)  # 4 h after, Z for UTC
