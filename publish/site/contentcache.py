"""Pelican's content cache for the cycle's builds: what the readers made of each source file
(the campaign reader's Markdown, its raw-HTML check, its header values and problems) is
kept between builds, so a build after one post changed reads one post.

Pelican keys each file's entry by its path and, with `CHECK_MODIFIED_METHOD = "sha256"`, by
its bytes (a fresh clone's new mtimes still hit). It does not look at anything else the
reader's output depends on: the settings, the plugins' code, the Python and its packages
(Pelican issues #1416, #1544). So the cache lives in a folder named after a hash of every
input of the build that is not a content file (publish/site/fingerprint.py already hashes them
for the build stamp): change a setting, a plugin, the publisher or a package and the build
starts from an empty folder; older folders are removed after the next successful build.

Only the reader's output is cached (`CONTENT_CACHING_LAYER = "reader"`): articles are made
from it afresh every build, and everything that depends on the time (a post going live, an
offer's state, the plan) is computed after reading, in the campaign pass.

Pelican writes its cache files in place (a build killed while writing leaves half a pickle,
which Pelican then fails to load with a traceback). So the publisher keeps a manifest of the
files a finished build left (size, SHA-256), removes it before each build and writes it
after a build that ended normally; a folder whose files do not match its manifest is emptied
before Pelican sees it.

The theme's compiled templates live in the same folder (Jinja2's bytecode cache, through the
template_cache plugin): compiling the templates was a build's fixed cost, and a Jinja2
bytecode file does not record the environment's options, the plugins' filters or Jinja2's
own code beyond its version, which the folder's key covers. Jinja2 compiles a template again
when its source changed, and writes each file under a temporary name first.

The page_cache plugin keeps its record there too (`page-records.json`: what each page of the
last build was made from, written at the end of a build that got that far), and a cached
build hands it the output folder it is about to replace: a page whose inputs did not change
is taken from there instead of rendered again (plugins/page_cache).

Details: docs/publisher.md, "Skipping a build" (the content cache).
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import stat
from collections.abc import Iterable, Mapping
from pathlib import Path

from publish.atomic import write_atomic
from publish.site import fingerprint

SCHEMA = "publish-content-cache/1"
MANIFEST = "manifest.json"
FOLDER = Path("cache") / "pelican"      # beside the settings file (git ignores cache/)
# No cache file of a real site comes near this; a larger one is not trusted (nor hashed).
MAX_FILE_BYTES = 256 * 1024 * 1024
# A complete pickle ends with its STOP opcode.
_PICKLE_STOP = b"."


def key(inputs: Mapping[str, str], content_roots: Iterable[Path]) -> str:
    """A hash of every input that is not a content file: equal keys, same reader output for
    the same file bytes."""
    roots = [str(Path(os.path.abspath(r))) for r in content_roots]
    prefixes = tuple(r.rstrip("/") + "/" for r in roots)
    digest = hashlib.sha256(SCHEMA.encode())
    for name in sorted(inputs):
        if name in roots or name.startswith(prefixes):
            continue
        digest.update(f"{name}\0{inputs[name]}\n".encode())
    return digest.hexdigest()[:20]


def folder_for(settings: Path, cache_key: str) -> Path:
    return settings.absolute().parent / FOLDER / cache_key


def settings(folder: Path, *, load: bool, previous_output: Path | None = None
             ) -> dict[str, object]:
    """The Pelican settings that turn the reader-layer cache, the templates' bytecode cache
    and the page cache on in `folder`. `load` False: read every file from source (and fill
    the cache afresh) and render every page; Jinja2 checks each template's source itself, so
    its bytecode is always used. With `load`, `previous_output` (the output folder the build
    is about to replace) holds the pages the page_cache plugin may keep."""
    return {"CACHE_CONTENT": True, "LOAD_CONTENT_CACHE": load,
            "CONTENT_CACHING_LAYER": "reader", "CHECK_MODIFIED_METHOD": "sha256",
            "GZIP_CACHE": False, "CACHE_PATH": str(folder),
            "TEMPLATE_BYTECODE_CACHE_PATH": str(folder), "PAGE_CACHE_PATH": str(folder),
            **({"PAGE_CACHE_PREVIOUS_OUTPUT": str(previous_output)}
               if load and previous_output is not None else {})}


def _files(folder: Path) -> dict[str, list]:
    """{name: [size, sha256]} of the folder's entries (its manifest left out). Anything but
    a regular file (a folder, a link, a device) or a file larger than MAX_FILE_BYTES is
    listed as such, so the folder never matches a manifest and is emptied."""
    found: dict[str, list] = {}
    for path in sorted(folder.iterdir()):
        if path.name == MANIFEST:
            continue
        info = path.lstat()
        if not stat.S_ISREG(info.st_mode):
            found[path.name] = ["not a regular file"]
        elif info.st_size > MAX_FILE_BYTES:
            found[path.name] = ["too large"]
        else:
            found[path.name] = [info.st_size, fingerprint.hash_file(path)]
    return found


def usable(folder: Path) -> bool:
    """The folder holds exactly what a finished build left there."""
    try:
        path = folder / MANIFEST
        info = path.lstat()
        if not stat.S_ISREG(info.st_mode) or info.st_size > MAX_FILE_BYTES:
            return False
        manifest = json.loads(path.read_text(encoding="utf-8"))
        return (isinstance(manifest, dict) and manifest.get("schema") == SCHEMA
                and manifest.get("files") == _files(folder))
    except (OSError, UnicodeDecodeError, ValueError):
        return False


def _real_folder(path: Path) -> bool:
    try:
        return stat.S_ISDIR(path.lstat().st_mode)
    except OSError:
        return False


def prepare(folder: Path) -> tuple[bool, list[str]]:
    """Before a build: empty `folder` unless it is usable, then remove its manifest (the
    build may rewrite any file). (True when the cache was kept, a line for each entry that
    was in the way: a file or a link where the cache's folders should be is removed, never
    followed.)"""
    notes = []
    for path in (folder.parent, folder):
        if os.path.lexists(path) and not _real_folder(path):
            notes.append(f"{_shown(path)} was not a folder (a file or a link): removed; the "
                         "content cache starts empty")
            path.unlink()
    kept = _real_folder(folder) and usable(folder)
    if not kept:
        shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / MANIFEST).unlink(missing_ok=True)
    return kept, notes


def _shown(path: Path) -> str:
    try:
        return path.relative_to(Path.cwd()).as_posix()
    except ValueError:
        return str(path)


def complete(path: Path) -> bool:
    """Pelican's (uncompressed) pickle was written to the end."""
    try:
        with open(path, "rb") as handle:
            handle.seek(-1, os.SEEK_END)
            return handle.read(1) == _PICKLE_STOP
    except OSError:
        return False


def finish(folder: Path, *, prune: bool) -> None:
    """After a build that ended normally (it succeeded, or stopped on a problem it
    reported): record its files (a half-written one is removed instead); with `prune`, also
    remove the folders of other keys beside it."""
    if not folder.is_dir():
        return
    for path in folder.iterdir():
        # Pelican's pickles have no suffix; a leftover temporary file starts with a dot
        # (ours) or ends with .tmp (Jinja2's bytecode cache).
        if path.is_file() and (path.name.startswith(".") or path.name.endswith(".tmp")
                               or ("." not in path.name and not complete(path))):
            path.unlink(missing_ok=True)
    write_atomic(folder / MANIFEST, (json.dumps(
        {"schema": SCHEMA, "files": _files(folder)}, indent=1, sort_keys=True) + "\n"
    ).encode("utf-8"))
    for other in folder.parent.iterdir() if prune else ():
        if other.is_dir() and other != folder:
            shutil.rmtree(other, ignore_errors=True)
