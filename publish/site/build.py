"""Build the site without ever leaving a half-built one: `python -m publish build`.

Pelican runs in a subprocess into a fresh folder next to the output (`output.new-XXXX`, same
file system) and writes the campaign plan to a staging file next to the plan. Only after
Pelican exits 0 is the new folder swapped in (old folder renamed aside, new one renamed in,
old one removed) and the staged plan renamed over the old plan. On any failure both are
thrown away: `output/` and the plan stay byte-identical, whatever step of Pelican failed
(even one after the plugin wrote its plan, such as the sitemap's `finalized` handler).

A crash between the two renames leaves the old folder complete under `output.old-XXXX`; the
next build puts it back if `output/` is missing, then removes every leftover.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from publish.atomic import fresh_folder, fsync_dir, recover_folder, swap_folder
from publish.errors import ConfigError
from publish.posting.lock import build_lock, lock_timeout
from publish.redaction import SECRET_ENV_PREFIXES, SECRET_URL_VARS, SECRET_VARS
from publish.site import buildmanifest
from publish.site.contained import outside_problems

# The campaign plugin's default for CAMPAIGN_PLAN_PATH (docs/settings.md), used when the
# settings file does not set it. Relative paths are relative to the current folder.
DEFAULT_PLAN_PATH = "state/plan.json"
# Pelican's command line with one unwrapped line per warning and error
# (publish/site/pelican_lines.py),
# loaded from its file: the subprocess's import path stays Pelican's own (the current folder
# first, where a settings file finds the module it imports).
# (publish.site.buildmanifest.LAUNCHER loads it, under its audit hook.)
PELICAN_LINES = Path(__file__).with_name("pelican_lines.py")
# Writes its answer to the file named by argv[2], not to stdout: a settings file may print.
SETTINGS_PROBE = """\
import json, sys
from pelican.settings import get_settings_from_file
values = get_settings_from_file(sys.argv[1])
keys = ("OUTPUT_PATH", "PATH", "CAMPAIGN_PLAN_PATH", "THEME")
with open(sys.argv[2], "w", encoding="utf-8") as answer:
    json.dump({k: values[k] for k in keys if k in values}, answer, default=str)
