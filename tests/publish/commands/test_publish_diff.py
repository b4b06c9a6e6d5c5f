"""`python -m publish diff --base REF` in a real git clone with a bare origin: the site's
theme, plugins and settings with a few small posts of our own, built for real at both sides
(issue 21's "done when": a branch that adds two posts and edits a third lists exactly
those). The pure parts (comparison, Markdown) are in test_plan_changes.py."""

from __future__ import annotations

import io
import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from publish.cli import main
from publish.report.changes_text import MARKER

REPO = Path(__file__).resolve().parents[3]
NOW = "2026-11-22T16:00:00Z"
SITE_FILES = ("theme", "plugins", "contract", "pelicanconf.py", "content/pages",
              "content/extra", "content/images")
SITE = "https://blog.listening-brands.example"


def post(slug: str, social: str, networks: str = "x", date: str = "2026-11-25 09:00") -> str:
    return (f"Title: {slug.replace('-', ' ').title()}\nDate: {date}\n"
            f"Summary: All about {slug}.\nSocial: {social} {{url}}\n"
            f"Social_Networks: {networks}\n\nThe body of {slug}.\n")


def git(where: Path, *args: str) -> str:
    done = subprocess.run(["git", *args], cwd=where, capture_output=True, text=True,
                          check=True, env=git_env())
    return done.stdout


def git_env() -> dict[str, str]:
    keep = ("PATH", "HOME", "LANG", "TMPDIR")
    return {**{k: os.environ[k] for k in keep if k in os.environ},
            "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.invalid",
            "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.invalid"}


def sent(text: str, post: int) -> dict:
    return {"network": "x", "state": "sent", "text": text, "link": f"{SITE}/", "source":
            "posts/sent-before.md", "post_id": str(post),
            "url": f"https://x.com/i/web/status/{post}", "sent_at": "2026-11-20T09:01:00Z",
            "attempted_at": "2026-11-20T09:01:00Z", "attempts": 1, "confirmed_by": "api"}


