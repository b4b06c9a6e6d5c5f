"""What `publish run` does with each item, and which found post is an attempt's: pure
functions of the plan, the ledger and the time, shared by the runner (publish/posting/runner.py,
which does the I/O) and by `plan`/`status` (publish/report/status.py), so the two never
disagree."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from publish.clock import format_time
from publish.networks import FoundPost
from publish.posting.ledger_entry import Entry, LedgerState
from publish.posting.plan_file import PlanItem

DEFAULT_MAX_LATENESS = timedelta(hours=24)
CLOCK_SKEW = timedelta(minutes=10)   # tolerance between our clock and the network's


class Action(StrEnum):
    POST = "post"
    RECONCILE = "reconcile"
    NOT_DUE = "not-due"
    MISSED = "missed"          # newly too late
    SENT = "sent"              # nothing to do
    PARKED = "unknown"         # waits for a person
    ALREADY_MISSED = "already-missed"
    UNSUPPORTED = "unsupported"


@dataclass(frozen=True)
class RunOptions:
    max_lateness: timedelta = DEFAULT_MAX_LATENESS
    post_late: bool = False
    dry_run: bool = False
    x_budget_usd: float | None = None   # PUBLISH_X_MONTHLY_BUDGET_USD (publish/posting/budget.py)


def lateness(item: PlanItem, now: datetime) -> timedelta:
    return now - item.due


def decide(item: PlanItem, entry: Entry | None, now: datetime, options: RunOptions,
           supported: bool = True) -> Action:
    """A `waiting` entry (its page was not live) counts as not posted: judged by its due
    time like an item without an entry, so waiting past the lateness limit is missed."""
    state = entry.state if entry else None
    if state is LedgerState.SENT:
        return Action.SENT
    if state is LedgerState.UNKNOWN:
        return Action.PARKED
    if state is LedgerState.POSTING:
        return Action.RECONCILE
    if state is LedgerState.MISSED and entry and entry.due != format_time(item.due):
        state = None            # the item was re-dated since: judge it afresh
    if not supported:
        return Action.UNSUPPORTED
    if item.due > now:
        return Action.NOT_DUE
    if lateness(item, now) > options.max_lateness and not options.post_late:
        return Action.ALREADY_MISSED if state is LedgerState.MISSED else Action.MISSED
    return Action.POST


_URL = re.compile(r"https?://\S+")


def search_link(text: str, link: str) -> str:
    """The link to look for an item's post by: none ("", every own post, matched by its text)
    when the text does not carry it (an X post without its link: Social_X_Link: no)."""
    return link if link in text else ""


def comparable_text(text: str) -> str:
    """Text without links (X rewrites them to t.co), NFC, single spaces."""
    text = unicodedata.normalize("NFC", text)
    return " ".join(_URL.sub(" ", text).split())


def match_post(text: str, attempted_at: datetime | None, candidates: Sequence[FoundPost],
               claimed: set[str]) -> FoundPost | None:
    """The earliest own post with the same text (links aside) created at/after the attempt
    and not already recorded for another item. Candidates already contain the link."""
    want = comparable_text(text)
    earliest = attempted_at - CLOCK_SKEW if attempted_at else None
    fits = [
        p for p in candidates
        if p.post_id not in claimed and comparable_text(p.text) == want
        and (earliest is None or p.created_at is None or p.created_at >= earliest)
    ]
    fits.sort(key=lambda p: (p.created_at is None, p.created_at or datetime.min, p.post_id))
    return fits[0] if fits else None
