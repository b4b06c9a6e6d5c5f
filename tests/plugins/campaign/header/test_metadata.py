"""The campaign keys of a post's header read into a campaign (campaign.header.metadata)."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from campaign.header.metadata import Coupon, mentions_code, parse_campaign_meta
from campaign.problems import Problem

TZ = ZoneInfo("Europe/Berlin")



CONTRACT_HEADER = {
    "social": "We answer every mention within an hour. Here is how: {url}",
    "social_at": "+0h",
    "social_2": "Three days on: what changed when we answered faster {url}",
    "social_2_at": "+3d",
    "social_networks": "x",
    "coupon": "LISTEN20",
    "coupon_offer": "20% off your first order",
    "coupon_starts": "2026-11-20 09:00",
    "coupon_expires": "2026-12-31 23:59",
    "coupon_terms": "One use per customer.",
    "coupon_social": "Our listeners get 20% off until New Year: {code} {url}",
    "campaign": "listening-week",
    "title": "ignored", "tags": "ignored", "summary_extra": "not ours",
}


def test_parse_the_contract_example():
    meta, problems = parse_campaign_meta(CONTRACT_HEADER, TZ, ("x",))
    assert problems == []
    assert [(s.number, s.key, s.at, s.networks) for s in meta.slots] == [
        (1, "Social", timedelta(0), ("x",)),
        (2, "Social_2", timedelta(days=3), ("x",)),
    ]
    assert meta.coupon == Coupon(
        "LISTEN20", "20% off your first order", "One use per customer.",
        datetime(2026, 11, 20, 9, tzinfo=TZ), datetime(2026, 12, 31, 23, 59, tzinfo=TZ),
        "Our listeners get 20% off until New Year: {code} {url}",
    )
    assert meta.campaign == "listening-week"


def test_no_social_key_means_a_written_post_and_off_means_none():
    meta, _ = parse_campaign_meta({}, TZ, ("x",))
    assert [(s.number, s.text) for s in meta.slots] == [(1, None)]
    meta, problems = parse_campaign_meta({"social": "Off", "social_2": "b {url}"}, TZ, ("x",))
    assert (meta.slots, meta.social_off, problems) == ((), True, [])


def test_keys_other_than_the_campaigns_are_left_to_the_reader():
    _, problems = parse_campaign_meta({"category": "x", "og_image": "y", "status": "z"}, TZ, ("x",))
    assert problems == []


def test_relative_times_must_stay_inside_the_years_from_the_article_date():
    late = datetime(2199, 12, 1, 9, tzinfo=UTC)
    header = {"social_at": "+5w", "social_2": "b {url}", "social_2_at": "+1d"}
    _, problems = parse_campaign_meta(header, TZ, ("x",), late)
    assert problems == [
        Problem("+5w is too far: every date must stay in the years 1970-2199", "Social_At")
    ]
    assert parse_campaign_meta(header, TZ, ("x",))[1] == []  # no date (a draft): not checked


def test_mentions_code_is_a_whole_word():
    assert mentions_code("use save10 today", "SAVE10")
    assert mentions_code("use {code}", "SAVE10")
    assert not mentions_code("SAVE100", "SAVE10")
