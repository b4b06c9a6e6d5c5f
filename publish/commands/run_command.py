"""`python -m publish run`: post every due item exactly once, then pin the articles."""

from __future__ import annotations

import argparse

from publish.commands import options
from publish.commands.posting_setup import Posting, files_written
from publish.context import Ctx
from publish.posting.lock import publisher_lock

NAME = "run"
DESCRIPTION = ("post every due item exactly once (no credentials: a dry run), then pin the "
               "Shared_Id/Shared_Urls lines of the articles shared")
EXAMPLES = """\
Before posting an item, its page (the link without the query string) must answer 2xx on the
production site; otherwise the item is `waiting` and checked again on the next run.

examples:
  python -m publish run                     # post what is due now
  python -m publish run --dry-run           # say what would be posted, change nothing
  python -m publish run --now 2026-11-22T15:00:00Z --max-lateness 6h
  python -m publish run --post-late         # also post items overdue beyond the limit
  PUBLISH_LINK_CHECK_BASE=http://127.0.0.1:8000 python -m publish run   # pages on a copy"""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    options.common(parser)
    options.posting(parser)
    options.changed_marker(parser)
    options.with_environment(parser)


def run(ctx: Ctx) -> int:
    posting = Posting.prepare(ctx, "nothing is posted, nothing changes")
    if posting.dry:
        code, line, report = posting.run(ctx)
    else:
        with publisher_lock(ctx.lock_path, "run"):
            code, line, report = posting.run(ctx)
    ctx.out.say(line)
    for written in files_written(ctx, report, posting.dry, always=False):
        ctx.out.say(written)
    return code
