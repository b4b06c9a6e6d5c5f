"""X's monthly budget (PUBLISH_X_MONTHLY_BUDGET_USD) against the loopback fake X: an X post
that would pass it is held with its reason, posted once when the budget is raised or the month
turns, never late, never twice; the spend is counted from the ledger across runs."""

from __future__ import annotations

import pytest

from tests.publish.conftest import ANSWERING, item, write_plan

BUDGET = "PUBLISH_X_MONTHLY_BUDGET_USD"
FOUR = [item(ANSWERING, f"social-{n}", f"2026-11-22T1{n}:00:00Z", f"Link post number {n}")
        for n in range(1, 5)]
IDS = [i["id"] for i in FOUR]


def four_due(project):
    write_plan(project.plan, FOUR)


def test_budget_holds_what_would_pass_it_and_raising_it_posts_each_once(project, fake_x):
    four_due(project)
    result = project.cli("run", env={**fake_x.env(), BUDGET: "0.30"})
    assert result.code == 0, result.text
    assert "run: 1 sent, 0 failed, 0 missed, 0 unknown, 0 not yet due, 3 held (X's monthly " \
        "budget)" in result.out
    assert fake_x.posts_created == 1
    items = project.ledger_items()
    assert items[IDS[0]]["state"] == "sent" and items[IDS[0]]["cost_usd"] == 0.2
    for held in IDS[1:]:
        assert items[held]["state"] == "waiting" and items[held]["waiting_for"] == "budget"
        assert f"held    {held}  held: X's monthly budget $0.30 ({BUDGET}) would be passed: " \
            "$0.20 spent in 2026-11, this post $0.20" in result.out
    # Another run (a restart, the next CI job): the spend comes from the ledger.
    again = project.cli("run", env={**fake_x.env(), BUDGET: "0.30"})
    assert "1 sent" not in again.out and ", 3 held" in again.out
    assert fake_x.posts_created == 1
    status = project.cli("status")
    assert status.out.count("held: X's monthly budget $0.30") == 3, status.out
    raised = project.cli("run", env={**fake_x.env(), BUDGET: "1"})
    assert raised.code == 0, raised.text
    assert "run: 3 sent," in raised.out and "held" not in raised.out
    assert fake_x.posts_created == 4
    assert sorted(p.text.split(" https")[0] for p in fake_x.posts.values()) == \
        [f"Link post number {n}" for n in range(1, 5)]
    assert project.cli("run", env={**fake_x.env(), BUDGET: "1"}).code == 0
    assert fake_x.posts_created == 4


def test_the_next_month_has_a_new_budget_but_a_held_post_is_never_posted_late(project,
                                                                             fake_x):
    late_month = [dict(i, due=f"2026-11-30T2{n}:00:00Z") for n, i in enumerate(FOUR)]
    write_plan(project.plan, late_month)
    env = {**fake_x.env(), BUDGET: "0.20"}
    first = project.cli("run", env=env, now="2026-11-30T23:30:00Z")
    assert "run: 1 sent" in first.out and ", 3 held" in first.out
    december = project.cli("run", env=env, now="2026-12-01T00:30:00Z")
    assert "run: 1 sent" in december.out and ", 2 held" in december.out, december.out
    assert "$0.00 spent in 2026-12" not in december.out    # the month's first post fits
    assert "$0.20 spent in 2026-12" in december.out
    much_later = project.cli("run", env={**fake_x.env(), BUDGET: "5"},
                             now="2026-12-02T12:00:00Z")
    assert "0 sent, 0 failed, 2 missed" in much_later.out, much_later.text
    assert fake_x.posts_created == 2


