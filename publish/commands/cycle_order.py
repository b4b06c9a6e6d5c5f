"""`python -m publish cycle` (what `make publish` runs): one publish cycle, in the order that
never posts a link to a page that is not live.

    build → deploy (if a target is configured) → post what is due → pull metrics
          → rebuild and deploy again (only if a header changed) → report (if asked for)

`run_cycle` is that order and its stop rules over injected steps, so a test can drive it with
plain functions; publish/commands/cycle_command.py wires the real build, deploy, runner and
metrics, and holds the publisher lock around the whole cycle. A step that raises a
PublishError (publish/errors.py) failed: its message is the step's line, its exit code the
step's code. Rules:

- a failed build stops the cycle: nothing deployed, nothing posted (exit 2);
- so does a failed check of the new plan and the posting credentials (exit 2);
- a failed deploy stops it: nothing posted, the pages are not live (exit 1; 2 for a
  configuration problem found before anything was uploaded);
- metrics are pulled even when posting had failures;
- a dry run builds, but neither deploys nor posts (nor rebuilds);
- the private report (`--report`) is written last, only by a cycle that got to posting; its
  failure is its own `cycle: report: …` line and never hides an earlier step's code;
- the exit code is the first failing step's.

The build step may keep the last build's site instead (publish/site/skipping.py: nothing changed,
no time boundary passed), and the deploy step then skips a deploy that already succeeded;
both still print their line, and the later steps run as usual.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from publish.errors import ExitCode, PublishError
from publish.terminal import Output

# What each exit code means, for the cycle's last line (the full table: docs/publisher.md).
MEANINGS: dict[int, str] = {
    ExitCode.FAILED: "something failed; the next run tries again (see the lines above)",
    ExitCode.CONFIG: "bad input or configuration: fix it (see the lines above)",
    ExitCode.UNKNOWN: "items parked as unknown need a person: see `python -m publish resolve "
                      "--help`",
}


@dataclass(frozen=True)
class StepResult:
    code: int = 0          # 0 done; otherwise the exit code this failure stands for
    line: str = ""         # what the step did, in one line
    changed: bool = False  # post, metrics: a header line changed, so the site must be rebuilt


@dataclass(frozen=True)
class Steps:
    """The cycle's I/O. `check` runs after the build (read the new plan, check the posting
    credentials). `deploy` is None when no target is configured."""
    build: Callable[[], StepResult]
    check: Callable[[], StepResult]
    post: Callable[[], StepResult]
    metrics: Callable[[], StepResult]
    deploy: Callable[[], StepResult] | None = None
    target: str = ""
    report: Callable[[], StepResult] | None = None   # None: no report asked for


@dataclass
class CycleResult:
    code: int = 0
    steps: list[str] = field(default_factory=list)   # the steps that ran, in order
    failed: str | None = None                        # the step the exit code comes from

    def note(self, name: str, result: StepResult) -> None:
        self.steps.append(name)
        if result.code and not self.code:
            self.code, self.failed = result.code, name

    def last_line(self) -> str:
        if not self.code:
            return "cycle: done (exit 0)"
        return f"cycle: exit {self.code} ({self.failed}: {MEANINGS.get(self.code, 'failed')})"


def attempt(run: Callable[[], StepResult]) -> StepResult:
    """Run one step; a PublishError it raises is its failure (line and exit code)."""
    try:
        return run()
    except PublishError as exc:
        return StepResult(exc.exit_code, exc.step_line())


def run_cycle(steps: Steps, out: Output, *, dry_run: bool = False) -> CycleResult:
    """Run the steps in order (module docstring), one `cycle: STEP: …` line each."""
    result = CycleResult()

    def step(name: str, run: Callable[[], StepResult]) -> StepResult:
        done = attempt(run)
        result.note(name, done)
        (out.error if done.code else out.say)(f"cycle: {name}: {done.line}")
        return done

    def finish() -> CycleResult:
        (out.error if result.code else out.say)(result.last_line())
        return result

    if step("build", steps.build).code:
        out.error("cycle: stopped: nothing deployed, nothing posted")
        return finish()
    if (checked := attempt(steps.check)).code:
        result.note("check", checked)
        out.error(f"cycle: check: {checked.line}")
        out.error("cycle: stopped: nothing deployed, nothing posted")
        return finish()
    if steps.deploy is None:
        out.say("cycle: deploy: no target (DEPLOY_TARGET unset): not deployed; the link "
                "check holds back any post whose page is not live")
    elif dry_run:
        out.say(f"cycle: deploy: dry run: would deploy to {steps.target}")
    elif step("deploy", steps.deploy).code:
        out.error("cycle: stopped: nothing posted (the new pages are not live)")
        return finish()
    posted = step("post", steps.post)
    metrics = step("metrics", steps.metrics)
    if not (posted.changed or metrics.changed):
        out.say("cycle: rebuild: not needed (no header changed)")
    elif dry_run:
        out.say("cycle: rebuild: dry run: headers would change; no rebuild")
    elif not step("rebuild", steps.build).code and steps.deploy is not None:
        step("redeploy", steps.deploy)
    if steps.report is not None:
        step("report", steps.report)
    return finish()
