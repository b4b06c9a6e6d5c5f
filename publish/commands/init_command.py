"""`python -m publish init`: a new project's empty ledger and history."""

from __future__ import annotations

import argparse
from pathlib import Path

from publish.commands import options
from publish.context import Ctx
from publish.errors import ExitCode

NAME = "init"
DESCRIPTION = "start a new project's ledger (empty) and history; never overwrites one"
EXAMPLES = """\
examples:
  python -m publish init                    # state/ledger.json and state/history.jsonl
  python -m publish init --ledger other/ledger.json --history other/history.jsonl"""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    options.common(parser)


def run(ctx: Ctx) -> int:
    from publish.report import history

    store, history_path = ctx.store, Path(ctx.args.history)
    if ctx.args.dry_run:
        store.create(dry_run=True)
        ctx.out.say(f"dry run: would create {store.path} (empty ledger)"
                    + ("" if history_path.exists() else f" and {history_path}"))
        return ExitCode.OK
    store.create()            # exclusive: no lock needed, never over an existing ledger
    ctx.out.say(f"init: created {store.path} (empty ledger)")
    made = history.create(history_path)
    ctx.out.say(f"init: {'created' if made else 'kept the existing'} {history_path}")
    return ExitCode.OK
