"""What a build wrote, recorded as it wrote it, and checked before the site is swapped in
and before it is deployed (docs/deploy.md, "The manifest").

Pelican runs under `LAUNCHER`, which installs a Python audit hook (PEP 578) before Pelican
starts: every file opened for writing, renamed, linked or removed under the fresh output
folder is tracked, and when Pelican ends the list of files it left there is written to a
file the build names. Nothing is trusted from the folder itself: a file another process
removed from the folder while Pelican ran is in the list and missing from the folder, so
the folder is not swapped in (`missing`). After the swap the manifest sits beside the
output folder, `output.manifest.json`, with each file's size and SHA-256, and every deploy
checks the site against it (`difference`): a site missing or changing a file its build wrote
is never deployed.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from pathlib import Path

from publish.atomic import write_atomic
from publish.errors import ConfigError
from publish.site.fingerprint import hash_file

SCHEMA = "publish-build-manifest/1"
MAX_BYTES = 64 * 1024 * 1024

# Runs Pelican through publish/site/pelican_lines.py (one unwrapped line per problem), with the
# audit hook: argv[1] is the manifest file to write, argv[2] the fresh output folder, argv[3]
# pelican_lines.py, the rest Pelican's own arguments.
LAUNCHER = """\
import importlib.util, json, os, sys
manifest, root = sys.argv[1], os.path.abspath(sys.argv[2])
inside = root + os.sep
written = set()
WRITE_FLAGS = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_APPEND | os.O_TRUNC

def _path(value):
    if isinstance(value, bytes):
        value = os.fsdecode(value)
    if not isinstance(value, (str, os.PathLike)):
        return None
    path = os.path.abspath(os.fspath(value))
    return path if path.startswith(inside) else None

def _hook(event, args):
    if event == "open":
        path, mode, flags = args
        writes = (any(c in mode for c in "wax+") if isinstance(mode, str)
                  else isinstance(flags, int) and bool(flags & WRITE_FLAGS))
        if writes and (path := _path(path)) is not None:
            written.add(path)
    elif event in ("os.rename", "os.link", "os.symlink"):
        source, target = _path(args[0]), _path(args[1])
        if event == "os.rename" and source is not None:
            written.discard(source)
        if target is not None:
            written.add(target)
    elif event == "os.remove":
        if (path := _path(args[0])) is not None:
            written.discard(path)

sys.addaudithook(_hook)
spec = importlib.util.spec_from_file_location("pelican_lines", sys.argv[3])
lines = importlib.util.module_from_spec(spec)
spec.loader.exec_module(lines)
try:
    lines.main(sys.argv[4:])
finally:
    names = sorted(os.path.relpath(p, root).replace(os.sep, "/") for p in written)
    with open(manifest + ".tmp", "w", encoding="utf-8") as handle:
        json.dump({"schema": "@SCHEMA@", "files": names}, handle)
    os.replace(manifest + ".tmp", manifest)
""".replace("@SCHEMA@", SCHEMA)


class ManifestError(ConfigError, ValueError):
    """The manifest cannot be read or is not ours."""


def manifest_path(output: Path) -> Path:
    """`output/` → `output.manifest.json` beside it (never inside: never deployed)."""
    output = Path(os.path.abspath(output))
    return output.parent / f"{output.name}.manifest.json"


def read_written(path: Path) -> list[str]:
    """The relative paths the launcher recorded. Raises ManifestError."""
    data = _load(path)
    files = data.get("files")
    if not isinstance(files, list) or not all(_relative(name) for name in files):
        raise ManifestError(f"{path}: files: want a list of relative paths")
    return files


def missing(folder: Path, written: list[str]) -> list[str]:
    """The files the build wrote that `folder` does not hold (as regular files)."""
    return [name for name in written if not (folder / name).is_file()]


def record(folder: Path, written: list[str]) -> dict[str, list]:
    """{relative path: [size, sha256]} of the files the build wrote."""
    return {name: [(folder / name).stat().st_size, hash_file(folder / name)]
            for name in written}


def write(output: Path, files: Mapping[str, list], request: Mapping[str, object]) -> None:
    """`request`: what the build was asked for (settings file, content folder, overrides,
    Pelican options), so `build --reuse` and people can tell a production build from a
    development one."""
    document = {"schema": SCHEMA, "request": dict(request), "files": dict(files)}
    write_atomic(manifest_path(output), (json.dumps(document, indent=1, sort_keys=True)
                                         + "\n").encode("utf-8"))


def read(output: Path) -> dict | None:
    """The manifest beside `output`: {"request", "files"}; None when there is none.
    Raises ManifestError when it is there but unusable."""
    path = manifest_path(output)
    if not path.exists():
        return None
    data = _load(path)
    files = data.get("files")
    if not isinstance(files, dict) or not all(
            _relative(name) and isinstance(entry, list) and len(entry) == 2
            and isinstance(entry[0], int) and isinstance(entry[1], str)
            for name, entry in files.items()):
        raise ManifestError(f"{path}: files: want {{path: [size, sha256]}}")
    request = data.get("request")
    return {"request": request if isinstance(request, dict) else None, "files": files}


def difference(site: Path, files: Mapping[str, list]) -> list[str]:
    """Every file of `files` that `site` does not hold with the same size and bytes."""
    problems = []
    for name, (size, digest) in sorted(files.items()):
        path = site / name
        try:
            if not path.is_file():
                problems.append(f"{name} is missing")
            elif path.stat().st_size != size or hash_file(path) != digest:
                problems.append(f"{name} changed")
        except OSError as exc:
            problems.append(f"{name} cannot be read ({exc.strerror})")
    return problems


def _load(path: Path) -> dict:
    try:
        if path.stat().st_size > MAX_BYTES:
            raise ManifestError(f"{path}: larger than {MAX_BYTES} bytes")
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ManifestError(f"{path}: cannot be read ({exc})") from None
    if not isinstance(data, dict) or data.get("schema") != SCHEMA:
        raise ManifestError(f"{path}: not a build manifest ({SCHEMA})")
    return data


def _relative(name: object) -> bool:
    return (isinstance(name, str) and bool(name) and not name.startswith("/")
            and ".." not in name.split("/"))
