"""`publish metrics`: refresh engagement numbers on a cadence and write them back.

Pure: `next_refresh` / `refresh_due` (cadence after posting), `aggregate` (sums per article and
network) and `header_values` (the three contract lines). `refresh` and `sync_headers` do the
I/O: adapter calls, ledger, history, Markdown files.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

from contract.header_lines import (
    SEPARATOR,
    as_of_key,
    engagement_key,
    metrics_value,
    posts_key,
)
from publish.clock import format_time, parse_time
from publish.networks import Capabilities, ErrorKind, Network, NetworkError
from publish.posting import ledger as L
from publish.posting.ledger import Ledger, LedgerStore
from publish.posting.ledger_entry import Entry, LedgerState
from publish.posting.pins import FileReport, sync_pins
from publish.posting.plan_file import Plan
from publish.posting.writeback import update_header
from publish.report import history
from publish.terminal import Output


def next_refresh(entry: Entry, cadence: Sequence[timedelta]) -> datetime | None:
    """The next cadence point after the last check, or None once frozen."""
    sent_at = parse_time(entry.sent_at or "")
    checked = parse_time(entry.checked_at) if entry.checked_at else None
    for offset in cadence:
        point = sent_at + offset
        if checked is None or point > checked:
            return point
    return None


def refresh_due(entry: Entry, now: datetime, cadence: Sequence[timedelta]) -> bool:
    if entry.state is not LedgerState.SENT or not entry.post_id:
        return False
    point = next_refresh(entry, cadence)
    return point is not None and now >= point


@dataclass(frozen=True)
class Engagement:
    numbers: Mapping[str, int]
    as_of: datetime
    posts: tuple[str, ...]


def aggregate(plan: Plan, ledger: Ledger, network: str,
              names: Sequence[str]) -> dict[str, Engagement]:
    """source file → the article's engagement on `network` (only articles with numbers):
    each of the network's `names` summed over the article's posts, in that order."""
    groups: dict[str, list[Entry]] = {}
    for item in plan.items:
        entry = ledger.get(item.id)
        if item.network == network and entry and entry.state is LedgerState.SENT:
            groups.setdefault(item.source, []).append(entry)
    result = {}
    for source, entries in groups.items():
        measured = [e for e in entries if e.metrics is not None]
        if not measured:
            continue
        numbers = {name: sum(int((e.metrics or {}).get(name, 0)) for e in measured)
                   for name in names}
        as_of = max(parse_time(e.metrics_at or "") for e in measured)
        result[source] = Engagement(numbers, as_of, tuple(e.url or "" for e in entries))
    return result


def header_values(label: str, engagement: Engagement) -> list[tuple[str, str]]:
    """The network's three Engagement lines (contract/header_lines.py)."""
    return [
        (engagement_key(label), metrics_value(engagement.numbers.items())),
        (as_of_key(label), format_time(engagement.as_of)),
        (posts_key(label), SEPARATOR.join(engagement.posts)),
    ]


@dataclass
class MetricsReport(FileReport):
    refreshed: int = 0
    missing: int = 0
    not_due: int = 0
    errors: list[str] = field(default_factory=list)        # failures: exit code 1
    rate_limited: list[str] = field(default_factory=list)  # networks asked to wait: retried

    def summary(self, dry_run: bool = False) -> str:
        head = "metrics (dry run)" if dry_run else "metrics"
        return (f"{head}: {self.refreshed} refreshed, {self.missing} not found, "
                f"{self.not_due} not due for a refresh")


@dataclass(frozen=True)
class RefreshOptions:
    """What `publish metrics` was asked to do."""
    cadence: Sequence[timedelta]   # refresh points after posting (--cadence)
    history: Path                  # the snapshot history (JSON lines) to append to
    refresh_all: bool = False      # --all: every sent post, due or not
    dry_run: bool = False


def refresh(plan: Plan, store: LedgerStore, networks: Mapping[str, Network | None], *,
            now: datetime, options: RefreshOptions, out: Output,
            report: MetricsReport) -> Ledger:
    """Fetch the numbers of every post due for a refresh, record them in the ledger and the
    history. A network that cannot read (None) is skipped; its failures are the report's."""
    cadence, refresh_all, dry_run = options.cadence, options.refresh_all, options.dry_run
    history_path = options.history
    ledger = store.load()
    due: dict[str, list[tuple[str, Entry]]] = {}
    for item in plan.items:
        entry = ledger.get(item.id)
        if not entry or entry.state is not LedgerState.SENT or not entry.post_id:
            continue
        if refresh_all or refresh_due(entry, now, cadence):
            due.setdefault(item.network, []).append((item.id, entry))
        else:
            report.not_due += 1
    for network, pairs in due.items():
        adapter = networks.get(network)
        if dry_run or adapter is None:
            for item_id, entry in pairs:
                out.item("would", item_id, f"fetch numbers for post {entry.post_id}")
            continue
        ids = list(dict.fromkeys(e.post_id or "" for _, e in pairs))
        try:
            result = adapter.fetch_metrics(ids)
        except NetworkError as exc:
            waits = exc.kind is ErrorKind.RATE_LIMITED
            (report.rate_limited if waits else report.errors).append(f"{network}: {exc}")
            out.say(f"{network}: numbers not refreshed: {exc}")
            continue
        stamp = format_time(now)
        records = []
        for item_id, entry in pairs:
            post_id = entry.post_id or ""
            if post_id in result.numbers:
                numbers = dict(result.numbers[post_id])
                ledger.put(item_id, L.record_metrics(entry, numbers=numbers, now=now))
                records.append(history.snapshot(item_id, network, post_id, stamp, numbers))
                report.refreshed += 1
                names = adapter.capabilities.metric_names
                out.item("metrics", item_id, ", ".join(f"{k} {numbers.get(k, 0)}"
                                                       for k in names))
            else:
                reason = result.missing.get(post_id, "not in the answer")
                ledger.put(item_id, L.record_metrics(entry, numbers=None, now=now,
                                                     missing=reason))
                report.missing += 1
                out.item("gone", item_id, f"post {post_id} not found on {network} "
                         f"({reason}); last numbers kept")
        store.save(ledger)
        try:
            history.append(history_path, records, out.secrets)
        except OSError as exc:        # a full disk: the numbers are safe in the ledger
            report.errors.append(f"history: {exc.strerror}")
            out.error(f"publish: cannot append to {history_path}: {exc.strerror}; these "
                      "numbers are in the ledger but not in the history")
    return ledger


def sync_headers(plan: Plan, ledger: Ledger, content: Path,
                 networks: Mapping[str, Capabilities], dry_run: bool, out: Output,
                 report: MetricsReport) -> None:
    """Write each article's engagement lines and pins; untouched when nothing changes. Only
    files inside the content folder are written (`content_file`), and never a read-only one."""
    for network, caps in networks.items():
        owners = {i.source: i.id for i in reversed(plan.items) if i.network == network}
        for source, engagement in aggregate(plan, ledger, network, caps.metric_names).items():
            update_header(content, source, header_values(caps.label, engagement),
                          owner=owners[source], dry_run=dry_run, out=out, report=report,
                          what=engagement_key(caps.label))
    sync_pins(plan, ledger, content, dry_run, out, report)
