"""Command line: `python -m publish COMMAND …` (init, plan, run, metrics, status, daemon,
resolve, build, deploy, cycle, export, report).

This is the edge: it reads the environment and the wall clock (once, unless --now), builds the
adapters, takes the lock, calls the pure/inner layers and maps every failure to a clear
message and an exit code. No traceback reaches the user (PUBLISH_DEBUG=1 shows one).
"""

from __future__ import annotations

import argparse
import os
import sys
import time
import traceback
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TextIO

from publish import networks as registry
from publish.clock import (
    TimeFormatError,
    format_duration,
    format_time,
    parse_cadence,
    parse_duration,
    parse_time,
    wall_now,
)
from publish.commands import diff as diff_command
from publish.commands.cycle import StepResult, Steps, run_cycle
from publish.networks import ErrorKind, Network, NetworkError
from publish.posting import linkcheck
from publish.posting.decisions import DEFAULT_MAX_LATENESS, RunOptions
from publish.posting.ledger import Ledger, LedgerError, LedgerStore
from publish.posting.lock import LockHeld, build_lock, lock_timeout, publisher_lock
from publish.posting.pins import FileReport
from publish.posting.plan_file import Plan, PlanError, load_plan
from publish.posting.runner import RunReport, run_once
from publish.redaction import secret_values
from publish.report.status import (
    SHOWN_STATES,
    TABLES,
    UPCOMING,
    Filters,
    Row,
    json_document,
    parse_bound,
    states_help,
    summary,
)
from publish.report.status import rows as status_rows
from publish.site import build as site_build
from publish.site import deploy as site_deploy
from publish.site.freshness import ensure_fresh_plan
from publish.site.skipping import SkippingBuilder, force_requested
from publish.terminal import Output

EXIT_OK, EXIT_FAILED, EXIT_CONFIG, EXIT_UNKNOWN, EXIT_LOCKED = 0, 1, 2, 3, 4
SECRET_VARS = site_build.SECRET_VARS  # one list: redacted everywhere, kept out of every build


class UsageError(Exception):
    pass


# --- argument parsing -------------------------------------------------------------------

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
"""
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
DESCRIPTION += "\n" + ENVIRONMENT + "\n"

EXAMPLES = {
    "init": """\
examples:
  python -m publish init                    # state/ledger.json and state/history.jsonl
  python -m publish init --ledger other/ledger.json --history other/history.jsonl""",
    "plan": """\
examples:
  python -m publish plan
  python -m publish plan --now 2026-11-22T15:00:00Z    # the states at another moment
  python -m publish plan --upcoming --from 2026-11-20 --to 2026-11-30
  python -m publish plan --json > plan-now.json        # UTC times, whole texts and links""",
    "run": """\
Before posting an item, its page (the link without the query string) must answer 2xx on the
production site; otherwise the item is `waiting` and checked again on the next run.

examples:
  python -m publish run                     # post what is due now
  python -m publish run --dry-run           # say what would be posted, change nothing
  python -m publish run --now 2026-11-22T15:00:00Z --max-lateness 6h
  python -m publish run --post-late         # also post items overdue beyond the limit
  PUBLISH_LINK_CHECK_BASE=http://127.0.0.1:8000 python -m publish run   # pages on a copy""",
    "metrics": """\
examples:
  python -m publish metrics                 # refresh posts due a refresh (1h,1d,7d,30d)
  python -m publish metrics --all           # refresh every sent post
  python -m publish metrics --changed-marker state/.metadata-changed""",
    "status": """\
examples:
  python -m publish status
  python -m publish status --now 2026-12-01T00:00:00Z
  python -m publish status --upcoming                 # what is still to be posted
  python -m publish status --from '2026-11-20 09:00' --json""",
    "daemon": """\
examples:
  python -m publish daemon                      # run every minute, metrics every 60 min
  python -m publish daemon --metrics-every 30   # SIGTERM or Ctrl-C stops it cleanly""",
    "resolve": """\
An item is `unknown` when an attempt to post it was interrupted and the post could not be
found afterwards. Look at the account on x.com, then:

examples:
  python -m publish resolve en/my-post/social-1/x --posted 1849203000000000001
  python -m publish resolve en/my-post/social-1/x --not-posted   # next run posts it""",
    "cycle": """\
steps, one `cycle: STEP: …` line each:
  build     production build into a fresh folder (--settings), swapped in on success;
            skipped when no input changed and no item, offer or post fell due since the
            last build (output.stamp.json; --force-build or FORCE_BUILD=1 builds anyway);
            failed: nothing deployed or posted, exit 2
  deploy    to --target / DEPLOY_TARGET (skipped when unset, or when the build was and
            this site's last deploy there succeeded); failed: nothing posted, exit 1
  post      what is due, each item only once its page answers (the link check)
  metrics   engagement numbers into the headers (also after posting failures)
  rebuild   only when a header changed: build and deploy again
  report    only with --report DIR: the private report (docs/report.md); a failure here
            is exit 1 only when every step before it succeeded
A dry run builds, but neither deploys nor posts (nor writes the report).

exit codes (the first failing step's): 0 done; 1 a post failed or is not settled, metrics
or the deploy failed; 2 bad configuration, no ledger, posting credentials missing under
CI=true, or the build failed; 3 items parked as unknown; 4 another publisher is running
(nothing done). Through make, the code is in make's `Error N` line (make itself exits 2).

examples:
  python -m publish cycle                           # what `make publish` runs
  python -m publish cycle --dry-run                 # build; say what would be posted
  python -m publish cycle --now 2026-11-22T15:00:00Z --target rsync:/var/www/blog
  python -m publish cycle --no-link-check           # post without checking the pages
  python -m publish cycle -- -D                     # extra pelican options
  python -m publish cycle --report report           # also refresh the private report""",
    "export": """\
One row per item per fetch in the history, joined with the plan (title, campaign, source)
and the ledger (post URL); columns in docs/report.md.

examples:
  python -m publish export --format csv > numbers.csv
  python -m publish export --format json --from 2026-11-20 --to 2026-11-30""",
    "report": """\
Writes a static private report (no JavaScript) into --out, swapped in whole: index.html
(calendar by week), performance*.html (totals, pre-sorted per metric, a chart) and
calendar.ics (subscribe to it). The folder is outside output/: never deployed. See
docs/report.md.

examples:
  python -m publish report                      # what `make report` runs
  python -m publish report --out /tmp/report --now 2026-12-01T00:00:00Z""",
}


