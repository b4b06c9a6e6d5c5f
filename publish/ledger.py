"""The ledger: what the publisher did for each plan item (state/ledger.json).

Pretty JSON, sorted keys, one final newline: diffs in git stay small and readable. Written
atomically (publish.atomic) before and after every POST. Transitions are pure functions that
return a new entry dict; `LedgerStore` does the file I/O.

States: posting (a POST may be in flight or may have happened: outcome unknown until
reconciled), sent, failed (the API definitively refused; no post exists; tried again next run),
unknown (a person must settle it with `publish resolve`), missed (too late, not posted).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from publish.atomic import write_atomic
from publish.clock import format_time

SCHEMA = "publish-ledger/1"
STATES = ("posting", "sent", "failed", "unknown", "missed")

Entry = dict[str, Any]


class LedgerError(Exception):
    """The ledger file is unreadable or not in the expected format."""


@dataclass
class Ledger:
    items: dict[str, Entry] = field(default_factory=dict)

    def get(self, item_id: str) -> Entry | None:
        return self.items.get(item_id)

    def put(self, item_id: str, entry: Entry) -> None:
        self.items[item_id] = entry

    def remove(self, item_id: str) -> None:
        self.items.pop(item_id, None)

    def claimed_post_ids(self, except_id: str | None = None) -> set[str]:
        return {
            e["post_id"] for i, e in self.items.items()
            if i != except_id and e.get("post_id")
        }


# --- pure transitions -------------------------------------------------------------------

def mark_posting(old: Entry | None, *, network: str, text: str, link: str,
                 now: datetime, source: str | None = None) -> Entry:
    entry = dict(old or {})
    entry.pop("error", None)
    entry.update(state="posting", network=network, text=text, link=link,
                 attempted_at=format_time(now), attempts=int(entry.get("attempts", 0)) + 1)
    if source:
        entry["source"] = source
    return entry


def with_source(old: Entry, source: str) -> Entry:
    """The article file the item belongs to now (the publisher's safety net for renames
    needs it once the item's id has left the plan)."""
    return {**old, "source": source}


def mark_sent(old: Entry, *, post_id: str, url: str, now: datetime, how: str) -> Entry:
    entry = dict(old)
    entry.pop("error", None)
    entry.update(state="sent", post_id=post_id, url=url, sent_at=format_time(now),
                 confirmed_by=how)
    return entry


def mark_failed(old: Entry, *, kind: str, message: str, now: datetime) -> Entry:
    """The API refused and certainly created no post: tried again on the next run."""
    entry = dict(old)
    entry.update(state="failed", error={"kind": kind, "message": message,
                                        "at": format_time(now)})
    return entry


def mark_unknown(old: Entry, *, reason: str, now: datetime) -> Entry:
    """Nobody can tell whether the post exists: parked until a person runs `resolve`."""
    entry = dict(old)
    entry.update(state="unknown", error={"kind": "unknown", "message": reason,
                                         "at": format_time(now)})
    return entry


def mark_missed(old: Entry | None, *, network: str, due: datetime, now: datetime) -> Entry:
    """Too late to post (beyond --max-lateness); `run --post-late` still posts it."""
    entry = dict(old or {})
    entry.update(state="missed", network=network, due=format_time(due),
                 missed_at=format_time(now))
    return entry


def record_metrics(old: Entry, *, numbers: dict[str, int] | None, now: datetime,
                   missing: str | None = None) -> Entry:
    """A refresh happened at `now`: store the numbers, or note that the post was not found."""
    entry = dict(old)
    entry["checked_at"] = format_time(now)
    if numbers is not None:
        entry["metrics"] = dict(numbers)
        entry["metrics_at"] = format_time(now)
        entry.pop("metrics_missing", None)
    elif missing:
        entry["metrics_missing"] = missing
    return entry


# --- file I/O ---------------------------------------------------------------------------

def dumps(ledger: Ledger) -> bytes:
    doc = {"schema": SCHEMA, "items": ledger.items}
    return (json.dumps(doc, indent=2, sort_keys=True, ensure_ascii=False) + "\n").encode()


def loads(raw: bytes, where: str = "ledger") -> Ledger:
    if not raw.strip():
        return Ledger()
    try:
        doc = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise LedgerError(f"{where} is not valid JSON ({exc}); restore it from git") from None
    if not isinstance(doc, dict) or doc.get("schema") != SCHEMA:
        raise LedgerError(f"{where}: expected schema {SCHEMA!r}")
    items = doc.get("items")
    if not isinstance(items, dict):
        raise LedgerError(f"{where}: 'items' must be an object")
    for item_id, entry in items.items():
        if not isinstance(entry, dict) or entry.get("state") not in STATES:
            raise LedgerError(f"{where}: entry {item_id!r} has no valid state")
    return Ledger(items=items)


@dataclass(frozen=True)
class LedgerStore:
    path: Path

    def exists(self) -> bool:
        return Path(self.path).exists()

    def load(self) -> Ledger:
        try:
            raw = Path(self.path).read_bytes()
        except FileNotFoundError:
            return Ledger()
        return loads(raw, str(self.path))

    def save(self, ledger: Ledger) -> None:
        write_atomic(Path(self.path), dumps(ledger))
