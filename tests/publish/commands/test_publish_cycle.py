"""`publish cycle`: the order of its steps and its stop rules, over injected steps (the real
build, deploy and posting run in tests/e2e/test_cycle.py); and posting credentials required
in CI: with `CI=true` or `--require-credentials`, missing posting credentials are one line
naming the variables and exit 2 instead of a green dry run."""

from __future__ import annotations

import io

import pytest

from publish.cli import main
from publish.commands.cycle_order import StepResult, Steps, run_cycle
from publish.posting.lock import publisher_lock
from publish.terminal import Output
from tests.fakes.fake_x import CREDENTIALS


class Recorder:
    """Steps that record their calls; `results` sets what a step returns (default: done)."""

    def __init__(self, *, target: bool = True, **results: StepResult):
        self.calls: list[str] = []
        self.results = results
        self.target = target

    def _step(self, name: str):
        def run() -> StepResult:
            self.calls.append(name)
            return self.results.get(f"{name}_{self.calls.count(name)}",
                                    self.results.get(name, StepResult(0, f"{name} done")))
        return run

    def steps(self) -> Steps:
        return Steps(build=self._step("build"), check=self._step("check"),
                     post=self._step("post"), metrics=self._step("metrics"),
                     deploy=self._step("deploy") if self.target else None,
                     target="rsync:/srv/www")


def cycle(recorder: Recorder, dry_run: bool = False):
    out, err = io.StringIO(), io.StringIO()
    result = run_cycle(recorder.steps(), Output(out, err, tty=False), dry_run=dry_run)
    return result, out.getvalue(), err.getvalue()


def test_the_order_build_deploy_post_metrics_one_line_each():
    recorder = Recorder()
    result, out, err = cycle(recorder)
    assert recorder.calls == ["build", "check", "deploy", "post", "metrics"]
    assert (result.code, result.steps) == (0, ["build", "deploy", "post", "metrics"])
    assert out.splitlines() == ["cycle: build: build done", "cycle: deploy: deploy done",
                                "cycle: post: post done", "cycle: metrics: metrics done",
                                "cycle: rebuild: not needed (no header changed)",
                                "cycle: done (exit 0)"]
    assert err == ""


def test_a_changed_header_rebuilds_and_deploys_again():
    recorder = Recorder(metrics=StepResult(0, "1 refreshed", changed=True))
    result, _out, _ = cycle(recorder)
    assert recorder.calls == ["build", "check", "deploy", "post", "metrics", "build",
                              "deploy"]
    assert result.steps[-2:] == ["rebuild", "redeploy"] and result.code == 0


def test_a_failed_build_deploys_and_posts_nothing_exit_2():
    recorder = Recorder(build=StepResult(2, "pelican failed (exit 1); output/ … as they were"))
    result, out, err = cycle(recorder)
    assert recorder.calls == ["build"] and result.code == 2 and out == ""
    assert err.splitlines() == [
        "cycle: build: pelican failed (exit 1); output/ … as they were",
        "cycle: stopped: nothing deployed, nothing posted",
        "cycle: exit 2 (build: bad input or configuration: fix it (see the lines above))"]


def test_a_failed_deploy_posts_nothing_exit_1():
    recorder = Recorder(deploy=StepResult(1, "FAILED: rsync failed"))
    result, _, err = cycle(recorder)
    assert recorder.calls == ["build", "check", "deploy"] and result.code == 1
    assert "cycle: stopped: nothing posted (the new pages are not live)" in err
    assert err.rstrip().endswith("cycle: exit 1 (deploy: something failed; the next run tries "
                                 "again (see the lines above))")


def test_metrics_run_after_posting_failures_and_the_first_failure_is_the_exit_code():
    recorder = Recorder(post=StepResult(3, "1 unknown"),
                        metrics=StepResult(1, "fetch failed", changed=True))
    result, _, err = cycle(recorder)
    assert recorder.calls == ["build", "check", "deploy", "post", "metrics", "build",
                              "deploy"]
    assert (result.code, result.failed) == (3, "post")
    assert err.rstrip().endswith("cycle: exit 3 (post: items parked as unknown need a person: "
                                 "see `python -m publish resolve --help`)")


