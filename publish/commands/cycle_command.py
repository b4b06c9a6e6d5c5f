"""`python -m publish cycle` (what `make publish` runs): the real build, deploy, posting,
metrics and report steps, wired into the cycle's order (publish/commands/cycle_order.py) under
the publisher lock and one build lock."""

from __future__ import annotations

import argparse
from pathlib import Path

from publish.clock import format_time
from publish.commands import options
from publish.commands.cycle_order import StepResult, Steps, run_cycle
from publish.commands.metrics_command import metrics_step
from publish.commands.posting_setup import Posting, files_written, x_budget
from publish.commands.report_command import write_report
from publish.context import Ctx
from publish.errors import ExitCode, UsageError
from publish.posting import linkcheck
from publish.posting.lock import build_lock, lock_timeout, publisher_lock
from publish.site import deploy as site_deploy
from publish.site.skipping import SkippingBuilder, force_requested

NAME = "cycle"
DESCRIPTION = ("one publish cycle: build, deploy, post what is due, pull metrics, rebuild and "
               "deploy again if a header changed")
EXAMPLES = """\
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
  python -m publish cycle --report report           # also refresh the private report"""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    options.common(parser)
    options.posting(parser)
    options.metrics(parser)
    g = parser.add_argument_group("build and deploy")
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
    parser.add_argument("--report", type=Path, metavar="DIR",
                        help="last step: write the private report into DIR (`make publish` "
                             "passes report); a failure there is its own step line")
    options.with_environment(parser)


def run(ctx: Ctx) -> int:
    target = site_deploy.target_from_env(ctx.env, target=ctx.args.target)
    try:                        # a bad link check setting fails before any build
        linkcheck.base_from(ctx.args.link_check_base, ctx.env)
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    if ctx.args.report:         # a --report that would replace another folder: refuse now
        from publish.report.private_report import check_out

        check_out(Path(ctx.args.report))
    try:
        timeout = lock_timeout(ctx.env)
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    x_budget(ctx)               # a bad budget fails before any build
    with publisher_lock(ctx.lock_path, "cycle"):
        ctx.store.load()            # no (valid) ledger: stop before building anything
        cycle = CycleIO(ctx, target)
        output = cycle.builder.resolve_output()
        # One build lock from the first build to the last deploy: no `make html` or other
        # build swaps output/ (or removes the cycle's output.new-*) in between.
        with build_lock(output, "cycle", timeout=timeout,
                        say=lambda line: ctx.out.notice(f"cycle: {line}")):
            result = run_cycle(cycle.steps(), ctx.out, dry_run=ctx.args.dry_run)
    return result.code


class CycleIO:
    """The real steps of `cycle` (publish.commands.cycle_order.Steps): build, deploy, run, metrics.
    A step that fails raises its PublishError; run_cycle makes it the step's line and code."""

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
        built = self.builder.run(self.ctx.now, force=self.force)
        for note in built.notes:        # refused state (publish/site/skipping.py), rebuilt
            self.ctx.out.notice(f"cycle: note: {note}")
        self.output = self.builder.output
        return StepResult(ExitCode.OK if built.ok else ExitCode.CONFIG, built.line)

    def check(self) -> StepResult:
        """The new plan, and the posting credentials for its networks."""
        self.posting = Posting.prepare(self.ctx, "nothing is posted")
        return StepResult(ExitCode.OK)

    def deploy(self) -> StepResult:
        """Skipped when the build was and the last deploy of that site to this target
        succeeded; every deploy's outcome is recorded in the build stamp."""
        if self.target is None or self.output is None:   # steps() leaves deploy out then
            raise RuntimeError("the cycle deploys only a built site, to a target")
        target = site_deploy.identity(self.target, self.ctx.env)
        if (skipped := self.builder.deploy_skip_line(target, str(self.target))) is not None:
            return StepResult(ExitCode.OK, skipped)
        try:
            report = site_deploy.deploy(self.output, self.target, self.ctx.out,
                                        env=self.ctx.env)
        except site_deploy.DeployConfigError:
            self.builder.record_deploy(target, False, self.ctx.now)
            raise
        self.builder.record_deploy(target, report.ok, self.ctx.now)
        return StepResult(ExitCode.OK if report.ok else ExitCode.FAILED,
                          report.summary().removeprefix("deploy "))

    def checked(self) -> Posting:
        """What the check step prepared (run_cycle posts only after it succeeded)."""
        if self.posting is None:
            raise RuntimeError("the cycle posts only after its check step")
        return self.posting

    def post(self) -> StepResult:
        posting = self.checked()
        code, line, report = posting.run(self.ctx)
        written = files_written(self.ctx, report, posting.dry, always=False)
        return StepResult(code, step_line("; ".join([line, *written]), posting.dry),
                          changed=bool(report.changed_files))

    def metrics(self) -> StepResult:
        """As `publish metrics`: it runs (headers from the ledger) even without posting
        credentials; only --dry-run makes it a dry run."""
        dry = self.ctx.args.dry_run
        posting = self.checked()
        code, lines, changed = metrics_step(self.ctx, posting.plan, posting.adapters,
                                            self.ctx.now, dry)
        return StepResult(code, step_line("; ".join(lines), dry), changed=changed > 0)

    def report(self) -> StepResult:
        """The private report, from the state the cycle left. Any failure here is caught:
        the cycle's own last line and exit code must still come out."""
        from publish.report.private_report import ReportError

        try:
            line = write_report(self.ctx, Path(self.ctx.args.report), site=self.output,
                                keep=True)
        except ReportError:
            raise               # run_cycle makes it this step's line and code (2)
        except Exception as exc:    # an auxiliary step never hides the cycle's
            return StepResult(ExitCode.FAILED, f"not written: {type(exc).__name__}: {exc}")
        return StepResult(ExitCode.OK, line.removeprefix("report: "))


def step_line(summary: str, dry: bool) -> str:
    """'run (dry run): 2 sent, …' → 'dry run: 2 sent, …' (the cycle names the step)."""
    body = summary.split(": ", 1)[-1]
    return f"dry run: {body}" if dry else body
