"""`python -m publish metrics`: pull engagement numbers into the ledger, the history and
the Markdown headers. `metrics_step` is also the daemon's and the cycle's metrics step."""

from __future__ import annotations

import argparse
from collections.abc import Mapping
from datetime import datetime

from publish import networks as registry
from publish.clock import parse_cadence
from publish.commands import options
from publish.commands.posting_setup import files_written, networks
from publish.context import Ctx
from publish.errors import ExitCode
from publish.networks import Network
from publish.posting.lock import publisher_lock
from publish.posting.plan_file import Plan, load_plan

NAME = "metrics"
DESCRIPTION = "pull engagement numbers and write them into the Markdown headers"
EXAMPLES = """\
examples:
  python -m publish metrics                 # refresh posts due a refresh (1h,1d,7d,30d)
  python -m publish metrics --all           # refresh every sent post
  python -m publish metrics --changed-marker state/.metadata-changed"""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    options.common(parser)
    options.metrics(parser)
    options.changed_marker(parser)
    options.with_environment(parser)


def run(ctx: Ctx) -> int:
    plan = load_plan(ctx.args.plan)
    adapters = networks(ctx, plan)
    for name, adapter in adapters.items():
        if not adapter.can_read():
            caps = registry.capabilities(name)
            choices = " or ".join("+".join(group) for group in caps.read_credentials)
            ctx.out.banner(f"NO {caps.label} CREDENTIALS ({choices}): numbers not refreshed; "
                           "headers follow the ledger")
    if ctx.args.dry_run:
        return metrics_once(ctx, plan, adapters, ctx.now, dry=True)
    with publisher_lock(ctx.lock_path, "metrics"):
        return metrics_once(ctx, plan, adapters, ctx.now, dry=False)


def metrics_once(ctx: Ctx, plan: Plan, adapters: Mapping[str, Network], now: datetime,
                 dry: bool) -> int:
    code, lines, _ = metrics_step(ctx, plan, adapters, now, dry)
    for line in lines:
        ctx.out.say(line)
    return code


def metrics_step(ctx: Ctx, plan: Plan, adapters: Mapping[str, Network], now: datetime,
                 dry: bool) -> tuple[int, list[str], int]:
    """One metrics refresh and header sync: (exit code, summary lines, files changed)."""
    from publish.report.metrics import MetricsReport, RefreshOptions, refresh, sync_headers

    refresh_options = RefreshOptions(cadence=parse_cadence(ctx.args.cadence),
                                     history=ctx.args.history,
                                     refresh_all=ctx.args.refresh_all, dry_run=dry)
    readers = {n: a for n, a in adapters.items() if a.can_read()}
    report = MetricsReport()
    ledger = refresh(plan, ctx.store, readers, now=now, options=refresh_options, out=ctx.out,
                     report=report)
    caps = {n: registry.capabilities(n) for n in adapters}
    sync_headers(plan, ledger, ctx.args.content, caps, dry, ctx.out, report)
    lines = [report.summary(dry_run=dry), *files_written(ctx, report, dry, always=True)]
    changed = len(report.changed_files)
    failed = report.errors or report.file_errors   # a rate limit is retried, not a failure
    return (ExitCode.FAILED if failed else ExitCode.OK), lines, changed
