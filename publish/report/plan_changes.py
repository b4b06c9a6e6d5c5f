"""What a change to the sources does to the posts: two plans (before and after), the ledger,
and the link cards of both builds → the items added, changed, removed, and the items already
sent whose text was edited (not posted again). Pure functions over values; the `diff` command
(publish/commands/diff_command.py) builds the two plans and reads the cards.

Each item is shown as readers will see it, with the words `plan` and `status` use: its
network's label, its time in the site's zone, its text as the network shows it (Bluesky's
shortened links), its length of its limit, its state at `now`, its link card and its
estimated cost (contract/x_pricing.py).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from contract.x_pricing import estimated_cost_usd
from publish import networks as registry
from publish.clock import format_time
from publish.posting.ledger import Ledger
from publish.posting.pins import MAY_BE_OUT
from publish.posting.plan_file import Plan, PlanItem
from publish.report.previews import LinkCard
from publish.report.status import UPCOMING, item_state, local_time, shown_text

SCHEMA = "publish-diff/1"
# What a reader of the post sees change (the network is part of the id: a post moved to
# another network is removed on one and added on the other).
COMPARED = ("text", "due", "link", "title", "description", "kind", "coupon")
CARD_FIELDS = ("title", "description", "image_url")


@dataclass(frozen=True)
class Side:
    """One side of the diff: its plan, each item as the plan file has it, and the link card
    of each link as its build's page shows it."""
    plan: Plan
    raw: Mapping[str, Mapping[str, Any]]
    cards: Mapping[str, LinkCard] = field(default_factory=dict)

    def card(self, item: PlanItem) -> LinkCard:
        return self.cards.get(item.link) or LinkCard(domain="")


@dataclass(frozen=True)
class Shown:
    """One item as its readers will see it, with its state and estimated cost."""
    item: PlanItem
    raw: Mapping[str, Any]
    when: str               # site time, e.g. '2026-11-23 09:00 GMT'
    label: str              # the network's name for people ('X')
    text: str               # as the network shows it (Bluesky: links shortened)
    card: LinkCard
    state: str              # plan/status's state at `now`
    cost: float             # estimated, US dollars, if posted

    @property
    def length(self) -> str:
        return f"{self.item.weighted_length}/{self.item.max_length}"

    @property
    def to_come(self) -> float:
        """Its cost when it is still to be posted, else 0."""
        return self.cost if self.state in UPCOMING else 0.0

    def document(self) -> dict[str, Any]:
        """As in the plan, plus `estimated_cost_usd` and `state`."""
        return {**self.raw, "estimated_cost_usd": self.cost, "state": self.state}


@dataclass(frozen=True)
class Edit:
    before: Shown
    after: Shown
    posted_text: str | None = None      # already sent: what went out (the ledger's copy)
    post_url: str | None = None

    @property
    def id(self) -> str:
        return self.after.item.id


@dataclass(frozen=True)
class Changes:
    added: tuple[Shown, ...] = ()
    changed: tuple[Edit, ...] = ()
    removed: tuple[Shown, ...] = ()
    already_sent: tuple[Edit, ...] = ()
    timezone: str = "UTC"

    @property
    def empty(self) -> bool:
        return not (self.added or self.changed or self.removed or self.already_sent)

    @property
    def cost(self) -> float:
        """How the estimated cost of what is still to be posted changes: added items, minus
        removed ones, plus the difference of each changed one (sent or missed: nothing)."""
        total = (sum(s.to_come for s in self.added) - sum(s.to_come for s in self.removed)
                 + sum(e.after.to_come - e.before.to_come for e in self.changed))
        return round(total, 6) + 0.0        # no -0.0

    def counts(self) -> str:
        """'2 added, 1 changed, 0 removed, 1 already sent (not posted again)'."""
        line = (f"{len(self.added)} added, {len(self.changed)} changed, "
                f"{len(self.removed)} removed")
        if self.already_sent:
            line += f", {len(self.already_sent)} already sent (not posted again)"
        return line


def show(item: PlanItem, side: Side, ledger: Ledger, now: datetime,
         max_lateness: timedelta) -> Shown:
    return Shown(item=item, raw=side.raw.get(item.id, {}),
                 when=local_time(item.due, side.plan.tz),
                 label=registry.post_id_rule(item.network).label,
                 text=shown_text(item), card=side.card(item),
                 state=item_state(item, ledger.get(item.id), now, max_lateness),
                 cost=estimated_cost_usd(item, side.plan.x_prices))


def differs(before: Shown, after: Shown) -> bool:
    """What a reader sees changed: a field of COMPARED, or the link card."""
    return (any(getattr(before.item, name) != getattr(after.item, name) for name in COMPARED)
            or any(getattr(before.card, name) != getattr(after.card, name)
                   for name in CARD_FIELDS))


def compare(before: Side, after: Side, ledger: Ledger, now: datetime,
            max_lateness: timedelta) -> Changes:
    """Items by id: added, changed (not yet out), removed, and already sent (changed in the
    header, but the ledger says it may be out: never posted again). In plan order."""
    old, new = before.plan.by_id(), after.plan.by_id()
    added, changed, removed, sent = [], [], [], []
    for item in after.plan.items:
        shown = show(item, after, ledger, now, max_lateness)
        if item.id not in old:
            added.append(shown)
            continue
        was = show(old[item.id], before, ledger, now, max_lateness)
        if not differs(was, shown):
            continue
        entry = ledger.get(item.id)
        if entry is not None and entry.state in MAY_BE_OUT:
            sent.append(Edit(was, shown, posted_text=entry.text, post_url=entry.url or None))
        else:
            changed.append(Edit(was, shown))
    removed = [show(item, before, ledger, now, max_lateness)
               for item in before.plan.items if item.id not in new]
    return Changes(tuple(added), tuple(changed), tuple(removed), tuple(sent),
                   timezone=after.plan.timezone)


def json_document(changes: Changes, base: str, now: datetime) -> dict[str, Any]:
    """What `diff --format json` prints (docs/publisher.md)."""
    return {
        "schema": SCHEMA,
        "base": base,
        "now": format_time(now),
        "timezone": changes.timezone,
        "added": [s.document() for s in changes.added],
        "changed": [{"id": e.id, "before": e.before.document(), "after": e.after.document()}
                    for e in changes.changed],
        "removed": [s.document() for s in changes.removed],
        "already_sent": [{"id": e.id, "before": e.before.document(),
                          "after": e.after.document(), "posted_text": e.posted_text,
                          "post_url": e.post_url} for e in changes.already_sent],
        "total_estimated_cost_usd": changes.cost,
    }


def articles(changes: Changes) -> list[tuple[str, str, list[tuple[str, Shown | Edit]]]]:
    """The changes grouped by article: (title, source, [(what, Shown or Edit)…]), the
    articles in order of their first item; `what` is added, changed, removed, already sent."""
    groups: dict[tuple[str, str], list[tuple[str, Shown | Edit]]] = {}
    entries: list[tuple[str, Shown | Edit]] = [
        *(("added", s) for s in changes.added), *(("changed", e) for e in changes.changed),
        *(("already sent", e) for e in changes.already_sent),
        *(("removed", s) for s in changes.removed)]

    def shown(entry: Shown | Edit) -> Shown:
        return entry.after if isinstance(entry, Edit) else entry

    entries.sort(key=lambda pair: (shown(pair[1]).item.due, shown(pair[1]).item.id))
    for what, entry in entries:
        item = shown(entry).item
        groups.setdefault((item.title, item.source), []).append((what, entry))
    return [(title, source, found) for (title, source), found in groups.items()]
