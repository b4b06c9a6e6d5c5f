"""`python -m publish report`: the private report (calendar, calendar.ics, performance).
`report_plan`, `snapshots` and `write_report` are also `export`'s and the cycle's."""

from __future__ import annotations

import argparse
from datetime import UTC
from pathlib import Path

from publish.commands import options
from publish.context import Ctx
from publish.errors import ExitCode
from publish.posting.plan_file import Plan, load_plan
from publish.report.status import parse_bound
from publish.report.status import rows as status_rows
from publish.site.freshness import ensure_fresh_plan

NAME = "report"
DESCRIPTION = "write the private report (calendar, calendar.ics, performance) into --out"
EXAMPLES = """\
Writes a static private report (no JavaScript) into --out, swapped in whole: index.html
(calendar by week), performance*.html (totals, pre-sorted per metric, a chart) and
calendar.ics (subscribe to it). The folder is outside output/: never deployed. See
docs/report.md.

examples:
  python -m publish report                      # what `make report` runs
  python -m publish report --out /tmp/report --now 2026-12-01T00:00:00Z"""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    options.common(parser)
    options.lateness(parser)
    parser.add_argument("--out", type=Path, default=Path("report"),
                        help="report folder, replaced whole (default: %(default)s)")
    parser.add_argument("--site", type=Path, default=Path("output"), metavar="DIR",
                        help="the built site the previews read each link's card from "
                             "(default: %(default)s)")
    options.no_build(parser)


def run(ctx: Ctx) -> int:
    report_plan(ctx)
    ctx.out.say(write_report(ctx, Path(ctx.args.out), ctx.args.site))
    return ExitCode.OK


def report_plan(ctx: Ctx) -> Plan:
    """export, report: the plan (rebuilt first when stale, unless --no-build)."""
    args = ctx.args
    for option, text in (("--from", getattr(args, "start", None)),
                         ("--to", getattr(args, "end", None))):
        if text:
            parse_bound(text, UTC, option=option)   # a typo fails before any build
    if not args.no_build:
        ensure_fresh_plan(Path(args.plan), Path(args.content), ctx.env, ctx.out,
                          dry_run=args.dry_run)
    return load_plan(args.plan)


def snapshots(ctx: Ctx) -> list:
    from publish.report import export_table, history

    read = history.read(Path(ctx.args.history))
    problems = list(read.skipped)
    shots = export_table.snapshots(read.records, problems)
    for problem in problems:
        ctx.out.error(f"publish: warning: {problem}")
    return shots


def write_report(ctx: Ctx, out: Path, site: Path | None, *, keep: bool = False) -> str:
    """Render and swap in the report; its summary line (a dry run writes nothing). `keep`
    (the cycle): leave it as it is when nothing it is made from changed
    (publish/report/report_stamp.py)."""
    from publish.report import report_stamp
    from publish.site import buildmanifest

    keeper = None
    if keep and not ctx.args.dry_run:
        manifest = buildmanifest.manifest_path(site) if site is not None else None
        keeper = report_stamp.Keeper(
            out, plan=Path(ctx.args.plan),
            sources=[Path(ctx.args.ledger), Path(ctx.args.history), *filter(None, [manifest])],
            options={"max_lateness": ctx.max_lateness(), "site": str(site)})
        if (line := keeper.kept_line(ctx.now)) is not None:
            return line
    from publish.report import private_report as R

    R.check_out(out)
    plan = load_plan(ctx.args.plan)
    ledger = ctx.read_ledger()
    rows = status_rows(plan, ledger, ctx.now, ctx.max_lateness())
    data = R.ReportInput(plan, ledger, rows, snapshots(ctx), ctx.now,
                         site=site if site is not None and site.is_dir() else None)
    files = R.render_pages(data)
    written = R.Written(out, R.pages_count(files), len(rows), len(data.shots))
    if ctx.args.dry_run:
        return "report: dry run: would write " + written.summary().removeprefix("report: ")
    if keeper is not None:
        report_stamp.forget(out)
    R.write_report(out, files, ctx.out.secrets)
    if keeper is not None:
        keeper.record(ctx.now, ctx.max_lateness(), written.summary())
    return written.summary()
