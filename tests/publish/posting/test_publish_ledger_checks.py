"""The ledger is never silently empty or missing (posting commands refuse, read-only ones
warn), `init` starts one and never overwrites, and every bad field is named."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from publish.cli import main
from publish.posting.ledger import LedgerStore
from publish.report import history
from tests.publish.conftest import ANSWERING, ICELANDIC, REPO, cli_here

SOCIAL1 = f"en/{ANSWERING}/social-1/x"
ICE = f"is/{ICELANDIC}/social-1/x"

@pytest.mark.slow
@pytest.mark.parametrize("content", [b"", b"  \n\n"])
def test_empty_ledger_is_an_error(project, fake_x, monkeypatch, content):
    project.ledger.write_bytes(content)
    monkeypatch.chdir(project.root)
    for argv in (["run"], ["metrics"], ["daemon"], ["status"], ["plan"],
                 ["resolve", SOCIAL1, "--not-posted"]):
        code, _, err = cli_here(project, monkeypatch, *argv, env=fake_x.env())
        assert code == 2, (argv, err)
        assert err == (
            "publish: state/ledger.json is empty (a ledger holds at least its schema): "
            "restore it from git (git checkout -- state/ledger.json); if this project never "
            "had a ledger, delete the file and run `python -m publish init`\n"), argv
    assert fake_x.posts_created == 0 and fake_x.count("POST", "/2/tweets") == 0
    assert project.ledger.read_bytes() == content


def test_missing_ledger_stops_posting_commands_and_warns_read_only_ones(project, fake_x,
                                                                       monkeypatch):
    project.ledger.unlink()
    missing = ("no ledger at state/ledger.json: restore it from git (git checkout -- "
               "state/ledger.json), or start a new one with `python -m publish init`")
    for argv in (["run"], ["run", "--dry-run"], ["metrics"], ["daemon"],
                 ["resolve", SOCIAL1, "--posted", "1"]):
        code, _, err = cli_here(project, monkeypatch, *argv, env=fake_x.env())
        assert err == (f"publish: {missing} (nothing is posted without a ledger, so a lost "
                       "one never causes posts twice)\n"), argv
        assert code == 2, argv
    assert fake_x.requests == [] and not project.ledger.exists()
    for argv in (["status"], ["plan"]):
        code, out, err = cli_here(project, monkeypatch, *argv)
        assert code == 0, err
        assert err == f"publish: warning: {missing}; states below assume nothing was posted\n"
        assert out.splitlines()[-1].startswith(("status: ", "plan: "))
    assert not project.ledger.exists()


def test_missing_ledger_message_names_a_custom_path(project):
    project.ledger.unlink()
    result = project.cli("run")
    assert f"python -m publish init --ledger {project.ledger}`" in result.err


def test_init_creates_ledger_once(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)

    def init(*extra: str) -> tuple[int, str, str]:
        out, err = io.StringIO(), io.StringIO()
        code = main(["init", *extra], env={}, stdout=out, stderr=err)
        return code, out.getvalue(), err.getvalue()

    assert init("--dry-run") == (0, "dry run: would create state/ledger.json (empty ledger) "
                                    "and state/history.jsonl\n", "")
    assert not Path("state").exists()
    assert init() == (0, "init: created state/ledger.json (empty ledger)\n"
                         "init: created state/history.jsonl\n", "")
    ledger = Path("state/ledger.json").read_bytes()
    assert json.loads(ledger) == {"items": {}, "schema": "publish-ledger/1"}
    assert LedgerStore(Path("state/ledger.json")).load().items == {}
    assert Path("state/history.jsonl").read_bytes() == b""
    assert sorted(p.name for p in Path("state").iterdir()) == ["history.jsonl", "ledger.json"]
    refused = ("publish: state/ledger.json already exists: init never overwrites a ledger "
               "(a damaged one: restore it from git)\n")
    Path("state/history.jsonl").write_text('{"kept": true}\n')
    assert init() == (2, "", refused)
    assert init("--dry-run") == (2, "", refused)
    assert Path("state/ledger.json").read_bytes() == ledger
    Path("state/ledger.json").write_bytes(b"")            # an empty ledger is not replaced
    assert init() == (2, "", refused)
    assert Path("state/ledger.json").read_bytes() == b""
    Path("state/ledger.json").unlink()                    # gone: a new one, history kept
    assert init() == (0, "init: created state/ledger.json (empty ledger)\n"
                         "init: kept the existing state/history.jsonl\n", "")
    assert Path("state/history.jsonl").read_text() == '{"kept": true}\n'


def test_init_is_in_help(capsys):
    assert main(["--help"]) == 0
    text = capsys.readouterr().out
    assert "init" in text and "python -m publish init" in text
    assert main(["init", "--help"]) == 0
    assert "never overwrites" in capsys.readouterr().out


def test_committed_ledger_is_valid():
    assert LedgerStore(REPO / "state" / "ledger.json").load() is not None
    assert history.read(REPO / "state" / "history.jsonl").skipped == []


def test_ledger_field_wrong_type_names_field(project, fake_x, monkeypatch):
    project.cli("run", env=fake_x.env())
    doc = json.loads(project.ledger.read_text(encoding="utf-8"))
    entry = doc["items"][SOCIAL1]
    entry["attempts"] = "x"
    entry["post_id"] = "12\nEngagement_X: likes 999"
    entry["url"] = "https://x.com/i/web/status/12\nEngagement_X: likes 999"
    entry["sent_at"] = "yesterday"
    entry["metrics"] = {"likes": "many", "reposts": -1}
    entry["metrics_at"] = "2026-11-22T16:00:00Z"
    doc["items"][ICE]["error"] = "boom"
    doc["items"][ICE]["state"] = "done"
    del doc["items"][ICE]["network"]
    project.ledger.write_text(json.dumps(doc), encoding="utf-8")
    before = project.ledger.read_bytes()
    code, out, err = cli_here(project, monkeypatch, "run", env=fake_x.env())
    assert code == 2 and out == ""
    where = "publish: state/ledger.json: "
    assert err.splitlines() == [
        f'{where}items["{SOCIAL1}"].url: expected an http(s) URL without spaces or line '
        'breaks, got "https://x.com/i/web/status/12\\nEngagement_X: likes 999"',
        f'{where}items["{SOCIAL1}"].attempts: expected a whole number, got "x"',
        f'{where}items["{SOCIAL1}"].sent_at: expected a time like 2026-11-22T15:00:00Z, '
        'got "yesterday"',
        f'{where}items["{SOCIAL1}"].post_id: expected a post id for X (1-19 digits), '
        'got "12\\nEngagement_X: likes 999"',
        f'{where}items["{SOCIAL1}"].metrics.likes: expected a whole number, got "many"',
        f'{where}items["{SOCIAL1}"].metrics.reposts: expected a whole number, got -1',
        f'{where}items["{ICE}"].network: missing',
        f'{where}items["{ICE}"].state: expected one of posting, sent, failed, unknown, '
        'missed, waiting, got "done"',
        f'{where}items["{ICE}"].error: expected an object (kind, message, at), got "boom"',
    ]
    assert project.ledger.read_bytes() == before and fake_x.posts_created == 3


def test_ledger_attempts_message_exactly_as_documented(project, monkeypatch):
    doc = {"schema": "publish-ledger/1", "items": {"en/x/social-1/x": {
        "state": "failed", "network": "x", "attempts": "x"}}}
    project.ledger.write_text(json.dumps(doc), encoding="utf-8")
    code, _, err = cli_here(project, monkeypatch, "status")
    assert code == 2
    assert err == ('publish: state/ledger.json: items["en/x/social-1/x"].attempts: '
                   'expected a whole number, got "x"\n')


def test_daemon_posts_nothing_once_its_ledger_is_lost(project, fake_x, monkeypatch):
    from tests.publish.commands import test_publish_daemon as daemon_tests

    wait = daemon_tests.FakeTime.wait

    def wait_then_lose_the_ledger(self, seconds):
        project.ledger.unlink(missing_ok=True)
        return wait(self, seconds)

    monkeypatch.setattr(daemon_tests.FakeTime, "wait", wait_then_lose_the_ledger)
    code, out, _ = daemon_tests.start_daemon(project, fake_x.env(), stop_after=3)
    assert code == 0, out
    assert "] run: 3 sent" in out                       # the first step, ledger still there
    assert out.count("daemon: run step failed: LedgerMissing: no ledger at") >= 2
    assert fake_x.count("POST", "/2/tweets") == 3       # not one attempt once it was gone
