"""`python -m publish diff --base REF`: what a change does to the social posts.

Builds the plan twice with `make html`'s build (publish.site.build: Pelican in a subprocess,
without the credentials), each into a temporary folder: once from REF, checked out into a
temporary git worktree (removed afterwards, whatever happens), and once from the working
tree. output/ and state/plan.json are never touched. Then compares the two plans
(publish/report/plan_changes.py), with the ledger saying what was already sent, and prints
the changes as text, Markdown (a pull request's comment) or JSON.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import subprocess
import tempfile
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from publish.clock import format_duration, format_time
from publish.errors import ConfigError, ExitCode
from publish.posting.decisions import DEFAULT_MAX_LATENESS
from publish.posting.plan_file import PlanError, load_plan
from publish.report import changes_text
from publish.report.plan_changes import Side, compare, json_document
from publish.report.previews import read_card
from publish.site import build as site_build

if TYPE_CHECKING:
    from publish.context import Ctx

NAME = "diff"
DESCRIPTION = ("show what a change does to the social posts: the plan built at --base REF "
               "against the plan of the working tree (added, changed, removed, already sent)")
EXAMPLES = """\
Builds both plans into temporary folders (REF in a temporary git worktree); output/ and
state/plan.json are not touched. Items already sent (state/ledger.json) are never posted
again, whatever their header says now: their edits are listed apart. Exit 0 with the
changes (none is fine), 2 when either side does not build (the build's own messages, on
stderr; with --format markdown also on stdout, as the comment).

examples:
  python -m publish diff --base main                   # this branch's posts against main's
  python -m publish diff --base HEAD --format json     # uncommitted edits, for a script
  python -m publish diff --base origin/main --format markdown > comment.md   # a PR comment"""
FORMATS = ("text", "markdown", "json")


class DiffError(ConfigError):
    """Nothing to compare: a bad --base, no git, or a side that does not build (each line one
    problem; exit 2). `messages`: what the failed builds printed (their `file: Key: reason`
    lines), shown as they are before the problems."""

    def __init__(self, problems: str, messages: tuple[str, ...] = ()):
        super().__init__(problems)
        self.messages = messages

    def lines(self, command: str = "") -> list[str]:
        return [*self.messages, *(f"publish: diff: {p}" for p in self.problem_lines())]


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--base", required=True, metavar="REF",
                        help="the commit to compare with: a branch, tag or commit id")
    parser.add_argument("--format", choices=FORMATS, default="text",
                        help="text (default, for a terminal), markdown (a pull request "
                             "comment) or json")
    parser.add_argument("--settings", type=Path, default=Path("pelicanconf.py"),
                        help="Pelican settings of both builds (default: %(default)s)")
    parser.add_argument("--content", type=Path, default=Path("content"),
                        help="content folder (default: %(default)s)")
    parser.add_argument("--ledger", type=Path, default=Path("state/ledger.json"),
                        help="what was sent (default: %(default)s)")
    parser.add_argument("--now", metavar="TIME",
                        help="the states at TIME (ISO 8601, e.g. 2026-11-22T15:00:00Z)")
    parser.add_argument("--max-lateness", default=format_duration(DEFAULT_MAX_LATENESS),
                        metavar="DURATION",
                        help="the limit between due and missed (default: %(default)s)")


def run(ctx: Ctx) -> int:
    args = ctx.args
    ledger = ctx.read_ledger()      # a damaged ledger or a bad option fails before any build
    max_lateness = ctx.max_lateness()
    try:
        sides = build_sides(args.base, Path(args.settings), Path(args.content), ctx.now,
                            ctx.env, say=ctx.out.notice)
    except DiffError as exc:
        if args.format == "markdown":   # the pull request's comment says so too
            ctx.out.write(changes_text.failure_markdown(exc.lines(NAME), args.base))
        raise                           # main() shows its lines on stderr: exit 2
    changes = compare(sides.before, sides.after, ledger, ctx.now, max_lateness)
    if args.format == "json":
        ctx.out.json(json_document(changes, args.base, ctx.now))
    elif args.format == "markdown":
        ctx.out.write(changes_text.markdown(changes, args.base))
    else:
        ctx.out.write(changes_text.text(changes, args.base))
    return ExitCode.OK


# --- the two builds -----------------------------------------------------------------------

@dataclass(frozen=True)
class Sides:
    before: Side
    after: Side


