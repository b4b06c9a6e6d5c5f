"""Time values, ages, durations and cadences (publish.clock)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from publish.clock import (
    TimeFormatError,
    format_age,
    format_time,
    parse_cadence,
    parse_duration,
    parse_time,
)

T0 = datetime(2026, 11, 22, 15, 0, tzinfo=UTC)


def test_time_values():
    assert parse_time("2026-11-22T15:00:00Z") == T0
    assert parse_time("2026-11-22T16:00:00+01:00") == T0
    assert parse_time("2026-11-22T15:00:00") == T0
    assert format_time(datetime(2026, 11, 22, 16, 0, 0, 123, tzinfo=UTC)
                       + timedelta(hours=-1)) == "2026-11-22T15:00:00Z"
    with pytest.raises(TimeFormatError):
        parse_time("22/11/2026")
    assert format_age(timedelta(hours=78, minutes=5)) == "3d 6h"
    assert format_age(timedelta(minutes=95)) == "1h 35m"
    assert parse_duration("24h") == timedelta(days=1)
    assert parse_duration("90s") == timedelta(seconds=90)
    assert parse_cadence("1h,1d,7d,30d")[-1] == timedelta(days=30)
    for bad in ("", "1d,1h", "1x"):
        with pytest.raises(TimeFormatError):
            parse_cadence(bad)
