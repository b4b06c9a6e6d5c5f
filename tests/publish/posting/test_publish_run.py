"""`publish run` against the loopback fake: happy path, every error kind, reconciliation,
lateness, dry run, credentials and secrets."""

from __future__ import annotations

import pytest

from tests.fakes.fake_x import CREDENTIALS
from tests.publish.conftest import ANSWERING, DUE_IDS, ICELANDIC, OLD

SOCIAL1 = f"en/{ANSWERING}/social-1/x"
COUPON = f"en/{ANSWERING}/coupon/x"
ICE = f"is/{ICELANDIC}/social-1/x"
OLD_ID = f"en/{OLD}/social-1/x"


def test_happy_path_posts_each_due_item_once(project, fake_x):
    result = project.cli("run", env=fake_x.env())
    assert result.code == 0, result.text
    assert "run: 3 sent, 0 failed, 1 missed, 0 unknown, 1 not yet due" in result.out
    assert fake_x.posts_created == 3
    items = project.ledger_items()
    for item_id in DUE_IDS:
        assert items[item_id]["state"] == "sent"
        post_id = items[item_id]["post_id"]
        assert items[item_id]["url"] == f"https://x.com/i/web/status/{post_id}"
        assert f"sent    {item_id}  → https://x.com/i/web/status/{post_id}" in result.out
        assert fake_x.posts[post_id].text.endswith(items[item_id]["link"])
    assert items[OLD_ID]["state"] == "missed"
    assert f"missed  {OLD_ID}" in result.out
    again = project.cli("run", env=fake_x.env())
    assert again.code == 0
    assert "run: 0 sent, 0 failed, 1 missed, 0 unknown, 1 not yet due" in again.out
    assert "missed  " not in again.out          # reported once, not on every run
    assert fake_x.posts_created == 3


def test_ledger_is_sorted_pretty_json(project, fake_x):
    project.cli("run", env=fake_x.env())
    text = project.ledger.read_text(encoding="utf-8")
    assert text.endswith("}\n") and text.startswith('{\n  "items": {\n')
    import json
    assert json.dumps(json.loads(text), indent=2, sort_keys=True, ensure_ascii=False) + "\n" \
        == text


@pytest.mark.slow
@pytest.mark.parametrize(("fault", "kind", "stops_network"), [
    ("400", "invalid", False),
    ("401", "unauthorized", True),
    ("402", "out_of_credits", True),
    ("403", "forbidden", False),
])
def test_definite_refusals_are_failed_and_retried_next_run(project, fake_x, fault, kind,
                                                           stops_network):
    fake_x.fail("POST /2/tweets", fault)
    result = project.cli("run", env=fake_x.env())
    assert result.code == 1, result.text
    entry = project.ledger_items()[SOCIAL1]
    assert entry["state"] == "failed"
    assert entry["error"]["kind"] == kind
    assert f"failed  {SOCIAL1}  {kind}: HTTP {fault}" in result.out
    assert fake_x.posts_created == (0 if stops_network else 2)
    if stops_network:
        assert "x: stopped posting for this run" in result.out
        assert ", 2 deferred" in result.out
    again = project.cli("run", env=fake_x.env())
    assert again.code == 0, again.text
    assert all(project.ledger_items()[i]["state"] == "sent" for i in DUE_IDS)
    assert fake_x.posts_created == 3


def test_rate_limited_post_stops_network_without_sleeping(project, fake_x):
    fake_x.fail("POST /2/tweets", "429")
    result = project.cli("run", env=fake_x.env())
    assert result.code == 0, result.text
    assert f"limited {SOCIAL1}  rate limited until 2026-11-22T15:15:00Z" in result.out
    assert "run: 0 sent, 0 failed, 1 missed, 0 unknown, 1 not yet due, 3 deferred" in result.out
    assert fake_x.count("POST", "/2/tweets") == 1
    assert SOCIAL1 not in project.ledger_items()      # stays due, nothing recorded
    assert project.cli("run", env=fake_x.env()).code == 0
    assert fake_x.posts_created == 3


@pytest.mark.slow
@pytest.mark.parametrize("fault", ["drop-after-create", "malformed-after-create",
                                   "hang-after-create"])
def test_ambiguous_answer_after_create_is_found_on_the_next_run(project, fake_x, fault):
    fake_x.fail("POST /2/tweets", fault)
    result = project.cli("run", env=fake_x.env())
    assert result.code == 1, result.text
    assert f"unsure  {SOCIAL1}" in result.out
    assert project.ledger_items()[SOCIAL1]["state"] == "posting"
    assert fake_x.posts_created == 1           # network stopped after the ambiguous answer
    again = project.cli("run", env=fake_x.env())
    assert again.code == 0, again.text
    assert f"sent    {SOCIAL1}" in again.out and "found on x after an interrupted" in again.out
    entry = project.ledger_items()[SOCIAL1]
    assert entry["state"] == "sent" and entry["confirmed_by"].startswith("found-after")
    assert fake_x.posts_created == 3
    assert len(fake_x.posts_containing(entry["link"])) == 2   # social-1 + coupon, once each


