"""X's monthly budget (PUBLISH_X_MONTHLY_BUDGET_USD): what this month has cost so far, and
whether one more post would pass the budget. Pure functions over the ledger and the plan's
prices (contract/x_pricing.py); the command line reads the variable (`budget_from_env`).

The month is the calendar month in the site's time zone (the plan's `timezone`). The spend is
counted from the ledger, so it survives restarts and CI runs: every X entry that may have
cost money (sent, or an attempt not settled: posting, unknown) whose attempt or send falls in
the month, at the cost recorded when it was attempted (`cost_usd`), else the cost its text
gives at the plan's prices.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from datetime import datetime, tzinfo

from contract.x_pricing import XPrices, estimated_cost_usd, month_of, total_usd, usd
from publish.clock import TimeFormatError, parse_time
from publish.posting.ledger import Ledger
from publish.posting.ledger_entry import Entry, LedgerState

ENV = "PUBLISH_X_MONTHLY_BUDGET_USD"
# States whose attempt may have cost money: a post that exists, or may.
COSTLY = frozenset({LedgerState.SENT, LedgerState.POSTING, LedgerState.UNKNOWN})


def budget_from_env(env: Mapping[str, str]) -> float | None:
    """The budget in US dollars; None when the variable is unset or empty (no budget).
    ValueError naming the variable when it is not a number of dollars, 0 or more."""
    raw = env.get(ENV, "").strip()
    if not raw:
        return None
    try:
        value = float(raw.removeprefix("$"))
    except ValueError:
        value = math.nan
    if not math.isfinite(value) or value < 0:
        raise ValueError(f"{ENV}: must be an amount of US dollars, 0 or more (e.g. 25 or "
                         f"12.50), got {raw!r}")
    return value


def entry_cost(entry: Entry, prices: XPrices) -> float:
    """What one ledger entry's attempt cost: as recorded, else as its text prices now."""
    if entry.cost_usd is not None:
        return float(entry.cost_usd)
    return estimated_cost_usd(entry, prices)


def _when(entry: Entry) -> datetime | None:
    text = entry.sent_at or entry.attempted_at
    try:
        return parse_time(text) if text else None
    except TimeFormatError:
        return None


def month_spend(ledger: Ledger, month: str, tz: tzinfo, prices: XPrices) -> float:
    """US dollars spent on X in `month` (`2026-12`, in `tz`), from the ledger."""
    costs = []
    for entry in ledger.items.values():
        when = _when(entry)
        if (entry.network == "x" and entry.state in COSTLY
                and when is not None and month_of(when, tz) == month):
            costs.append(entry_cost(entry, prices))
    return total_usd(costs)


def hold_reason(cost: float, spent: float, budget: float, month: str) -> str | None:
    """Why a post of `cost` is held (None: it fits): `spent` this month plus it would pass
    `budget`."""
    if cost <= 0 or total_usd([spent, cost]) <= budget:
        return None
    return (f"held: X's monthly budget {usd(budget)} ({ENV}) would be passed: {usd(spent)} "
            f"spent in {month}, this post {usd(cost)}; posted when the budget is raised or "
            "the month turns, while within --max-lateness")


class MonthlyBudget:
    """A run's view of the budget: `check` each X item before it is posted. In a dry run the
    ledger is not written, so what would be posted is added here instead."""

    def __init__(self, budget: float | None, prices: XPrices, tz: tzinfo, now: datetime,
                 dry_run: bool):
        self.budget, self.prices, self.tz = budget, prices, tz
        self.month, self.dry_run = month_of(now, tz), dry_run
        self.would_spend = 0.0

    def cost(self, item: object) -> float:
        return estimated_cost_usd(item, self.prices)

    def check(self, item: object, ledger: Ledger) -> str | None:
        """Why `item` is held (None: it may be posted, and in a dry run counts as spent)."""
        cost = self.cost(item)
        if self.budget is None or cost <= 0:
            return None
        spent = total_usd([month_spend(ledger, self.month, self.tz, self.prices),
                           self.would_spend])
        reason = hold_reason(cost, spent, self.budget, self.month)
        if reason is None and self.dry_run:
            self.would_spend = total_usd([self.would_spend, cost])
        return reason