def _common(parser: argparse.ArgumentParser) -> None:
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


def _lateness(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--max-lateness", default=format_duration(DEFAULT_MAX_LATENESS),
                        metavar="DURATION",
                        help="items overdue by more than this are missed, not posted "
                             "(default: %(default)s; e.g. 6h, 2d)")


def _window(parser: argparse.ArgumentParser, what: str) -> None:
    parser.add_argument("--from", dest="start", metavar="WHEN",
                        help=f"only rows {what} at or after WHEN: a date (2026-11-20) or a "
                             "date-time ('2026-11-20 09:00'), in the site's time zone unless "
                             "it has an offset (2026-11-20T09:00:00Z)")
    parser.add_argument("--to", dest="end", metavar="WHEN",
                        help=f"only rows {what} at or before WHEN (a date alone: to the end "
                             "of it)")


def _no_build(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--no-build", action="store_true",
                        help="use the plan as it is; by default it is rebuilt first when "
                             "content/, theme/, plugins/ or the settings are newer")


def _listing_opts(parser: argparse.ArgumentParser) -> None:
    """`plan` and `status`: the same states, filters, JSON and rebuild."""
    _lateness(parser)
    g = parser.add_argument_group("which items, and how")
    g.add_argument("--upcoming", action="store_true",
                   help="only items not done yet: " + ", ".join(sorted(UPCOMING,
                                                                      key=list(SHOWN_STATES).index)))
    g.add_argument("--from", dest="start", metavar="WHEN",
                   help="only items due at or after WHEN: a date (2026-11-20) or a date-time "
                        "('2026-11-20 09:00'), in the site's time zone unless it has an "
                        "offset (2026-11-20T09:00:00Z)")
    g.add_argument("--to", dest="end", metavar="WHEN",
                   help="only items due at or before WHEN (a date alone: to the end of it)")
    g.add_argument("--json", action="store_true",
                   help="print one JSON document instead of the table: UTC times, whole texts "
                        "and links (fields: docs/publisher.md)")
    g.add_argument("--no-build", action="store_true",
                   help="use the plan as it is; by default it is rebuilt first (Pelican, "
                        "into a temporary folder) when content/, theme/, plugins/ or the "
                        "settings are newer")
    parser.epilog += "\n\n" + states_help()


def _posting(parser: argparse.ArgumentParser) -> None:
    _lateness(parser)
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


def _metrics_opts(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--cadence", default="1h,1d,7d,30d", metavar="LIST",
                        help="refresh this long after posting, then freeze "
                             "(default: %(default)s)")
    parser.add_argument("--all", action="store_true", dest="refresh_all",
                        help="refresh every sent post now, whatever the cadence")


