"""`publish daemon` with an injected scheduler, clock and wait (no real sleeping), and one
real SIGTERM to a subprocess."""

from __future__ import annotations

import io
import signal
from datetime import UTC, datetime, timedelta

import pytest
import schedule

from publish.cli import build_parser
from publish.commands.daemon_command import run as cmd_daemon
from publish.commands.daemon_loop import StopRequest
from publish.context import Ctx
from publish.posting.lock import publisher_lock
from tests.publish.conftest import DUE_IDS


class FakeTime:
    """Moves the daemon's clock and the scheduler's jobs forward instead of sleeping."""

    def __init__(self, scheduler, stop, start, stop_after):
        self.scheduler, self.stop = scheduler, stop
        self.now = start
        self.waits: list[float] = []
        self.stop_after = stop_after

    def clock(self) -> datetime:
        return self.now

    def wait(self, seconds: float) -> bool:
        self.waits.append(seconds)
        self.now += timedelta(seconds=seconds)
        for job in self.scheduler.jobs:
            job.next_run -= timedelta(seconds=seconds)
        if len(self.waits) >= self.stop_after:
            self.stop.set("SIGTERM")        # what the signal handler does
        return self.stop.is_set()


def start_daemon(project, env, *extra, stop_after=5):
    args = build_parser().parse_args(["daemon", *extra, *project.paths()])
    out = io.StringIO()
    from publish.terminal import Output
    ctx = Ctx(args=args, env={**project.env, **env}, out=Output(out, out, tty=False),
              now=datetime(2026, 11, 22, 15, 0, tzinfo=UTC), sleep=lambda s: None)
    scheduler, stop = schedule.Scheduler(), StopRequest()
    fake_time = FakeTime(scheduler, stop, ctx.now, stop_after)
    code = cmd_daemon(ctx, scheduler=scheduler, clock=fake_time.clock, wait=fake_time.wait,
                      stop=stop)
    return code, out.getvalue(), fake_time


def test_daemon_posts_refreshes_and_stops_cleanly(project, fake_x):
    code, out, fake_time = start_daemon(project, fake_x.env(), "--metrics-every", "2",
                                        stop_after=4)
    assert code == 0, out
    assert "daemon: started: run every 1 min, metrics every 2 min" in out
    assert "[2026-11-22T15:00:00Z] run: 3 sent" in out
    assert "daemon: stopped (SIGTERM)" in out
    assert fake_time.waits and max(fake_time.waits) <= 60
    assert out.count("] run: ") >= 3               # at start, then every minute
    assert out.count("metadata changed") >= 2      # at start, then every 2 minutes
    assert fake_x.posts_created == 3
    assert all(project.ledger_items()[i]["state"] == "sent" for i in DUE_IDS)
    with publisher_lock(project.root / "state" / "publish.posting.lock"):
        pass                                       # the lock was released


def test_daemon_waits_for_the_rate_limit_reset(project, fake_x):
    fake_x.fail("POST /2/tweets", "429")
    code, out, _ = start_daemon(project, fake_x.env(), stop_after=20)
    assert code == 0
    assert "daemon: posting paused until 2026-11-22T15:15:00Z" in out
    posts = [t for t in out.splitlines() if t.startswith("sent    ")]
    assert len(posts) == 3
    assert fake_x.count("POST", "/2/tweets") == 4    # one 429, then nothing until the reset
    sent_at = [t for t in out.splitlines() if "] run: 3 sent" in t]
    assert len(sent_at) == 1 and sent_at[0] >= "[2026-11-22T15:15:00Z]"


def test_daemon_step_failure_is_reported_and_loop_continues():
    from publish.commands.daemon_loop import Daemon
    from publish.terminal import Output

    scheduler, stop = schedule.Scheduler(), StopRequest()
    fake_time = FakeTime(scheduler, stop, datetime(2026, 11, 22, 15, 0, tzinfo=UTC), 3)
    calls = []

    def run_step(now):
        calls.append(now)
        if len(calls) == 1:
            raise RuntimeError("plan vanished")
        return None

    out = io.StringIO()
    daemon = Daemon(run_step=run_step, metrics_step=lambda now: None, scheduler=scheduler,
                    clock=fake_time.clock, stop=stop, out=Output(out, out, tty=False),
                    wait=fake_time.wait)
    assert daemon.serve() == 0
    assert "daemon: run step failed: RuntimeError: plan vanished" in out.getvalue()
    assert len(calls) >= 3
    assert scheduler.jobs == []


def test_daemon_needs_posting_credentials(project, fake_x):
    result = project.cli("daemon", env={"X_API_BASE_URL": fake_x.url})
    assert result.code == 2 and result.err.startswith(
        "publish: no posting credentials for X: set X_API_KEY, X_API_SECRET, X_ACCESS_TOKEN, "
        "X_ACCESS_TOKEN_SECRET (required by the daemon; --dry-run runs without them)")


@pytest.mark.slow
def test_sigterm_stops_a_real_daemon(project, fake_x):
    proc = project.spawn("daemon", env=fake_x.env())
    try:
        lines = []
        while not any(line.startswith("[2026-11-22T15:00:00Z] run:") for line in lines):
            line = proc.stdout.readline()
            assert line, proc.stderr.read()
            lines.append(line)
        proc.send_signal(signal.SIGTERM)
        out, err = proc.communicate(timeout=20)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 0, err
    assert "daemon: stopped (SIGTERM)" in out
    assert "Traceback" not in err
    assert fake_x.posts_created == 3
    after = project.subprocess("run", env=fake_x.env())
    assert after.code == 0                           # lock released on the way out
