"""Times as values: parse/format UTC instants and durations. The wall clock is read only by
`wall_now`, which the command line calls once at the edge."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from contract.plan import utc_iso
from publish.errors import ConfigError


class TimeFormatError(ConfigError, ValueError):
    """Not a time, a duration or a cadence (a usage error: exit 2)."""


def wall_now() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)


def parse_time(text: str) -> datetime:
    """ISO 8601 → aware UTC datetime. A time without an offset is taken as UTC."""
    raw = text.strip()
    if raw.endswith(("Z", "z")):
        raw = raw[:-1] + "+00:00"
    try:
        value = datetime.fromisoformat(raw)
    except ValueError as exc:
        raise TimeFormatError(
            f"not an ISO 8601 time: {text!r} (example: 2026-11-22T15:00:00Z)"
        ) from exc
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC)


def format_time(value: datetime) -> str:
    """Aware datetime → '2026-11-22T15:00:00Z' (UTC, seconds precision): the plan's form of a
    time (contract/plan.py), which the ledger and the history use too."""
    return utc_iso(value)


_DURATION = re.compile(r"^\s*(\d+)\s*([smhdw])\s*$")
_UNITS = {"s": "seconds", "m": "minutes", "h": "hours", "d": "days", "w": "weeks"}


def parse_duration(text: str) -> timedelta:
    """'90s', '30m', '24h', '7d', '2w' → timedelta."""
    match = _DURATION.match(text)
    if not match:
        raise TimeFormatError(f"not a duration: {text!r} (examples: 30m, 24h, 7d)")
    return timedelta(**{_UNITS[match.group(2)]: int(match.group(1))})


def format_duration(value: timedelta) -> str:
    seconds = int(value.total_seconds())
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60)):
        if seconds and seconds % size == 0:
            return f"{seconds // size}{unit}"
    return f"{seconds}s"


def format_age(value: timedelta) -> str:
    """A readable span for people: '3d 6h', '6h', '45m'."""
    minutes = int(value.total_seconds()) // 60
    days, rest = divmod(minutes, 1440)
    hours, mins = divmod(rest, 60)
    parts = [f"{days}d"] if days else []
    if hours:
        parts.append(f"{hours}h")
    if mins and not days:
        parts.append(f"{mins}m")
    return " ".join(parts) or "0m"


def parse_cadence(text: str) -> tuple[timedelta, ...]:
    """'1h,1d,7d,30d' → increasing offsets after posting."""
    parts = [p for p in text.split(",") if p.strip()]
    if not parts:
        raise TimeFormatError("the cadence needs at least one duration, e.g. 1h,1d,7d,30d")
    values = tuple(parse_duration(p) for p in parts)
    if list(values) != sorted(set(values)):
        raise TimeFormatError(f"cadence must be strictly increasing: {text!r}")
    return values
