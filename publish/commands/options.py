"""The option groups several commands share, and the environment they list in --help. A
command's own options sit in its module, beside its body (publish/commands/*_command.py)."""

from __future__ import annotations

import argparse
from pathlib import Path

from publish import networks as registry
from publish.clock import format_duration
from publish.posting.decisions import DEFAULT_MAX_LATENESS
from publish.report.status import SHOWN_STATES, UPCOMING, states_help

# Every network's variables come from its capabilities (publish/networks/*_capabilities.py).
ENVIRONMENT = "\n".join([
    "environment (a network without its posting variables is a dry run for it alone):",
    *registry.environment_help(),
    "  PUBLISH_HTTP_TIMEOUT      seconds, 'CONNECT,READ,TOTAL' (default 5,30,60)",
    "  PUBLISH_LINK_CHECK_BASE   check pages on this base URL instead of the production site",
    "  PUBLISH_X_MONTHLY_BUDGET_USD  X posts that would pass it this month are held",
    "  CI                        'true': posting credentials are required (as "
    "--require-credentials)",
    "  DEPLOY_TARGET             cycle: where to deploy (see `publish deploy --help`)"])


def with_environment(parser: argparse.ArgumentParser) -> None:
    """The commands that talk to the networks list every network's variables."""
    parser.epilog = (parser.epilog or "") + "\n\n" + ENVIRONMENT


def common(parser: argparse.ArgumentParser) -> None:
    """--now, --dry-run and the state paths: every command but build and deploy."""
    g = parser.add_argument_group("common options")
    g.add_argument("--now", metavar="TIME",
                   help="act as if it were TIME (ISO 8601, e.g. 2026-11-22T15:00:00Z)")
    g.add_argument("--dry-run", action="store_true",
                   help="change nothing and send no post; say what would happen")
    g.add_argument("--plan", type=Path, default=Path("state/plan.json"),
                   help="plan file (default: %(default)s)")
    g.add_argument("--ledger", type=Path, default=Path("state/ledger.json"),
                   help="ledger file (default: %(default)s); the lock sits next to it")
    g.add_argument("--history", type=Path, default=Path("state/history.jsonl"),
                   help="metrics history file (default: %(default)s)")
    g.add_argument("--content", type=Path, default=Path("content"),
                   help="content folder the plan's `source` paths are relative to "
                        "(default: %(default)s)")


def lateness(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--max-lateness", default=format_duration(DEFAULT_MAX_LATENESS),
                        metavar="DURATION",
                        help="items overdue by more than this are missed, not posted "
                             "(default: %(default)s; e.g. 6h, 2d)")


# A parser or one of its argument groups: both have add_argument.
Options = argparse.ArgumentParser | argparse._ArgumentGroup


def window(parser: Options, what: str) -> None:
    """--from and --to: `what` names the rows, e.g. "items due", "rows fetched"."""
    parser.add_argument("--from", dest="start", metavar="WHEN",
                        help=f"only {what} at or after WHEN: a date (2026-11-20) or a "
                             "date-time ('2026-11-20 09:00'), in the site's time zone unless "
                             "it has an offset (2026-11-20T09:00:00Z)")
    parser.add_argument("--to", dest="end", metavar="WHEN",
                        help=f"only {what} at or before WHEN (a date alone: to the end "
                             "of it)")


def no_build(parser: Options) -> None:
    """--no-build: the files named are publish/site/build_inputs.py's."""
    parser.add_argument("--no-build", action="store_true",
                        help="use the plan as it is; by default it is rebuilt first (Pelican, "
                             "into a temporary folder) when a file it is built from is newer: "
                             "content/, theme/, plugins/, contract/, requirements.txt or the "
                             "settings")


def listing(parser: argparse.ArgumentParser) -> None:
    """`plan` and `status`: the same states, filters, JSON and rebuild."""
    lateness(parser)
    g = parser.add_argument_group("which items, and how")
    g.add_argument("--upcoming", action="store_true",
                   help="only items not done yet: " + ", ".join(
                       state for state in SHOWN_STATES if state in UPCOMING))
    window(g, "items due")
    g.add_argument("--json", action="store_true",
                   help="print one JSON document instead of the table: UTC times, whole texts "
                        "and links (fields: docs/publisher.md)")
    no_build(g)
    parser.epilog = (parser.epilog or "") + "\n\n" + states_help()


def posting(parser: argparse.ArgumentParser) -> None:
    """`run`, `daemon` and `cycle`: how late, and the checks before posting."""
    lateness(parser)
    parser.add_argument("--post-late", action="store_true",
                        help="post overdue items even beyond --max-lateness")
    g = parser.add_argument_group("before posting")
    g.add_argument("--no-link-check", action="store_true",
                   help="post without first checking that the item's page answers on the site")
    g.add_argument("--link-check-base", metavar="URL",
                   help="check the pages' paths on this base URL instead of the plan's "
                        "site_url, e.g. a staging copy (default: $PUBLISH_LINK_CHECK_BASE)")
    g.add_argument("--require-credentials", action="store_true",
                   help="missing posting credentials are an error (exit 2), not a dry run; "
                        "on by default when CI=true")


def metrics(parser: argparse.ArgumentParser) -> None:
    """`metrics`, `daemon` and `cycle`: when to refresh the numbers."""
    parser.add_argument("--cadence", default="1h,1d,7d,30d", metavar="LIST",
                        help="refresh this long after posting, then freeze "
                             "(default: %(default)s)")
    parser.add_argument("--all", action="store_true", dest="refresh_all",
                        help="refresh every sent post now, whatever the cadence")


def changed_marker(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--changed-marker", type=Path, metavar="PATH",
                        help="create PATH when a Markdown file was rewritten")