def _marker(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--changed-marker", type=Path, metavar="PATH",
                        help="create PATH when a Markdown file was rewritten")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m publish", description=DESCRIPTION,
        formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    def add(name: str, help_text: str) -> argparse.ArgumentParser:
        p = sub.add_parser(name, help=help_text, description=help_text,
                           epilog=EXAMPLES[name],
                           formatter_class=argparse.RawDescriptionHelpFormatter)
        _common(p)
        return p

    def with_environment(p: argparse.ArgumentParser) -> None:
        """The commands that talk to the networks list every network's variables."""
        p.epilog += "\n\n" + ENVIRONMENT

    add("init", "start a new project's ledger (empty) and history; never overwrites one")
    p = add("plan", "print the plan as a table: when (site time), network, length, state, "
                    "text, warnings")
    _listing_opts(p)
    p = add("run", "post every due item exactly once (no credentials: a dry run), then pin "
                   "the Shared_Id/Shared_Urls lines of the articles shared")
    _posting(p)
    _marker(p)
    with_environment(p)
    p = add("metrics", "pull engagement numbers and write them into the Markdown headers")
    _metrics_opts(p)
    _marker(p)
    with_environment(p)
    p = add("status", "every item: its state (" + "/".join(SHOWN_STATES) + "), post, numbers")
    _listing_opts(p)
    p = add("daemon", "keep running: `run` every minute, metrics every N minutes")
    _posting(p)
    _metrics_opts(p)
    _marker(p)
    p.add_argument("--metrics-every", type=int, default=60, metavar="MINUTES",
                   help="minutes between metric refreshes (default: %(default)s)")
    with_environment(p)
    p = add("resolve", "settle an `unknown` item by hand")
    p.add_argument("item_id", metavar="ID", help="plan item id, as shown by `status`")
    how = p.add_mutually_exclusive_group(required=True)
    how.add_argument("--posted", metavar="POST",
                     help="the post exists: record it (its id, or its link, e.g. "
                          "https://x.com/i/web/status/1849203000000000001)")
    how.add_argument("--not-posted", action="store_true",
                     help="the post does not exist: the next run may post it")
    for name, module in (("build", site_build), ("deploy", site_deploy)):
        module.add_arguments(sub.add_parser(
            name, help=module.HELP, description=module.HELP, epilog=module.EPILOG,
            formatter_class=argparse.RawDescriptionHelpFormatter))
    diff_command.add_arguments(sub.add_parser(
        "diff", help=diff_command.DESCRIPTION, description=diff_command.DESCRIPTION,
        epilog=diff_command.EXAMPLES, formatter_class=argparse.RawDescriptionHelpFormatter))
    p = add("cycle", "one publish cycle: build, deploy, post what is due, pull metrics, "
                     "rebuild and deploy again if a header changed")
    _posting(p)
    _metrics_opts(p)
    g = p.add_argument_group("build and deploy")
    g.add_argument("--settings", type=Path, default=Path("publishconf.py"),
                   help="Pelican settings of the production build (default: %(default)s)")
    g.add_argument("--output", type=Path, metavar="DIR",
                   help="output folder (default: the settings' OUTPUT_PATH)")
    g.add_argument("--target", metavar="TARGET",
                   help="where to deploy (default: $DEPLOY_TARGET; unset: no deploy)")
    g.add_argument("--force-build", action="store_true",
                   help="build (and deploy) even when nothing changed since the last build "
                        "(also FORCE_BUILD=1)")
    g.add_argument("pelican_args", nargs="*", metavar="-- PELICAN_OPTION",
                   help="further pelican options after --, e.g. -- -D")
    p.add_argument("--report", type=Path, metavar="DIR",
                   help="last step: write the private report into DIR (`make publish` "
                        "passes report); a failure there is its own step line")
    with_environment(p)
    p = add("export", "print the metrics history, one row per item per fetch, joined with "
                      "the plan and the ledger (CSV or JSON)")
    p.add_argument("--format", choices=("csv", "json"), default="csv",
                   help="csv (default) or one JSON document")
    _window(p, "fetched")
    _no_build(p)
    p = add("report", "write the private report (calendar, calendar.ics, performance) into "
                      "--out")
    _lateness(p)
    p.add_argument("--out", type=Path, default=Path("report"),
                   help="report folder, replaced whole (default: %(default)s)")
    p.add_argument("--site", type=Path, default=Path("output"), metavar="DIR",
                   help="the built site the previews read each link's card from "
                        "(default: %(default)s)")
    _no_build(p)
    return parser


# --- context ----------------------------------------------------------------------------

@dataclass
class Ctx:
    args: argparse.Namespace
    env: Mapping[str, str]
    out: Output
    now: datetime
    sleep: Callable[[float], None]

    @property
    def store(self) -> LedgerStore:
        return LedgerStore(self.args.ledger, secrets=self.out.secrets)

    @property
    def lock_path(self) -> Path:
        return Path(self.args.ledger).parent / "publish.posting.lock"

    def max_lateness(self) -> timedelta:
        return parse_duration(self.args.max_lateness)

    def read_ledger(self) -> Ledger:
        """For the read-only commands: a missing ledger reads as empty, with a warning."""
        if not self.store.exists():
            self.out.error(f"publish: warning: {self.store.missing_message()}; "
                           "states below assume nothing was posted")
        return self.store.load(missing_ok=True)


