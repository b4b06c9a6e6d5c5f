"""`publish plan` and `publish status`: one vocabulary of states, the rows both commands show,
their filters, summaries and JSON document. Pure functions over values; the command line reads
the files and renders the rows with publish.terminal."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta, tzinfo

from publish import networks as registry
from publish.clock import TimeFormatError, format_time, parse_time
from publish.posting.ledger import Entry, Ledger
from publish.posting.pins import MAY_BE_OUT, rename_notes
from publish.posting.plan_file import Plan, PlanItem
from publish.posting.runner import Action, RunOptions, decide
from publish.terminal import shorten_links

# The one vocabulary of `plan`, `status`, their summaries, --help and docs/publisher.md, in
# the order summaries list them. Adding a state is one line here (and the rule that sets it).
STATES: dict[str, str] = {
    "scheduled": "not yet due",
    "due": "would be posted by a run now",
    "waiting": "due, but not posted by the last run: its page was not live (the link "
               "check) or its network had no posting credentials (the note says which); "
               "tried again on each run, missed once beyond --max-lateness",
    "sent": "posted; the post and its link are known",
    "failed": "the network refused it; a run tries again while within --max-lateness",
    "unknown": "the outcome of an attempt is not settled yet, or it is parked for a person "
               "(`resolve`)",
    "missed": "overdue by more than --max-lateness: not posted (`run --post-late` posts it)",
}
# Not done yet: what --upcoming shows.
UPCOMING = frozenset({"scheduled", "due", "waiting"})

# What `run` would do with an item, in the vocabulary (a recorded failure stays `failed`).
_BY_ACTION = {
    Action.NOT_DUE: "scheduled", Action.POST: "due", Action.SENT: "sent",
    Action.PARKED: "unknown", Action.RECONCILE: "unknown", Action.MISSED: "missed",
    Action.ALREADY_MISSED: "missed",
}


def states_help() -> str:
    """The vocabulary as an --help epilog section."""
    width = max(map(len, STATES))
    return "states:\n" + "\n".join(f"  {name:<{width}}  {meaning}"
                                   for name, meaning in STATES.items())


def item_state(item: PlanItem, entry: Entry | None, now: datetime,
               max_lateness: timedelta) -> str:
    """The item's state at `now`: what happened to it, or else what `run` would do with it
    (the runner's own `decide`, so the two never disagree). A due item whose page was not
    live at the last run is `waiting`."""
    recorded = (entry or {}).get("state")
    if recorded == "failed":
        return "failed"
    state = _BY_ACTION[decide(item, entry, now, RunOptions(max_lateness=max_lateness))]
    return "waiting" if state == "due" and recorded == "waiting" else state


def numbers_text(metrics: dict | None, network: str) -> str:
    """The post's numbers in its network's order (metric_names), e.g. `likes 3, …`."""
    if not isinstance(metrics, dict):
        return ""
    names = (registry.capabilities(network).metric_names if registry.known(network)
             else sorted(metrics))
    return ", ".join(f"{name} {metrics.get(name, 0)}" for name in names)


def note_text(entry: Entry | None, state: str, tz: tzinfo = UTC) -> str:
    """A person's note on the item (times in `tz`)."""
    entry = entry or {}

    def when(key: str) -> str:
        try:
            return local_time(parse_time(str(entry.get(key))), tz)
        except TimeFormatError:
            return str(entry.get(key))

    if entry.get("state") == "posting":
        return f"attempt at {when('attempted_at')} not settled: the next run checks the network"
    if state in ("failed", "unknown") and isinstance(entry.get("error"), dict):
        return entry["error"].get("message", "")
    if state in ("waiting", "missed") and entry.get("waiting_reason"):
        if entry.get("waiting_for") == "credentials":
            label = registry.post_id_rule(str(entry.get("network"))).label
            return (f"no credentials for {label} at the time it was due (from "
                    f"{when('waiting_since')}): {entry['waiting_reason']}")
        return (f"page not live (waiting since {when('waiting_since')}): "
                f"{entry['waiting_reason']}")
    if entry.get("metrics_missing"):
        return f"post not found at last check: {entry['metrics_missing']}"
    if entry.get("metrics_at"):
        return f"numbers as of {when('metrics_at')}"
    return ""


@dataclass(frozen=True)
class Row:
    """One plan item as `plan` and `status` show it."""
    item: PlanItem
    state: str
    post_id: str | None = None
    post_url: str | None = None
    metrics: dict | None = None
    metrics_at: str | None = None
    note: str = ""
    renamed: str = ""   # the article moved after sharing (publish/posting/pins.py)
    posted_text: str | None = None   # the ledger's copy of what was (maybe) posted

    @property
    def text(self) -> str:
        """What went out (or may have) once it was attempted, else what the plan will post:
        the post does not change when its header is edited afterwards."""
        return self.item.text if self.posted_text is None else self.posted_text

    @property
    def text_changed(self) -> bool:
        """The header's text was edited after the post went out (or was attempted)."""
        return self.posted_text is not None and self.posted_text != self.item.text


TEXT_CHANGED = "text changed since posting (shown: the text posted)"


def rows(plan: Plan, ledger: Ledger, now: datetime, max_lateness: timedelta) -> list[Row]:
    """Every plan item with its state at `now` and what the ledger knows (notes in the
    plan's time zone)."""
    result = []
    renamed = rename_notes(plan, ledger)
    for item in plan.items:
        entry = ledger.get(item.id)
        state = item_state(item, entry, now, max_lateness)
        entry = entry or {}
        post_id, metrics = entry.get("post_id"), entry.get("metrics")
        posted = entry.get("text") if entry.get("state") in MAY_BE_OUT else None
        row = Row(
            item=item, state=state,
            post_id=str(post_id) if post_id else None,
            post_url=entry.get("url") or None,
            metrics=metrics if isinstance(metrics, dict) else None,
            metrics_at=entry.get("metrics_at"),
            renamed=renamed.get(item.id, ""),
            posted_text=posted if isinstance(posted, str) else None)
        notes = (TEXT_CHANGED if row.text_changed else "", note_text(entry, state, plan.tz),
                 row.renamed)
        result.append(replace(row, note="; ".join(n for n in notes if n)))
    return result


# --- filters ------------------------------------------------------------------------------

@dataclass(frozen=True)
class Filters:
    upcoming: bool = False
    start: datetime | None = None   # due >= start (UTC)
    end: datetime | None = None     # due <= end (UTC)

    def keep(self, row: Row) -> bool:
        due = row.item.due
        return ((not self.upcoming or row.state in UPCOMING)
                and (self.start is None or due >= self.start)
                and (self.end is None or due <= self.end))


def parse_bound(text: str, tz: tzinfo, *, option: str, end: bool = False) -> datetime:
    """`--from`/`--to`: a date or a date-time, in the site's zone unless it has an offset.
    A date alone is the start of that day (`--from`) or the whole day (`--to`). → UTC."""
    raw = text.strip()
    try:
        day = date.fromisoformat(raw)
    except ValueError:
        day = None
    if day is not None:
        if not end:
            return datetime.combine(day, time(), tzinfo=tz).astimezone(UTC)
        next_day = datetime.combine(day + timedelta(days=1), time(), tzinfo=tz)
        return next_day.astimezone(UTC) - timedelta(seconds=1)
    try:
        value = datetime.fromisoformat(raw)
    except ValueError:
        raise TimeFormatError(
            f"{option}: not a date or date-time: {text!r} (examples: 2026-11-20, "
            "'2026-11-20 09:00' in the site's time zone, 2026-11-20T09:00:00Z)") from None
    if value.tzinfo is None:
        value = value.replace(tzinfo=tz)
    return value.astimezone(UTC)


# --- what the tables show ---------------------------------------------------------------------

def local_time(value: datetime, tz: tzinfo) -> str:
    """'2026-11-20 09:00 GMT': the site's wall clock with the zone's abbreviation (seconds
    only when there are any)."""
    local = value.astimezone(tz)
    return local.strftime("%Y-%m-%d %H:%M:%S %Z" if local.second else "%Y-%m-%d %H:%M %Z")


def split_warnings(warnings: Sequence[Sequence[str]]) -> tuple[list[str], list[list[str]]]:
    """Warnings every row carries (said once, under the table), and each row's others. Only
    with two rows or more: one row's warnings stay with it."""
    if len(warnings) < 2:
        return [], [list(w) for w in warnings]
    common = [w for w in dict.fromkeys(warnings[0]) if all(w in ws for ws in warnings[1:])]
    return common, [[w for w in ws if w not in common] for ws in warnings]


@dataclass(frozen=True)
class Table:
    title: str
    headers: list[str]
    cells: list[list[str]]
    notes: list[list[str]]      # lines that belong to one row (warnings)
    footer: list[str]           # lines under the table


def shown_text(item: PlanItem, text: str | None = None) -> str:
    """The item's text (or `text`, another of its texts: what was posted, Row.text) as its
    network's readers will see it (Bluesky: links shortened as its app shows them); the
    plan and --json keep the full links."""
    return registry.post_id_rule(item.network).shown_text(item.text if text is None else text)


def plan_table(plan: Plan, shown: Sequence[Row], now: datetime) -> Table:
    """when, network, length, state, id, text (links short); a warning every row carries
    goes under the table, once."""
    tz = plan.tz
    common, own = split_warnings([[*r.item.warnings, *filter(None, [
        r.renamed, TEXT_CHANGED if r.text_changed else ""])] for r in shown])
    return Table(
        title=f"plan at {local_time(now, tz)}",
        headers=[f"when ({plan.timezone})", "network", "length", "state", "id", "text"],
        cells=[[local_time(r.item.due, tz), r.item.network,
                f"{r.item.weighted_length}/{r.item.max_length}", r.state, r.item.id,
                shorten_links(" ".join(shown_text(r.item, r.text).split()))] for r in shown],
        notes=own, footer=[f"all {len(shown)} items: {warning}" for warning in common])


def status_table(plan: Plan, shown: Sequence[Row], now: datetime) -> Table:
    """when, state, id, post, numbers, link / note."""
    tz = plan.tz
    return Table(
        title=f"status at {local_time(now, tz)}",
        headers=[f"when ({plan.timezone})", "state", "id", "post", "numbers", "link / note"],
        cells=[[local_time(r.item.due, tz), r.state, r.item.id, r.post_id or "-",
                numbers_text(r.metrics, r.item.network) or "-",
                "  ".join(x for x in (r.post_url, r.note) if x)] for r in shown],
        notes=[[] for _ in shown], footer=[])


TABLES = {"plan": plan_table, "status": status_table}


def counts(shown: Iterable[Row]) -> dict[str, int]:
    found = Counter(row.state for row in shown)
    return {state: found.get(state, 0) for state in STATES}


def summary(command: str, shown: Sequence[Row], total: int) -> str:
    """'plan: 10 items: 2 due, 6 scheduled, 2 sent' (states in vocabulary order, only those
    present); with filters: 'status: 3 of 10 items shown: …'."""
    head = (f"{command}: {total} items" if len(shown) == total
            else f"{command}: {len(shown)} of {total} items shown")
    parts = [f"{n} {state}" for state, n in counts(shown).items() if n]
    return f"{head}: {', '.join(parts)}" if parts else head


def json_document(command: str, plan: Plan, shown: Sequence[Row], total: int,
                  now: datetime, filters: Filters) -> dict:
    """What `--json` prints (fields in docs/publisher.md): UTC times, whole texts and links."""
    def when(value: datetime | None) -> str | None:
        return format_time(value) if value is not None else None

    return {
        "schema": "publish-listing/1",
        "command": command,
        "now": format_time(now),
        "timezone": plan.timezone,
        "filters": {"upcoming": filters.upcoming, "from": when(filters.start),
                    "to": when(filters.end)},
        "total": total,
        "counts": counts(shown),
        "items": [{
            "id": r.item.id, "kind": r.item.kind, "network": r.item.network,
            "due": format_time(r.item.due), "state": r.state, "text": r.text,
            "text_changed": r.text_changed,
            "planned_text": r.item.text if r.text_changed else None,
            "link": r.item.link, "weighted_length": r.item.weighted_length,
            "max_length": r.item.max_length, "warnings": list(r.item.warnings),
            "source": r.item.source, "title": r.item.title, "lang": r.item.lang,
            "campaign": r.item.campaign, "coupon": r.item.coupon, "post_id": r.post_id,
            "post_url": r.post_url, "metrics": r.metrics, "metrics_at": r.metrics_at,
            "note": r.note or None,
        } for r in shown],
    }
