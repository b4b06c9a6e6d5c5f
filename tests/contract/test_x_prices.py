"""X's prices (contract/x_pricing.py): the defaults written once, the site's override
(CAMPAIGN_X_PRICES) validated by the plugin and carried in the plan, read back by the
publisher, and the budget's pure parts (publish/posting/budget.py)."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from contract.x_pricing import DEFAULT, XPrices, estimated_cost_usd, month_of, parse_prices, usd
from publish.posting.budget import budget_from_env, hold_reason, month_spend
from publish.posting.ledger import Ledger
from publish.posting.ledger_entry import Entry
from publish.posting.plan_file import PlanError, load_plan, parse_plan
from tests.publish.conftest import plan_doc


def test_defaults_are_the_prices_of_the_issue():
    assert (DEFAULT.post_with_link_usd, DEFAULT.post_usd, DEFAULT.read_usd,
            DEFAULT.own_read_usd, DEFAULT.as_of) == (0.20, 0.015, 0.005, 0.001, "2026-08")


def test_an_override_keeps_the_other_defaults_and_prices_posts():
    prices = parse_prices({"post_with_link_usd": 0.25, "as_of": "2026-09-15"})
    assert prices == XPrices(post_with_link_usd=0.25, as_of="2026-09-15")
    assert estimated_cost_usd({"network": "x", "text": "see https://a.example/"}, prices) == 0.25
    assert estimated_cost_usd({"network": "x", "text": "no link"}, prices) == 0.015
    assert estimated_cost_usd({"network": "bluesky", "text": "https://a.example/"}, prices) == 0


def test_every_bad_key_is_named_at_once():
    with pytest.raises(ValueError) as caught:
        parse_prices({"post_usd": "cheap", "read_usd": -1, "as_of": "August", "tip": 1})
    assert str(caught.value).splitlines() == [
        "tip: unknown key (known: post_with_link_usd, post_usd, read_usd, own_read_usd, as_of)",
        "post_usd: must be a price in US dollars, 0 or more, got 'cheap'",
        "read_usd: must be a price in US dollars, 0 or more, got -1",
        "as_of: must be a date like 2026-08 or 2026-08-01, got 'August'",
    ]
    with pytest.raises(ValueError, match="as_of: missing"):
        parse_prices({"post_usd": 0.02})


def test_the_plan_carries_the_prices_and_a_bad_one_names_the_file(tmp_path):
    doc = plan_doc()
    assert parse_plan(doc).x_prices == DEFAULT           # an older plan: the defaults
    doc["x_prices"] = {**DEFAULT.as_json(), "post_usd": 0.02}
    assert parse_plan(doc).x_prices.post_usd == 0.02
    doc["x_prices"] = {**DEFAULT.as_json(), "post_usd": None}
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    with pytest.raises(PlanError) as caught:
        load_plan(path)
    assert str(caught.value) == (f"{path}: 'x_prices': post_usd: must be a price in US "
                                 "dollars, 0 or more, got None")


def test_the_plugin_validates_the_setting_and_writes_the_prices_into_the_plan():
    from campaign.posts.plan_document import plan_document
    from campaign.settings import DEFAULTS, resolve, validate

    settings = {**DEFAULTS, "SITEURL": "https://b.example",
                "CAMPAIGN_X_PRICES": {"post_usd": 0.02, "as_of": "2026-09"}}
    assert validate(settings) == []
    prices = resolve(settings).x_prices
    assert plan_document("https://b.example", [], x_prices=prices)["x_prices"] == {
        **DEFAULT.as_json(), "post_usd": 0.02, "as_of": "2026-09"}
    assert plan_document("https://b.example", [])["x_prices"] == DEFAULT.as_json()
    bad = {**settings, "CAMPAIGN_X_PRICES": {"post_usd": "0.02"}}
    assert [p.as_line() for p in validate(bad) if p.key == "CAMPAIGN_X_PRICES"] == [
        "CAMPAIGN_X_PRICES: post_usd: must be a price in US dollars, 0 or more, got '0.02'",
        "CAMPAIGN_X_PRICES: as_of: missing: say when the prices were read off X's pricing "
        "page"]


def test_budget_variable():
    assert budget_from_env({}) is None and budget_from_env({"X": "1"}) is None
    assert budget_from_env({"PUBLISH_X_MONTHLY_BUDGET_USD": " 12.50 "}) == 12.5
    assert budget_from_env({"PUBLISH_X_MONTHLY_BUDGET_USD": "$3"}) == 3
    with pytest.raises(ValueError, match=r"^PUBLISH_X_MONTHLY_BUDGET_USD: must be"):
        budget_from_env({"PUBLISH_X_MONTHLY_BUDGET_USD": "3 dollars"})


def test_month_spend_counts_what_may_have_cost_in_the_sites_month():
    def entry(state, at, text="x https://a.example/", **extra):
        return {"state": state, "network": "x", "text": text, "attempted_at": at, **extra}

    ledger = Ledger({key: Entry.from_json(raw) for key, raw in {
        "a": entry("sent", "2026-11-02T10:00:00Z", sent_at="2026-11-02T10:00:01Z"),
        "b": entry("posting", "2026-11-03T10:00:00Z", cost_usd=0.3),   # recorded cost
        "c": entry("unknown", "2026-11-04T10:00:00Z", text="no link"),
        "d": entry("failed", "2026-11-05T10:00:00Z"),                  # certainly no post
        "e": entry("sent", "2026-10-31T23:00:00Z", sent_at="2026-10-31T23:00:00Z"),
        "f": {**entry("sent", "2026-11-06T10:00:00Z"), "network": "mastodon"},
    }.items()})
    assert month_spend(ledger, "2026-11", UTC, DEFAULT) == 0.515
    # In Auckland (UTC+13) the post sent 31 October 23:00 UTC was sent in November.
    assert month_spend(ledger, "2026-11", ZoneInfo("Pacific/Auckland"), DEFAULT) == 0.715
    assert month_of(datetime(2026, 11, 30, 11, 30, tzinfo=UTC),
                    ZoneInfo("Pacific/Auckland")) == "2026-12"


def test_hold_reason_and_amounts():
    assert hold_reason(0.2, 0.1, 0.30, "2026-11") is None         # exactly the budget fits
    assert hold_reason(0.0, 5, 1, "2026-11") is None
    assert "$0.30 (PUBLISH_X_MONTHLY_BUDGET_USD) would be passed: $0.20 spent in " \
        "2026-11, this post $0.20" in hold_reason(0.2, 0.2, 0.3, "2026-11")
    assert [usd(v) for v in (0.2, 0.015, 12, 0.0)] == ["$0.20", "$0.015", "$12.00", "$0.00"]