def _networks(ctx: Ctx, plan: Plan) -> dict[str, Network]:
    """Adapters for the plan's networks we know, each made at its first request (a cycle
    with nothing due imports no network library); NetworkError(CONFIG) when misconfigured."""
    names = sorted({item.network for item in plan.items if registry.known(item.network)})
    adapters, problems = {}, []
    for name in names:                 # every network's problems at once
        try:
            adapters[name] = registry.LazyNetwork(name, ctx.env, sleep=ctx.sleep)
        except NetworkError as exc:
            problems += exc.message.splitlines()
    if problems:        # a setting all networks share (PUBLISH_HTTP_TIMEOUT) is named once
        raise NetworkError(ErrorKind.CONFIG, "\n".join(dict.fromkeys(problems)))
    return adapters


def _credentials_required(ctx: Ctx) -> bool:
    """--require-credentials, or CI=true: a CI run without its secrets must fail, not pass."""
    ci = ctx.env.get("CI", "").strip().lower() in ("true", "1", "yes")
    return bool(getattr(ctx.args, "require_credentials", False) or ci)


def _no_credentials_banner(ctx: Ctx, adapters: Mapping[str, Network], what: str, *,
                           required_by: str | None = None) -> bool:
    """A loud banner for each network of the plan that cannot post: a dry run for that
    network alone (the runner says what it would post there). True when no network can
    post: the whole run is then a dry run. When credentials are required (`required_by`,
    --require-credentials or CI=true) and this is no --dry-run: one line naming the
    variables, exit 2."""
    missing = [n for n, a in adapters.items() if not a.can_post()]
    if not missing:
        return False
    names = ", ".join(registry.capabilities(n).label for n in missing)
    needed = ", ".join(v for n in missing for v in registry.capabilities(n).post_credentials)
    if required_by is None and _credentials_required(ctx):
        required_by = ("with --require-credentials" if ctx.args.require_credentials
                       else "under CI=true")
    if required_by and not ctx.args.dry_run:
        raise UsageError(f"no posting credentials for {names}: set {needed} (required "
                         f"{required_by}; --dry-run runs without them)")
    everything = len(missing) == len(adapters)
    if not everything:
        what = f"for {names} alone: nothing is posted there; the other networks post"
    ctx.out.banner(f"NO POSTING CREDENTIALS FOR {names} ({needed}): DRY RUN - {what}")
    return everything


def _link_checker(ctx: Ctx, plan: Plan) -> linkcheck.LinkChecker | None:
    """The check that an item's page is live before it is posted (None: --no-link-check).
    A new one per run: each page is requested once per run, and again on the next."""
    if ctx.args.no_link_check:
        return None
    from publish.networks.common import parse_deadline, parse_timeout

    try:
        base = linkcheck.base_from(ctx.args.link_check_base, ctx.env)
        timeout = parse_timeout(ctx.env.get("PUBLISH_HTTP_TIMEOUT"))
        total = parse_deadline(ctx.env.get("PUBLISH_HTTP_TIMEOUT"))
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    return linkcheck.LinkChecker(plan.site_url, linkcheck.http_fetch(timeout, total),
                                 base=base)


def _x_budget(ctx: Ctx) -> float | None:
    """X's monthly budget (PUBLISH_X_MONTHLY_BUDGET_USD; None: no budget)."""
    from publish.posting.budget import budget_from_env

    try:
        return budget_from_env(ctx.env)
    except ValueError as exc:
        raise UsageError(str(exc)) from None


def _exit_for_run(report: RunReport) -> int:
    if report.unknown:
        return EXIT_UNKNOWN
    if report.failed or report.unsettled or report.file_errors:
        return EXIT_FAILED
    return EXIT_OK


def _files_written(ctx: Ctx, report: FileReport, dry: bool, *, always: bool) -> list[str]:
    """Report the Markdown files that could not be updated, touch --changed-marker when some
    changed, and return the `metadata changed: N files` line (when `always` or N > 0)."""
    for problem in report.file_errors:
        ctx.out.error(f"publish: cannot update {problem}")
    changed = len(report.changed_files)
    marker = getattr(ctx.args, "changed_marker", None)    # not on `cycle`: it rebuilds
    if changed and marker and not dry:
        Path(marker).parent.mkdir(parents=True, exist_ok=True)
        Path(marker).touch()
    if always or changed:
        return [f"metadata {'would change' if dry else 'changed'}: {changed} files"]
    return []


# --- commands ---------------------------------------------------------------------------

def cmd_init(ctx: Ctx) -> int:
    from publish.report import history

    store, history_path = ctx.store, Path(ctx.args.history)
    if ctx.args.dry_run:
        store.create(dry_run=True)
        ctx.out.say(f"dry run: would create {store.path} (empty ledger)"
                    + ("" if history_path.exists() else f" and {history_path}"))
        return EXIT_OK
    store.create()            # exclusive: no lock needed, never over an existing ledger
    ctx.out.say(f"init: created {store.path} (empty ledger)")
    made = history.create(history_path)
    ctx.out.say(f"init: {'created' if made else 'kept the existing'} {history_path}")
    return EXIT_OK


@dataclass
class Listing:
    """What `plan` and `status` show: the plan and its rows that pass the filters."""
    plan: Plan
    filters: Filters
    rows: list[Row]
    total: int

    def json(self, command: str, now: datetime) -> dict:
        return json_document(command, self.plan, self.rows, self.total, now, self.filters)


