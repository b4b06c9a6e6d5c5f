"""Durable file writes: temp file in the same folder, flush, fsync, rename, fsync the folder;
and the same for a whole folder (`swap_folder`)."""

from __future__ import annotations

import contextlib
import os
import secrets
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

from publish.posting.crashpoints import crashpoint


def fsync_dir(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:  # pragma: no cover - platforms without directory fds
        return
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def fresh_folder(target: Path) -> Path:
    """A new empty folder next to `target` (`<name>.new-XXXX`, same filesystem), made with
    os.mkdir so it gets the usual permissions (umask), unlike mkdtemp."""
    target.parent.mkdir(parents=True, exist_ok=True)
    while True:
        fresh = target.parent / f"{target.name}.new-{secrets.token_hex(4)}"
        try:
            fresh.mkdir()
            return fresh
        except FileExistsError:  # pragma: no cover - 32 random bits collided
            continue


def recover_folder(target: Path) -> None:
    """Undo what a swap killed halfway left next to `target`: an old folder set aside when
    `target` is missing goes back in place; every other `.old-`/`.new-` leftover goes."""
    old = sorted(target.parent.glob(f"{target.name}.old-*"))
    if old and not target.exists():
        os.rename(old.pop(), target)
    for folder in old + sorted(target.parent.glob(f"{target.name}.new-*")):
        shutil.rmtree(folder, ignore_errors=True)


def swap_folder(fresh: Path, target: Path) -> None:
    """Put the complete folder `fresh` in place of `target`: the old one is renamed aside
    (`<name>.old-XXXX`), the new one renamed in, then the old one removed. A reader sees the
    old folder or the new one; a run killed between the renames leaves the old one aside,
    where the next run finds it."""
    aside = None
    if target.exists():
        aside = target.parent / f"{target.name}.old-{secrets.token_hex(4)}"
        os.rename(target, aside)
    os.rename(fresh, target)
    fsync_dir(target.parent)
    if aside is not None:
        shutil.rmtree(aside, ignore_errors=True)


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


def write_atomic(path: Path, data: bytes) -> None:
    """Replace `path` with `data` so that a reader (or a crash) sees the old or the new bytes,
    never a mix. Keeps the old file's permission bits."""
    path = Path(path)
    mode = 0o644
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
    fsync_dir(path.parent)


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
    fsync_dir(path.parent)


def append_durable(path: Path, data: bytes, *,
                   write: Callable[[int, memoryview], int] = os.write) -> None:
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
        fsync_dir(path.parent)
