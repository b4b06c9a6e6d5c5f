"""contract/plan.py: the plan's records, written by the plugin and read by the publisher
through one definition."""

from __future__ import annotations

import json
from dataclasses import fields
from datetime import UTC, datetime, timedelta

from campaign.posts.plan_document import coupon_entry, dumps, plan_document

from contract.plan import (
    COUPON_TEXT_FIELDS,
    COUPON_TIME_FIELDS,
    EXPIRED,
    ITEM_INT_FIELDS,
    ITEM_OPTIONAL_TEXT_FIELDS,
    ITEM_TEXT_FIELDS,
    LIVE,
    UPCOMING,
    PlanCoupon,
    PlanItem,
    coupon_state,
)
from publish.posting.plan_file import parse_plan

DUE = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)
ITEM = PlanItem(
    id="is/hlustum/social-1/mastodon", kind="article-post", network="mastodon", due=DUE,
    text="Við hlustum 👂 https://b.example/is/hlustum/", link="https://b.example/is/hlustum/",
    weighted_length=37, max_length=500, source="posts/hlustum.md", slug="hlustum",
    lang="is", title="Við hlustum", description="Þjónusta, „alltaf“", campaign="hlustum",
    coupon=None, warnings=("a warning",))


def test_the_file_names_every_field_of_the_records():
    named = {*ITEM_TEXT_FIELDS, *ITEM_INT_FIELDS, *ITEM_OPTIONAL_TEXT_FIELDS, "description",
             "warnings"}
    assert named == {f.name for f in fields(PlanItem)}
    assert {*COUPON_TEXT_FIELDS, *COUPON_TIME_FIELDS} == {f.name for f in fields(PlanCoupon)}


def test_what_the_plugin_writes_the_publisher_reads_as_the_same_records():
    class Window:  # the plugin's Coupon, as coupon_entry reads it
        code, offer = "LISTEN20", "20% off"
        starts, expires = DUE, None

    text = dumps(plan_document("https://b.example/", [ITEM], "Atlantic/Reykjavik",
                               [coupon_entry(Window, "posts/hlustum.md", "Við hlustum", "is",
                                             "hlustum")]))
    item = json.loads(text)["items"][0]
    assert item["due"] == "2026-11-20T09:00:00Z" and item["warnings"] == ["a warning"]
    plan = parse_plan(json.loads(text))
    assert plan.items == (ITEM,)
    assert plan.coupons == (PlanCoupon("LISTEN20", "20% off", "posts/hlustum.md",
                                       "Við hlustum", "is", "hlustum", starts=DUE),)


def test_a_coupon_is_live_from_its_start_until_its_expiry():
    later = DUE + timedelta(days=1)
    assert coupon_state(DUE, later, DUE - timedelta(seconds=1)) == UPCOMING
    assert coupon_state(DUE, later, DUE) == LIVE
    assert coupon_state(DUE, later, later) == EXPIRED
    assert coupon_state(None, None, DUE) == LIVE