def _listing(ctx: Ctx) -> Listing:
    args = ctx.args
    for option, text in (("--from", args.start), ("--to", args.end)):
        if text:
            parse_bound(text, UTC, option=option)   # a typo fails before any build
    if not args.no_build:
        ensure_fresh_plan(Path(args.plan), Path(args.content), ctx.env, ctx.out,
                          dry_run=args.dry_run)
    plan = load_plan(args.plan)
    filters = Filters(
        upcoming=args.upcoming,
        start=parse_bound(args.start, plan.tz, option="--from") if args.start else None,
        end=parse_bound(args.end, plan.tz, option="--to", end=True) if args.end else None)
    if filters.start and filters.end and filters.start > filters.end:
        raise UsageError(f"--from {args.start} is after --to {args.end}: nothing can match")
    every = status_rows(plan, ctx.read_ledger(), ctx.now, ctx.max_lateness())
    return Listing(plan, filters, [r for r in every if filters.keep(r)], len(every))


def _show(ctx: Ctx, command: str) -> int:
    listing = _listing(ctx)
    if ctx.args.json:
        ctx.out.json(listing.json(command, ctx.now))
        return EXIT_OK
    table = TABLES[command](listing.plan, listing.rows, ctx.now)
    ctx.out.table(table.headers, table.cells, title=table.title, notes=table.notes)
    for line in table.footer:
        ctx.out.say(line)
    ctx.out.say(summary(command, listing.rows, listing.total))
    return EXIT_OK


def cmd_plan(ctx: Ctx) -> int:
    return _show(ctx, "plan")


@dataclass
class Posting:
    """What `run` and each `cycle` post step work with: the plan, its adapters, and whether
    this is a dry run (asked for, or no posting credentials outside CI)."""
    plan: Plan
    adapters: dict[str, Network]
    dry: bool

    @classmethod
    def prepare(cls, ctx: Ctx, what: str) -> Posting:
        plan = load_plan(ctx.args.plan)
        adapters = _networks(ctx, plan)
        _x_budget(ctx)          # a bad budget fails before anything is posted
        dry = _no_credentials_banner(ctx, adapters, what) or ctx.args.dry_run
        return cls(plan, adapters, dry)

    def run(self, ctx: Ctx) -> tuple[int, str, RunReport]:
        """One run over the plan: (exit code, summary line, report). The run also writes
        the articles' identity pins (publish.posting.pins) into their headers."""
        options = RunOptions(max_lateness=ctx.max_lateness(), post_late=ctx.args.post_late,
                             dry_run=self.dry, x_budget_usd=_x_budget(ctx))
        report = run_once(self.plan, ctx.store, self.adapters, ctx.now, options, ctx.out,
                          ctx.args.content, link_check=_link_checker(ctx, self.plan))
        return (EXIT_OK if self.dry else _exit_for_run(report)), report.summary(self.dry), report


def cmd_run(ctx: Ctx) -> int:
    posting = Posting.prepare(ctx, "nothing is posted, nothing changes")
    if posting.dry:
        code, line, report = posting.run(ctx)
    else:
        with publisher_lock(ctx.lock_path, "run"):
            code, line, report = posting.run(ctx)
    ctx.out.say(line)
    for written in _files_written(ctx, report, posting.dry, always=False):
        ctx.out.say(written)
    return code


def _metrics_once(ctx: Ctx, plan: Plan, adapters: Mapping[str, Network], now: datetime,
                  dry: bool) -> int:
    code, lines, _ = _metrics_step(ctx, plan, adapters, now, dry)
    for line in lines:
        ctx.out.say(line)
    return code


def _metrics_step(ctx: Ctx, plan: Plan, adapters: Mapping[str, Network], now: datetime,
                  dry: bool) -> tuple[int, list[str], int]:
    """One metrics refresh and header sync: (exit code, summary lines, files changed)."""
    from publish.report.metrics import MetricsReport, RefreshOptions, refresh, sync_headers

    options = RefreshOptions(cadence=parse_cadence(ctx.args.cadence), history=ctx.args.history,
                             refresh_all=ctx.args.refresh_all, dry_run=dry)
    readers = {n: a for n, a in adapters.items() if a.can_read()}
    report = MetricsReport()
    ledger = refresh(plan, ctx.store, readers, now=now, options=options, out=ctx.out,
                     report=report)
    networks = {n: registry.capabilities(n) for n in adapters}
    sync_headers(plan, ledger, ctx.args.content, networks, dry, ctx.out, report)
    lines = [report.summary(dry_run=dry), *_files_written(ctx, report, dry, always=True)]
    changed = len(report.changed_files)
    failed = report.errors or report.file_errors   # a rate limit is retried, not a failure
    return (EXIT_FAILED if failed else EXIT_OK), lines, changed


