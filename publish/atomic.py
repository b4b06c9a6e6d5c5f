"""Durable file writes: temp file in the same folder, flush, fsync, rename, fsync the folder."""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Callable
from pathlib import Path

from publish.crashpoints import crashpoint


def _fsync_dir(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:  # pragma: no cover - platforms without directory fds
        return
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _durable_temp(path: Path, data: bytes, mode: int) -> Path:
    """A complete, fsynced temp file holding `data` next to `path` (same filesystem)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, mode)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()
        raise
    return tmp


def write_atomic(path: Path, data: bytes, *, keep_mode: bool = True) -> None:
    """Replace `path` with `data` so that a reader (or a crash) sees the old or the new bytes,
    never a mix. Keeps the old file's permission bits."""
    path = Path(path)
    mode = 0o644
    if keep_mode:
        with contextlib.suppress(FileNotFoundError):
            mode = path.stat().st_mode & 0o7777
    tmp = _durable_temp(path, data, mode)
    try:
        crashpoint("atomic-before-rename")
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()
        raise
    _fsync_dir(path.parent)


def create_exclusive(path: Path, data: bytes) -> None:
    """Create `path` holding `data`, durably and all at once; FileExistsError when it is
    already there (never overwritten, even by a writer racing us): the complete temp file is
    hard-linked into place, which fails rather than replaces."""
    path = Path(path)
    tmp = _durable_temp(path, data, 0o644)
    try:
        os.link(tmp, path)
    finally:
        tmp.unlink()
    _fsync_dir(path.parent)


def append_durable(path: Path, data: bytes, *,
                   write: Callable[[int, bytes], int] = os.write) -> None:
    """Append `data` to `path` (created if missing) and fsync before returning.

    A line-oriented file whose last line was torn (a full disk or a crash stopped an earlier
    append before its newline) gets a newline first, so the torn line never swallows the
    first record of this append. `write` is the os.write seam (tests inject a full disk)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    existed = path.exists()
    fd = os.open(path, os.O_RDWR | os.O_APPEND | os.O_CREAT, 0o644)
    try:
        size = os.fstat(fd).st_size
        if size and os.pread(fd, 1, size - 1) != b"\n":
            data = b"\n" + data
        view = memoryview(data)
        while view:
            written = write(fd, view)
            view = view[written:]
        os.fsync(fd)
    finally:
        os.close(fd)
    if not existed:
        _fsync_dir(path.parent)
