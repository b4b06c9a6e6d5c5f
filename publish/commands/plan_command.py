"""`python -m publish plan`: the plan as a table (or JSON), with each item's state."""

from __future__ import annotations

import argparse

from publish.commands import listing, options
from publish.context import Ctx

NAME = "plan"
DESCRIPTION = ("print the plan as a table: when (site time), network, length, state, text, "
               "warnings")
EXAMPLES = """\
examples:
  python -m publish plan
  python -m publish plan --now 2026-11-22T15:00:00Z    # the states at another moment
  python -m publish plan --upcoming --from 2026-11-20 --to 2026-11-30
  python -m publish plan --json > plan-now.json        # UTC times, whole texts and links"""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    options.common(parser)
    options.listing(parser)


def run(ctx: Ctx) -> int:
    return listing.show(ctx, NAME)
