"""Command line: `python -m publish COMMAND …`, one module per command (publish/commands/).

This is the edge: it assembles the parser from COMMANDS, reads the environment and the wall
clock (once, unless --now) into a Ctx, runs the command and maps every failure to a clear
message and an exit code (publish/errors.py: each error carries its own). No traceback
reaches the user (PUBLISH_DEBUG=1 shows one).
"""

from __future__ import annotations

import argparse
import os
import sys
import time
import traceback
from collections.abc import Callable, Mapping, Sequence
from types import ModuleType
from typing import TextIO

from publish.clock import parse_time, wall_now
from publish.commands import (
    build_command,
    cycle_command,
    daemon_command,
    deploy_command,
    diff_command,
    export_command,
    init_command,
    metrics_command,
    plan_command,
    report_command,
    resolve_command,
    run_command,
    status_command,
)
from publish.commands.options import ENVIRONMENT
from publish.context import Ctx
from publish.errors import ExitCode, PublishError
from publish.redaction import secret_values
from publish.terminal import Output

# Each has NAME, DESCRIPTION, EXAMPLES, add_arguments(parser) and run(ctx); --help lists
# them in this order.
COMMANDS: tuple[ModuleType, ...] = (
    init_command, plan_command, run_command, metrics_command, status_command,
    daemon_command, resolve_command, build_command, deploy_command, diff_command,
    cycle_command, export_command, report_command)

DESCRIPTION = """\
Post the campaign plan's due social posts exactly once, and pull engagement numbers back
into each article's Markdown header. Reads state/plan.json (written by `make html`).
A new project starts with `python -m publish init` (an empty state/ledger.json); run,
metrics, daemon and resolve refuse to work without a ledger, so a lost one never re-posts.

`cycle` (what `make publish` runs) does it all in order: build, deploy, post, metrics.

exit codes:
  0  all good (also: a dry run, and a run without posting credentials outside CI)
  1  some items failed (the API refused, or no answer: they are tried again on the next
     run); cycle: also a failed deploy (nothing was posted)
  2  bad configuration or usage (missing plan or ledger, bad --now, bad environment,
     posting credentials missing under CI=true or --require-credentials); cycle: also a
     failed build (nothing was deployed or posted)
  3  items parked as `unknown` need a person: see `publish resolve --help`
  4  another publisher holds state/publish.posting.lock: nothing was done
""" + "\n" + ENVIRONMENT + "\n"


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m publish", description=DESCRIPTION,
        formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for command in COMMANDS:
        command.add_arguments(sub.add_parser(
            command.NAME, help=command.DESCRIPTION, description=command.DESCRIPTION,
            epilog=command.EXAMPLES, formatter_class=argparse.RawDescriptionHelpFormatter))
    return parser


def command_named(name: str) -> ModuleType:
    return next(command for command in COMMANDS if name == command.NAME)


def main(argv: Sequence[str] | None = None, *, env: Mapping[str, str] | None = None,
         stdout: TextIO | None = None, stderr: TextIO | None = None,
         sleep: Callable[[float], None] = time.sleep, tty: bool | None = None) -> int:
    env = os.environ if env is None else env
    secrets = secret_values(env)       # redacted from everything printed or stored
    out = Output(stdout or sys.stdout, stderr or sys.stderr, secrets=secrets, tty=tty)
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:
        return int(exc.code or 0)
    try:
        now = parse_time(args.now) if getattr(args, "now", None) else wall_now()
        ctx = Ctx(args=args, env=env, out=out, now=now, sleep=sleep)
        return command_named(args.command).run(ctx)
    except PublishError as exc:         # the one place an error becomes an exit code
        for line in exc.lines(args.command):
            out.error(line)
        return exc.exit_code
    except KeyboardInterrupt:
        out.error("publish: interrupted")
        return ExitCode.INTERRUPTED
    except Exception as exc:
        if env.get("PUBLISH_DEBUG"):
            out.error(traceback.format_exc())
        out.error(f"publish: unexpected error: {type(exc).__name__}: {exc} "
                  "(PUBLISH_DEBUG=1 shows the traceback)")
        return ExitCode.FAILED
