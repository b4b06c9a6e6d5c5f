"""What comes from the network or the environment is checked where it enters: post ids must
have X's form (on create, on reconcile, from a person), and every bad environment value is
named (never printed when it is a secret)."""

from __future__ import annotations

import json

import pytest

from publish.networks import post_id_rule
from publish.networks.common import parse_timeout
from publish.networks.x.x_capabilities import credential_problems
from tests.publish.conftest import ANSWERING, cli_here

SOCIAL1 = f"en/{ANSWERING}/social-1/x"
HOSTILE_IDS = ["123\nEngagement_X: likes 999", "1 2", "12345678901234567890123"]


@pytest.mark.parametrize(("value", "good"), [
    ("1", True), ("1849203000000000000", True), ("9" * 19, True), ("9" * 20, False),
    ("", False), ("12a", False), ("-1", False), ("12\n", False), (" 12", False),
    ("١٢٣", False), (123, False), (None, False),
])
def test_x_post_id_form(value, good):
    assert post_id_rule("x").valid_post_id(value) is good


@pytest.mark.slow
@pytest.mark.parametrize("hostile", HOSTILE_IDS)
def test_hostile_post_id_on_create_is_ambiguous_not_stored(project, fake_x, hostile):
    fake_x.hostile_ids(hostile)
    problem = post_id_rule("x").post_id_problem(hostile)
    first = project.cli("run", env=fake_x.env())
    assert first.code == 1, first.text
    assert (f"unsure  {SOCIAL1}  malformed_answer: HTTP 201: the create answer is unusable: "
            f"{problem}: the post may exist") in first.out
    entry = project.ledger_items()[SOCIAL1]
    assert entry["state"] == "posting" and "post_id" not in entry
    # The next run looks on the timeline, where the post shows the same hostile id.
    second = project.cli("run", env=fake_x.env())
    assert second.code == 3, second.text
    assert f"ignored {SOCIAL1}  a post found on x: {problem}\n" in second.out
    assert project.ledger_items()[SOCIAL1]["state"] == "unknown"
    assert hostile not in project.ledger.read_text(encoding="utf-8")
    assert json.dumps(hostile) not in project.ledger.read_text(encoding="utf-8")


def test_hostile_post_id_on_reconcile_is_not_stored(project, fake_x, monkeypatch):
    hostile = HOSTILE_IDS[0]
    fake_x.hostile_ids(hostile)
    fake_x.fail("POST /2/tweets", "drop-after-create")   # created, answer lost
    assert project.cli("run", env=fake_x.env()).code == 1
    result = project.cli("run", env=fake_x.env())
    assert result.code == 3, result.text
    assert (f"ignored {SOCIAL1}  a post found on x: '123\\nEngagement_X: likes 999' is not a "
            "valid post id for X (1-19 digits)") in result.out
    assert f"unknown {SOCIAL1}" in result.out
    entry = project.ledger_items()[SOCIAL1]
    assert entry["state"] == "unknown" and "post_id" not in entry
    # Metrics can never carry it into a header: nothing about social-1 is written.
    project.cli("metrics", "--all", env=fake_x.env(), now="2026-11-22T16:00:00Z")
    assert "likes 999" not in project.post(ANSWERING).read_text(encoding="utf-8")
    # A person settles it; `resolve --posted` applies the same id check.
    code, _, err = cli_here(project, monkeypatch, "resolve", SOCIAL1, "--posted", "1 2")
    assert code == 2
    assert err == ("publish: --posted: '1 2' is not a valid post id for X (1-19 digits): "
                   "copy the post's link (or its id)\n")
    real = next(iter(fake_x.shown_ids))
    # The post's link works as well as its id (and is the same check).
    link = f"https://x.com/i/web/status/{real}"
    assert project.cli("resolve", SOCIAL1, "--posted", link, "--dry-run").code == 0
    assert project.cli("resolve", SOCIAL1, "--posted", real).code == 0
    assert project.ledger_items()[SOCIAL1]["post_id"] == real
    assert project.ledger_items()[SOCIAL1]["url"] == link


@pytest.mark.slow
@pytest.mark.parametrize("value", ["abc", "0", "-1", "nan", "inf", "5,", "1,2,3,4", "1,2,0",
                                   "5;30"])
def test_bad_timeout_names_variable(project, fake_x, value):
    for command in ("run", "metrics"):
        result = project.cli(command, env=fake_x.env(PUBLISH_HTTP_TIMEOUT=value))
        assert result.code == 2, result.text
        assert result.err == (f"publish: configuration: PUBLISH_HTTP_TIMEOUT: {value!r} is not "
                              "a number of seconds (expected 5, 5,30 or 5,30,60)\n")
    assert fake_x.requests == []


def test_timeout_forms():
    assert parse_timeout("5") == (5.0, 5.0)
    assert parse_timeout(" 2.5 , 30 ") == (2.5, 30.0)
    assert parse_timeout("") == (5.0, 30.0)
    assert parse_timeout("1,2,3") == (1.0, 2.0)      # the third: the total (parse_deadline)


@pytest.mark.slow
@pytest.mark.parametrize("value", ["ftp://api.x.com/2", "http:///2", "api.x.com/2",
                                   "https://api.x.com/2 x/2", "https://api.x.com/1.1",
                                   "https://api.x.com/2?x=/2"])
def test_bad_base_url_names_variable(project, fake_x, value):
    result = project.cli("run", env=fake_x.env(X_API_BASE_URL=value))
    assert result.code == 2, result.text
    assert result.err.startswith(f"publish: configuration: X_API_BASE_URL: {value!r} is not "
                                 "an http(s) URL ending in /2")


def test_credential_with_newline_names_variable(project, fake_x):
    good = fake_x.env()
    env = fake_x.env(X_API_KEY=good["X_API_KEY"] + "\n",
                     X_ACCESS_TOKEN_SECRET=good["X_ACCESS_TOKEN_SECRET"] + "\r\n",
                     X_BEARER_TOKEN=" " + good["X_BEARER_TOKEN"],
                     X_API_SECRET="fake consumer secret")
    for command in ("run", "metrics", "daemon"):
        result = project.cli(command, env=env)
        assert result.code == 2, result.text
        assert result.err.splitlines() == [
            "publish: configuration: X_API_KEY: ends with a newline (pasted with the line end?)",
            "publish: configuration: X_API_SECRET: contains a space, line break or control "
            "character",
            "publish: configuration: X_ACCESS_TOKEN_SECRET: ends with a newline (pasted with "
            "the line end?)",
            "publish: configuration: X_BEARER_TOKEN: starts with a space (pasted with it?)",
        ]
        for name in ("X_API_KEY", "X_ACCESS_TOKEN_SECRET", "X_BEARER_TOKEN"):
            assert good[name] not in result.text
        assert "consumer secret" not in result.text
    assert fake_x.requests == []


def test_credential_problems_are_pure():
    assert credential_problems({"X_API_KEY": "k", "X_BEARER_TOKEN": "", "OTHER": " x "}) == []
    assert credential_problems({"X_API_KEY": "k "}) == \
        ["X_API_KEY: ends with a space (pasted with it?)"]
