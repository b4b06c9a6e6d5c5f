"""`publish export` (docs/report.md): the metrics history as a table, one row per item per
fetch, joined with the plan and the ledger; as CSV (safe to open in a spreadsheet) or JSON.
Pure."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from publish import networks as registry
from publish.clock import TimeFormatError, format_time, parse_time
from publish.posting.ledger import Ledger
from publish.posting.plan_file import Plan

METRIC_NAMES = registry.all_metric_names()
EXPORT_COLUMNS = ("fetched_at", "id", "network", "post_id", "post_url", "title",
                  "campaign", "source", "kind", "lang", "due", *METRIC_NAMES)
EXPORT_SCHEMA = "publish-export/1"


@dataclass(frozen=True)
class Snapshot:
    """One history record with its UTC time."""
    at: datetime
    record: Mapping


def snapshots(records: Iterable[Mapping], problems: list[str]) -> list[Snapshot]:
    """History records with a readable `fetched_at` and `id`, in time order; the others are
    named in `problems`."""
    found = []
    for number, record in enumerate(records, start=1):
        try:
            at = parse_time(str(record.get("fetched_at")))
        except TimeFormatError:
            problems.append(f"history record {number}: no readable fetched_at: skipped")
            continue
        if not isinstance(record.get("id"), str):
            problems.append(f"history record {number}: no item id: skipped")
            continue
        found.append(Snapshot(at, record))
    found.sort(key=lambda s: (s.at, s.record["id"]))
    return found


def metric_number(value: object) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def export_rows(plan: Plan, ledger: Ledger, shots: Sequence[Snapshot],
                start: datetime | None = None, end: datetime | None = None) -> list[dict]:
    """One row per history snapshot with `start <= fetched_at <= end`, joined with the plan
    item (title, campaign, source, …; empty when the item left the plan) and the ledger's
    post URL. Columns: EXPORT_COLUMNS."""
    items = plan.by_id()
    rows = []
    for shot in shots:
        if (start and shot.at < start) or (end and shot.at > end):
            continue
        rec = shot.record
        item = items.get(rec["id"])
        entry = ledger.get(rec["id"])
        rows.append({
            "fetched_at": format_time(shot.at), "id": rec["id"],
            "network": rec.get("network") or (item.network if item else None),
            "post_id": rec.get("post_id"), "post_url": entry.url if entry else None,
            "title": item.title if item else None,
            "campaign": item.campaign if item else None,
            "source": item.source if item else entry.source if entry else None,
            "kind": item.kind if item else None, "lang": item.lang if item else None,
            "due": format_time(item.due) if item else None,
            **{name: metric_number(rec.get(name)) for name in METRIC_NAMES},
        })
    return rows


# A cell a spreadsheet would read as a formula (OWASP, "CSV Injection"): '=HYPERLINK(…)'.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value: object) -> object:
    """A value as an export cell: empty for None; text that starts like a formula gets a
    leading `'`, so a spreadsheet shows it as text instead of running it."""
    if value is None:
        return ""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def export_csv(rows: Sequence[Mapping]) -> str:
    """RFC 4180 rows (CRLF line ends: the csv module then quotes a cell holding a CR too)."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=EXPORT_COLUMNS, lineterminator="\r\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: csv_cell(v) for k, v in row.items()})
    return buffer.getvalue()


def export_document(rows: Sequence[Mapping], plan: Plan, now: datetime,
                    start: datetime | None, end: datetime | None) -> dict:
    def when(value: datetime | None) -> str | None:
        return format_time(value) if value else None

    return {"schema": EXPORT_SCHEMA, "now": format_time(now), "timezone": plan.timezone,
            "filters": {"from": when(start), "to": when(end)},
            "columns": list(EXPORT_COLUMNS), "count": len(rows), "rows": list(rows)}