def test_a_failed_rebuild_is_not_deployed():
    recorder = Recorder(metrics=StepResult(0, "changed", changed=True),
                        build_2=StepResult(2, "pelican failed (exit 1)"))
    result, _, _ = cycle(recorder)
    assert recorder.calls == ["build", "check", "deploy", "post", "metrics", "build"]
    assert (result.code, result.failed) == (2, "rebuild")


def test_without_a_target_nothing_is_deployed_and_posting_still_runs():
    recorder = Recorder(target=False, metrics=StepResult(0, "changed", changed=True))
    _result, out, _ = cycle(recorder)
    assert recorder.calls == ["build", "check", "post", "metrics", "build"]
    assert ("cycle: deploy: no target (DEPLOY_TARGET unset): not deployed; the link check "
            "holds back any post whose page is not live") in out.splitlines()


def test_a_dry_run_builds_but_neither_deploys_nor_rebuilds():
    recorder = Recorder(metrics=StepResult(0, "would change", changed=True))
    _result, out, _ = cycle(recorder, dry_run=True)
    assert recorder.calls == ["build", "check", "post", "metrics"]
    assert "cycle: deploy: dry run: would deploy to rsync:/srv/www" in out.splitlines()
    assert "cycle: rebuild: dry run: headers would change; no rebuild" in out.splitlines()


def test_a_failed_check_stops_the_cycle_before_deploying_exit_2():
    recorder = Recorder(check=StepResult(2, "no posting credentials for X: set X_API_KEY"))
    result, out, err = cycle(recorder)
    assert out == "cycle: build: build done\n"
    assert recorder.calls == ["build", "check"] and result.code == 2
    assert err.splitlines() == [
        "cycle: check: no posting credentials for X: set X_API_KEY",
        "cycle: stopped: nothing deployed, nothing posted",
        "cycle: exit 2 (check: bad input or configuration: fix it (see the lines above))"]


# --- what `cycle` refuses before building anything ------------------------------------

def refused(project, fake_x, *args, env=None):
    """`cycle` in the project; nothing may be built (the settings file is not even there)."""
    result = project.cli("cycle", "--settings", str(project.root / "publishconf.py"),
                         "--output", str(project.root / "output"), *args,
                         env={**fake_x.env(), **(env or {})})
    assert not (project.root / "output").exists() and fake_x.posts_created == 0
    return result


def test_cycle_without_a_ledger_builds_nothing(project, fake_x):
    project.ledger.unlink()
    result = refused(project, fake_x)
    assert result.code == 2 and result.err.startswith(f"publish: no ledger at {project.ledger}")


def test_cycle_with_a_bad_target_or_base_builds_nothing(project, fake_x):
    bad_target = refused(project, fake_x, env={"DEPLOY_TARGET": "ftp://example.org/www"})
    assert bad_target.code == 2 and bad_target.err.startswith("publish: DEPLOY_TARGET: ")
    bad_base = refused(project, fake_x, env={"PUBLISH_LINK_CHECK_BASE": "example.org"})
    assert bad_base.code == 2 and "PUBLISH_LINK_CHECK_BASE: 'example.org' is not a base URL" \
        in bad_base.err
    bad_budget = refused(project, fake_x, env={"PUBLISH_X_MONTHLY_BUDGET_USD": "lots"})
    assert bad_budget.code == 2 and bad_budget.err.startswith(
        "publish: PUBLISH_X_MONTHLY_BUDGET_USD: must be an amount of US dollars")


def test_cycle_while_another_publisher_runs_is_exit_4_and_does_nothing(project, fake_x):
    before = project.ledger.read_bytes()
    with publisher_lock(project.root / "state" / "publish.posting.lock", "run"):
        result = refused(project, fake_x)
    assert result.code == 4 and result.err.startswith("publish: another publisher holds ")
    assert project.ledger.read_bytes() == before


def test_cycle_help_lists_the_steps_and_options(capsys):
    assert main(["cycle", "--help"]) == 0
    text = capsys.readouterr().out
    for word in ("build", "deploy", "post", "metrics", "rebuild", "--no-link-check",
                 "--require-credentials", "--link-check-base", "--target", "--settings"):
        assert word in text
    assert "--changed-marker" not in text        # the cycle rebuilds by itself


# --- credentials -----------------------------------------------------------------------