"""
# SECRET_VARS (publish.redaction), every other variable of a network or AWS and a push URL
# that may carry a token are kept out of the build's environment (build_env).
KEPT_FROM_BUILD_PREFIXES = SECRET_ENV_PREFIXES
KEPT_FROM_BUILD = (*SECRET_VARS, *SECRET_URL_VARS)
# Pelican options that would defeat the swap (its own output, settings, overrides, loops).
REFUSED_OPTIONS = {
    "-o": "--output", "--output": "--output", "-s": "--settings", "--settings": "--settings",
    "-e": "-e KEY=VALUE", "--extra-settings": "-e KEY=VALUE",
    "-r": "make regenerate", "--autoreload": "make regenerate",
    "-l": "make serve", "--listen": "make serve",
}


# The exit status of a build whose folder lost files Pelican wrote (something else removed
# them while it ran): not swapped in, like a failed Pelican run.
LOST = 3


class BuildRefused(ConfigError):
    """A usage or settings mistake found before Pelican runs: nothing was changed (exit 2)."""

    def lines(self, command: str = "") -> list[str]:
        voice = "" if command == "build" else "publish: "
        return [f"{voice}build: {self.step_line()}"]

    def step_line(self) -> str:
        return f"{super().step_line()}; nothing was changed"


@dataclass(frozen=True)
class BuildResult:
    returncode: int  # Pelican's exit status, unchanged (128+N when killed by signal N)
    output: Path  # the output folder (replaced only when ok)
    plan: Path | None  # where the plan lives (replaced only when ok and the plugin wrote one)
    files: int = 0  # files in the new output folder (0 when the build failed)
    lost: tuple[str, ...] = ()  # files Pelican wrote that vanished before the swap
    kept: bool = False  # `reuse`: output/ already held what this build would make

    @property
    def ok(self) -> bool:
        return self.returncode == 0


@dataclass(frozen=True)
class _Paths:
    output: Path
    plan: Path | None
    content: Path
    theme: Path | None = None      # the project's theme folder (None: one of Pelican's own)


def build(settings: Path, *, output: Path | None = None, content: Path | None = None,
          extra_settings: Mapping[str, object] | None = None,
          pelican_args: Sequence[str] = (), env: Mapping[str, str] | None = None,
          stdout=None, stderr=None, say=None, reuse: bool = False) -> BuildResult:
    """Run Pelican with `settings` into a fresh folder and swap it in over `output` (default:
    the settings' OUTPUT_PATH) only when Pelican exits 0 and the folder holds every file
    Pelican wrote (publish/site/buildmanifest.py). Pelican's messages go to `stdout` / `stderr`
    (default: inherited). Raises BuildRefused before touching anything when the request itself
    is wrong, LockHeld when PUBLISH_LOCK_TIMEOUT passed while another build or cycle held the
    output's lock (`say` gets the line saying whom it waits for; default: stderr). A `--` in
    `pelican_args` (what separates them on a command line) is dropped. Pelican (and the
    settings file) see `env` (default: this process's) without its credentials
    (build_env). With `reuse`, an output folder that its manifest says was built with the
    same settings file, content folder, -e overrides and Pelican options, and that still
    matches the manifest, is kept as it is (`make serve`: serve the development site, and
    build it only when output/ holds another build, such as `make publish`'s)."""
    full_env = os.environ if env is None else env
    env = build_env(full_env)
    extra = dict(extra_settings or {})
    pelican_args = [arg for arg in pelican_args if arg != "--"]
    _refuse_options(pelican_args)
    paths = _resolve(Path(settings), output, content, extra, env)
    try:
        timeout = lock_timeout(full_env)
    except ValueError as exc:
        raise BuildRefused(str(exc)) from None
    request = _request(Path(settings), paths, extra, pelican_args)
    with build_lock(paths.output, "build", timeout=timeout, say=say or _say_on_stderr):
        if reuse and (files := _reusable(paths.output, request)) is not None:
            return BuildResult(0, paths.output, paths.plan, files, kept=True)
        return _build_locked(Path(settings), paths, content, extra, pelican_args, env,
                             stdout, stderr, request)


def _request(settings: Path, paths: _Paths, extra: Mapping[str, object],
             pelican_args: Sequence[str]) -> dict[str, object]:
    """What a build was asked for, as its manifest records it (compared by `reuse`)."""
    return {"settings": str(settings.absolute()), "content": str(paths.content),
            "extra": json.loads(json.dumps(dict(sorted(extra.items())), default=str)),
            "pelican_args": list(pelican_args)}


def _reusable(output: Path, request: Mapping[str, object]) -> int | None:
    """The number of files when `output` holds exactly what a build of `request` wrote."""
    try:
        manifest = buildmanifest.read(output)
    except buildmanifest.ManifestError:
        return None
    if (manifest is None or manifest.get("request") != request
            or buildmanifest.difference(output, manifest["files"])):
        return None
    return len(manifest["files"])


def _say_on_stderr(line: str) -> None:
    print(f"build: {line}", file=sys.stderr, flush=True)


def _build_locked(settings: Path, paths: _Paths, content: Path | None,
                  extra: dict[str, object], pelican_args: list[str], env: dict[str, str],
                  stdout, stderr, request: Mapping[str, object]) -> BuildResult:
    _recover_leftovers(paths)       # under the lock: no other build is running
    fresh = fresh_folder(paths.output)
    staged = _staged_plan(paths.plan)
    written = fresh.parent / f".{fresh.name}.written.json"
    overrides = {**extra, **({"CAMPAIGN_PLAN_PATH": str(staged)} if staged else {})}
    command = [sys.executable, "-c", buildmanifest.LAUNCHER, str(written), str(fresh),
               str(PELICAN_LINES)]
    if content is not None:
        command.append(str(content))
    command += ["-o", str(fresh), "-s", str(settings), "--fatal", "errors", *pelican_args]
    if overrides:
        command += ["-e", *(f"{k}={json.dumps(v)}" for k, v in overrides.items())]
    swapped = False
    try:
        done = subprocess.run(command, env=env, stdout=stdout, stderr=stderr, check=False)
        code = done.returncode if done.returncode >= 0 else 128 - done.returncode
        if code != 0:
            return BuildResult(code, paths.output, paths.plan)
        try:
            names = buildmanifest.read_written(written)
        except buildmanifest.ManifestError as exc:
            return BuildResult(LOST, paths.output, paths.plan, lost=(str(exc),))
        if (lost := buildmanifest.missing(fresh, names)) or not fresh.is_dir():
            return BuildResult(LOST, paths.output, paths.plan,
                               lost=tuple(lost) or (fresh.name,))
        files = buildmanifest.record(fresh, names)
        buildmanifest.manifest_path(paths.output).unlink(missing_ok=True)
        swap_folder(fresh, paths.output)
        swapped = True
        buildmanifest.write(paths.output, files, request)
        if paths.plan is not None and staged is not None and staged.exists():
            os.replace(staged, paths.plan)
            fsync_dir(paths.plan.parent)
        return BuildResult(0, paths.output, paths.plan, len(files))
    finally:
        if not swapped:
            shutil.rmtree(fresh, ignore_errors=True)
        if staged is not None and staged.exists():
            staged.unlink()
        written.unlink(missing_ok=True)


def output_of(settings: Path, content: Path | None, extra_settings: Mapping[str, object],
              env: Mapping[str, str]) -> Path:
    """The output folder a build with these settings would replace (the settings' OUTPUT_PATH,
    read as build() reads it). Raises BuildRefused as build() would."""
    return _resolve(Path(settings), None, content, dict(extra_settings),
                    build_env(env)).output


def content_of(settings: Path, content: Path | None, extra_settings: Mapping[str, object],
               env: Mapping[str, str]) -> Path:
    """The content folder a build with these settings reads (`content`, else the settings'
    PATH). Raises BuildRefused as build() would."""
    return _resolve(Path(settings), None, content, dict(extra_settings),
                    build_env(env)).content


def build_env(env: Mapping[str, str]) -> dict[str, str]:
    """`env` without what the build has no business seeing: the posting and deploy
    credentials (SECRET_VARS, any variable of a network, contract/networks.py, or AWS_*) and
    DEPLOY_GITHUB_REMOTE (a URL that may hold a token). A settings file or plugin could
    otherwise print or write them into the site."""
    return {key: value for key, value in env.items()
            if key not in KEPT_FROM_BUILD and not key.startswith(KEPT_FROM_BUILD_PREFIXES)}


def describe(result: BuildResult, cwd: Path | None = None) -> str:
    """One line saying truthfully what happened to the output folder and the plan."""
    output = _show(result.output, cwd)
    plan = _show(result.plan, cwd) if result.plan else None
    if result.kept:
        return (f"build: {output}/ already holds the site of these settings ({result.files} "
                "files, unchanged since that build); kept as it is")
    if result.ok:
        tail = (f"; plan written to {plan}"
                if result.plan is not None and result.plan.exists() else "")
        return f"build: {output}/ now holds the new site ({result.files} files){tail}"
    kept = f"{output}/ and {plan}" if plan else f"{output}/"
    if result.lost:
        shown = ", ".join(result.lost[:3]) + (f" and {len(result.lost) - 3} more"
                                              if len(result.lost) > 3 else "")
        return (f"build: the new site lost {len(result.lost)} file(s) Pelican wrote ({shown}): "
                f"something removed them while it ran; not swapped in: {kept} were left "
                "exactly as they were")
    return (f"build: pelican failed (exit {result.returncode}); {kept} were left exactly as "
            "they were")


# --- the steps -----------------------------------------------------------------------

def _refuse_options(pelican_args: Sequence[str]) -> None:
    for arg in pelican_args:
        name = arg.split("=", 1)[0]
        if name in REFUSED_OPTIONS:
            raise BuildRefused(f"pelican option {name} cannot be passed through; "
                             f"use {REFUSED_OPTIONS[name]} instead")


def _read_settings(settings: Path, env: Mapping[str, str]) -> dict[str, object]:
    """The few settings the swap needs, read by a Python like Pelican's own (a fresh
    process: a settings module imported here earlier must not stand in for this one)."""
    handle, answer = tempfile.mkstemp(prefix="publish-settings-", suffix=".json")
    os.close(handle)
    try:
        done = subprocess.run([sys.executable, "-c", SETTINGS_PROBE, str(settings), answer],
                              env=env, capture_output=True, text=True, check=False)
        if done.returncode != 0:
            lines = done.stderr.strip().splitlines() or [f"exit status {done.returncode}"]
            raise BuildRefused(f"{settings}: cannot be read: {lines[-1]}")
        try:
            values = json.loads(Path(answer).read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError):
            values = None
    finally:
        os.unlink(answer)
    if not isinstance(values, dict):
        raise BuildRefused(f"{settings}: cannot be read: reading it gave no settings (does it "
                         "exit or close its output while being imported?)")
    return values


def _resolve(settings: Path, output: Path | None, content: Path | None,
             extra: Mapping[str, object], env: Mapping[str, str]) -> _Paths:
    if not settings.is_file():
        raise BuildRefused(f"--settings: no settings file at {settings}")
    values = {**_read_settings(settings, env), **extra}
    here = settings.resolve().parent
    if output is None:
        output = here / str(values.get("OUTPUT_PATH", "output"))
    output = Path(os.path.abspath(output))
    plan_value = values.get("CAMPAIGN_PLAN_PATH", DEFAULT_PLAN_PATH)
    plan = Path(os.path.abspath(plan_value)) if isinstance(plan_value, str) else None
    source = Path(os.path.abspath(content if content is not None
                                  else here / str(values.get("PATH", "."))))
    problems = []
    if output.is_symlink() or (output.exists() and not output.is_dir()):
        problems.append(f"--output: {output} is not a plain folder (a symlink or a file)")
    held = [what for inside, what in ((source, "the content"),
                                      (settings.resolve(), "the settings file"),
                                      (Path.cwd(), "the current folder"))
            if inside == output or output in inside.parents]
    if held:
        problems.append(f"--output: {output} holds {' and '.join(held)}; it is replaced on "
                        "every build, so it must be a folder of its own")
    theme_value = values.get("THEME")
    theme = here / theme_value if isinstance(theme_value, str) and theme_value else None
    problems += outside_problems(source, shown="the content folder")
    if theme is not None and theme.is_dir():
        problems += outside_problems(theme / "static", theme, shown="the theme")
    if problems:
        raise BuildRefused("; ".join(problems))
    return _Paths(output, plan, source, theme if theme is not None and theme.is_dir() else None)


def _recover_leftovers(paths: _Paths) -> None:
    """Undo what a build killed halfway left behind (see the module docstring)."""
    recover_folder(paths.output)
    for written in paths.output.parent.glob(f".{paths.output.name}.new-*.written.json*"):
        written.unlink(missing_ok=True)
    if paths.plan is not None:
        for staged in paths.plan.parent.glob(f".{paths.plan.name}.new-*"):
            staged.unlink(missing_ok=True)


def _staged_plan(plan: Path | None) -> Path | None:
    if plan is None:
        return None
    plan.parent.mkdir(parents=True, exist_ok=True)
    return plan.parent / f".{plan.name}.new-{secrets.token_hex(4)}"


def _show(path: Path, cwd: Path | None) -> str:
    try:
        return str(path.relative_to(cwd or Path.cwd()))
    except ValueError:
        return str(path)
