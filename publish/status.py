"""`publish status` and `publish plan`: what each plan item is and would be. Pure rows; the
command line renders them with publish.output."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from publish.clock import format_time
from publish.ledger import Entry, Ledger
from publish.metrics import METRIC_NAMES
from publish.pins import rename_notes
from publish.plan import Plan, PlanItem


def item_state(item: PlanItem, entry: Entry | None, now: datetime,
               max_lateness: timedelta) -> str:
    """scheduled / sent / failed / missed / unknown (a "posting" entry is unknown until the
    next run settles it)."""
    state = (entry or {}).get("state")
    if state in ("sent", "failed", "unknown"):
        return state
    if state == "posting":
        return "unknown"
    if state == "missed" and entry.get("due") == format_time(item.due):
        return "missed"
    if item.due <= now and now - item.due > max_lateness:
        return "missed"
    return "scheduled"


def plan_state(item: PlanItem, entry: Entry | None, now: datetime,
               max_lateness: timedelta) -> str:
    """`publish plan`'s one state column: what happened to the item, or else what `run` would
    do with it at `now` (due / not yet / missed)."""
    state = item_state(item, entry, now, max_lateness)
    return when_due(item, now, max_lateness) if state == "scheduled" else state


def numbers_text(entry: Entry | None) -> str:
    metrics = (entry or {}).get("metrics")
    if not isinstance(metrics, dict):
        return ""
    return ", ".join(f"{name} {metrics.get(name, 0)}" for name in METRIC_NAMES)


def note_text(entry: Entry | None, state: str) -> str:
    entry = entry or {}
    if entry.get("state") == "posting":
        return (f"attempt at {entry.get('attempted_at')} not settled: the next run checks "
                "the network")
    if state in ("failed", "unknown") and isinstance(entry.get("error"), dict):
        return entry["error"].get("message", "")
    if entry.get("metrics_missing"):
        return f"post not found at last check: {entry['metrics_missing']}"
    if entry.get("metrics_at"):
        return f"numbers as of {entry['metrics_at']}"
    return ""


@dataclass(frozen=True)
class StatusRow:
    due: str
    id: str
    state: str
    post_id: str
    link: str
    numbers: str
    note: str


def status_rows(plan: Plan, ledger: Ledger, now: datetime,
                max_lateness: timedelta) -> list[StatusRow]:
    rows = []
    renamed = rename_notes(plan, ledger)
    for item in plan.items:
        entry = ledger.get(item.id)
        state = item_state(item, entry, now, max_lateness)
        note = "; ".join(n for n in (note_text(entry, state), renamed.get(item.id)) if n)
        rows.append(StatusRow(
            due=format_time(item.due), id=item.id, state=state,
            post_id=str((entry or {}).get("post_id") or ""),
            link=str((entry or {}).get("url") or ""),
            numbers=numbers_text(entry), note=note))
    return rows


def when_due(item: PlanItem, now: datetime, max_lateness: timedelta) -> str:
    """What `run` would do with a fresh item at `now`: due / not yet / missed."""
    if item.due > now:
        return "not yet"
    return "missed" if now - item.due > max_lateness else "due"


def state_counts(rows: list[StatusRow]) -> str:
    order = ("scheduled", "sent", "failed", "missed", "unknown")
    counts = {s: sum(r.state == s for r in rows) for s in order}
    return "status: " + ", ".join(f"{counts[s]} {s}" for s in order)
