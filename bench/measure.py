"""Run a command as a child process and measure its wall time and peak memory."""

import os
import statistics
import subprocess
import time
from dataclasses import dataclass


@dataclass(frozen=True)
class Sample:
    seconds: float
    peak_rss_mb: float
    # The child's user + system CPU time: steadier than wall time when other work shares
    # the cores (it still moves with the machine's clock and caches).
    cpu_seconds: float = 0.0


class CommandFailed(RuntimeError):
    pass


def run_once(argv: list[str], env: dict[str, str] | None = None) -> Sample:
    """Wall time and the child's own peak RSS (os.wait4 reports that child alone)."""
    started = time.perf_counter()
    proc = subprocess.Popen(
        argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True
    )
    assert proc.stderr is not None          # stderr=PIPE
    stderr = proc.stderr.read()
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - started
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise CommandFailed(f"{' '.join(argv[:3])}… exited {proc.returncode}:\n{stderr[-3000:]}")
    return Sample(seconds=elapsed, peak_rss_mb=usage.ru_maxrss / 1024,  # Linux: KiB
                  cpu_seconds=usage.ru_utime + usage.ru_stime)


def median_of(samples: list[Sample]) -> Sample:
    return Sample(
        seconds=statistics.median(s.seconds for s in samples),
        peak_rss_mb=statistics.median(s.peak_rss_mb for s in samples),
        cpu_seconds=statistics.median(s.cpu_seconds for s in samples),
    )
