"""Locks: one publisher at a time (`publisher_lock`), one build at a time (`build_lock`).

Both are fcntl.flock locks on a small file. The kernel releases a lock when the process
dies, however it dies, so a crashed publisher or build never leaves a stale lock behind. The
file holds the holder's pid, what it is doing and since when, for the message a waiting or
refused process prints.

`publisher_lock` (state/publish.posting.lock) refuses at once: a second publisher exits 4.

`build_lock` (`output.lock` beside the output folder) guards the output folder, its
`output.new-*`/`output.old-*` folders, its stamp and manifest, and the plan its builds
write. Every build takes it (`make html`, `make deploy`, the cycle's builds, the plan's
rebuild for `plan`/`status`), `publish deploy` takes it while it reads the site, and the
cycle holds it from its first build to its last deploy. A second process waits for it,
saying who holds it; with PUBLISH_LOCK_TIMEOUT (seconds) it gives up after that long with
LockHeld. The lock is re-entrant within a process: the cycle's own builds and deploys pass.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import time
from collections.abc import Callable, Iterator, Mapping
from datetime import UTC, datetime
from pathlib import Path

from publish.errors import ExitCode, PublishError

TIMEOUT_VARIABLE = "PUBLISH_LOCK_TIMEOUT"
POLL_SECONDS = 0.1
# Build locks this process holds: {lock file: depth}.
_HELD: dict[str, int] = {}


class LockHeld(PublishError):
    """Another publisher (or build) holds the lock: nothing was done (exit 4)."""

    exit_code = ExitCode.LOCKED


def _holder(fd: int) -> str:
    return os.pread(fd, 200, 0).decode("utf-8", "replace").strip()


def _claim(fd: int, note: str) -> None:
    os.ftruncate(fd, 0)
    since = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    os.pwrite(fd, f"pid {os.getpid()} {note} since {since}".replace("  ", " ")
              .encode() + b"\n", 0)


@contextlib.contextmanager
def publisher_lock(path: Path, note: str = "") -> Iterator[None]:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = _holder(fd)
            raise LockHeld(f"another publisher holds {path}"
                           + (f" ({holder})" if holder else "")
                           + ": nothing done; try again when it has finished") from None
        _claim(fd, note)
        try:
            yield
        finally:
            with contextlib.suppress(OSError):
                os.ftruncate(fd, 0)
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


def build_lock_path(output: Path) -> Path:
    """`output/` → `output.lock` beside it (like the stamp: never inside, never deployed)."""
    output = Path(os.path.abspath(output))
    return output.parent / f"{output.name}.lock"


def lock_timeout(env: Mapping[str, str]) -> float | None:
    """PUBLISH_LOCK_TIMEOUT in seconds (None: wait as long as it takes). Raises ValueError."""
    raw = env.get(TIMEOUT_VARIABLE, "").strip()
    if not raw:
        return None
    try:
        value = float(raw)
    except ValueError:
        value = -1.0
    if not 0 <= value < 10**7:
        raise ValueError(f"{TIMEOUT_VARIABLE}: want a number of seconds (0 or more), "
                         f"not {raw!r}")
    return value


def holds_build_lock(output: Path) -> bool:
    return str(build_lock_path(output)) in _HELD


@contextlib.contextmanager
def build_lock(output: Path, note: str, *, timeout: float | None = None,
               say: Callable[[str], None] | None = None,
               clock: Callable[[], float] = time.monotonic,
               pause: Callable[[float], None] = time.sleep) -> Iterator[None]:
    """Hold the build lock of `output` (module docstring). While another process holds it,
    say once who does and wait; after `timeout` seconds raise LockHeld naming the holder."""
    path = build_lock_path(output)
    key = str(path)
    if key in _HELD:                     # this process holds it already (the cycle)
        _HELD[key] += 1
        try:
            yield
        finally:
            _HELD[key] -= 1
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        _acquire(fd, path, timeout, say, clock, pause)
        _claim(fd, note)
        _HELD[key] = 1
        try:
            yield
        finally:
            del _HELD[key]
            with contextlib.suppress(OSError):
                os.ftruncate(fd, 0)
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


def _acquire(fd: int, path: Path, timeout: float | None, say, clock, pause) -> None:
    deadline = None if timeout is None else clock() + timeout
    said = False
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return
        except BlockingIOError:
            pass
        holder = _holder(fd) or "another process"
        if deadline is not None and clock() >= deadline:
            waited = f" after waiting {timeout:g}s" if timeout else ""
            raise LockHeld(f"{path} is held by {holder}{waited}: another build or publish "
                           "cycle is using this output folder; nothing done") from None
        if not said and say is not None:
            limit = f" (at most {timeout:g}s)" if timeout is not None else ""
            say(f"waiting for {path}: held by {holder}; another build or publish cycle is "
                f"using this output folder{limit}")
            said = True
        pause(POLL_SECONDS)
