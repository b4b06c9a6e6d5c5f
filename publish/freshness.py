"""Keep the plan in step with its sources: `plan` and `status` rebuild it first when it is
missing or older than any file it is built from.

`stale_reason` decides from modification times (pure). `source_times` reads them and
`build_plan` runs Pelican in a subprocess into a temporary folder, so `output/` is never
touched; the campaign plugin writes the plan itself, atomically. The publisher still never
imports the build."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path

from publish.build import build_env
from publish.output import Output
from publish.plan import PlanError

SETTINGS = "pelicanconf.py"
# What the plan is built from, next to the content folder.
SOURCES = ("theme", "plugins", SETTINGS, "publishconf.py")


class BuildFailed(PlanError):
    """The build that writes the plan failed (a configuration error: exit 2)."""


def stale_reason(plan_mtime: float | None, sources: Iterable[tuple[str, float]]) -> str | None:
    """Why the plan must be rebuilt, or None when it is at least as new as every source."""
    if plan_mtime is None:
        return "there is no plan yet"
    newest = max(sources, key=lambda source: source[1], default=None)
    if newest is not None and newest[1] > plan_mtime:
        return f"{newest[0]} changed after the plan was built"
    return None


def _skipped(name: str) -> bool:
    return name.startswith(".") or name == "__pycache__" or name.endswith(".pyc")


def source_times(root: Path, content: Path) -> Iterator[tuple[str, float]]:
    """(path, mtime) of every source file: the content folder, theme/, plugins/ and the two
    settings files (editor backups, dot files and byte code left out)."""
    for top in (content, *(root / name for name in SOURCES)):
        if top.is_file():
            yield str(top), top.stat().st_mtime
            continue
        for folder, dirs, files in os.walk(top):
            dirs[:] = [d for d in dirs if not _skipped(d)]
            for name in files:
                if not _skipped(name):
                    path = Path(folder) / name
                    with_time = _mtime(path)
                    if with_time is not None:
                        yield str(path), with_time


def _mtime(path: Path) -> float | None:
    try:
        return path.stat().st_mtime
    except OSError:      # removed while we looked
        return None


def _identity(path: Path) -> tuple[int, int] | None:
    """Changes whenever the plugin writes the plan (a new file renamed into place)."""
    try:
        stat = path.stat()
    except OSError:
        return None
    return stat.st_ino, stat.st_mtime_ns


def build_command(root: Path, content: Path, plan: Path, output: Path) -> list[str]:
    """The build `make html` runs, into `output`, writing the plan to `plan`."""
    return [sys.executable, "-m", "pelican", str(content.resolve()), "-o", str(output),
            "-s", str((root / SETTINGS).resolve()), "--fatal", "errors",
            "--log-handler", "plain",
            "-e", f"CAMPAIGN_PLAN_PATH={json.dumps(str(plan.resolve()))}"]


def build_plan(root: Path, content: Path, plan: Path, env: Mapping[str, str],
               out: Output) -> None:
    """Run the build; on failure show its messages and raise BuildFailed. Credentials stay
    out of the build's environment."""
    before = _identity(plan)
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="publish-build-") as output:
        result = subprocess.run(
            build_command(root, content, plan, Path(output)), cwd=root, text=True,
            capture_output=True, check=False,
            env=build_env(env))
    if result.returncode != 0:
        for line in (result.stdout + result.stderr).splitlines():
            out.notice(line)
        raise BuildFailed(f"the build failed (exit {result.returncode}), so the plan was not "
                          "rebuilt: fix what is listed above, or pass --no-build to use the "
                          "plan as it is")
    if _identity(plan) in (None, before):
        raise BuildFailed(f"the build did not write {plan} (is `campaign` in PLUGINS of "
                          f"{root / SETTINGS}?)")
    out.notice(f"publish: plan rebuilt in {time.monotonic() - started:.1f}s")


def ensure_fresh_plan(plan: Path, content: Path, env: Mapping[str, str], out: Output, *,
                      dry_run: bool = False) -> None:
    """Rebuild the plan when a source is newer. Without a pelicanconf.py next to the content
    folder there is nothing to build from: the plan is used as it is. A dry run only says
    so."""
    root = content.parent
    if not (root / SETTINGS).is_file():
        return
    reason = stale_reason(_mtime(plan), source_times(root, content))
    if reason is None:
        return
    if dry_run:
        out.notice(f"publish: {reason}: without --dry-run the plan would be rebuilt first; "
                   "showing it as it is")
        return
    out.notice(f"publish: {reason}: rebuilding the plan (Pelican, into a temporary folder; "
               "--no-build skips this)")
    build_plan(root, content, plan, env, out)
