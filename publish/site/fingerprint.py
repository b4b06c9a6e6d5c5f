"""What a site build is made from, and what it left, as values the cycle can compare
(publish/site/stamp.py decides with them; docs/publisher.md, "Skipping a build").

Which files are inputs is publish/site/build_inputs.py's; this module reads them and decides
nothing. Inputs are hashed (SHA-256 of the bytes), not dated: a fresh clone (CI) gives every
file a new mtime but the same bytes. The output folder is checked by (size, mtime_ns) with
the hash as the fallback, so a folder restored from a cache (new mtimes) still matches, and
a hand edit (new bytes) never does."""

from __future__ import annotations

import hashlib
import os
import stat
import sys
import sysconfig
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path

from publish.site import build_inputs


def hash_file(path: Path) -> str:
    with open(path, "rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


def hash_text(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def regular(path: Path) -> bool:
    """A regular file (after following links): never a device, fifo or socket, which could
    be read forever or block."""
    try:
        return stat.S_ISREG(os.stat(path).st_mode)
    except OSError:
        return False


def files(root: Path) -> Iterator[Path]:
    """Every regular file under `root`, as Pelican finds them: symlinked folders and files
    are followed (Pelican walks with followlinks=True), each real folder once (a link loop
    ends), devices and fifos left out. In sorted order, a folder's files before its
    folders."""
    for _, found in walk(root):
        yield from found


def walk(root: Path) -> Iterator[tuple[Path | None, list[Path]]]:
    """(folder, its files) for each folder under `root` that `files` walks, or (None,
    [root]) for a regular file `root`. One scandir per folder: the file type comes with
    the entry (no stat), except for links."""
    if not root.is_dir():
        if regular(root):
            yield None, [root]
        return
    seen: set[tuple[int, int]] = set()
    pending = [str(root)]
    while pending:
        folder = pending.pop()
        try:
            info = os.stat(folder)
            if (info.st_dev, info.st_ino) in seen:  # a link back to a folder walked already
                continue
            seen.add((info.st_dev, info.st_ino))
            with os.scandir(folder) as listing:
                entries = sorted(listing, key=lambda entry: entry.name)
        except OSError:
            continue
        folders, found = [], []
        for entry in entries:
            try:
                if entry.is_dir():
                    if not build_inputs.skipped_dir(entry.name):
                        folders.append(entry.path)
                elif entry.is_file() and not build_inputs.skipped_file(entry.name):
                    found.append(Path(entry.path))
            except OSError:     # removed while we looked
                continue
        yield Path(folder), found
        pending.extend(reversed(folders))


def tree(root: Path) -> dict[str, str]:
    """{absolute path: sha256} of every file under `root` (or of `root`, a file); a folder
    that is missing gives {"<root>": "missing"}, so its appearance is a change too."""
    if not root.exists():
        return {str(root): "missing"}
    found = {}
    for path in files(root):
        try:
            found[str(path)] = hash_file(path)
        except OSError:          # removed or unreadable while we looked: a change
            found[str(path)] = "unreadable"
    return found


def environment(env: Mapping[str, str]) -> dict[str, str]:
    return {f"env:{key}": env[key] for key in build_inputs.environment(env)}


def interpreter() -> dict[str, str]:
    """The Python and the installed distributions (name-version of every .dist-info)."""
    found = {"python": f"{sys.version} {sys.executable}"}
    for key in ("purelib", "platlib"):
        folder = Path(sysconfig.get_paths()[key])
        try:
            names = sorted(name for name in os.listdir(folder) if name.endswith(".dist-info"))
        except OSError:
            names = ["unreadable"]
        found[f"packages:{folder}"] = hash_text("\n".join(names))
    return found


def inputs(roots: Iterable[Path], env: Mapping[str, str],
           request: Mapping[str, object]) -> dict[str, str]:
    """Everything a build reads, as {name: digest}: every file under `roots`
    (build_inputs.roots), the environment it sees (build_inputs.environment), the
    interpreter and packages, and `request` (the build's options: settings file, output and
    content folders, extra settings except the time, Pelican options)."""
    found: dict[str, str] = {}
    for root in sorted({Path(os.path.abspath(r)) for r in roots}):
        found.update(tree(root))
    found.update(environment(env))
    found.update(interpreter())
    found.update({f"request:{key}": repr(value) for key, value in sorted(request.items())})
    return found


def output_files(folder: Path, known: Mapping[str, list] | None = None
                 ) -> dict[str, list]:
    """{relative path: [size, mtime_ns, sha256]} of every file of a built site. `known`:
    {relative path: [size, sha256]} the build itself just hashed (its manifest,
    publish/site/buildmanifest.py): a file of the same size there is not read again."""
    known = known or {}
    found = {}
    for path in files(folder):
        info = path.stat()
        name = path.relative_to(folder).as_posix()
        entry = known.get(name)
        digest = entry[1] if entry is not None and entry[0] == info.st_size else hash_file(path)
        found[name] = [info.st_size, info.st_mtime_ns, digest]
    return found


def output_difference(folder: Path, recorded: Mapping[str, list]) -> str | None:
    """None when `folder` holds exactly the files `recorded` with the same bytes; else what
    differs, in a few words. Size and mtime equal: the same file; else its hash decides."""
    if not folder.is_dir():
        return f"{folder} is missing"
    seen = 0
    for path in files(folder):
        name = path.relative_to(folder).as_posix()
        entry = recorded.get(name)
        if entry is None:
            return f"{name} was added to {folder.name}/ after the build"
        seen += 1
        try:
            info = path.stat()
            if info.st_size != entry[0]:
                return f"{folder.name}/{name} changed after the build"
            if info.st_mtime_ns != entry[1] and hash_file(path) != entry[2]:
                return f"{folder.name}/{name} changed after the build"
        except OSError:
            return f"{folder.name}/{name} cannot be read"
    if seen != len(recorded):
        return f"{len(recorded) - seen} file(s) of the build are missing from {folder.name}/"
    return None