def cmd_metrics(ctx: Ctx) -> int:
    plan = load_plan(ctx.args.plan)
    adapters = _networks(ctx, plan)
    for name, adapter in adapters.items():
        if not adapter.can_read():
            caps = registry.capabilities(name)
            options = " or ".join("+".join(group) for group in caps.read_credentials)
            ctx.out.banner(f"NO {caps.label} CREDENTIALS ({options}): numbers not refreshed; "
                           "headers follow the ledger")
    if ctx.args.dry_run:
        return _metrics_once(ctx, plan, adapters, ctx.now, dry=True)
    with publisher_lock(ctx.lock_path, "metrics"):
        return _metrics_once(ctx, plan, adapters, ctx.now, dry=False)


def cmd_status(ctx: Ctx) -> int:
    return _show(ctx, "status")


def cmd_resolve(ctx: Ctx) -> int:
    from publish.posting import ledger as L
    from publish.posting.ledger_entry import Entry, LedgerState

    item_id = ctx.args.item_id
    plan = load_plan(ctx.args.plan) if Path(ctx.args.plan).exists() else None
    item = plan.by_id().get(item_id) if plan else None

    def settle(ledger: Ledger) -> str:
        entry = ledger.get(item_id)
        if entry is None and item is None:
            raise UsageError(f"no item {item_id!r} in the ledger or the plan")
        state = entry.state if entry else None
        if entry is not None and state is LedgerState.SENT:
            raise UsageError(f"{item_id} is already sent as {entry.url}; nothing to do")
        if ctx.args.not_posted:
            if state is LedgerState.POSTING:      # not checked yet: the post may be out
                raise UsageError(
                    f"{item_id} has an attempt whose outcome is not checked yet; the next "
                    "run looks for it on X first (only an `unknown` item needs a person)")
            ledger.remove(item_id)
            return (f"{item_id}: recorded as not posted; the next run posts it when due "
                    "(beyond --max-lateness only with --post-late)")
        network = entry.network if entry else item.network
        post_id, url = posted_as(network, ctx.args.posted)
        base = entry or Entry(LedgerState.UNKNOWN, network, source=item.source, link=item.link)
        ledger.put(item_id, L.mark_sent(base, post_id=post_id, url=url, now=ctx.now,
                                        how="person"))
        return f"{item_id}: recorded as sent → {url}"

    if ctx.args.dry_run:
        message = settle(ctx.store.load())
        ctx.out.say(f"dry run: would record: {message}")
        return EXIT_OK
    with publisher_lock(ctx.lock_path, "resolve"):
        ledger = ctx.store.load()
        message = settle(ledger)
        ctx.store.save(ledger)
    ctx.out.say(message)
    return EXIT_OK


def posted_as(network: str, posted: str) -> tuple[str, str]:
    """`resolve --posted` → (post id, link). It takes a post id, or a post's link where the
    network has a link form (Bluesky, X), and must be the link where only the network knows
    it (Mastodon: instance and account are in it; its id is the last part)."""
    rule = registry.post_id_rule(network)
    caps = registry.capabilities(network) if registry.known(network) else None
    if caps is not None and caps.link_problem(posted) is None:
        post_id = caps.post_id_from_link(posted)
        if post_id is not None:
            return post_id, posted
    if problem := rule.post_id_problem(posted):
        raise UsageError(f"--posted: {problem}: copy the post's link (or its id)")
    url = caps.url_for(posted) if caps is not None else None
    if url is None:
        raise UsageError(f"--posted: give the post's link on {rule.label} (its id alone "
                         "does not say where it is)")
    return posted, url


def cmd_daemon(ctx: Ctx, *, scheduler=None, clock=None, wait=None, stop=None) -> int:
    import schedule

    from publish.commands.daemon import Daemon, DaemonConfig, StopRequest, install_signal_handlers

    if ctx.args.metrics_every < 1:
        raise UsageError("--metrics-every must be at least 1 (minutes)")
    plan_path = ctx.args.plan
    plan = load_plan(plan_path)
    adapters = _networks(ctx, plan)
    ctx.store.load()            # no (valid) ledger: refuse now rather than fail every minute
    dry = ctx.args.dry_run
    _no_credentials_banner(ctx, adapters, "nothing is posted", required_by="by the daemon")
    _link_checker(ctx, plan)    # a bad link check setting: refuse now
    if clock is None:
        start_wall, start_mono = ctx.now, time.monotonic()

        def clock() -> datetime:
            return start_wall + timedelta(seconds=int(time.monotonic() - start_mono))

    options = RunOptions(max_lateness=ctx.max_lateness(), post_late=ctx.args.post_late,
                         dry_run=dry, x_budget_usd=_x_budget(ctx))

    def run_step(now: datetime) -> datetime | None:
        plan = load_plan(plan_path)
        report = run_once(plan, ctx.store, adapters, now, options, ctx.out, ctx.args.content,
                          link_check=_link_checker(ctx, plan))
        ctx.out.say(f"[{format_time(now)}] " + report.summary(dry_run=dry))
        for written in _files_written(ctx, report, dry, always=False):
            ctx.out.say(written)
        resets = [t for t in report.blocked_until.values() if t is not None]
        return max(resets) if resets else None

    def metrics_step(now: datetime) -> None:
        _metrics_once(ctx, load_plan(plan_path), adapters, now, dry)

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


