"""Date-times in headers (absolute or relative to the article) and when items fall due."""

import re
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

ABSOLUTE_HELP = "YYYY-MM-DD HH:MM in the site time zone, or with an offset (2026-11-20T09:00+01:00)"
RELATIVE_HELP = "+30m, +2h, +3d or +1w after the article's date"
MOVED_WARNING = "due before the article's date; moved to the article's date"

_ABSOLUTE_RE = re.compile(
    r"^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}(:\d{2})?(\.\d+)?(Z|[+-]\d{2}(:?\d{2})?)?$"
)
_RELATIVE_RE = re.compile(r"^\+(?:\d+[mhdw])+$")
_RELATIVE_PART_RE = re.compile(r"(\d+)([mhdw])")
_UNITS = {"m": "minutes", "h": "hours", "d": "days", "w": "weeks"}


def parse_absolute(value: str, tz: ZoneInfo) -> datetime:
    """An aware date-time; naive input is in `tz`. Raises ValueError with a reason."""
    text = value.strip()
    if not _ABSOLUTE_RE.match(text):
        raise ValueError(f"not a date-time {text!r}: expected {ABSOLUTE_HELP}")
    try:
        moment = datetime.fromisoformat(text.replace(" ", "T", 1))
    except ValueError:
        raise ValueError(f"not a valid date-time {text!r}") from None
    return moment.replace(tzinfo=tz) if moment.tzinfo is None else moment


def parse_relative(value: str) -> timedelta:
    text = value.strip().replace(" ", "")
    if not _RELATIVE_RE.match(text):
        raise ValueError(f"not a relative time {value.strip()!r}: expected {RELATIVE_HELP}")
    delta = timedelta()
    for amount, unit in _RELATIVE_PART_RE.findall(text):
        delta += timedelta(**{_UNITS[unit]: int(amount)})
    return delta


def parse_when(value: str, tz: ZoneInfo) -> datetime | timedelta:
    """`Social_At` values: an absolute aware date-time or a delta after the article's date."""
    if value.strip().startswith("+"):
        return parse_relative(value)
    try:
        return parse_absolute(value, tz)
    except ValueError:
        raise ValueError(
            f"not a date-time {value.strip()!r}: expected {ABSOLUTE_HELP}, or {RELATIVE_HELP}"
        ) from None


def resolve_due(when: datetime | timedelta | None, article_date: datetime) -> tuple[datetime, list]:
    """Due time (never before the article's date) and the warnings that explain it."""
    if when is None:
        return article_date, []
    due = article_date + when if isinstance(when, timedelta) else when
    if due < article_date:
        return article_date, [MOVED_WARNING]
    return due, []


def utc_iso(moment: datetime) -> str:
    """`2026-11-20T09:00:00Z`: UTC, seconds precision."""
    return moment.astimezone(UTC).replace(microsecond=0).strftime("%Y-%m-%dT%H:%M:%SZ")
