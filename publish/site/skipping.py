"""The cycle's build step with the stamp (publish/site/stamp.py): skip the build when the last
one's site is still right, otherwise build and record what it was made from; and the deploy
record that lets a cycle skip deploying a site it already deployed.

I/O edge for publish.cli's CycleIO: reads the stamp, fingerprints the inputs
(publish/site/fingerprint.py), runs publish.site.build, reads the plugin's next-change file
(docs/contract.md §1.1) and the plan, writes the stamp."""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import publish
from publish.clock import parse_time
from publish.site import build as site_build
from publish.site import build_inputs, buildmanifest, contentcache, fingerprint
from publish.site import stamp as stamps


@dataclass(frozen=True)
class Built:
    ok: bool
    code: int       # publish.site.build's exit status (0 also for a skip)
    line: str       # the step's line
    notes: tuple[str, ...] = ()   # state that was refused and rebuilt, one line each


class SkippingBuilder:
    def __init__(self, *, settings: Path, output: Path | None, content: Path | None,
                 plan: Path, extra: Mapping[str, object], pelican_args: Sequence[str],
                 env: Mapping[str, str]):
        self.settings, self.content, self.plan = settings, content, Path(plan).absolute()
        self.extra, self.pelican_args, self.env = dict(extra), list(pelican_args), env
        self.output = Path(output).absolute() if output is not None else None
        self.stamp: stamps.Stamp | None = None   # describes output/ as it is now
        self.skipped = False
        self.notes: list[str] = []    # state refused by the last run(), one line each

    # --- build ---------------------------------------------------------------------------

    @property
    def project(self) -> Path:
        """The project folder: the settings file's. Folders named by the stamp must be in it."""
        return self.settings.absolute().parent

    def fixed_roots(self) -> list[Path]:
        return build_inputs.roots(self.settings, self.content, _names(self.project),
                                  Path(publish.__file__).parent)

    def request(self) -> dict[str, object]:
        return {"settings": str(self.settings.absolute()), "output": str(self.output),
                "content": str(self.content.absolute()) if self.content else None,
                "extra": build_inputs.options(self.extra),
                "pelican_args": self.pelican_args}

    def resolve_output(self) -> Path:
        """The output folder (the settings' OUTPUT_PATH unless given). Raises BuildRefused."""
        if self.output is None:
            self.output = site_build.output_of(self.settings, self.content, self.extra,
                                               self.env)
        return self.output

    def run(self, now: datetime, *, force: bool = False) -> Built:
        output = self.resolve_output()
        path = stamps.stamp_path(output)
        # A forced build trusts neither the stamp nor the caches (the content cache is not
        # loaded): it does not even read the folders the stamp names.
        stamp, note = (None, None) if force else stamps.read(path)
        reason = note.removesuffix("; building") if note else stamps.time_and_place(
            stamp, now=now, output=output, plan=self.plan, force=force)
        roots, refused = stamps.roots(stamp, self.fixed_roots(), self.project)
        self.notes = [f"{path.name}: {line}" for line in refused]
        if refused and reason is None:
            reason = f"{path.name}: {refused[0]}"
        current = fingerprint.inputs(roots, self.env, self.request())
        if reason is None:
            assert stamp is not None        # time_and_place gives a reason when there is none
            decision = stamps.decide(
                stamp, now=now, output=output, plan=self.plan, inputs=current,
                plan_sha256=_hash_or_none(self.plan),
                output_problem=fingerprint.output_difference(output, stamp.output_files))
            if decision.skip:
                self.stamp, self.skipped = stamp, True
                return Built(True, 0, decision.reason, tuple(self.notes))
            reason = decision.reason
        self.skipped = False
        # The content cache is trusted only when the stamp was: its key then covers every
        # folder the last build reported reading (a theme or plugins outside the fixed set).
        return self._build(path, current, reason, load_cache=stamp is not None and not force)

    def content_cache(self, current: Mapping[str, str], *, load: bool
                      ) -> tuple[Path, dict[str, object]]:
        """The content cache's folder for these inputs (publish/site/contentcache.py), made ready
        for a build, and the settings that turn it on."""
        content = self.content if self.content is not None else site_build.content_of(
            self.settings, None, self.extra, self.env)
        folder = contentcache.folder_for(self.settings,
                                         contentcache.key(current, [content]))
        kept, notes = contentcache.prepare(folder)
        self.notes += notes
        return folder, contentcache.settings(folder, load=load and kept,
                                             previous_output=self.resolve_output())

    def _build(self, path: Path, current: dict[str, str], reason: str, *,
               load_cache: bool) -> Built:
        cache, cache_settings = self.content_cache(current, load=load_cache)
        with tempfile.TemporaryDirectory(prefix="publish-next-change-") as folder:
            changes = Path(folder) / "next-change.json"
            result = site_build.build(
                self.settings, output=self.output, content=self.content,
                extra_settings={**self.extra, **cache_settings,
                                "CAMPAIGN_NEXT_CHANGE_PATH": str(changes)},
                pelican_args=self.pelican_args, env=self.env)
            line = site_build.describe(result).removeprefix("build: ")
            if result.returncode in (0, 1):     # ran to its end (not killed)
                contentcache.finish(cache, prune=result.ok)
            if not result.ok:       # output/ and the plan as they were: so is the stamp
                return Built(False, result.returncode, line, tuple(self.notes))
            self.stamp = None
            path.unlink(missing_ok=True)
            try:
                self.stamp = self._stamp(changes, current)
                stamps.write(path, self.stamp)
            except (OSError, ValueError, KeyError, TypeError) as exc:
                self.stamp = None
                return Built(True, 0, f"{line} (built: {reason}); no stamp written "
                                      f"({exc}): the next cycle builds again", tuple(self.notes))
        return Built(True, 0, f"{line} (built: {reason})", tuple(self.notes))

    def _stamp(self, changes: Path, current: dict[str, str]) -> stamps.Stamp:
        """What this build was made from. `current` was taken before it ran: a file edited
        during the build makes the next cycle build again."""
        told = json.loads(changes.read_text(encoding="utf-8"))
        built_at = parse_time(told["now"])
        site_next = parse_time(told["next_change"]) if told.get("next_change") else None
        sources = tuple(sorted(str(s) for s in told.get("sources") or ()))
        for root in sources:        # a folder the fixed set did not cover: hash it now
            if not any(name == root or name.startswith(root.rstrip("/") + "/")
                       for name in current):
                current = {**current, **fingerprint.tree(Path(root))}
        plan_doc = json.loads(self.plan.read_text(encoding="utf-8"))
        output = self.resolve_output()
        boundary, why = stamps.next_boundary(built_at, site_next, told.get("next_change_why"),
                                             plan_doc)
        return stamps.Stamp(
            built_at=built_at, next_change=boundary, next_change_why=why,
            output=str(self.output), plan=str(self.plan),
            plan_sha256=fingerprint.hash_file(self.plan), inputs=current,
            output_files=fingerprint.output_files(output, _hashed_by_build(output)),
            sources=sources)

    # --- deploy --------------------------------------------------------------------------

    def deploy_skip_line(self, target: str, shown: str | None = None) -> str | None:
        """The deploy step's line when this cycle kept the site and the last deploy of it to
        `target` (publish.site.deploy.identity: everything that decides where the files go)
        succeeded; None: deploy. `shown`: the target as people read it."""
        stamp = self.stamp
        if self.skipped and stamp is not None and stamp.deploy is not None \
                and stamp.deployed_to(target):
            return f"skipped ({shown or target} already holds this site, deployed " \
                   f"{stamp.deploy.get('at')})"
        return None

    def record_deploy(self, target: str, ok: bool, now: datetime) -> None:
        """Remember the deploy of the site the stamp describes (a failed one: deploy again)."""
        if self.stamp is None or self.output is None:
            return
        self.stamp = self.stamp.with_deploy(target, ok, now)
        try:
            stamps.write(stamps.stamp_path(self.output), self.stamp)
        except OSError:
            self.stamp = None


def _names(folder: Path) -> list[str]:
    try:
        return os.listdir(folder)
    except OSError:
        return []


def _hashed_by_build(output: Path) -> dict[str, list]:
    """What the build that just ended hashed as it checked its folder (its manifest): the
    stamp need not read those files again. {} when the manifest cannot be read."""
    try:
        manifest = buildmanifest.read(output)
    except buildmanifest.ManifestError:
        return {}
    return manifest["files"] if manifest else {}


def _hash_or_none(path: Path) -> str | None:
    try:
        return fingerprint.hash_file(path)
    except OSError:
        return None


def force_requested(flag: bool, env: Mapping[str, str]) -> bool:
    return flag or env.get("FORCE_BUILD", "").strip().lower() not in ("", "0", "false", "no")

