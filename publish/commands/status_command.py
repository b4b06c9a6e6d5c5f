"""`python -m publish status`: every item's state, post and latest numbers."""

from __future__ import annotations

import argparse

from publish.commands import listing, options
from publish.context import Ctx
from publish.report.status import SHOWN_STATES

NAME = "status"
DESCRIPTION = "every item: its state (" + "/".join(SHOWN_STATES) + "), post, numbers"
EXAMPLES = """\
examples:
  python -m publish status
  python -m publish status --now 2026-12-01T00:00:00Z
  python -m publish status --upcoming                 # what is still to be posted
  python -m publish status --from '2026-11-20 09:00' --json"""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    options.common(parser)
    options.listing(parser)


def run(ctx: Ctx) -> int:
    return listing.show(ctx, NAME)
