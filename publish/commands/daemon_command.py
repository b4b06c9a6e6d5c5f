"""`python -m publish daemon`: `run` every minute and metrics every N minutes, until
SIGTERM or Ctrl-C (the loop: publish/commands/daemon_loop.py)."""

from __future__ import annotations

import argparse
import time
from datetime import datetime, timedelta

from publish.clock import format_time
from publish.commands import options
from publish.commands.metrics_command import metrics_once
from publish.commands.posting_setup import (
    files_written,
    link_checker,
    networks,
    no_credentials_banner,
    x_budget,
)
from publish.context import Ctx
from publish.errors import UsageError
from publish.posting.decisions import RunOptions
from publish.posting.lock import publisher_lock
from publish.posting.plan_file import load_plan
from publish.posting.runner import run_once

NAME = "daemon"
DESCRIPTION = "keep running: `run` every minute, metrics every N minutes"
EXAMPLES = """\
examples:
  python -m publish daemon                      # run every minute, metrics every 60 min
  python -m publish daemon --metrics-every 30   # SIGTERM or Ctrl-C stops it cleanly"""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    options.common(parser)
    options.posting(parser)
    options.metrics(parser)
    options.changed_marker(parser)
    parser.add_argument("--metrics-every", type=int, default=60, metavar="MINUTES",
                        help="minutes between metric refreshes (default: %(default)s)")
    options.with_environment(parser)


def run(ctx: Ctx, *, scheduler=None, clock=None, wait=None, stop=None) -> int:
    """The scheduler, clock, wait and stop request are injected by tests."""
    import schedule

    from publish.commands.daemon_loop import (
        Daemon,
        DaemonConfig,
        StopRequest,
        install_signal_handlers,
    )

    if ctx.args.metrics_every < 1:
        raise UsageError("--metrics-every must be at least 1 (minutes)")
    plan_path = ctx.args.plan
    plan = load_plan(plan_path)
    adapters = networks(ctx, plan)
    ctx.store.load()            # no (valid) ledger: refuse now rather than fail every minute
    dry = ctx.args.dry_run
    no_credentials_banner(ctx, adapters, "nothing is posted", required_by="by the daemon")
    link_checker(ctx, plan)     # a bad link check setting: refuse now
    if clock is None:
        start_wall, start_mono = ctx.now, time.monotonic()

        def clock() -> datetime:
            return start_wall + timedelta(seconds=int(time.monotonic() - start_mono))

    run_options = RunOptions(max_lateness=ctx.max_lateness(), post_late=ctx.args.post_late,
                             dry_run=dry, x_budget_usd=x_budget(ctx))

    def run_step(now: datetime) -> datetime | None:
        plan = load_plan(plan_path)
        report = run_once(plan, ctx.store, adapters, now, run_options, ctx.out,
                          ctx.args.content, link_check=link_checker(ctx, plan))
        ctx.out.say(f"[{format_time(now)}] " + report.summary(dry_run=dry))
        for written in files_written(ctx, report, dry, always=False):
            ctx.out.say(written)
        resets = [t for t in report.blocked_until.values() if t is not None]
        return max(resets) if resets else None

    def metrics_step(now: datetime) -> None:
        metrics_once(ctx, load_plan(plan_path), adapters, now, dry)

    stop = stop or StopRequest()
    daemon = Daemon(run_step=run_step, metrics_step=metrics_step,
                    scheduler=scheduler or schedule.Scheduler(), clock=clock, stop=stop,
                    out=ctx.out, wait=wait,
                    config=DaemonConfig(metrics_every_minutes=ctx.args.metrics_every))
    restore = install_signal_handlers(stop)
    try:
        if dry:
            return daemon.serve()
        with publisher_lock(ctx.lock_path, "daemon"):
            return daemon.serve()
    finally:
        restore()