@pytest.mark.slow
@pytest.mark.parametrize("fault", ["500", "503-html", "hang", "malformed"])
def test_ambiguous_failure_without_post_is_parked_never_reposted(project, fake_x, fault):
    fake_x.fail("POST /2/tweets", fault)
    first = project.cli("run", env=fake_x.env())
    assert first.code == 1, first.text
    assert project.ledger_items()[SOCIAL1]["state"] == "posting"
    second = project.cli("run", env=fake_x.env())
    assert second.code == 3, second.text
    assert f"unknown {SOCIAL1}" in second.out
    assert project.ledger_items()[SOCIAL1]["state"] == "unknown"
    assert fake_x.posts_created == 2                     # the other two, never social-1
    third = project.cli("run", env=fake_x.env())
    assert third.code == 3 and "still waiting for a person" in third.out
    resolved = project.cli("resolve", SOCIAL1, "--not-posted")
    assert resolved.code == 0, resolved.text
    assert project.cli("run", env=fake_x.env()).code == 0
    assert fake_x.posts_created == 3


def test_timeout_is_mapped_and_every_request_has_one(project, fake_x):
    fake_x.fail("POST /2/tweets", "hang")
    result = project.cli("run", env=fake_x.env())
    assert "network_error: timed out waiting for X" in result.out


def test_connection_refused_is_a_certain_no_post(project, fake_x):
    env = fake_x.env(X_API_BASE_URL="http://127.0.0.1:9/2")
    result = project.cli("run", env=env)
    assert result.code == 1, result.text
    assert project.ledger_items()[SOCIAL1]["state"] == "failed"
    assert "network_error" in result.out


def test_duplicate_with_existing_post_is_recorded_not_reposted(project, fake_x):
    text = next(p for p in __import__("json").loads(project.plan.read_text())["items"]
                if p["id"] == SOCIAL1)["text"]
    existing = fake_x.add_post(text)
    result = project.cli("run", env=fake_x.env())
    assert result.code == 0, result.text
    entry = project.ledger_items()[SOCIAL1]
    assert entry["post_id"] == existing and entry["confirmed_by"] == "found-after-duplicate"
    assert fake_x.posts_created == 3                 # the existing one + two new


def test_duplicate_without_own_post_is_parked(project, fake_x):
    fake_x.fail("POST /2/tweets", "403-duplicate")
    result = project.cli("run", env=fake_x.env())
    assert result.code == 3, result.text
    assert project.ledger_items()[SOCIAL1]["state"] == "unknown"
    assert "exit" not in result.err


def test_reconcile_matches_tco_links_by_expanded_url(project, fake_x):
    fake_x.tco = True
    fake_x.fail("POST /2/tweets", "drop-after-create")
    assert project.cli("run", env=fake_x.env()).code == 1
    assert project.cli("run", env=fake_x.env()).code == 0
    post_id = project.ledger_items()[SOCIAL1]["post_id"]
    assert "t.co" in fake_x.posts[post_id].text
    assert fake_x.posts_created == 3


def test_reconcile_distinguishes_items_sharing_a_link(project, fake_x):
    # social-1 and the coupon link to the same article; both interrupted after creation.
    fake_x.fail("POST /2/tweets", "drop-after-create", times=3)
    codes = [project.cli("run", env=fake_x.env()).code for _ in range(4)]
    assert codes == [1, 1, 1, 0]    # each run: settle the last one, post the next, dropped
    items = project.ledger_items()
    ids = {items[i]["post_id"] for i in DUE_IDS}
    assert len(ids) == 3
    for item_id in DUE_IDS:
        assert fake_x.posts[items[item_id]["post_id"]].text == items[item_id]["text"]
    assert fake_x.posts_created == 3


def test_reconcile_read_failure_keeps_posting(project, fake_x):
    fake_x.fail("POST /2/tweets", "drop-after-create")
    project.cli("run", env=fake_x.env())
    fake_x.fail("GET /2/users/:id/tweets", "429")
    result = project.cli("run", env=fake_x.env())
    assert result.code == 1
    assert f"unsure  {SOCIAL1}  could not check x (rate_limited" in result.out
    assert project.ledger_items()[SOCIAL1]["state"] == "posting"
    assert fake_x.count("POST", "/2/tweets") == 1       # nothing posted while unsettled
    assert project.cli("run", env=fake_x.env()).code == 0
    assert fake_x.posts_created == 3


def test_reads_retry_with_backoff(project, fake_x):
    fake_x.fail("POST /2/tweets", "drop-after-create")
    project.cli("run", env=fake_x.env())
    fake_x.fail("GET /2/users/:id/tweets", "500", times=2)
    result = project.cli("run", env=fake_x.env())
    assert result.code == 0, result.text
    assert fake_x.count("GET", "/2/users/:id/tweets") == 3


