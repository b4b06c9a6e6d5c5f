"""Article dates, absolute and relative times, and due times (campaign.header.dates)."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from campaign.header.dates import (
    MOVED_WARNING,
    parse_absolute,
    parse_date,
    parse_when,
    resolve_due,
)

from contract.plan import utc_iso

TZ = ZoneInfo("Europe/Berlin")




def test_absolute_naive_is_site_time_and_offsets_are_kept():
    assert parse_absolute("2026-11-20 09:00", TZ) == datetime(2026, 11, 20, 8, 0, tzinfo=UTC)
    assert parse_absolute("2026-11-20T09:00:30+01:00", TZ) == datetime(
        2026, 11, 20, 8, 0, 30, tzinfo=UTC
    )
    assert parse_absolute("2026-11-20T09:00Z", TZ) == datetime(2026, 11, 20, 9, tzinfo=UTC)


@pytest.mark.parametrize(
    "value", ["2026-11-20", "tomorrow", "20/11/2026 09:00", "2026-13-01 09:00",
              "2026-11-20 09:00:00.5", "2026-11-20 09:00+01", "2026-11-20 09:00+0100"]
)
def test_absolute_refuses_dates_without_time_and_nonsense(value):
    with pytest.raises(ValueError):
        parse_absolute(value, TZ)


@pytest.mark.parametrize(
    ("value", "expected"),
    [("2026-11-20", datetime(2026, 11, 20, tzinfo=TZ)),
     ("2026-11-20 09:00", datetime(2026, 11, 20, 9, tzinfo=TZ)),
     ("2026-11-20T09:00:30Z", datetime(2026, 11, 20, 9, 0, 30, tzinfo=UTC)),
     ("1970-01-01", datetime(1970, 1, 1, tzinfo=TZ)),
     ("2199-12-31 23:59-05:00", datetime(2200, 1, 1, 4, 59, tzinfo=UTC))],
)
def test_article_dates_may_be_a_day_or_a_moment(value, expected):
    assert parse_date(value, TZ) == expected


@pytest.mark.parametrize(
    ("value", "reason"),
    [("03/12/2026 10:00", "not a date '03/12/2026 10:00': expected YYYY-MM-DD, "
      "YYYY-MM-DD HH:MM, or either with an offset (2026-11-20T09:00+01:00)"),
     ("226-11-21 09:00", "not a date '226-11-21 09:00': expected YYYY-MM-DD, "
      "YYYY-MM-DD HH:MM, or either with an offset (2026-11-20T09:00+01:00)"),
     ("1969-12-31", "'1969-12-31': year 1969 is outside 1970-2199"),
     ("9999-12-31 23:00-05:00", "'9999-12-31 23:00-05:00': year 9999 is outside 1970-2199"),
     ("2026-02-30", "not a valid date '2026-02-30'")],
)
def test_article_dates_outside_the_forms_or_years_are_refused(value, reason):
    with pytest.raises(ValueError) as error:
        parse_date(value, TZ)
    assert str(error.value) == reason


@pytest.mark.parametrize("value", ["+5000000d", "+99999999999999999999d", "+100000w"])
def test_relative_times_that_would_overflow_are_too_far(value):
    with pytest.raises(ValueError) as error:
        parse_when(value, TZ)
    assert str(error.value) == f"{value} is too far: every date must stay in the years 1970-2199"


@pytest.mark.parametrize(
    ("value", "delta"),
    [("+0h", timedelta()), ("+30m", timedelta(minutes=30)), ("+2h", timedelta(hours=2)),
     ("+3d", timedelta(days=3)), ("+1w", timedelta(weeks=1)), ("+1d 2h", timedelta(hours=26))],
)
def test_relative_times(value, delta):
    assert parse_when(value, TZ) == delta


@pytest.mark.parametrize("value", ["+2", "+2y", "-2h", "2h", "+h"])
def test_relative_refuses_other_forms(value):
    with pytest.raises(ValueError):
        parse_when(value, TZ)


def test_due_is_never_before_the_article():
    date = datetime(2026, 11, 20, 9, tzinfo=UTC)
    assert resolve_due(None, date) == (date, [])
    assert resolve_due(timedelta(days=3), date) == (date + timedelta(days=3), [])
    assert resolve_due(date - timedelta(hours=1), date) == (date, [MOVED_WARNING])


def test_utc_iso_is_seconds_precision_with_z():
    assert utc_iso(datetime(2026, 11, 20, 10, 0, 5, 999, tzinfo=TZ)) == "2026-11-20T09:00:05Z"
