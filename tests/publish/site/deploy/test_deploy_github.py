"""GitHub Pages deploys: ghp-import commits in a real project repository and the branch is
pushed to a local bare repository standing in for GitHub."""

from __future__ import annotations

import io
import subprocess
from pathlib import Path

import pytest

from publish.cli import main
from publish.site.deploy import DeployConfigError, GitHubTarget, deploy
from tests.publish.site.deploy.conftest import SITE_FILES, Captured


def git(cwd: Path, *args: str, env=None) -> str:
    return subprocess.run(["git", *args], cwd=cwd, env=env, capture_output=True, text=True,
                          check=True).stdout.strip()


@pytest.fixture
def repos(tmp_path: Path, base_env):
    """(the project repository, the bare "GitHub" remote) with the project's `origin`."""
    remote = tmp_path / "github.git"
    git(tmp_path, "init", "-q", "--bare", str(remote), env=base_env)
    project = tmp_path / "project"
    git(tmp_path, "init", "-q", "-b", "main", str(project), env=base_env)
    (project / "README.md").write_text("the blog's sources\n", encoding="utf-8")
    git(project, "add", "README.md", env=base_env)
    git(project, "-c", "user.name=Dev", "-c", "user.email=dev@example.com", "commit", "-q",
        "-m", "sources", env=base_env)
    git(project, "remote", "add", "origin", str(remote), env=base_env)
    return project, remote


def branch_files(remote: Path, branch: str = "gh-pages") -> list[str]:
    return git(remote, "ls-tree", "-r", "--name-only", branch).splitlines()


def commits(remote: Path, branch: str = "gh-pages") -> list[str]:
    return git(remote, "rev-list", branch).splitlines()


def test_the_branch_holds_the_site_nojekyll_and_cname(site, repos, base_env):
    project, remote = repos
    target = GitHubTarget("gh-pages", "origin", "blog.example.com", project)
    report = deploy(site, target, Captured(), env=base_env)

    assert report.ok, report.error
    expected = sorted([*SITE_FILES, ".nojekyll", "CNAME"])
    assert sorted(branch_files(remote)) == expected
    assert sorted(report.uploaded) == expected
    assert git(remote, "show", "gh-pages:CNAME") == "blog.example.com"
    assert git(remote, "show", "gh-pages:index.html") == SITE_FILES["index.html"]
    assert git(remote, "log", "-1", "--format=%s", "gh-pages").startswith(
        "Deploy the site from ")
    assert git(project, "rev-parse", "--abbrev-ref", "HEAD") == "main"  # sources untouched
    assert report.summary() == "deploy github:gh-pages (origin): 14 uploaded, 0 deleted, " \
                               "0 unchanged"


@pytest.mark.slow
def test_an_unchanged_site_makes_no_commit_and_a_change_pushes_one(site, repos, base_env):
    project, remote = repos
    target = GitHubTarget(remote="origin", repo=project)
    assert deploy(site, target, Captured(), env=base_env).ok

    again = deploy(site, target, Captured(), env=base_env)
    assert (again.uploaded, again.deleted, again.unchanged) == ([], [], 13)
    assert len(commits(remote)) == 1

    (site / "theme/css/style.css").write_text("body { color: #000 }", encoding="utf-8")
    (site / "robots.txt").unlink()
    changed = deploy(site, target, Captured(), env=base_env)

    assert changed.ok
    assert (changed.uploaded, changed.deleted, changed.unchanged) == (
        ["theme/css/style.css"], ["robots.txt"], 11)
    assert len(commits(remote)) == 2
    assert "robots.txt" not in branch_files(remote)


@pytest.mark.slow
def test_a_fresh_clone_continues_the_branch_without_forcing(site, repos, base_env, tmp_path):
    """CI checks out the sources only: no local gh-pages. The deploy builds on the remote's
    branch (a fast-forward push), it does not start a new history."""
    project, remote = repos
    assert deploy(site, GitHubTarget(repo=project), Captured(), env=base_env).ok
    first = commits(remote)
    clone = tmp_path / "ci-clone"
    git(tmp_path, "clone", "-q", str(remote), str(clone), "--branch", "gh-pages",
        env=base_env)
    git(clone, "checkout", "-q", "-b", "main", env=base_env)
    git(clone, "branch", "-q", "-D", "gh-pages", env=base_env)
    (site / "index.html").write_text("<title>Newer</title>", encoding="utf-8")

    report = deploy(site, GitHubTarget(repo=clone), Captured(), env=base_env)

    assert report.ok, report.error
    assert report.uploaded == ["index.html"]
    assert commits(remote)[1:] == first


def test_cli_takes_the_target_and_remote_from_the_environment(site, repos, base_env,
                                                              monkeypatch):
    project, remote = repos
    monkeypatch.chdir(project)
    env = {**base_env, "DEPLOY_TARGET": "github:site",
           "DEPLOY_GITHUB_REMOTE": str(remote)}
    stdout, stderr = io.StringIO(), io.StringIO()
    code = main(["deploy", "--site", str(site)], env=env, stdout=stdout, stderr=stderr,
                tty=False)

    assert code == 0, stderr.getvalue()
    assert f"deploy github:site ({remote}): 13 uploaded" in stdout.getvalue()
    assert "index.html" in branch_files(remote, "site")


def test_refusals_and_failures_name_the_problem(site, repos, base_env, tmp_path):
    project, _ = repos
    with pytest.raises(DeployConfigError, match="main is the branch checked out"):
        deploy(site, GitHubTarget("main", repo=project), Captured(), env=base_env)
    plain = tmp_path / "not-a-repo"
    plain.mkdir()
    with pytest.raises(DeployConfigError, match="is not a git repository"):
        deploy(site, GitHubTarget(repo=plain), Captured(), env=base_env)

    gone = GitHubTarget(remote=str(tmp_path / "missing.git"), repo=project)
    report = deploy(site, gone, Captured(), env=base_env)
    assert not report.ok
    assert report.error.startswith(f"reading gh-pages from {tmp_path / 'missing.git'}: "
                                   "git ls-remote failed: ")
    assert report.uploaded == []


@pytest.mark.slow
def test_after_a_failed_first_push_an_unchanged_site_is_pushed(site, repos, base_env):
    """The remote refused the first push: the local branch has the commit, the remote has no
    branch. The next deploy of the same site must push it (it used to see "nothing changed"
    locally and report success with nothing on the remote)."""
    project, remote = repos
    hook = remote / "hooks" / "pre-receive"
    hook.write_text("#!/bin/sh\necho 'refused for the test' >&2\nexit 1\n", encoding="utf-8")
    hook.chmod(0o755)
    target = GitHubTarget(remote="origin", repo=project)

    failed = deploy(site, target, Captured(), env=base_env)
    assert not failed.ok and "pushing gh-pages to origin" in failed.error
    assert git(remote, "branch", "--list", "gh-pages") == ""

    hook.unlink()
    again = deploy(site, target, Captured(), env=base_env)

    assert again.ok, again.error
    assert sorted(again.uploaded) == sorted([*SITE_FILES, ".nojekyll"])
    assert (again.deleted, again.unchanged) == ([], 0)
    assert sorted(branch_files(remote)) == sorted([*SITE_FILES, ".nojekyll"])
    assert len(commits(remote)) == 1          # the empty second commit was dropped
    assert git(project, "rev-parse", "gh-pages") == git(remote, "rev-parse", "gh-pages")

    third = deploy(site, target, Captured(), env=base_env)   # now in step: nothing to push
    assert (third.ok, third.uploaded, third.deleted, third.unchanged) == (True, [], [], 13)
    assert len(commits(remote)) == 1
