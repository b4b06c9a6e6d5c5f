"""The plan file read and validated (publish.posting.plan_file)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from publish.posting.plan_file import PlanError, parse_plan
from tests.publish.conftest import ITEMS, plan_doc

PLAN = parse_plan(plan_doc())
BY_ID = PLAN.by_id()


def test_plan_is_sorted_and_validated():
    assert [i.id for i in PLAN.items] == sorted(
        (i["id"] for i in ITEMS), key=lambda x: BY_ID[x].due)
    doc = plan_doc()
    doc["items"].append(dict(doc["items"][0]))
    with pytest.raises(PlanError, match="duplicate item id"):
        parse_plan(doc)
    doc = plan_doc()
    doc["items"][0]["due"] = "soon"
    with pytest.raises(PlanError, match="'due'"):
        parse_plan(doc)
    doc = plan_doc()
    doc["items"][0]["weighted_length"] = "75"
    with pytest.raises(PlanError, match="weighted_length"):
        parse_plan(doc)


def test_plan_coupons_are_optional_and_checked():
    assert parse_plan(plan_doc()).coupons == ()
    coupon = {"code": "A", "offer": "o", "source": "posts/a.md", "title": "t", "lang": "en",
              "slug": "a", "starts": "2026-11-20T09:00:00Z", "expires": None}
    (read,) = parse_plan({**plan_doc(), "coupons": [coupon]}).coupons
    assert read.state(datetime(2026, 11, 20, 8, tzinfo=UTC)) == "upcoming"
    assert read.state(datetime(2026, 11, 20, 9, tzinfo=UTC)) == "live"
    with pytest.raises(PlanError, match=r"coupons\[0\]: 'starts'"):
        parse_plan({**plan_doc(), "coupons": [{**coupon, "starts": "soon"}]})
    with pytest.raises(PlanError, match="'coupons' must be a list"):
        parse_plan({**plan_doc(), "coupons": {}})