class CycleIO:
    """The real steps of `cycle` (publish.commands.cycle.Steps): build, deploy, run, metrics."""

    def __init__(self, ctx: Ctx, target: site_deploy.Target | None):
        self.ctx, self.target = ctx, target
        self.posting: Posting | None = None
        args = ctx.args
        extra: dict[str, object] = {"CAMPAIGN_PLAN_PATH": str(Path(args.plan).absolute())}
        if args.now:            # the build and the publisher agree on the time
            extra["CAMPAIGN_NOW"] = format_time(ctx.now)
        self.extra = extra
        self.output: Path | None = args.output
        self.builder = SkippingBuilder(settings=args.settings, output=args.output,
                                       content=args.content, plan=args.plan, extra=extra,
                                       pelican_args=args.pelican_args, env=ctx.env)
        self.force = force_requested(args.force_build, ctx.env)

    def steps(self) -> Steps:
        return Steps(build=self.build, check=self.check, post=self.post,
                     metrics=self.metrics, deploy=self.deploy if self.target else None,
                     target=str(self.target or ""),
                     report=self.report if self.ctx.args.report else None)

    def build(self) -> StepResult:
        """Skipped when the last build's site is still right (publish/site/skipping.py)."""
        try:
            built = self.builder.run(self.ctx.now, force=self.force)
        except site_build.BuildError as exc:
            return StepResult(EXIT_CONFIG, f"{exc}; nothing was changed")
        for note in built.notes:        # refused state (publish/site/skipping.py), rebuilt
            self.ctx.out.notice(f"cycle: note: {note}")
        self.output = self.builder.output
        return StepResult(EXIT_OK if built.ok else EXIT_CONFIG, built.line)

    def check(self) -> StepResult:
        """The new plan, and the posting credentials for its networks."""
        try:
            self.posting = Posting.prepare(self.ctx, "nothing is posted")
        except (PlanError, UsageError) as exc:
            return StepResult(EXIT_CONFIG, str(exc))
        except NetworkError as exc:       # a bad X_* value (ErrorKind.CONFIG)
            return StepResult(EXIT_CONFIG if exc.kind is ErrorKind.CONFIG else EXIT_FAILED,
                              "; ".join(str(exc).splitlines()))
        return StepResult(EXIT_OK)

    def deploy(self) -> StepResult:
        """Skipped when the build was and the last deploy of that site to this target
        succeeded; every deploy's outcome is recorded in the build stamp."""
        target = site_deploy.identity(self.target, self.ctx.env)
        if (skipped := self.builder.deploy_skip_line(target, str(self.target))) is not None:
            return StepResult(EXIT_OK, skipped)
        try:
            report = site_deploy.deploy(self.output, self.target, self.ctx.out,
                                        env=self.ctx.env)
        except site_deploy.DeployConfigError as exc:
            self.builder.record_deploy(target, False, self.ctx.now)
            return StepResult(EXIT_CONFIG, "; ".join(exc.problems) + ": nothing deployed")
        self.builder.record_deploy(target, report.ok, self.ctx.now)
        return StepResult(EXIT_OK if report.ok else EXIT_FAILED,
                          report.summary().removeprefix("deploy "))

    def post(self) -> StepResult:
        code, line, report = self.posting.run(self.ctx)
        written = _files_written(self.ctx, report, self.posting.dry, always=False)
        return StepResult(code, _step_line("; ".join([line, *written]), self.posting.dry),
                          changed=bool(report.changed_files))

    def metrics(self) -> StepResult:
        """As `publish metrics`: it runs (headers from the ledger) even without posting
        credentials; only --dry-run makes it a dry run."""
        dry = self.ctx.args.dry_run
        code, lines, changed = _metrics_step(self.ctx, self.posting.plan,
                                             self.posting.adapters, self.ctx.now, dry)
        return StepResult(code, _step_line("; ".join(lines), dry), changed=changed > 0)


    def report(self) -> StepResult:
        """The private report, from the state the cycle left. Any failure here is caught:
        the cycle's own last line and exit code must still come out."""
        from publish.report.private_report import ReportError

        try:
            line = _write_report(self.ctx, Path(self.ctx.args.report), site=self.output,
                                 keep=True)
        except ReportError as exc:
            return StepResult(EXIT_CONFIG, f"{exc}; not written")
        except Exception as exc:    # an auxiliary step never hides the cycle's
            return StepResult(EXIT_FAILED, f"not written: {type(exc).__name__}: {exc}")
        return StepResult(EXIT_OK, line.removeprefix("report: "))


