"""signing.times: the one place that writes and reads RFC 3339 times."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from signing.times import MissingTimeZone, rfc3339, rfc3339_or_date_parse, rfc3339_parse

TASHKENT = timezone(timedelta(hours=5))


def test_rfc3339_writes_utc_to_the_second():
    moment = datetime(2026, 11, 28, 15, 15, 0, 999_999, tzinfo=TASHKENT)
    assert rfc3339(moment) == "2026-11-28T10:15:00Z"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-11-28T10:15:00Z", datetime(2026, 11, 28, 10, 15, tzinfo=UTC)),
        ("2026-11-28T15:15:00+05:00", datetime(2026, 11, 28, 10, 15, tzinfo=UTC)),
    ],
)
def test_rfc3339_parse_reads_a_time_with_a_zone(text, expected):
    assert rfc3339_parse(text) == expected
    assert rfc3339_parse(text).tzinfo is not None


@pytest.mark.parametrize("text", ["2026-11-28T10:15:00", "2026-11-28"])
def test_rfc3339_parse_refuses_a_time_without_a_zone(text):
    with pytest.raises(MissingTimeZone):
        rfc3339_parse(text)


@pytest.mark.parametrize("text", ["", "yesterday", "2026-11-28T10Z:15:00"])
def test_rfc3339_parse_refuses_what_is_not_a_time(text):
    with pytest.raises(ValueError, match="Invalid isoformat"):
        rfc3339_parse(text)


def test_what_rfc3339_writes_rfc3339_parse_reads_back():
    moment = datetime(2026, 11, 28, 10, 15, tzinfo=UTC)
    assert rfc3339_parse(rfc3339(moment)) == moment


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-11-28T10:15:00Z", datetime(2026, 11, 28, 10, 15, tzinfo=UTC)),
        ("2026-11-28T10:15:00z", datetime(2026, 11, 28, 10, 15, tzinfo=UTC)),
        ("2026-11-28T15:15:00+05:00", datetime(2026, 11, 28, 10, 15, tzinfo=UTC)),
        ("2026-11-28T10:15:00", datetime(2026, 11, 28, 10, 15, tzinfo=UTC)),
        ("2026-11-28", datetime(2026, 11, 28, tzinfo=UTC)),
    ],
)
def test_rfc3339_or_date_parse_reads_dates_and_zoneless_times_as_utc(text, expected):
    moment = rfc3339_or_date_parse(text)
    assert moment == expected
    assert moment.tzinfo is not None


def test_rfc3339_or_date_parse_refuses_what_is_not_a_time():
    with pytest.raises(ValueError, match="Invalid isoformat"):
        rfc3339_or_date_parse("tomorrow")