@pytest.fixture(scope="module")
def origin(tmp_path_factory) -> Path:
    """A bare origin whose main has three posts (one of them already sent) and a ledger."""
    seed = tmp_path_factory.mktemp("seed") / "site"
    seed.mkdir()
    for name in SITE_FILES:
        source = REPO / name
        if source.is_dir():
            shutil.copytree(source, seed / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(source, seed / name)
    posts = seed / "content" / "posts"
    posts.mkdir(parents=True)
    (posts / "kept.md").write_text(post("kept", "Nothing changes here"), encoding="utf-8")
    (posts / "edited.md").write_text(post("edited", "The first words"), encoding="utf-8")
    (posts / "sent-before.md").write_text(
        post("sent-before", "Out already", date="2026-11-20 09:00"), encoding="utf-8")
    (seed / ".gitignore").write_text("state/plan.json\noutput/\ncache/\n", encoding="utf-8")
    git(seed, "init", "--quiet", "--initial-branch", "main")
    git(seed, "add", "-A")
    git(seed, "commit", "--quiet", "-m", "three posts")
    bare = seed.parent / "origin.git"
    git(seed.parent, "clone", "--quiet", "--bare", str(seed), str(bare))
    return bare


@pytest.fixture
def clone(origin, tmp_path, monkeypatch) -> Path:
    here = tmp_path / "clone"
    git(tmp_path, "clone", "--quiet", str(origin), str(here))
    monkeypatch.chdir(here)
    return here


def run_diff(*args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    env = {**git_env(), "PYTHONPATH": str(REPO)}
    code = main(["diff", "--now", NOW, *args], env=env, stdout=out, stderr=err, tty=False)
    return code, out.getvalue(), err.getvalue()


def ledger(where: Path, items: dict) -> None:
    (where / "state").mkdir(exist_ok=True)
    (where / "state" / "ledger.json").write_text(
        json.dumps({"schema": "publish-ledger/1", "items": items}), encoding="utf-8")


def worktrees(where: Path) -> list[str]:
    return [line for line in git(where, "worktree", "list", "--porcelain").splitlines()
            if line.startswith("worktree ")]


def test_a_branch_that_adds_two_posts_and_edits_a_third_lists_exactly_those(clone):
    git(clone, "switch", "--quiet", "-c", "feature")
    posts = clone / "content" / "posts"
    (posts / "new-one.md").write_text(post("new-one", "Brand new <b>words</b> @someone"),
                                      encoding="utf-8")
    (posts / "new-two.md").write_text(post("new-two", "Also new", networks="mastodon"),
                                      encoding="utf-8")
    edited = posts / "edited.md"
    edited.write_text(edited.read_text(encoding="utf-8").replace(
        "The first words", "Better words"), encoding="utf-8")
    before = posts / "sent-before.md"
    before.write_text(before.read_text(encoding="utf-8").replace(
        "Out already", "Out already, now reworded"), encoding="utf-8")
    git(clone, "add", "-A")
    git(clone, "commit", "--quiet", "-m", "two new posts, one edit")
    sent_text = f"Out already {SITE}/2026/sent-before/?utm_source=x"
    ledger(clone, {"en/sent-before/social-1/x": sent(sent_text, 1849203000000000001)})
    kept = {clone / "output" / "index.html": "the last site", clone / "state" / "plan.json":
            '{"the": "last plan"}'}
    for path, text in kept.items():
        path.parent.mkdir(exist_ok=True)
        path.write_text(text, encoding="utf-8")

    code, out, err = run_diff("--base", "origin/main", "--format", "json")

    assert code == 0, err
    doc = json.loads(out)
    assert [i["id"] for i in doc["added"]] == ["en/new-one/social-1/x",
                                               "en/new-two/social-1/mastodon"]
    assert [c["id"] for c in doc["changed"]] == ["en/edited/social-1/x"]
    assert doc["removed"] == []
    change = doc["changed"][0]
    assert change["before"]["text"].startswith("The first words https://")
    assert change["after"]["text"].startswith("Better words https://")
    assert change["after"]["estimated_cost_usd"] == 0.2
    assert [s["id"] for s in doc["already_sent"]] == ["en/sent-before/social-1/x"]
    assert doc["already_sent"][0]["posted_text"] == sent_text
    assert doc["already_sent"][0]["after"]["state"] == "sent"
    # x (0.20) and mastodon (0) added; the edit costs what it cost before.
    assert doc["total_estimated_cost_usd"] == 0.2
    assert [i["estimated_cost_usd"] for i in doc["added"]] == [0.2, 0.0]
    assert worktrees(clone) == [f"worktree {clone}"]
    assert {path: path.read_text(encoding="utf-8") for path in kept} == kept
    assert sorted(p.name for p in (clone / "output").iterdir()) == ["index.html"]

    code, markdown, err = run_diff("--base", "origin/main", "--format", "markdown")
    assert code == 0, err
    assert markdown.startswith(MARKER + "\n")
    listed = {line.strip("`") for line in markdown.splitlines()
              if line.startswith("`en/")}
    assert listed == {"en/new-one/social-1/x", "en/new-two/social-1/mastodon",
                      "en/edited/social-1/x", "en/sent-before/social-1/x"}
    headings = [line for line in markdown.splitlines() if line.startswith("#### ")]
    assert headings == ["#### Sent Before", "#### Edited", "#### New One", "#### New Two"]
    assert "Already sent" in markdown
    assert "<b>" not in markdown and "&lt;b&gt;words&lt;/b&gt;" in markdown
    assert "@someone" not in markdown      # no GitHub mention
    assert "en/kept/" not in markdown


def test_no_change_gives_a_short_comment(clone):
    code, markdown, err = run_diff("--base", "HEAD", "--format", "markdown")
    assert code == 0, err
    assert markdown == f"{MARKER}\n**Social posts:** no change (compared with `HEAD`).\n"


def test_an_unknown_ref_is_exit_2_and_builds_nothing(clone):
    code, out, err = run_diff("--base", "no-such-branch")
    assert code == 2 and out == ""
    error = err.splitlines()[-1]         # after the warning that there is no ledger
    assert error.startswith("publish: diff: --base no-such-branch: no such commit in ")
    assert worktrees(clone) == [f"worktree {clone}"]
    # As the pull request's comment: the same lines, in a code block.
    code, markdown, _ = run_diff("--base", "no-such-branch", "--format", "markdown")
    assert code == 2
    assert markdown == (f"{MARKER}\n**Social posts:** no preview (compared with "
                        "`no-such-branch`): fix what is listed here, and push again.\n\n"
                        f"```\n{error}\n```\n")


def test_a_post_broken_in_the_working_tree_and_one_at_ref_are_both_listed_exit_2(clone):
    """Every problem at once: REF's post and the working tree's, each the build's own line;
    the worktree is removed after a failed build too."""
    posts = clone / "content" / "posts"

    def spoil(name: str, line: str) -> None:
        path = posts / name
        path.write_text(path.read_text(encoding="utf-8").replace(
            "Social_Networks: x", f"Social_Networks: x\n{line}"), encoding="utf-8")

    spoil("edited.md", "Coupon_Expiers: 2027-01-01")
    git(clone, "commit", "--quiet", "-am", "a typo")
    git(clone, "checkout", "--quiet", "HEAD~1", "--", "content/posts/edited.md")
    spoil("kept.md", "Socail: hello")
    code, out, err = run_diff("--base", "HEAD")
    assert code == 2 and out == ""
    lines = err.splitlines()
    assert ("posts/kept.md: Socail: unknown key (did you mean Social?)" in lines)
    assert ("posts/edited.md: Coupon_Expiers: unknown key (did you mean Coupon_Expires?)"
            in lines)
    assert lines[-2:] == [
        "publish: diff: HEAD: the build failed (exit 1): fix what is listed above; nothing "
        "was compared",
        "publish: diff: the working tree: the build failed (exit 1): fix what is listed "
        "above; nothing was compared"]
    assert worktrees(clone) == [f"worktree {clone}"]
    assert not (clone / "output").exists() and not (clone / "state" / "plan.json").exists()
