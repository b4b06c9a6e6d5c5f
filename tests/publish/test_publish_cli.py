"""The command line: plan and status printing, resolve, help, exit codes, clear errors."""

from __future__ import annotations

import io
import json

import pytest

from publish.cli import main
from tests.publish.conftest import ANSWERING, DUE_IDS, OLD

SOCIAL1 = f"en/{ANSWERING}/social-1/x"
SOCIAL2 = f"en/{ANSWERING}/social-2/x"


def test_plan_plain_table(project):
    result = project.cli("plan", now="2026-11-22T08:00:00Z")
    assert result.code == 0, result.text
    lines = result.out.splitlines()
    assert lines[0] == "plan at 2026-11-22 08:00 UTC"     # a plan without `timezone`: UTC
    assert lines[1].split() == ["when", "(UTC)", "network", "length", "cost", "state", "id",
                                "text"]
    row = next(line for line in lines if SOCIAL1 in line)
    assert row.split()[:8] == ["2026-11-22", "09:00", "UTC", "x", "75/280", "$0.20",
                               "scheduled", SOCIAL1]
    assert row.endswith(f"Here is how blog.listening-brands.example/2026/{ANSWERING}/…")
    # the coupon announcement has no warning, so the link warning stays with its rows
    assert lines[lines.index(row) + 1] == \
        "    ! contains a link: X charges more for posts with a link (as of 2026)"
    assert lines[-1] == "plan: 5 items: 4 scheduled, 1 missed"


def test_plan_marks_due_items_and_ledger_state(project, fake_x):
    project.cli("run", env=fake_x.env())
    result = project.cli("plan", now="2026-11-25T10:00:00Z")
    assert result.out.splitlines()[0] == "plan at 2026-11-25 10:00 UTC"
    row = next(line for line in result.out.splitlines() if SOCIAL2 in line)
    assert row.split()[6] == "due"
    row = next(line for line in result.out.splitlines() if SOCIAL1 in line)
    assert row.split()[6] == "sent"
    assert result.out.splitlines()[-1] == "plan: 5 items: 1 due, 3 sent, 1 missed"


def test_plan_rich_table_on_a_terminal(project):
    result = project.cli("plan", tty=True)
    assert result.code == 0
    assert "┃" in result.out or "│" in result.out
    assert "75/280" in result.out and "warnings" in result.out


def test_missing_plan_message_and_exit_2(project, monkeypatch):
    monkeypatch.chdir(project.root)
    project.plan.unlink()
    for command in ("plan", "run", "status", "metrics"):
        err = io.StringIO()
        code = main([command], env={}, stdout=io.StringIO(), stderr=err)
        assert code == 2
        assert err.getvalue() == "publish: no plan at state/plan.json: run `make html` first\n"


@pytest.mark.parametrize(("content", "message"), [
    ("{broken", "is not valid UTF-8 JSON"),
    ('{"schema": "campaign-plan/9", "site_url": "", "items": []}', "unsupported plan schema"),
    ('{"schema": "campaign-plan/1", "site_url": "x", "items": [{"id": "a"}]}',
     "item 'a': 'kind' must be a non-empty string"),
])
def test_bad_plan_is_a_clear_configuration_error(project, content, message):
    project.plan.write_text(content, encoding="utf-8")
    result = project.cli("run")
    assert result.code == 2 and message in result.err and "Traceback" not in result.err


def test_corrupt_ledger_is_a_configuration_error(project, fake_x):
    project.ledger.write_text("{oops", encoding="utf-8")
    result = project.cli("run", env=fake_x.env())
    assert result.code == 2 and "restore it from git" in result.err
    assert fake_x.requests == []


def test_bad_now_and_bad_options(project):
    assert project.cli("run", now="yesterday").code == 2
    assert "not an ISO 8601 time" in project.cli("status", now="yesterday").err
    assert project.cli("run", "--max-lateness", "soon").code == 2
    assert "cadence must be strictly increasing" in \
        project.cli("metrics", "--cadence", "1d,1h").err
    err = io.StringIO()
    assert main(["frobnicate"], env={}, stdout=io.StringIO(), stderr=err) == 2


def test_help_explains_every_command_with_examples(capsys):
    assert main(["--help"]) == 0
    text = capsys.readouterr().out
    for command in ("plan", "run", "metrics", "status", "daemon", "resolve"):
        assert command in text
    assert "exit codes:" in text and "X_API_BASE_URL" in text
    for command in ("plan", "run", "metrics", "status", "daemon", "resolve"):
        assert main([command, "--help"]) == 0
        sub = capsys.readouterr().out
        assert "examples:" in sub and f"python -m publish {command}" in sub
        assert "--now TIME" in sub and "--dry-run" in sub


