""".ci/commit-state, the publish workflow's commit step, against a local bare origin.

A copy of the committed project is pushed to a bare `origin.git`; clone `ci` runs the real
`make publish` against the loopback fakes of the three networks (10:00: the 3 due launch
posts go out on each; 12:00: their numbers come back and two posts get engagement lines).
Each test copies that state, lets a marketer's clone push first where the story needs it,
then runs the script in `ci`.
"""

import json
import os
import shutil
import subprocess
from datetime import UTC, datetime
from pathlib import Path
from types import SimpleNamespace

import pytest

from tests.e2e.conftest import created, running_fakes, sent_ids, set_clocks, tracked_files
from tests.e2e.conftest import make_publish as make_publish_with
from tests.e2e.test_make_publish import ARTICLE, DUE_FIRST, EACH, FIRST

REPO = Path(__file__).resolve().parents[2]


def make_publish(root: Path, fakes: dict, now: str):
    """`make publish` against the networks' fakes. What is checked here is git, not the
    site: no deploy target, and no link check (tests/e2e covers both)."""
    env = {"PATH": os.environ["PATH"], "HOME": os.environ.get("HOME", "/tmp"),
           "LANG": "C.UTF-8"}
    for fake in fakes.values():
        env.update(fake.env(PUBLISH_HTTP_TIMEOUT="2,2"))
    return make_publish_with(root, env, now, "--no-link-check")


SCRIPT = REPO / ".ci" / "commit-state"
TRANSLATION = "content/posts/answering-customers-on-twitter-is.md"
LATER = "2026-11-20T12:00:00Z"
GIT_ENV = {
    "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1",
    "GIT_AUTHOR_NAME": "test", "GIT_AUTHOR_EMAIL": "test@example.invalid",
    "GIT_COMMITTER_NAME": "test", "GIT_COMMITTER_EMAIL": "test@example.invalid",
}


def git(cwd: Path, *args: str) -> str:
    env = {"PATH": os.environ["PATH"], "HOME": str(cwd), "LANG": "C.UTF-8", **GIT_ENV}
    done = subprocess.run(["git", *args], cwd=cwd, env=env, capture_output=True, text=True)
    assert done.returncode == 0, f"git {' '.join(args)}: {done.stderr}"
    return done.stdout


def commit_state(clone: Path, *args: str, **env: str) -> subprocess.CompletedProcess:
    """The script as the workflow runs it: from the checkout, with an injected retry delay."""
    full_env = {"PATH": os.environ["PATH"], "HOME": str(clone), "LANG": "C.UTF-8", **GIT_ENV,
                "COMMIT_STATE_RETRY_DELAY": "0", **env}
    return subprocess.run([str(SCRIPT), *args], cwd=clone, env=full_env, capture_output=True,
                          text=True, timeout=120)


def on_origin(origin: Path, path: str) -> str:
    return git(origin, "show", f"main:{path}")


def sent_on_origin(origin: Path) -> set[str]:
    items = json.loads(on_origin(origin, "state/ledger.json"))["items"]
    return {key for key, record in items.items() if record["state"] == "sent"}


def rebase_in_progress(clone: Path) -> bool:
    return any((clone / ".git" / name).exists() for name in ("rebase-merge", "rebase-apply"))


def edit(clone: Path, path: str, old: str, new: str, message: str) -> None:
    """A person's change, pushed: replace old (which must be there) with new."""
    file = clone / path
    text = file.read_text(encoding="utf-8")
    assert old in text, f"{path} no longer contains {old!r}"
    file.write_text(text.replace(old, new, 1), encoding="utf-8")
    git(clone, "commit", "--quiet", "-am", message)
    git(clone, "push", "--quiet", "origin", "main")


