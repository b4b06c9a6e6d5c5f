"""Keep the plan in step with its sources: `plan` and `status` rebuild it first when it is
missing or older than any file it is built from (publish/site/build_inputs.py: the files the
cycle's stamp hashes).

`stale_reason` decides from modification times (pure). `source_times` reads them and
`_rebuild` runs `make html`'s build (publish.site.build, Pelican in a subprocess) into a
temporary folder, so `output/` is never touched and the plan is replaced only by a build
that succeeded. The publisher still never imports Pelican."""

from __future__ import annotations

import os
import tempfile
import time
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path

import publish
from publish.posting.lock import build_lock, lock_timeout
from publish.posting.plan_file import PlanError
from publish.site import build as site_build
from publish.site import build_inputs, fingerprint
from publish.terminal import Output

SETTINGS = "pelicanconf.py"


class PlanRebuildFailed(PlanError):
    """`plan`/`status`: the build that rebuilds a stale plan failed or could not run (exit
    2). (A request the build refuses before Pelican runs is site.build.BuildRefused.)"""


def stale_reason(plan_mtime: float | None, sources: Iterable[tuple[str, float]]) -> str | None:
    """Why the plan must be rebuilt, or None when it is at least as new as every source."""
    if plan_mtime is None:
        return "there is no plan yet"
    newest = max(sources, key=lambda source: source[1], default=None)
    if newest is not None and newest[1] > plan_mtime:
        return f"{newest[0]} changed after the plan was built"
    return None


def source_times(root: Path, content: Path) -> Iterator[tuple[str, float]]:
    """(path, mtime) of every input of the build of `root`'s settings
    (publish/site/build_inputs.py: the same files the cycle hashes into its stamp), walked as
    the fingerprint walks them (publish/site/fingerprint.py: links followed, regular files
    only, byte code and editor leftovers left out); and of every folder walked, whose time
    changes when a file in it is removed or renamed (the cycle sees that as a file gone)."""
    names = os.listdir(root) if root.is_dir() else []
    for top in build_inputs.roots(root / SETTINGS, content, names,
                                  Path(publish.__file__).parent):
        for folder, found in fingerprint.walk(top):
            for path in ([folder] if folder is not None else []) + found:
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


def _rebuild(root: Path, content: Path, plan: Path, env: Mapping[str, str],
             out: Output) -> None:
    """`make html`'s build (publish.site.build: Pelican into a fresh folder, the plan staged and
    moved over `plan` only when Pelican exits 0), its output folder a temporary one that is
    thrown away. On failure show its messages and raise PlanRebuildFailed; `plan` is then as it
    was, whichever step failed. build() keeps the credentials out of its environment."""
    before = _identity(plan)
    started = time.monotonic()
    try:        # the plan is what the builds of the settings' output write: take its lock
        guarded = site_build.output_of(root / SETTINGS, content.resolve(), {}, env)
        timeout = lock_timeout(env)
    except (site_build.BuildRefused, ValueError) as exc:
        raise PlanRebuildFailed(f"the build cannot run, so the plan was not rebuilt: {exc}") \
            from None
    with (build_lock(guarded, "plan rebuild", timeout=timeout,
                     say=lambda line: out.notice(f"publish: {line}")),
          tempfile.TemporaryDirectory(prefix="publish-build-") as folder,
          tempfile.TemporaryFile("w+", encoding="utf-8", errors="replace") as stdout,
          tempfile.TemporaryFile("w+", encoding="utf-8", errors="replace") as stderr):
        try:
            result = site_build.build(
                root / SETTINGS, output=Path(folder) / "output", content=content.resolve(),
                extra_settings={"CAMPAIGN_PLAN_PATH": str(plan.resolve())},
                pelican_args=["--log-handler", "plain"], env=env, stdout=stdout,
                stderr=stderr)
        except site_build.BuildRefused as exc:
            raise PlanRebuildFailed(f"the build cannot run, so the plan was not rebuilt: {exc}") \
                from None
        messages = _read_back(stdout) + _read_back(stderr)
    if not result.ok:
        for line in messages.splitlines():
            out.notice(line)
        raise PlanRebuildFailed(f"the build failed (exit {result.returncode}), so the plan was not "
                          "rebuilt: fix what is listed above, or pass --no-build to use the "
                          "plan as it is")
    if _identity(plan) in (None, before):
        raise PlanRebuildFailed(f"the build did not write {plan} (is `campaign` in PLUGINS of "
                          f"{root / SETTINGS}?)")
    out.notice(f"publish: plan rebuilt in {time.monotonic() - started:.1f}s")


def _read_back(stream) -> str:
    stream.seek(0)
    return stream.read()


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
    _rebuild(root, content, plan, env, out)
