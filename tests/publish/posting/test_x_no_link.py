"""An X post without its link (Social_X_Link: no): the publisher posts its text alone, prices
it as a post without a link, and settles an interrupted attempt by its text (there is no link
to look for), so it is never posted twice."""

from __future__ import annotations

from tests.publish.conftest import ANSWERING, item, write_plan

NO_LINK = dict(item(ANSWERING, "social-1", "2026-11-22T09:00:00Z", "unused"),
               text="We answer every mention within an hour", warnings=[])


def test_posted_without_the_link_and_priced_so(project, fake_x):
    write_plan(project.plan, [NO_LINK])
    plan = project.cli("plan")
    assert "$0.015" in plan.out and "X, estimated: $0.015 in 2026-11 (1 post)" in plan.out
    result = project.cli("run", env={**fake_x.env(), "PUBLISH_X_MONTHLY_BUDGET_USD": "0.02"})
    assert "run: 1 sent" in result.out, result.text
    [post] = fake_x.posts.values()
    assert post.text == "We answer every mention within an hour"
    assert project.ledger_items()[NO_LINK["id"]]["cost_usd"] == 0.015


def test_an_interrupted_attempt_is_found_by_its_text_not_posted_again(project, fake_x):
    write_plan(project.plan, [NO_LINK])
    fake_x.fail("POST /2/tweets", "drop-after-create")
    first = project.cli("run", env=fake_x.env())
    assert project.ledger_items()[NO_LINK["id"]]["state"] == "posting", first.text
    second = project.cli("run", env=fake_x.env())
    assert "found on x after an interrupted attempt" in second.out, second.text
    assert project.ledger_items()[NO_LINK["id"]]["state"] == "sent"
    assert fake_x.posts_created == 1
