"""Deploy to a GitHub Pages branch with ghp-import, then push.

ghp-import commits the site (plus `.nojekyll`, and `CNAME` when DEPLOY_CNAME is set) as the
whole tree of the branch in the project's git repository, on top of the branch's last
commit. Before that the local branch is brought up to the remote's (a fresh CI clone has
no local gh-pages), and a commit that changes nothing is dropped, so a deploy every 15
minutes does not grow the branch's history. Whether to push is decided against the
remote's branch (`git ls-remote`), not the local one: a branch whose push failed is pushed
by the next deploy even when the site did not change.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path

from publish.errors import PublishError
from publish.site.deploy.base import DeployConfigError, DeployReport, redact_url, require_tool
from publish.site.deploy.config import GitHubTarget

IDENTITY = {"GIT_COMMITTER_NAME": "Listening Brands deploy",
            "GIT_COMMITTER_EMAIL": "deploy@localhost"}


class GitFailed(PublishError):
    """A git command of the deploy failed (the deploy failed: exit 1)."""


class Git:
    def __init__(self, repo: Path, env: Mapping[str, str]):
        self.repo = repo
        self.env = dict(env)

    def run(self, *args: str, ok: Sequence[int] = (0,)) -> subprocess.CompletedProcess:
        done = subprocess.run(["git", *args], cwd=self.repo, env=self.env, text=True,
                              capture_output=True, check=False)
        if done.returncode not in ok:
            raise GitFailed(f"git {args[0]} failed: " + _last_line(done))
        return done

    def out(self, *args: str) -> str:
        return self.run(*args).stdout.strip()

    def commit_of(self, ref: str) -> str | None:
        done = self.run("rev-parse", "-q", "--verify", f"{ref}^{{commit}}", ok=(0, 1))
        return done.stdout.strip() or None


def _last_line(done: subprocess.CompletedProcess) -> str:
    lines = (done.stderr or done.stdout or "").strip().splitlines()
    return redact_url(lines[-1]) if lines else f"exit status {done.returncode}"


def check(git: Git, target: GitHubTarget) -> None:
    require_tool("git", "GitHub Pages deploys commit and push with git")
    if git.run("rev-parse", "--git-dir", ok=(0, 128)).returncode != 0:
        raise DeployConfigError(f"{target.repo.resolve()} is not a git repository: a "
                                "github: target commits the site in the project's repository")
    current = git.run("symbolic-ref", "-q", "--short", "HEAD", ok=(0, 1)).stdout.strip()
    if current == target.branch:
        raise DeployConfigError(f"DEPLOY_TARGET: {target.branch} is the branch checked out in "
                                f"{target.repo.resolve()}; the site needs a branch of its own")


def fetch_branch(git: Git, target: GitHubTarget) -> str | None:
    """Make the local branch the remote's, when the remote has it; the remote's commit
    (None when the remote has no such branch: the local one, if any, was never pushed)."""
    ref = f"refs/heads/{target.branch}"
    found = git.run("ls-remote", "--exit-code", "--heads", target.remote, ref, ok=(0, 2))
    if found.returncode != 0:
        return None
    git.run("fetch", "-q", "--no-tags", target.remote, f"+{ref}:{ref}")
    return git.commit_of(ref)


def changes(git: Git, before: str | None, after: str) -> tuple[list[str], list[str], int]:
    """(added or modified, deleted, unchanged) paths between two commits of the branch."""
    files = git.out("ls-tree", "-r", "--name-only", after).splitlines()
    if before is None:
        return files, [], 0
    written: list[str] = []
    deleted: list[str] = []
    diff = git.out("diff-tree", "-r", "--no-renames", "--name-status", before, after)
    for line in diff.splitlines():
        status, _, path = line.partition("\t")
        (deleted if status == "D" else written).append(path)
    return written, deleted, len(files) - len(written)


def deploy(site: Path, target: GitHubTarget, out, env: Mapping[str, str]) -> DeployReport:
    env = dict(env)
    git = Git(target.repo, env)
    check(git, target)
    report = DeployReport(str(target))
    ref = f"refs/heads/{target.branch}"
    step = f"reading {target.branch} from {redact_url(target.remote)}"
    try:
        remote = fetch_branch(git, target)
        before = git.commit_of(ref)
        step = "committing the site with ghp-import"
        source = git.commit_of("HEAD")
        message = "Deploy the site" + (f" from {source[:12]}" if source else "")
        for key, value in IDENTITY.items():  # ghp-import reads these, else git config
            config = key.replace("GIT_COMMITTER_", "user.").lower()
            if not env.get(key) and git.run("config", config, ok=(0, 1)).returncode:
                env[key] = value
        command = [sys.executable, "-m", "ghp_import", "--no-jekyll", "-m", message,
                   "-b", target.branch, "-r", target.remote, os.fspath(site.resolve())]
        if target.cname:
            command[3:3] = ["--cname", target.cname]
        done = subprocess.run(command, cwd=target.repo, env=env, text=True,
                              capture_output=True, check=False)
        after = git.commit_of(ref)
        if done.returncode != 0 or after is None or after == before:
            raise GitFailed("ghp-import made no commit: " + _last_line(done))
        if before is not None and changes(git, before, after)[:2] == ([], []):
            git.run("update-ref", ref, before, after)  # the commit changes nothing: drop it
            after = before
        # What the push changes is decided against the remote's branch, not the local one:
        # after a failed push the local branch holds a commit the remote never got.
        written, deleted, same = changes(git, remote, after)
        report.unchanged = same
        if after == remote:
            return report                              # the remote has it: nothing to push
        step = f"pushing {target.branch} to {redact_url(target.remote)}"
        git.run("push", "-q", target.remote, f"{ref}:{ref}")
    except GitFailed as exc:
        report.error = f"{step}: {exc}"
        return report
    report.uploaded, report.deleted = written, deleted
    for path in written:
        out.item("commit", path)
    for path in deleted:
        out.item("remove", path)
    return report