MISSING_LINE = ("publish: no posting credentials for X: set X_API_KEY, X_API_SECRET, "
                "X_ACCESS_TOKEN, X_ACCESS_TOKEN_SECRET (required {why}; --dry-run runs "
                "without them)\n")


def without_posting(fake_x, **extra) -> dict[str, str]:
    """The fake's environment with only the bearer token: can read, cannot post."""
    return {"X_API_BASE_URL": fake_x.url, "X_BEARER_TOKEN": CREDENTIALS["X_BEARER_TOKEN"],
            **extra}


@pytest.mark.parametrize("ci", ["true", "TRUE", "1", "yes"])
def test_ci_without_posting_credentials_is_exit_2_with_one_line(project, fake_x, ci):
    before = project.ledger.read_bytes()
    result = project.cli("run", env=without_posting(fake_x, CI=ci))
    assert result.code == 2, result.text
    assert result.err == MISSING_LINE.format(why="under CI=true") and result.out == ""
    assert project.ledger.read_bytes() == before and fake_x.posts_created == 0


def test_require_credentials_and_the_daemon_say_the_same(project, fake_x):
    result = project.cli("run", "--require-credentials", env=without_posting(fake_x))
    assert result.code == 2
    assert result.err == MISSING_LINE.format(why="with --require-credentials")
    daemon = project.cli("daemon", env=without_posting(fake_x, CI="true"))
    assert daemon.code == 2 and daemon.err == MISSING_LINE.format(why="by the daemon")


def test_outside_ci_and_with_dry_run_it_stays_a_loud_dry_run(project, fake_x):
    for env in (without_posting(fake_x), without_posting(fake_x, CI="false")):
        result = project.cli("run", env=env)
        assert result.code == 0 and "NO POSTING CREDENTIALS FOR X" in result.out
    dry = project.cli("run", "--dry-run", env=without_posting(fake_x, CI="true"))
    assert dry.code == 0 and "NO POSTING CREDENTIALS FOR X" in dry.out
    assert fake_x.posts_created == 0


def test_incomplete_credentials_are_exit_2_everywhere(project, fake_x):
    env = {**fake_x.env()}
    del env["X_ACCESS_TOKEN_SECRET"]
    result = project.cli("run", env=env)
    assert result.code == 2
    assert result.err == ("publish: configuration: incomplete X credentials: "
                          "X_ACCESS_TOKEN_SECRET missing (all four are needed to post)\n")


def test_with_credentials_ci_posts(project, fake_x):
    result = project.cli("run", env={**fake_x.env(), "CI": "true"})
    assert result.code == 0 and fake_x.posts_created == 3


def test_the_report_comes_last_and_its_failure_never_hides_an_earlier_code():
    recorder = Recorder(post=StepResult(1, "0 sent, 1 failed"),
                        report=StepResult(1, "not written: OSError: disk full"))
    steps = recorder.steps()
    steps = Steps(**{**steps.__dict__, "report": recorder._step("report")})
    out, err = io.StringIO(), io.StringIO()
    result = run_cycle(steps, Output(out, err, tty=False))
    assert recorder.calls[-1] == "report" and result.steps[-1] == "report"
    assert (result.code, result.failed) == (1, "post")
    assert "cycle: report: not written: OSError: disk full" in err.getvalue()
    assert "cycle: exit 1 (post: " in err.getvalue()


def test_a_failed_report_alone_is_exit_1_with_its_own_line():
    recorder = Recorder(report=StepResult(1, "not written: OSError: disk full"))
    steps = Steps(**{**recorder.steps().__dict__, "report": recorder._step("report")})
    out, err = io.StringIO(), io.StringIO()
    result = run_cycle(steps, Output(out, err, tty=False))
    assert (result.code, result.failed) == (1, "report")
    assert out.getvalue().splitlines()[-1] == "cycle: rebuild: not needed (no header changed)"
    assert "cycle: exit 1 (report: " in err.getvalue()


def test_a_stopped_cycle_writes_no_report():
    recorder = Recorder(build=StepResult(2, "pelican failed"))
    steps = Steps(**{**recorder.steps().__dict__, "report": recorder._step("report")})
    run_cycle(steps, Output(io.StringIO(), io.StringIO(), tty=False))
    assert recorder.calls == ["build"]
