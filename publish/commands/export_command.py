"""`python -m publish export`: the metrics history joined with the plan and the ledger."""

from __future__ import annotations

import argparse

from publish.commands import options
from publish.commands.report_command import report_plan, snapshots
from publish.context import Ctx
from publish.errors import ExitCode, UsageError
from publish.report.status import parse_bound

NAME = "export"
DESCRIPTION = ("print the metrics history, one row per item per fetch, joined with the plan "
               "and the ledger (CSV or JSON)")
EXAMPLES = """\
One row per item per fetch in the history, joined with the plan (title, campaign, source)
and the ledger (post URL); columns in docs/report.md.

examples:
  python -m publish export --format csv > numbers.csv
  python -m publish export --format json --from 2026-11-20 --to 2026-11-30"""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    options.common(parser)
    parser.add_argument("--format", choices=("csv", "json"), default="csv",
                        help="csv (default) or one JSON document")
    options.window(parser, "rows fetched")
    options.no_build(parser)


def run(ctx: Ctx) -> int:
    from publish.report import export_table

    plan = report_plan(ctx)
    args = ctx.args
    start = parse_bound(args.start, plan.tz, option="--from") if args.start else None
    end = parse_bound(args.end, plan.tz, option="--to", end=True) if args.end else None
    if start and end and start > end:
        raise UsageError(f"--from {args.start} is after --to {args.end}: nothing can match")
    rows = export_table.export_rows(plan, ctx.read_ledger(), snapshots(ctx), start, end)
    if args.format == "json":
        ctx.out.json(export_table.export_document(rows, plan, ctx.now, start, end))
    else:
        ctx.out.write(export_table.export_csv(rows))
    return ExitCode.OK
