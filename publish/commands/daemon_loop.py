"""`publish daemon`: run `run` every minute and metric refreshes every N minutes with the
`schedule` library, until SIGTERM/SIGINT. A stop request lets the current step finish; the
caller then releases the lock and exits 0. Scheduler, clock and wait are injected."""

from __future__ import annotations

import signal
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from publish.clock import format_time
from publish.errors import ExitCode
from publish.terminal import Output


@dataclass(frozen=True)
class DaemonConfig:
    run_every_minutes: int = 1
    metrics_every_minutes: int = 60
    max_wait_seconds: float = 60.0


class StopRequest:
    """Set by a signal handler (or a test); the loop checks it between steps."""

    def __init__(self) -> None:
        self._event = threading.Event()
        self.reason = ""

    def set(self, reason: str = "stop requested") -> None:
        self.reason = reason
        self._event.set()

    def is_set(self) -> bool:
        return self._event.is_set()

    def wait(self, seconds: float) -> bool:
        return self._event.wait(seconds)


def install_signal_handlers(stop: StopRequest) -> Callable[[], None]:
    """SIGTERM and SIGINT request a clean stop. Returns a function restoring the old ones."""
    old = {}
    for sig in (signal.SIGTERM, signal.SIGINT):
        old[sig] = signal.signal(sig, lambda num, frame: stop.set(signal.Signals(num).name))

    def restore() -> None:
        for sig, handler in old.items():
            signal.signal(sig, handler)
    return restore


class Daemon:
    def __init__(self, *, run_step: Callable[[datetime], datetime | None],
                 metrics_step: Callable[[datetime], object], scheduler, clock: Callable[[],
                 datetime], stop: StopRequest, out: Output,
                 config: DaemonConfig = DaemonConfig(),
                 wait: Callable[[float], bool] | None = None):
        """run_step(now) returns the time posting may resume (rate limit) or None."""
        self.run_step, self.metrics_step = run_step, metrics_step
        self.scheduler, self.clock, self.stop, self.out = scheduler, clock, stop, out
        self.config = config
        self.wait = wait or stop.wait
        self.resume_at: datetime | None = None

    def _guard(self, name: str, fn: Callable[[], object]) -> None:
        if self.stop.is_set():
            return
        try:
            fn()
        except Exception as exc:  # the daemon reports a failed step and keeps going
            self.out.error(f"daemon: {name} step failed: {type(exc).__name__}: {exc}")

    def _run(self) -> None:
        now = self.clock()
        if self.resume_at and now < self.resume_at:
            return          # rate limited: wait for the reset instead of asking again
        self.resume_at = None

        def step() -> None:
            self.resume_at = self.run_step(now)
            if self.resume_at:
                self.out.say(f"daemon: posting paused until {format_time(self.resume_at)}")
        self._guard("run", step)

    def _metrics(self) -> None:
        self._guard("metrics", lambda: self.metrics_step(self.clock()))

    def serve(self) -> int:
        self.scheduler.every(self.config.run_every_minutes).minutes.do(self._run)
        self.scheduler.every(self.config.metrics_every_minutes).minutes.do(self._metrics)
        self.out.say(f"daemon: started: run every {self.config.run_every_minutes} min, "
                     f"metrics every {self.config.metrics_every_minutes} min; "
                     "SIGTERM or Ctrl-C stops")
        self._run()
        self._metrics()
        while not self.stop.is_set():
            self.scheduler.run_pending()
            idle = self.scheduler.idle_seconds
            pause = self.config.max_wait_seconds if idle is None else idle
            if self.wait(max(0.0, min(pause, self.config.max_wait_seconds))):
                break
        self.scheduler.clear()
        self.out.say(f"daemon: stopped ({self.stop.reason or 'stop requested'})")
        return ExitCode.OK
