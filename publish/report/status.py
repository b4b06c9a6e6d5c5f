"""`publish plan` and `publish status`: one vocabulary of states, the rows both commands show,
their filters, summaries and JSON document. Pure functions over values; the command line reads
the files and renders the rows with publish.terminal."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from enum import StrEnum

from contract.x_pricing import estimated_cost_usd, month_of, total_usd, usd
from publish import networks as registry
from publish.clock import TimeFormatError, format_time, parse_time
from publish.posting.budget import COSTLY, entry_cost
from publish.posting.decisions import Action, RunOptions, decide
from publish.posting.ledger import Ledger
from publish.posting.ledger_entry import Entry, LedgerState, WaitingFor
from publish.posting.pins import MAY_BE_OUT, rename_notes
from publish.posting.plan_file import Plan, PlanItem
from publish.terminal import shorten_links


class ShownState(StrEnum):
    """The one vocabulary of `plan`, `status`, their summaries, --help and
    docs/publisher.md, in the order summaries list them: what an item is to a person (the
    ledger's own states are LedgerState, publish/posting/ledger_entry.py)."""
    SCHEDULED = "scheduled"
    DUE = "due"
    WAITING = "waiting"
    SENT = "sent"
    FAILED = "failed"
    UNKNOWN = "unknown"
    MISSED = "missed"


# What each state means. Adding a state is a member above, a line here (and the rule that
# sets it).
SHOWN_STATES: dict[ShownState, str] = {
    ShownState.SCHEDULED: "not yet due",
    ShownState.DUE: "would be posted by a run now",
    ShownState.WAITING: "due, but not posted by the last run: its page was not live (the "
                        "link check), its network had no posting credentials, or X's "
                        "monthly budget held it (the note says which); tried again on each "
                        "run, missed once beyond --max-lateness",
    ShownState.SENT: "posted; the post and its link are known",
    ShownState.FAILED: "the network refused it; a run tries again while within "
                       "--max-lateness",
    ShownState.UNKNOWN: "the outcome of an attempt is not settled yet, or it is parked for "
                        "a person (`resolve`)",
    ShownState.MISSED: "overdue by more than --max-lateness: not posted (`run --post-late` "
                       "posts it)",
}
# Not done yet: what --upcoming shows.
UPCOMING = frozenset({ShownState.SCHEDULED, ShownState.DUE, ShownState.WAITING})

# What `run` would do with an item, in the vocabulary (a recorded failure stays `failed`).
_BY_ACTION = {
    Action.NOT_DUE: ShownState.SCHEDULED, Action.POST: ShownState.DUE,
    Action.SENT: ShownState.SENT, Action.PARKED: ShownState.UNKNOWN,
    Action.RECONCILE: ShownState.UNKNOWN, Action.MISSED: ShownState.MISSED,
    Action.ALREADY_MISSED: ShownState.MISSED,
}


def states_help() -> str:
    """The vocabulary as an --help epilog section."""
    width = max(map(len, SHOWN_STATES))
    return "states:\n" + "\n".join(f"  {name:<{width}}  {meaning}"
                                   for name, meaning in SHOWN_STATES.items())


def item_state(item: PlanItem, entry: Entry | None, now: datetime,
               max_lateness: timedelta) -> ShownState:
    """The item's state at `now`: what happened to it, or else what `run` would do with it
    (the runner's own `decide`, so the two never disagree). A due item whose page was not
    live at the last run is `waiting`."""
    recorded = entry.state if entry else None
    if recorded is LedgerState.FAILED:
        return ShownState.FAILED
    state = _BY_ACTION[decide(item, entry, now, RunOptions(max_lateness=max_lateness))]
    if state is ShownState.DUE and recorded is LedgerState.WAITING:
        return ShownState.WAITING
    return state


def numbers_text(metrics: dict | None, network: str) -> str:
    """The post's numbers in its network's order (metric_names), e.g. `likes 3, …`."""
    if not isinstance(metrics, dict):
        return ""
    names = (registry.capabilities(network).metric_names if registry.known(network)
             else sorted(metrics))
    return ", ".join(f"{name} {metrics.get(name, 0)}" for name in names)


def note_text(entry: Entry | None, state: ShownState, tz: tzinfo = UTC) -> str:
    """A person's note on the item (times in `tz`)."""
    if entry is None:
        return ""

    def when(value: str | None) -> str:
        try:
            return local_time(parse_time(str(value)), tz)
        except TimeFormatError:
            return str(value)

    if entry.state is LedgerState.POSTING:
        return f"attempt at {when(entry.attempted_at)} not settled: the next run checks the " \
            "network"
    if state in (ShownState.FAILED, ShownState.UNKNOWN) and entry.error is not None:
        return entry.error.message or ""
    if state in (ShownState.WAITING, ShownState.MISSED) and entry.waiting_reason:
        if entry.waiting_for is WaitingFor.BUDGET:
            return f"{entry.waiting_reason} (held since {when(entry.waiting_since)})"
        if entry.waiting_for is WaitingFor.CREDENTIALS:
            label = registry.post_id_rule(entry.network).label
            return (f"no credentials for {label} at the time it was due (from "
                    f"{when(entry.waiting_since)}): {entry.waiting_reason}")
        return (f"page not live (waiting since {when(entry.waiting_since)}): "
                f"{entry.waiting_reason}")
    if entry.metrics_missing:
        return f"post not found at last check: {entry.metrics_missing}"
    if entry.metrics_at:
        return f"numbers as of {when(entry.metrics_at)}"
    return ""


@dataclass(frozen=True)
class Row:
    """One plan item as `plan` and `status` show it."""
    item: PlanItem
    state: ShownState
    post_id: str | None = None
    post_url: str | None = None
    metrics: dict | None = None
    metrics_at: str | None = None
    note: str = ""
    renamed: str = ""   # the article moved after sharing (publish/posting/pins.py)
    posted_text: str | None = None   # the ledger's copy of what was (maybe) posted
    cost: float = 0.0   # US dollars: as recorded when attempted, else as the plan prices it

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
        row = Row(item=item, state=state, renamed=renamed.get(item.id, ""),
                  cost=(entry_cost(entry, plan.x_prices) if entry and entry.state in COSTLY
                        else estimated_cost_usd(item, plan.x_prices)))
        if entry is not None:
            row = replace(
                row, post_id=entry.post_id or None, post_url=entry.url or None,
                metrics=entry.metrics, metrics_at=entry.metrics_at,
                posted_text=entry.text if entry.state in MAY_BE_OUT else None)
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


def cost_text(row: Row) -> str:
    return usd(row.cost) if row.item.network == "x" else "-"


def _costed(shown: Sequence[Row]) -> list[Row]:
    return [r for r in shown if r.item.network == "x" and r.state is not ShownState.MISSED]


def month_costs(plan: Plan, shown: Sequence[Row]) -> dict[str, float]:
    """X's estimated cost of the rows, per calendar month (site's zone) of their due time;
    a missed item is never posted and costs nothing."""
    months: dict[str, list[float]] = {}
    for row in _costed(shown):
            months.setdefault(month_of(row.item.due, plan.tz), []).append(row.cost)
    return {month: total_usd(costs) for month, costs in sorted(months.items())}


def cost_lines(plan: Plan, shown: Sequence[Row]) -> list[str]:
    """`X, estimated: $0.60 in 2026-11 (3 posts)…`: one line under the table."""
    months = month_costs(plan, shown)
    if not months:
        return []
    posts = Counter(month_of(r.item.due, plan.tz) for r in _costed(shown))
    each = ", ".join(f"{usd(total)} in {month} ({posts[month]} post"
                     f"{'' if posts[month] == 1 else 's'})" for month, total in months.items())
    prices = plan.x_prices
    return [f"X, estimated: {each}; prices as of {prices.as_of} ({usd(prices.post_with_link_usd)}"
            f" a post with a link, {usd(prices.post_usd)} without); months in "
            f"{plan.timezone}"]


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
        headers=[f"when ({plan.timezone})", "network", "length", "cost", "state", "id",
                 "text"],
        cells=[[local_time(r.item.due, tz), r.item.network,
                f"{r.item.weighted_length}/{r.item.max_length}", cost_text(r), r.state,
                r.item.id,
                shorten_links(" ".join(shown_text(r.item, r.text).split()))] for r in shown],
        notes=own, footer=[*(f"all {len(shown)} items: {warning}" for warning in common),
                           *cost_lines(plan, shown)])


def status_table(plan: Plan, shown: Sequence[Row], now: datetime) -> Table:
    """when, state, id, cost, post, numbers, link / note."""
    tz = plan.tz
    return Table(
        title=f"status at {local_time(now, tz)}",
        headers=[f"when ({plan.timezone})", "state", "id", "cost", "post", "numbers",
                 "link / note"],
        cells=[[local_time(r.item.due, tz), r.state, r.item.id, cost_text(r),
                r.post_id or "-", numbers_text(r.metrics, r.item.network) or "-",
                "  ".join(x for x in (r.post_url, r.note) if x)] for r in shown],
        notes=[[] for _ in shown], footer=cost_lines(plan, shown))


TABLES = {"plan": plan_table, "status": status_table}


def counts(shown: Iterable[Row]) -> dict[ShownState, int]:
    found = Counter(row.state for row in shown)
    return {state: found.get(state, 0) for state in ShownState}


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
            "estimated_cost_usd": r.cost,
        } for r in shown],
        "x_estimated_cost_usd_by_month": month_costs(plan, shown),
    }
