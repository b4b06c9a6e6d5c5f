"""publish/errors.py: every error the publisher raises derives from PublishError and carries
its exit code, which becomes one in two places only: main() (the process's code) and
run_cycle (a cycle step's line and code)."""

from __future__ import annotations

import importlib
import inspect
import io
import pkgutil

import pytest

import publish
from publish.cli import COMMANDS, main
from publish.commands import init_command
from publish.commands.cycle_order import StepResult, Steps, run_cycle
from publish.errors import ConfigError, ExitCode, PublishError, UsageError
from publish.networks import ErrorKind, NetworkError
from publish.posting.ledger import LedgerError
from publish.posting.lock import LockHeld
from publish.posting.plan_file import PlanError
from publish.report.private_report import ReportError
from publish.site.build import BuildRefused
from publish.site.deploy import DeployConfigError
from publish.terminal import Output


def publisher_exceptions() -> list[type[BaseException]]:
    found = set()
    for info in pkgutil.walk_packages(publish.__path__, "publish."):
        if info.name.endswith("__main__"):
            continue
        module = importlib.import_module(info.name)
        for _, value in inspect.getmembers(module, inspect.isclass):
            if issubclass(value, BaseException) and value.__module__.startswith("publish."):
                found.add(value)
    return sorted(found, key=lambda cls: f"{cls.__module__}.{cls.__name__}")


def test_every_publisher_exception_is_a_publish_error():
    found = publisher_exceptions()
    assert len(found) >= 19
    assert [cls.__qualname__ for cls in found if not issubclass(cls, PublishError)] == []


@pytest.mark.parametrize("error, code", [
    (UsageError("--from is after --to"), ExitCode.CONFIG),
    (PlanError("no plan"), ExitCode.CONFIG),
    (LedgerError("not JSON"), ExitCode.CONFIG),
    (BuildRefused("--settings: no settings file"), ExitCode.CONFIG),
    (DeployConfigError(["a", "b"]), ExitCode.CONFIG),
    (ReportError("--out: exists"), ExitCode.CONFIG),
    (NetworkError(ErrorKind.CONFIG, "X_API_KEY: not set"), ExitCode.CONFIG),
    (NetworkError(ErrorKind.SERVER, "503"), ExitCode.FAILED),
    (LockHeld("another publisher holds state/publish.posting.lock"), ExitCode.LOCKED),
])
def test_each_error_carries_its_exit_code(error, code):
    assert error.exit_code == code


class Parked(PublishError):
    exit_code = ExitCode.UNKNOWN


@pytest.mark.parametrize("error", [Parked("first\nsecond"), ConfigError("first\nsecond")])
def test_main_turns_any_commands_error_into_its_lines_and_code(error, monkeypatch):
    def fail(ctx):
        raise error

    monkeypatch.setattr(init_command, "run", fail)
    assert init_command in COMMANDS
    out, err = io.StringIO(), io.StringIO()
    assert main(["init"], env={}, stdout=out, stderr=err, tty=False) == error.exit_code
    assert err.getvalue() == "publish: first\npublish: second\n" and out.getvalue() == ""


def test_a_step_that_raises_is_that_steps_line_and_code_and_the_cycle_goes_on():
    calls = []

    def step(name, error=None):
        def run():
            calls.append(name)
            if error is not None:
                raise error
            return StepResult(0, f"{name} done")
        return run

    steps = Steps(build=step("build"), check=step("check"),
                  post=step("post", LedgerError("state/ledger.json: a\nb")),
                  metrics=step("metrics"), deploy=step("deploy"), target="rsync:/srv/www")
    out, err = io.StringIO(), io.StringIO()
    result = run_cycle(steps, Output(out, err, tty=False))
    assert calls == ["build", "check", "deploy", "post", "metrics"]
    assert (result.code, result.failed) == (ExitCode.CONFIG, "post")
    assert "cycle: post: state/ledger.json: a; b\n" in err.getvalue()
    assert "cycle: metrics: metrics done" in out.getvalue()


def test_a_check_that_raises_stops_the_cycle():
    steps = Steps(build=lambda: StepResult(0, "built"),
                  check=lambda: (_ for _ in ()).throw(
                      NetworkError(ErrorKind.CONFIG, "X_API_KEY: not set")),
                  post=lambda: pytest.fail("posted"), metrics=lambda: pytest.fail("metrics"))
    err = io.StringIO()
    result = run_cycle(steps, Output(io.StringIO(), err, tty=False))
    assert result.code == ExitCode.CONFIG
    assert err.getvalue().splitlines()[:2] == [
        "cycle: check: configuration: X_API_KEY: not set",
        "cycle: stopped: nothing deployed, nothing posted"]
