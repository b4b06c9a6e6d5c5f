"""What `plan` and `status` share: the plan (rebuilt first when stale), the rows that pass
the filters, and printing them as a table or one JSON document."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from publish.context import Ctx
from publish.errors import ExitCode, UsageError
from publish.posting.plan_file import Plan, load_plan
from publish.report.status import TABLES, Filters, Row, json_document, parse_bound, summary
from publish.report.status import rows as status_rows
from publish.site.freshness import ensure_fresh_plan


@dataclass
class Listing:
    """What `plan` and `status` show: the plan and its rows that pass the filters."""
    plan: Plan
    filters: Filters
    rows: list[Row]
    total: int

    def json(self, command: str, now: datetime) -> dict:
        return json_document(command, self.plan, self.rows, self.total, now, self.filters)


def listing(ctx: Ctx) -> Listing:
    args = ctx.args
    for option, text in (("--from", args.start), ("--to", args.end)):
        if text:
            parse_bound(text, UTC, option=option)   # a typo fails before any build
    if not args.no_build:
        ensure_fresh_plan(Path(args.plan), Path(args.content), ctx.env, ctx.out,
                          dry_run=args.dry_run)
    plan = load_plan(args.plan)
    filters = Filters(
        upcoming=args.upcoming,
        start=parse_bound(args.start, plan.tz, option="--from") if args.start else None,
        end=parse_bound(args.end, plan.tz, option="--to", end=True) if args.end else None)
    if filters.start and filters.end and filters.start > filters.end:
        raise UsageError(f"--from {args.start} is after --to {args.end}: nothing can match")
    every = status_rows(plan, ctx.read_ledger(), ctx.now, ctx.max_lateness())
    return Listing(plan, filters, [r for r in every if filters.keep(r)], len(every))


def show(ctx: Ctx, command: str) -> int:
    """Print `command`'s listing (`plan` or `status`): its table, or --json."""
    found = listing(ctx)
    if ctx.args.json:
        ctx.out.json(found.json(command, ctx.now))
        return ExitCode.OK
    table = TABLES[command](found.plan, found.rows, ctx.now)
    ctx.out.table(table.headers, table.cells, title=table.title, notes=table.notes)
    for line in table.footer:
        ctx.out.say(line)
    ctx.out.say(summary(command, found.rows, found.total))
    return ExitCode.OK
