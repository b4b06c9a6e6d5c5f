"""Metric refresh times and sums per article (publish.report.metrics)."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

from publish.clock import (
    parse_cadence,
)
from publish.networks import capabilities
from publish.posting.ledger import Ledger, mark_posting, mark_sent
from publish.posting.ledger_entry import Entry
from publish.posting.plan_file import parse_plan
from publish.report.metrics import aggregate, header_values, next_refresh, refresh_due
from tests.publish.conftest import ANSWERING, plan_doc

T0 = datetime(2026, 11, 22, 15, 0, tzinfo=UTC)
PLAN = parse_plan(plan_doc())
BY_ID = PLAN.by_id()
SOCIAL1 = BY_ID[f"en/{ANSWERING}/social-1/x"]


def test_cadence_points():
    entry = Entry.from_json({"state": "sent", "network": "x", "post_id": "1",
                             "sent_at": "2026-11-22T15:00:00Z"})
    cadence = parse_cadence("1h,1d")
    assert next_refresh(entry, cadence) == T0 + timedelta(hours=1)
    assert not refresh_due(entry, T0 + timedelta(minutes=59), cadence)
    assert refresh_due(entry, T0 + timedelta(hours=1), cadence)
    entry = replace(entry, checked_at="2026-11-22T16:00:00Z")
    assert next_refresh(entry, cadence) == T0 + timedelta(days=1)
    entry = replace(entry, checked_at="2026-11-23T15:00:00Z")
    assert next_refresh(entry, cadence) is None
    assert not refresh_due(Entry.from_json({"state": "failed", "network": "x"}), T0, cadence)


def test_aggregate_sums_in_plan_order():
    ledger = Ledger()
    coupon = f"en/{ANSWERING}/coupon/x"
    for item_id, post_id, likes, at in ((coupon, "9", 2, "2026-11-22T18:00:00Z"),
                                        (SOCIAL1.id, "8", 5, "2026-11-22T17:00:00Z")):
        entry = mark_sent(mark_posting(None, network="x", text="t", link="l", now=T0),
                          post_id=post_id, url=f"u{post_id}", now=T0, how="api")
        ledger.put(item_id, replace(entry, metrics={"likes": likes, "impressions": 10},
                                    metrics_at=at))
    result = aggregate(PLAN, ledger, "x", capabilities("x").metric_names)
    engagement = result[f"posts/{ANSWERING}.md"]
    assert engagement.posts == ("u8", "u9")                  # social-1 is earlier in the plan
    assert header_values("X", engagement) == [
        ("Engagement_X", "likes 7, reposts 0, replies 0, quotes 0, bookmarks 0, "
                         "impressions 20"),
        ("Engagement_X_As_Of", "2026-11-22T18:00:00Z"),
        ("Engagement_X_Posts", "u8, u9"),
    ]
    # Another network's names and order (Mastodon's): the line follows them.
    mastodon = aggregate(PLAN, ledger, "x", ("favourites", "boosts", "replies"))
    assert header_values("Mastodon", mastodon[f"posts/{ANSWERING}.md"])[0] == \
        ("Engagement_Mastodon", "favourites 0, boosts 0, replies 0")
