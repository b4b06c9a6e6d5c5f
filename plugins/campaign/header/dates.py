"""Date-times in headers (absolute or relative to the article) and when items fall due.

Every date-time a header may hold lies in the years FIRST_YEAR to LAST_YEAR: a year outside
them is a typo (`226-11-21`, `9999-…`), and keeping dates inside them means no offset or
time-zone arithmetic can overflow.
"""

import re
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

FIRST_YEAR, LAST_YEAR = 1970, 2199
YEARS = f"{FIRST_YEAR}-{LAST_YEAR}"
ABSOLUTE_HELP = "YYYY-MM-DD HH:MM in the site time zone, or with an offset (2026-11-20T09:00+01:00)"
DATE_HELP = "YYYY-MM-DD, YYYY-MM-DD HH:MM, or either with an offset (2026-11-20T09:00+01:00)"
RELATIVE_HELP = "+30m, +2h, +3d or +1w after the article's date"
MOVED_WARNING = "due before the article's date; moved to the article's date"

_DATE = r"(\d{4})-(\d{2})-(\d{2})"
_TIME = r"[ T]\d{2}:\d{2}(?::\d{2})?"
_OFFSET = r"(?:Z|[+-]\d{2}:\d{2})"
_ABSOLUTE_RE = re.compile(rf"^{_DATE}{_TIME}{_OFFSET}?$")
_DATE_ONLY_RE = re.compile(rf"^{_DATE}$")
_RELATIVE_RE = re.compile(r"^\+(?:\d+[mhdw])+$")
_RELATIVE_PART_RE = re.compile(r"(\d+)([mhdw])")
_UNITS = {"m": "minutes", "h": "hours", "d": "days", "w": "weeks"}
# The longest relative time that can still land inside the years: longer is surely a typo,
# and an article date plus this much can never overflow.
_LONGEST = timedelta(days=366 * (LAST_YEAR - FIRST_YEAR + 1))


def _too_far(text: str) -> str:
    return f"{text} is too far: every date must stay in the years {YEARS}"


def _check_year(moment: datetime, text: str) -> None:
    if not FIRST_YEAR <= moment.year <= LAST_YEAR:
        raise ValueError(f"{text!r}: year {moment.year} is outside {YEARS}")


def parse_absolute(value: str, tz: ZoneInfo) -> datetime:
    """An aware date-time; naive input is in `tz`. Raises ValueError with a reason."""
    text = value.strip()
    if not _ABSOLUTE_RE.match(text):
        raise ValueError(f"not a date-time {text!r}: expected {ABSOLUTE_HELP}")
    try:
        moment = datetime.fromisoformat(text.replace(" ", "T", 1).replace("Z", "+00:00"))
    except ValueError:
        raise ValueError(f"not a valid date-time {text!r}") from None
    _check_year(moment, text)
    return moment.replace(tzinfo=tz) if moment.tzinfo is None else moment


def parse_date(value: str, tz: ZoneInfo) -> datetime:
    """`Date` / `Modified`: like parse_absolute, and a date alone means its midnight."""
    text = value.strip()
    if not _DATE_ONLY_RE.match(text):
        if not _ABSOLUTE_RE.match(text):
            raise ValueError(f"not a date {text!r}: expected {DATE_HELP}")
        return parse_absolute(text, tz)
    try:
        day = date.fromisoformat(text)
    except ValueError:
        raise ValueError(f"not a valid date {text!r}") from None
    moment = datetime.combine(day, time(), tzinfo=tz)
    _check_year(moment, text)
    return moment


def parse_relative(value: str) -> timedelta:
    text = value.strip().replace(" ", "")
    if not _RELATIVE_RE.match(text):
        raise ValueError(f"not a relative time {value.strip()!r}: expected {RELATIVE_HELP}")
    delta = timedelta()
    try:
        for amount, unit in _RELATIVE_PART_RE.findall(text):
            delta += timedelta(**{_UNITS[unit]: int(amount)})
    except OverflowError:
        raise ValueError(_too_far(text)) from None
    if delta > _LONGEST:
        raise ValueError(_too_far(text))
    return delta


def parse_when(value: str, tz: ZoneInfo) -> datetime | timedelta:
    """`Social_At` values: an absolute aware date-time or a delta after the article's date."""
    text = value.strip()
    if text.startswith("+"):
        return parse_relative(text)
    if _ABSOLUTE_RE.match(text):
        return parse_absolute(text, tz)
    raise ValueError(f"not a date-time {text!r}: expected {ABSOLUTE_HELP}, or {RELATIVE_HELP}")


def relative_problem(value: str, delta: timedelta, article_date: datetime) -> str | None:
    """Why `delta` after the article's date leaves the years, or None."""
    if (article_date + delta).year > LAST_YEAR:
        return _too_far(value.strip().replace(" ", ""))
    return None


def resolve_due(when: datetime | timedelta | None, article_date: datetime) -> tuple[datetime, list]:
    """Due time (never before the article's date) and the warnings that explain it."""
    if when is None:
        return article_date, []
    due = article_date + when if isinstance(when, timedelta) else when
    if due < article_date:
        return article_date, [MOVED_WARNING]
    return due, []