def build_sides(base: str, settings: Path, content: Path, now: datetime,
                env: Mapping[str, str], say=lambda line: None) -> Sides:
    """Both sides built, or DiffError naming every problem of both."""
    top = _toplevel(Path.cwd(), env)
    commit = _commit(top, base, env)
    inside = {name: _inside(top, path, name) for name, path in
              (("--settings", settings), ("--content", content))}
    with tempfile.TemporaryDirectory(prefix="publish-diff-") as folder:
        scratch = Path(folder)
        say(f"diff: building the plan of the working tree and of {base} ({commit[:12]})")
        after = _side("the working tree", settings, content, scratch / "after", now, env)
        with worktree(top, commit, scratch / "base", env) as tree:
            before = _side(base, tree / inside["--settings"], tree / inside["--content"],
                           scratch / "before", now, env)
    if isinstance(before, Side) and isinstance(after, Side):
        return Sides(before, after)
    failed = [side for side in (before, after) if isinstance(side, Failed)]
    raise DiffError("\n".join(f.problem for f in failed),
                    tuple(line for f in failed for line in f.messages))


def _git(args: list[str], cwd: Path, env: Mapping[str, str]) -> subprocess.CompletedProcess:
    try:
        return subprocess.run(["git", *args], cwd=cwd, env=dict(env), capture_output=True,
                              text=True, check=False)
    except FileNotFoundError:
        raise DiffError("git is not installed: --base needs the project's history") from None


def _toplevel(here: Path, env: Mapping[str, str]) -> Path:
    done = _git(["rev-parse", "--show-toplevel"], here, env)
    if done.returncode != 0:
        raise DiffError(f"{here} is not in a git repository: --base needs the project's "
                        "history")
    return Path(done.stdout.strip())


def _commit(top: Path, ref: str, env: Mapping[str, str]) -> str:
    if ref.startswith("-"):
        raise DiffError(f"--base {ref}: not a commit")
    done = _git(["rev-parse", "--verify", "--quiet", "--end-of-options", f"{ref}^{{commit}}"],
                top, env)
    if done.returncode != 0:
        raise DiffError(f"--base {ref}: no such commit in {top} (a branch, tag or commit "
                        "id; in a shallow clone, fetch it first)")
    return done.stdout.strip()


def _inside(top: Path, path: Path, option: str) -> Path:
    """`path` relative to the repository's top: where it is in REF's worktree."""
    try:
        return path.resolve().relative_to(top.resolve())
    except ValueError:
        raise DiffError(f"{option} {path} is outside the git repository {top}") from None


@contextlib.contextmanager
def worktree(top: Path, commit: str, where: Path, env: Mapping[str, str]) -> Iterator[Path]:
    """`commit` checked out at `where` (a detached worktree of `top`), removed afterwards
    even when the block fails."""
    try:
        done = _git(["worktree", "add", "--detach", "--quiet", str(where), commit], top, env)
        if done.returncode != 0:
            lines = done.stderr.strip().splitlines() or [f"exit {done.returncode}"]
            raise DiffError(f"git worktree add {commit[:12]} failed: {lines[-1]}")
        yield where
    finally:
        _git(["worktree", "remove", "--force", str(where)], top, env)
        _git(["worktree", "prune"], top, env)


@dataclass(frozen=True)
class Failed:
    """A side that did not build: what its build printed, and what went wrong."""
    problem: str
    messages: tuple[str, ...] = ()


def _side(name: str, settings: Path, content: Path, folder: Path, now: datetime,
          env: Mapping[str, str]) -> Side | Failed:
    """The plan and link cards `settings` build from `content` into `folder`; or, when it
    does not build, the build's own messages and a line naming the side."""
    folder.mkdir(parents=True, exist_ok=True)
    plan = folder / "plan.json"
    extra = {"CAMPAIGN_PLAN_PATH": str(plan), "CAMPAIGN_NOW": format_time(now)}
    with tempfile.TemporaryFile("w+", encoding="utf-8", errors="replace") as messages:
        try:
            result = site_build.build(settings, output=folder / "output", content=content,
                                      extra_settings=extra,
                                      pelican_args=["--log-handler", "plain"], env=env,
                                      stdout=messages, stderr=messages)
        except site_build.BuildRefused as exc:
            return Failed(f"{name}: the build cannot run: {exc}")
        messages.seek(0)
        said = messages.read()
    if not result.ok:
        return Failed(f"{name}: the build failed (exit {result.returncode}): fix what is "
                      "listed above; nothing was compared", tuple(said.rstrip().splitlines()))
    try:
        loaded = load_plan(plan)
        raw = json.loads(plan.read_text(encoding="utf-8"))["items"]
    except PlanError as exc:
        return Failed(f"{name}: {exc}")
    cards = {item.link: read_card(folder / "output", item.link, loaded.site_url)
             for item in loaded.items}
    return Side(loaded, {entry["id"]: entry for entry in raw}, cards)