def test_status_shows_every_state(project, fake_x):
    fake_x.fail("POST /2/tweets", "drop-after-create")   # social-1: posted, answer lost
    project.cli("run", env=fake_x.env())
    del fake_x.posts[max(fake_x.posts)]                   # …and deleted on X since
    fake_x.fail("POST /2/tweets", "400")                  # the Icelandic post is refused
    project.cli("run", env=fake_x.env())                  # (and the coupon goes out)
    coupon = project.ledger_items()[f"en/{ANSWERING}/coupon/x"]
    fake_x.set_metrics(coupon["post_id"], likes=4, reposts=1, impressions=250)
    project.cli("metrics", env=fake_x.env(), now="2026-11-22T16:00:00Z")
    result = project.cli("status", now="2026-11-22T16:00:00Z")
    assert result.code == 0, result.text
    states = {line.split()[4]: line.split()[3] for line in result.out.splitlines()[2:-2]}
    assert result.out.splitlines()[-2].startswith("X, estimated: $0.80 in 2026-11 (4 posts)")
    assert states == {
        f"en/{OLD}/social-1/x": "missed",
        SOCIAL1: "unknown",
        "is/hlustad-a-vidskiptavini/social-1/x": "failed",
        f"en/{ANSWERING}/coupon/x": "sent",
        SOCIAL2: "scheduled",
    }
    coupon_line = next(line for line in result.out.splitlines() if "/coupon/x" in line)
    assert coupon["post_id"] in coupon_line
    assert "likes 4, reposts 1, replies 0, quotes 0, bookmarks 0, impressions 250" \
        in coupon_line
    assert f"https://x.com/i/web/status/{coupon['post_id']}" in coupon_line
    assert "resolve" in next(line for line in result.out.splitlines() if SOCIAL1 in line)
    assert result.out.splitlines()[-1] == \
        "status: 5 items: 1 scheduled, 1 sent, 1 failed, 1 unknown, 1 missed"


def test_resolve_posted_and_not_posted(project, fake_x):
    fake_x.fail("POST /2/tweets", "500")
    project.cli("run", env=fake_x.env())
    project.cli("run", env=fake_x.env())
    assert project.ledger_items()[SOCIAL1]["state"] == "unknown"
    assert project.cli("resolve", SOCIAL1, "--posted", "abc").code == 2
    assert project.cli("resolve", "en/nope/social-1/x", "--not-posted").code == 2
    dry = project.cli("resolve", SOCIAL1, "--posted", "1849200000000000099", "--dry-run")
    assert dry.code == 0 and "would record" in dry.out
    assert project.ledger_items()[SOCIAL1]["state"] == "unknown"
    done = project.cli("resolve", SOCIAL1, "--posted", "1849200000000000099")
    assert done.code == 0
    assert "recorded as sent → https://x.com/i/web/status/1849200000000000099" in done.out
    entry = project.ledger_items()[SOCIAL1]
    assert entry["state"] == "sent" and entry["confirmed_by"] == "person"
    again = project.cli("resolve", SOCIAL1, "--not-posted")
    assert again.code == 2 and "already sent" in again.err
    assert project.cli("run", env=fake_x.env()).code == 0
    assert fake_x.posts_created == 2


def test_not_posted_is_refused_while_an_attempt_is_unchecked(project, fake_x):
    """A `posting` entry may be out on X: only the next run's check (or a person, once it
    is `unknown`) may say it is not, or `--not-posted` could make the run post it twice."""
    fake_x.fail("POST /2/tweets", "500")
    project.cli("run", env=fake_x.env())
    before = project.ledger_items()[SOCIAL1]
    assert before["state"] == "posting"
    refused = project.cli("resolve", SOCIAL1, "--not-posted")
    assert refused.code == 2
    assert "outcome is not checked yet; the next run looks for it on X first" in refused.err
    assert project.ledger_items()[SOCIAL1] == before


def test_unexpected_error_is_a_message_not_a_traceback(project, fake_x, monkeypatch):
    from publish.commands import posting_setup

    def boom(*args, **kwargs):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(posting_setup, "run_once", boom)
    result = project.cli("run", env=fake_x.env())
    assert result.code == 1
    assert result.err == ("publish: unexpected error: RuntimeError: disk on fire "
                          "(PUBLISH_DEBUG=1 shows the traceback)\n")


@pytest.mark.slow
def test_changed_marker_via_subprocess_like_the_makefile(project, fake_x):
    assert project.subprocess("run", env=fake_x.env()).code == 0
    ids = project.ledger_items()
    fake_x.set_metrics(ids[DUE_IDS[0]]["post_id"], likes=1)
    result = project.subprocess("metrics", "--changed-marker", "state/.metadata-changed",
                                env=fake_x.env(), now="2026-11-22T16:00:00Z")
    assert result.code == 0, result.text
    assert "metadata changed: 2 files" in result.out
    assert (project.root / "state" / ".metadata-changed").exists()
    assert json.loads(project.ledger.read_text())["schema"] == "publish-ledger/1"