def test_the_month_is_the_sites_calendar_month(project, fake_x):
    """Auckland is 13 hours ahead in November: 2026-11-30T11:30Z is already 1 December
    there, so November's spend no longer counts (in UTC it still would)."""
    write_plan(project.plan, [dict(i, due="2026-11-30T10:00:00Z") for i in FOUR[:2]])
    plan = project.plan.read_text(encoding="utf-8").replace(
        '"schema"', '"timezone": "Pacific/Auckland", "schema"')
    project.plan.write_text(plan, encoding="utf-8")
    env = {**fake_x.env(), BUDGET: "0.20"}
    first = project.cli("run", env=env, now="2026-11-30T10:30:00Z")   # 23:30 in Auckland
    assert "run: 1 sent" in first.out and ", 1 held" in first.out
    assert "spent in 2026-11" in first.out
    second = project.cli("run", env=env, now="2026-11-30T11:30:00Z")  # 00:30, 1 December
    assert "run: 1 sent" in second.out, second.text


def test_a_dry_run_counts_what_it_would_post(project, fake_x):
    four_due(project)
    result = project.cli("run", "--dry-run", env={**fake_x.env(), BUDGET: "0.45"})
    assert result.code == 0, result.text
    assert result.out.count("would   ") == 2 and result.out.count("held    ") == 2
    assert "$0.40 spent in 2026-11" in result.out
    assert fake_x.posts_created == 0
    assert project.ledger_items() == {}


def test_a_bad_budget_is_a_configuration_error_naming_the_variable(project, fake_x):
    for bad in ("ten", "-1", "nan", "inf"):
        result = project.cli("run", env={**fake_x.env(), BUDGET: bad})
        assert result.code == 2, result.text
        assert result.err.startswith(f"publish: {BUDGET}: must be an amount of US dollars")
        assert fake_x.posts_created == 0


def test_without_a_budget_nothing_is_held(project, fake_x):
    four_due(project)
    result = project.cli("run", env={**fake_x.env(), BUDGET: ""})
    assert "run: 4 sent" in result.out and "held" not in result.out


def test_x_out_of_credits_is_said_so_and_stops_posting_to_x(project, fake_x):
    """402 Payment Required (CreditsDepleted), as X answers an account without credits: the
    item is certainly not posted (failed, tried again), and nothing more goes to X."""
    four_due(project)
    fake_x.fail("POST /2/tweets", "402")
    result = project.cli("run", env=fake_x.env())
    assert result.code == 1, result.text
    assert f"failed  {IDS[0]}  out_of_credits: HTTP 402: CreditsDepleted: Your account does " \
        "not have any credits. (the X developer account has no credits left: add credits in " \
        "the X developer console)" in result.out
    assert "x: stopped posting for this run: out_of_credits: HTTP 402" in result.out
    assert "3 deferred" in result.out and fake_x.posts_created == 0
    entry = project.ledger_items()[IDS[0]]
    assert entry["state"] == "failed" and entry["error"]["kind"] == "out_of_credits"


@pytest.mark.parametrize("step", ["after-posting-write", "after-post", "after-sent-write"])
def test_a_crash_mid_post_counts_against_the_budget_and_posts_nothing_twice(project, fake_x,
                                                                           step):
    """Killed while the first post is in flight: the `posting` entry counts as spent (it may
    have gone out), so the next runs hold the rest, also while it is parked `unknown`;
    raised, each posts once."""
    from tests.publish.posting.test_publish_crash import run_forked

    four_due(project)
    env = {**fake_x.env(), BUDGET: "0.30"}
    assert run_forked(project, env, crash=f"{step}:1") == 137
    run_forked(project, env)
    run_forked(project, env)
    items = project.ledger_items()
    assert [items[i]["state"] for i in IDS[1:]] == ["waiting"] * 3
    if step == "after-posting-write":     # never sent; X cannot prove it: a person settles
        assert items[IDS[0]]["state"] == "unknown" and fake_x.posts_created == 0
        assert project.cli("resolve", IDS[0], "--not-posted").code == 0
    else:                                 # sent, and found again by the next run
        assert items[IDS[0]]["state"] == "sent" and fake_x.posts_created == 1
    assert run_forked(project, {**fake_x.env(), BUDGET: "1"}) in (0, 1)
    run_forked(project, {**fake_x.env(), BUDGET: "1"})
    assert all(project.ledger_items()[i]["state"] == "sent" for i in IDS)
    assert fake_x.posts_created == 4