@pytest.fixture(scope="module")
def published(tmp_path_factory):
    """origin.git holding the committed project, and clone `ci` after two publisher runs."""
    root = tmp_path_factory.mktemp("published")
    seed = root / "seed"
    for name in tracked_files():
        if (REPO / name).is_file():
            (seed / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(REPO / name, seed / name)
    git(seed, "init", "--quiet", "-b", "main")
    git(seed, "add", "-A")
    git(seed, "commit", "--quiet", "-m", "the project")
    git(root, "clone", "--quiet", "--bare", str(seed), "origin.git")
    git(root, "clone", "--quiet", "origin.git", "ci")
    ci = root / "ci"
    with running_fakes(datetime(2026, 11, 20, 10, 0, tzinfo=UTC)) as fakes:
        first = make_publish(ci, fakes, FIRST)
        assert first.returncode == 0, first.stdout + first.stderr
        for number, post_id in enumerate(sorted(fakes["x"].posts), start=1):
            fakes["x"].set_metrics(post_id, likes=10 * number, reposts=number, impressions=900)
        set_clocks(fakes, datetime(2026, 11, 20, 12, 0, tzinfo=UTC))
        second = make_publish(ci, fakes, LATER)
        assert second.returncode == 0, second.stdout + second.stderr
        assert sent_ids(ci) == DUE_FIRST and created(fakes) == EACH
        changed = git(ci, "status", "--porcelain", "--untracked-files=no").split("\n")
        assert sorted(line[3:] for line in changed if line) == sorted(
            [ARTICLE, TRANSLATION, "state/history.jsonl", "state/ledger.json"])
        yield SimpleNamespace(root=root, fakes=fakes)


@pytest.fixture
def world(published, tmp_path):
    """This test's own copy: origin.git, the CI checkout with its uncommitted state, and a
    marketer's clone of origin."""
    shutil.copytree(published.root / "origin.git", tmp_path / "origin.git")
    shutil.copytree(published.root / "ci", tmp_path / "ci", symlinks=True)
    git(tmp_path / "ci", "remote", "set-url", "origin", str(tmp_path / "origin.git"))
    git(tmp_path, "clone", "--quiet", "origin.git", "marketer")
    return SimpleNamespace(origin=tmp_path / "origin.git", ci=tmp_path / "ci",
                           marketer=tmp_path / "marketer", fakes=published.fakes,
                           tmp=tmp_path)


@pytest.mark.slow
def test_happy_path_pushes_the_ledger_first_then_the_posts(world):
    done = commit_state(world.ci)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "pushed to origin/main" in done.stdout and "attempt 1)" in done.stdout
    subjects = git(world.origin, "log", "--format=%s", "-3", "main").splitlines()
    assert subjects[0].startswith("publish: engagement lines in 2 post(s)")
    assert subjects[1].startswith("publish: ledger and history")
    assert subjects[2] == "the project"
    assert git(world.origin, "show", "--format=", "--name-only", "main~1").split() == [
        "state/history.jsonl", "state/ledger.json"]
    assert git(world.origin, "show", "--format=", "--name-only", "main").split() == sorted(
        [ARTICLE, TRANSLATION])
    assert sent_on_origin(world.origin) == DUE_FIRST
    assert git(world.ci, "status", "--porcelain", "--untracked-files=no") == ""

    again = commit_state(world.ci)
    assert again.returncode == 0 and "nothing to commit" in again.stdout


@pytest.mark.slow
def test_conflicting_post_keeps_the_marketers_version_and_the_ledger_reaches_origin(world):
    # The marketer edits the same post's header while CI writes its Engagement lines there.
    marketer_header = "Campaign: listening-week\nSocial_3: One more week of answering fast {url}"
    edit(world.marketer, ARTICLE, "Campaign: listening-week",
         marketer_header + "\nSocial_3_At: +1w", "Add a one-week reminder")
    marketers_post = (world.marketer / ARTICLE).read_bytes()

    done = commit_state(world.ci)
    output = done.stdout + done.stderr
    assert done.returncode == 0, output
    assert "rejected (attempt 1 of 5)" in output
    assert "rebase onto origin/main conflicted: aborted it" in output
    assert f"::warning file={ARTICLE}::" in output and "kept that version" in output
    assert "::error::" not in output
    assert not rebase_in_progress(world.ci)
    assert git(world.ci, "status", "--porcelain", "--untracked-files=no") == ""

    # On origin: the record of the 3 sent posts, the marketer's post untouched, the other
    # post with its engagement lines, and the marketer's commit kept in the history.
    assert sent_on_origin(world.origin) == DUE_FIRST
    assert on_origin(world.origin, "state/history.jsonl").count("\n") == len(DUE_FIRST)
    assert on_origin(world.origin, ARTICLE).encode() == marketers_post
    assert "Engagement_X: " in on_origin(world.origin, TRANSLATION)
    subjects = git(world.origin, "log", "--format=%s", "main").splitlines()
    assert subjects[2] == "Add a one-week reminder"
    assert subjects[1].startswith("publish: ledger and history")

    # The next scheduled run starts from origin's tip: nothing is posted again, and the
    # engagement lines come back into the marketer's version of the post.
    git(world.tmp, "clone", "--quiet", "origin.git", "next")
    next_run = world.tmp / "next"
    before = created(world.fakes)
    rerun = make_publish(next_run, world.fakes, "2026-11-20T12:15:00Z")
    assert rerun.returncode == 0, rerun.stdout + rerun.stderr
    assert created(world.fakes) == before == EACH
    assert "cycle: post: 0 sent" in rerun.stdout
    assert sent_ids(next_run) == DUE_FIRST
    header = (next_run / ARTICLE).read_text(encoding="utf-8").split("\n\n", 1)[0]
    assert marketer_header in header and "Engagement_X: likes " in header

    pushed = commit_state(next_run)
    assert pushed.returncode == 0, pushed.stdout + pushed.stderr
    assert "Engagement_X: likes " in on_origin(world.origin, ARTICLE)
    assert marketer_header in on_origin(world.origin, ARTICLE)


@pytest.mark.slow
def test_a_concurrent_push_that_does_not_conflict_keeps_both(world):
    ending = "we will happily share the spreadsheet."
    edit(world.marketer, ARTICLE, ending, "we will happily share the rota spreadsheet.",
         "Name the spreadsheet")
    edit(world.marketer, "content/posts/when-not-to-reply.md", "Title: ", "Title: Edited: ",
         "Sharper title")

    done = commit_state(world.ci)
    output = done.stdout + done.stderr
    assert done.returncode == 0, output
    assert "rejected (attempt 1 of 5)" in output and "conflicted" not in output
    assert not rebase_in_progress(world.ci)
    article = on_origin(world.origin, ARTICLE)
    assert "share the rota spreadsheet." in article and "Engagement_X: likes " in article
    assert "Title: Edited: " in on_origin(world.origin, "content/posts/when-not-to-reply.md")
    assert sent_on_origin(world.origin) == DUE_FIRST


@pytest.mark.slow
def test_a_push_that_keeps_failing_exits_1_loudly_and_keeps_the_commits(world):
    hook = world.origin / "hooks" / "pre-receive"
    hook.write_text("#!/bin/sh\necho x >> \"$GIT_DIR/attempts\"\n"
                    "echo 'protected branch: pushes refused' >&2\nexit 1\n")
    hook.chmod(0o755)

    done = commit_state(world.ci, COMMIT_STATE_ATTEMPTS="3")
    output = done.stdout + done.stderr
    assert done.returncode == 1, output
    assert "::error::state/ledger.json did not reach origin/main after 3 attempts" in output
    assert (world.origin / "attempts").read_text().count("x") == 3
    assert sent_on_origin(world.origin) == set()
    assert not rebase_in_progress(world.ci)
    # The two commits are still in the checkout, ready to be pushed by hand.
    ledger = json.loads(git(world.ci, "show", "HEAD~1:state/ledger.json"))["items"]
    assert {key for key, record in ledger.items() if record["state"] == "sent"} == DUE_FIRST


@pytest.mark.parametrize(("args", "env", "message"), [
    (["--bogus"], {}, "unknown option --bogus"),
    ([], {"COMMIT_STATE_ATTEMPTS": "0"}, "COMMIT_STATE_ATTEMPTS must be a whole number >= 1"),
    ([], {"COMMIT_STATE_RETRY_DELAY": "soon"}, "COMMIT_STATE_RETRY_DELAY must be whole"),
])
def test_bad_usage_exits_2_and_names_the_problem(tmp_path, args, env, message):
    git(tmp_path, "init", "--quiet", "-b", "main")
    done = commit_state(tmp_path, *args, **env)
    assert done.returncode == 2 and message in done.stderr
    assert "::error::" not in done.stdout


def test_a_rebase_left_by_someone_else_is_not_touched(tmp_path):
    git(tmp_path, "init", "--quiet", "-b", "main")
    (tmp_path / ".git" / "rebase-merge").mkdir()
    done = commit_state(tmp_path)
    assert done.returncode == 2 and "a rebase is in progress" in done.stderr
    assert (tmp_path / ".git" / "rebase-merge").is_dir()
