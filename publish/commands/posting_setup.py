"""What the commands that talk to the networks share (`run`, `metrics`, `daemon`, `cycle`):
the adapters of the plan's networks, the banner (or error) when credentials are missing, the
link check, one posting run, and the lines about the Markdown files a run changed."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from publish import networks as registry
from publish.context import Ctx
from publish.errors import ExitCode, UsageError
from publish.networks import ErrorKind, Network, NetworkError
from publish.posting import linkcheck
from publish.posting.decisions import RunOptions
from publish.posting.pins import FileReport
from publish.posting.plan_file import Plan, load_plan
from publish.posting.runner import RunReport, run_once


def networks(ctx: Ctx, plan: Plan) -> dict[str, Network]:
    """Adapters for the plan's networks we know, each made at its first request (a cycle
    with nothing due imports no network library); NetworkError(CONFIG) when misconfigured."""
    names = sorted({item.network for item in plan.items if registry.known(item.network)})
    adapters: dict[str, Network] = {}
    problems: list[str] = []
    for name in names:                 # every network's problems at once
        try:
            adapters[name] = registry.LazyNetwork(name, ctx.env, sleep=ctx.sleep)
        except NetworkError as exc:
            problems += exc.message.splitlines()
    if problems:        # a setting all networks share (PUBLISH_HTTP_TIMEOUT) is named once
        raise NetworkError(ErrorKind.CONFIG, "\n".join(dict.fromkeys(problems)))
    return adapters


def credentials_required(ctx: Ctx) -> bool:
    """--require-credentials, or CI=true: a CI run without its secrets must fail, not pass."""
    ci = ctx.env.get("CI", "").strip().lower() in ("true", "1", "yes")
    return bool(getattr(ctx.args, "require_credentials", False) or ci)


def no_credentials_banner(ctx: Ctx, adapters: Mapping[str, Network], what: str, *,
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
    if required_by is None and credentials_required(ctx):
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


def link_checker(ctx: Ctx, plan: Plan) -> linkcheck.LinkChecker | None:
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


def x_budget(ctx: Ctx) -> float | None:
    """X's monthly budget (PUBLISH_X_MONTHLY_BUDGET_USD; None: no budget)."""
    from publish.posting.budget import budget_from_env

    try:
        return budget_from_env(ctx.env)
    except ValueError as exc:
        raise UsageError(str(exc)) from None


def exit_for_run(report: RunReport) -> ExitCode:
    if report.unknown:
        return ExitCode.UNKNOWN
    if report.failed or report.unsettled or report.file_errors:
        return ExitCode.FAILED
    return ExitCode.OK


def files_written(ctx: Ctx, report: FileReport, dry: bool, *, always: bool) -> list[str]:
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
        adapters = networks(ctx, plan)
        x_budget(ctx)           # a bad budget fails before anything is posted
        dry = no_credentials_banner(ctx, adapters, what) or ctx.args.dry_run
        return cls(plan, adapters, dry)

    def run(self, ctx: Ctx) -> tuple[int, str, RunReport]:
        """One run over the plan: (exit code, summary line, report). The run also writes
        the articles' identity pins (publish.posting.pins) into their headers."""
        options = RunOptions(max_lateness=ctx.max_lateness(), post_late=ctx.args.post_late,
                             dry_run=self.dry, x_budget_usd=x_budget(ctx))
        report = run_once(self.plan, ctx.store, self.adapters, ctx.now, options, ctx.out,
                          ctx.args.content, link_check=link_checker(ctx, self.plan))
        code = ExitCode.OK if self.dry else exit_for_run(report)
        return code, report.summary(self.dry), report