def _step_line(summary: str, dry: bool) -> str:
    """'run (dry run): 2 sent, …' → 'dry run: 2 sent, …' (the cycle names the step)."""
    body = summary.split(": ", 1)[-1]
    return f"dry run: {body}" if dry else body


def cmd_cycle(ctx: Ctx) -> int:
    target = site_deploy.target_from_env(ctx.env, target=ctx.args.target)
    try:                        # a bad link check setting fails before any build
        linkcheck.base_from(ctx.args.link_check_base, ctx.env)
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    if ctx.args.report:         # a --report that would replace another folder: refuse now
        from publish.report.private_report import ReportError, check_out

        try:
            check_out(Path(ctx.args.report))
        except ReportError as exc:
            raise UsageError(str(exc)) from None
    try:
        timeout = lock_timeout(ctx.env)
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    _x_budget(ctx)              # a bad budget fails before any build
    with publisher_lock(ctx.lock_path, "cycle"):
        ctx.store.load()            # no (valid) ledger: stop before building anything
        cycle = CycleIO(ctx, target)
        try:
            output = cycle.builder.resolve_output()
        except site_build.BuildError as exc:
            raise UsageError(f"build: {exc}; nothing was changed") from None
        # One build lock from the first build to the last deploy: no `make html` or other
        # build swaps output/ (or removes the cycle's output.new-*) in between.
        with build_lock(output, "cycle", timeout=timeout,
                        say=lambda line: ctx.out.notice(f"cycle: {line}")):
            result = run_cycle(cycle.steps(), ctx.out, dry_run=ctx.args.dry_run)
    return result.code


def _bounds(ctx: Ctx, tz) -> tuple[datetime | None, datetime | None]:
    args = ctx.args
    start = parse_bound(args.start, tz, option="--from") if args.start else None
    end = parse_bound(args.end, tz, option="--to", end=True) if args.end else None
    if start and end and start > end:
        raise UsageError(f"--from {args.start} is after --to {args.end}: nothing can match")
    return start, end


def _report_plan(ctx: Ctx) -> Plan:
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


def _snapshots(ctx: Ctx) -> list:
    from publish.report import history
    from publish.report import private_report as R

    read = history.read(Path(ctx.args.history))
    problems = list(read.skipped)
    shots = R.snapshots(read.records, problems)
    for problem in problems:
        ctx.out.error(f"publish: warning: {problem}")
    return shots


def cmd_export(ctx: Ctx) -> int:
    from publish.report import private_report as R

    plan = _report_plan(ctx)
    start, end = _bounds(ctx, plan.tz)
    rows = R.export_rows(plan, ctx.read_ledger(), _snapshots(ctx), start, end)
    if ctx.args.format == "json":
        ctx.out.json(R.export_document(rows, plan, ctx.now, start, end))
    else:
        ctx.out.write(R.export_csv(rows))
    return EXIT_OK


def _write_report(ctx: Ctx, out: Path, site: Path | None, *, keep: bool = False) -> str:
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
    data = R.ReportInput(plan, ledger, rows, _snapshots(ctx), ctx.now,
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


def cmd_report(ctx: Ctx) -> int:
    from publish.report.private_report import ReportError

    _report_plan(ctx)
    try:
        ctx.out.say(_write_report(ctx, Path(ctx.args.out), ctx.args.site))
    except ReportError as exc:
        raise UsageError(str(exc)) from None
    return EXIT_OK


COMMANDS: dict[str, Callable[[Ctx], int]] = {
    "export": cmd_export, "report": cmd_report,
    "init": cmd_init, "plan": cmd_plan, "run": cmd_run, "metrics": cmd_metrics,
    "status": cmd_status, "daemon": cmd_daemon, "resolve": cmd_resolve, "cycle": cmd_cycle,
    "build": lambda ctx: site_build.command(ctx.args, ctx.out),
    "deploy": lambda ctx: site_deploy.command(ctx.args, ctx.env, ctx.out),
    diff_command.NAME: diff_command.run,
}


def _errors(out: Output, exc: Exception) -> None:
    """Every problem an error lists, one `publish: …` line each."""
    for line in str(exc).splitlines():
        out.error(f"publish: {line}")


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
        return COMMANDS[args.command](ctx)
    except LockHeld as exc:
        out.error(f"publish: {exc}")
        return EXIT_LOCKED
    except (PlanError, LedgerError, TimeFormatError, UsageError,
            site_deploy.DeployConfigError) as exc:
        _errors(out, exc)
        return EXIT_CONFIG
    except NetworkError as exc:
        _errors(out, exc)
        return EXIT_CONFIG if exc.kind is ErrorKind.CONFIG else EXIT_FAILED
    except KeyboardInterrupt:
        out.error("publish: interrupted")
        return 130
    except Exception as exc:
        if env.get("PUBLISH_DEBUG"):
            out.error(traceback.format_exc())
        out.error(f"publish: unexpected error: {type(exc).__name__}: {exc} "
                  "(PUBLISH_DEBUG=1 shows the traceback)")
        return EXIT_FAILED