def test_max_lateness_and_post_late(project, fake_x):
    late = project.cli("run", "--max-lateness", "2h", env=fake_x.env())
    assert late.code == 0
    assert "run: 1 sent, 0 failed, 3 missed" in late.out     # 6h, 3h and 78h late
    assert "missed  " + SOCIAL1 + "  due 2026-11-22T09:00:00Z, 6h late (max 2h" in late.out
    assert project.ledger_items()[SOCIAL1]["state"] == "missed"
    forced = project.cli("run", "--post-late", env=fake_x.env())
    assert "run: 3 sent, 0 failed, 0 missed" in forced.out
    assert project.ledger_items()[OLD_ID]["state"] == "sent"
    assert fake_x.posts_created == 4


def test_not_yet_due_until_now_passes(project, fake_x):
    project.cli("run", env=fake_x.env())
    later = project.cli("run", env=fake_x.env(), now="2026-11-25T09:05:00Z")
    assert "run: 1 sent" in later.out
    assert fake_x.posts_created == 4


def test_explicit_dry_run_changes_nothing(project, fake_x):
    ledger = project.ledger.read_bytes()
    result = project.cli("run", "--dry-run", env=fake_x.env())
    assert result.code == 0
    assert f"would   {SOCIAL1}  post (75/280): We answer every mention" in result.out
    assert "run (dry run):" in result.out
    assert project.ledger.read_bytes() == ledger
    assert fake_x.requests == []


def test_without_credentials_run_is_a_loud_dry_run(project, fake_x):
    before = {p: p.read_bytes() for p in project.content.rglob("*.md")}
    ledger = project.ledger.read_bytes()
    result = project.cli("run", env={"X_API_BASE_URL": fake_x.url})
    assert result.code == 0, result.text
    assert "NO POSTING CREDENTIALS FOR X" in result.out and "DRY RUN" in result.out
    assert "would   " in result.out
    assert project.ledger.read_bytes() == ledger
    assert not (project.root / "state" / "publish.posting.lock").exists()
    assert fake_x.requests == []
    assert before == {p: p.read_bytes() for p in project.content.rglob("*.md")}


def test_incomplete_credentials_are_a_configuration_error(project, fake_x):
    env = fake_x.env()
    del env["X_ACCESS_TOKEN_SECRET"]
    result = project.cli("run", env=env)
    assert result.code == 2
    assert "X_ACCESS_TOKEN_SECRET missing" in result.err


def test_access_token_without_user_prefix_is_a_configuration_error(project, fake_x):
    result = project.cli("run", env=fake_x.env(X_ACCESS_TOKEN="nodashtokenvalue"))
    assert result.code == 2
    assert "<numeric user id>-<token>" in result.err
    assert "nodashtokenvalue" not in result.text


def test_base_url_must_keep_the_2_suffix(project, fake_x):
    result = project.cli("run", env=fake_x.env(X_API_BASE_URL=fake_x.url[:-2]))
    assert result.code == 2 and "ending in /2" in result.err


@pytest.mark.slow
def test_wrong_secret_is_unauthorized_and_never_printed(project, fake_x):
    secrets = {
        "X_API_KEY": "KEY-SHOULD-NOT-LEAK-1",
        "X_API_SECRET": "SECRET-SHOULD-NOT-LEAK-2",
        "X_ACCESS_TOKEN": "1234567890-TOKEN-SHOULD-NOT-LEAK-3".replace("-TOKEN-", "Z")
                                                             .replace("-NOT-", "N")
                                                             .replace("-LEAK-", "L"),
        "X_ACCESS_TOKEN_SECRET": "TOKENSECRET-SHOULD-NOT-LEAK-4",
        "X_BEARER_TOKEN": "BEARER-SHOULD-NOT-LEAK-5",
    }
    fake_x.credentials.update(secrets)
    wrong = dict(secrets, X_API_SECRET="WRONG-SECRET-SHOULD-NOT-LEAK-6")
    outputs = []
    for env in (dict(fake_x.env(), **wrong), dict(fake_x.env(), **secrets)):
        fake_x.fail("POST /2/tweets", "500")
        fake_x.fail("GET /2/tweets", "401")
        for args in (("run",), ("run",), ("metrics", "--all"), ("status",), ("plan",),
                     ("run", "--dry-run"), ("daemon", "--metrics-every", "0")):
            outputs.append(project.cli(*args, env=env).text)
    incomplete = dict(secrets)
    del incomplete["X_API_KEY"]
    outputs.append(project.cli("run", env=incomplete).text)
    outputs.append(project.cli("run", env=dict(secrets, X_ACCESS_TOKEN="a-b-c")).text)
    joined = "\n".join(outputs)
    assert "unauthorized: HTTP 401" in joined
    for value in [*secrets.values(), wrong["X_API_SECRET"], "a-b-c"]:
        assert value not in joined
    assert "Traceback" not in joined


def test_fake_rejects_unsigned_requests(fake_x):
    import requests

    answer = requests.post(fake_x.url + "/tweets", json={"text": "hi"}, timeout=5)
    assert answer.status_code == 401
    assert answer.json()["title"] == "Unauthorized"
    assert answer.headers["x-rate-limit-remaining"]
    assert fake_x.posts_created == 0


def test_credentials_match_fake_defaults():
    assert CREDENTIALS["X_ACCESS_TOKEN"].count("-") == 1
