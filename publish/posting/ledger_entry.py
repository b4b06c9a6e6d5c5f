"""One item's record in the ledger (state/ledger.json), typed: `Entry`, its `LedgerState`
and, for a refused or unsettled attempt, its `EntryError`.

`Entry.from_json` takes an entry publish/posting/ledger.py has validated; `to_json` gives it
back as the file holds it: a field that is not set is left out, times are kept as the text
the file has (`2026-11-22T15:00:00Z`, checked on load), and fields this publisher does not
know are kept as they are (`extra`), so loading and saving a ledger changes no byte of it.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from enum import StrEnum
from typing import Any


class LedgerState(StrEnum):
    """What the publisher did with an item (docs/publisher.md)."""
    POSTING = "posting"   # a POST may be in flight or may have happened: settled next run
    SENT = "sent"         # posted: post_id, url and sent_at are known
    FAILED = "failed"     # the network refused it and no post exists: tried again next run
    UNKNOWN = "unknown"   # a person settles it (`publish resolve`)
    MISSED = "missed"     # too late: not posted
    WAITING = "waiting"   # due, but not posted: its page was not live, or no credentials


class WaitingFor(StrEnum):
    """What a `waiting` item waits for (the file holds `credentials` or `budget`: `page` is
    the default, not stored). `budget`: held by X's monthly budget (publish/posting/budget.py)."""
    PAGE = "page"
    CREDENTIALS = "credentials"
    BUDGET = "budget"


@dataclass(frozen=True)
class EntryError:
    """Why the last attempt failed, or why its outcome is unknown."""
    kind: str | None = None
    message: str | None = None
    at: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def from_json(cls, raw: dict[str, Any]) -> EntryError:
        known = {"kind", "message", "at"}
        return cls(**{k: raw[k] for k in known if k in raw},
                   extra={k: v for k, v in raw.items() if k not in known})

    def to_json(self) -> dict[str, Any]:
        return {**self.extra, **_set_fields(self, ("extra",))}


@dataclass(frozen=True)
class Entry:
    state: LedgerState
    network: str
    text: str | None = None        # as posted (from the plan)
    link: str | None = None
    source: str | None = None      # the article file the item came from, last seen
    attempts: int | None = None
    attempted_at: str | None = None
    post_id: str | None = None
    url: str | None = None
    sent_at: str | None = None
    confirmed_by: str | None = None  # how it is known to be sent: api, found-…, person
    error: EntryError | None = None
    due: str | None = None         # the due time it was missed at
    missed_at: str | None = None
    waiting_since: str | None = None
    waiting_reason: str | None = None
    waiting_for: WaitingFor | None = None  # None: its page
    metrics: dict[str, int] | None = None
    metrics_at: str | None = None
    metrics_missing: str | None = None
    checked_at: str | None = None
    cost_usd: float | None = None  # the estimated cost when attempted (X's monthly budget)
    extra: dict[str, Any] = field(default_factory=dict)  # fields this publisher does not know

    @classmethod
    def from_json(cls, raw: dict[str, Any]) -> Entry:
        """A validated entry (ledger.validate found no problem in it)."""
        known = {f.name for f in fields(cls)} - {"extra"}
        values = {name: raw[name] for name in known if name in raw}
        values["state"] = LedgerState(values["state"])
        if "waiting_for" in values:
            values["waiting_for"] = WaitingFor(values["waiting_for"])
        if "error" in values:
            values["error"] = EntryError.from_json(values["error"])
        if "metrics" in values:
            values["metrics"] = dict(values["metrics"])
        return cls(**values, extra={k: v for k, v in raw.items() if k not in known})

    def to_json(self) -> dict[str, Any]:
        found = {**self.extra, **_set_fields(self, ("extra",))}
        if self.error is not None:
            found["error"] = self.error.to_json()
        return found


def _set_fields(record, leave_out: tuple[str, ...]) -> dict[str, Any]:
    return {f.name: getattr(record, f.name) for f in fields(record)
            if f.name not in leave_out and getattr(record, f.name) is not None}
