"""What to do with each item, and matching a found post to it (publish.posting.decisions)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from publish.networks import FoundPost
from publish.posting.decisions import Action, RunOptions, decide, match_post
from publish.posting.ledger_entry import Entry
from publish.posting.plan_file import parse_plan
from tests.publish.conftest import ANSWERING, plan_doc

T0 = datetime(2026, 11, 22, 15, 0, tzinfo=UTC)
PLAN = parse_plan(plan_doc())
BY_ID = PLAN.by_id()
SOCIAL1 = BY_ID[f"en/{ANSWERING}/social-1/x"]


@pytest.mark.parametrize(("entry", "now", "options", "action"), [
    (None, T0 - timedelta(hours=7), RunOptions(), Action.NOT_DUE),
    (None, T0, RunOptions(), Action.POST),
    (None, T0 + timedelta(days=2), RunOptions(), Action.MISSED),
    (None, T0 + timedelta(days=2), RunOptions(post_late=True), Action.POST),
    ({"state": "sent"}, T0, RunOptions(), Action.SENT),
    ({"state": "posting"}, T0 + timedelta(days=9), RunOptions(), Action.RECONCILE),
    ({"state": "unknown"}, T0, RunOptions(), Action.PARKED),
    ({"state": "failed"}, T0, RunOptions(), Action.POST),
    ({"state": "failed"}, T0 + timedelta(days=2), RunOptions(), Action.MISSED),
    ({"state": "missed", "due": "2026-11-22T09:00:00Z"}, T0 + timedelta(days=2),
     RunOptions(), Action.ALREADY_MISSED),
    ({"state": "missed", "due": "2026-11-01T09:00:00Z"}, T0, RunOptions(), Action.POST),
])
def test_decide(entry, now, options, action):
    recorded = None if entry is None else Entry.from_json({"network": "x", **entry})
    assert decide(SOCIAL1, recorded, now, options) is action


def _found(post_id, text, minutes=0, urls=()):
    return FoundPost(post_id, f"https://x.com/i/web/status/{post_id}", text,
                     T0 + timedelta(minutes=minutes), tuple(urls))


def test_match_post_compares_text_without_links_time_and_claims():
    text = "We answer every mention. Here is how https://blog.example/a/?utm_source=x"
    tco = "We answer every mention.  Here is how https://t.co/abc"
    coupon = "Our listeners get 20% off https://t.co/def"
    candidates = [_found("3", coupon, 1), _found("2", tco, 0), _found("1", tco, -60)]
    assert match_post(text, T0, candidates, claimed=set()).post_id == "2"
    assert match_post(text, T0, candidates, claimed={"2"}) is None     # "1" is too old
    assert match_post(text, None, candidates, claimed={"2"}).post_id == "1"
    assert match_post("Something else https://x", T0, candidates, set()) is None
