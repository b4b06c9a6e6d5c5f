"""Pure functions: time values, plan validation, due-ness, reconcile matching, cadence,
aggregation, error classification, metric mapping, redaction."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta

import pytest

from publish.clock import (
    TimeFormatError,
    format_age,
    format_time,
    parse_cadence,
    parse_duration,
    parse_time,
)
from publish.networks import ErrorKind, FoundPost, capabilities
from publish.networks.common import parse_timeout
from publish.networks.x.x_adapter import classify, map_public_metrics, rate_limit_reset
from publish.posting.ledger import Ledger, dumps, loads, mark_posting, mark_sent
from publish.posting.plan_file import PlanError, parse_plan
from publish.posting.runner import Action, RunOptions, decide, match_post
from publish.report.metrics import aggregate, header_values, next_refresh, refresh_due
from publish.terminal import Output, plain_table, redact
from tests.publish.conftest import ANSWERING, ITEMS, plan_doc

T0 = datetime(2026, 11, 22, 15, 0, tzinfo=UTC)
PLAN = parse_plan(plan_doc())
BY_ID = PLAN.by_id()
SOCIAL1 = BY_ID[f"en/{ANSWERING}/social-1/x"]


def test_time_values():
    assert parse_time("2026-11-22T15:00:00Z") == T0
    assert parse_time("2026-11-22T16:00:00+01:00") == T0
    assert parse_time("2026-11-22T15:00:00") == T0
    assert format_time(datetime(2026, 11, 22, 16, 0, 0, 123, tzinfo=UTC)
                       + timedelta(hours=-1)) == "2026-11-22T15:00:00Z"
    with pytest.raises(TimeFormatError):
        parse_time("22/11/2026")
    assert format_age(timedelta(hours=78, minutes=5)) == "3d 6h"
    assert format_age(timedelta(minutes=95)) == "1h 35m"
    assert parse_duration("24h") == timedelta(days=1)
    assert parse_duration("90s") == timedelta(seconds=90)
    assert parse_cadence("1h,1d,7d,30d")[-1] == timedelta(days=30)
    for bad in ("", "1d,1h", "1x"):
        with pytest.raises(TimeFormatError):
            parse_cadence(bad)


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
    assert decide(SOCIAL1, entry, now, options) is action


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


def test_cadence_points():
    entry = {"state": "sent", "post_id": "1", "sent_at": "2026-11-22T15:00:00Z"}
    cadence = parse_cadence("1h,1d")
    assert next_refresh(entry, cadence) == T0 + timedelta(hours=1)
    assert not refresh_due(entry, T0 + timedelta(minutes=59), cadence)
    assert refresh_due(entry, T0 + timedelta(hours=1), cadence)
    entry["checked_at"] = "2026-11-22T16:00:00Z"
    assert next_refresh(entry, cadence) == T0 + timedelta(days=1)
    entry["checked_at"] = "2026-11-23T15:00:00Z"
    assert next_refresh(entry, cadence) is None
    assert not refresh_due({"state": "failed"}, T0, cadence)


def test_aggregate_sums_in_plan_order():
    ledger = Ledger()
    coupon = f"en/{ANSWERING}/coupon/x"
    for item_id, post_id, likes, at in ((coupon, "9", 2, "2026-11-22T18:00:00Z"),
                                        (SOCIAL1.id, "8", 5, "2026-11-22T17:00:00Z")):
        entry = mark_sent(mark_posting(None, network="x", text="t", link="l", now=T0),
                          post_id=post_id, url=f"u{post_id}", now=T0, how="api")
        entry.update(metrics={"likes": likes, "impressions": 10}, metrics_at=at)
        ledger.put(item_id, entry)
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


def test_ledger_round_trip_is_sorted_and_stable():
    sent = {"state": "sent", "network": "x", "post_id": "1", "z": 1, "a": "é",
            "url": "https://x.com/i/web/status/1", "sent_at": "2026-11-22T15:00:00Z"}
    ledger = Ledger({"b": sent, "a": {"state": "missed", "network": "x"}})
    raw = dumps(ledger)
    assert raw.decode().index('"a": {') < raw.decode().index('"b": {')
    assert "é" in raw.decode()
    assert dumps(loads(raw)) == raw


@pytest.mark.parametrize(("status", "payload", "kind", "certain"), [
    (400, {"title": "Invalid Request", "detail": "x"}, ErrorKind.INVALID, True),
    (401, {"title": "Unauthorized", "status": 401}, ErrorKind.UNAUTHORIZED, True),
    (402, {"title": "CreditsDepleted"}, ErrorKind.OUT_OF_CREDITS, True),
    (403, {"detail": "You are not allowed to create a Tweet with duplicate content."},
     ErrorKind.DUPLICATE, False),
    (403, {"title": "Client Forbidden"}, ErrorKind.FORBIDDEN, True),
    (429, {"title": "Too Many Requests"}, ErrorKind.RATE_LIMITED, True),
    (500, {"title": "Internal"}, ErrorKind.SERVER, False),
    (503, "Unknown error: b'<html>'", ErrorKind.SERVER, False),
    (201, "Unknown error: b'{'", ErrorKind.MALFORMED, False),
    (None, {"status": 401, "title": "Unauthorized"}, ErrorKind.UNAUTHORIZED, True),
])
def test_classify(status, payload, kind, certain):
    error = classify(status, payload)
    assert error.kind is kind
    assert error.certain_no_post is certain


def test_an_error_text_from_x_is_one_printable_line():
    """It is printed on a terminal and stored in the ledger: no line breaks, no escape
    sequences, no bidi overrides, and not longer than 200 characters."""
    error = classify(403, {"title": "Forbidden", "detail": "line one\nline\x1b[31m two\u202e"})
    assert error.message == "Forbidden: line one line [31m two"
    assert len(classify(400, {"detail": "x" * 500}).message) == 201
    assert classify(400, {"detail": "\n\t"}).message == "error without detail"


def test_a_multi_line_note_keeps_the_plain_table_one_row_per_line():
    out = io.StringIO()
    Output(out, io.StringIO(), tty=False).table(
        ["state", "note"], [["failed", "a note\nwritten by hand"], ["sent", "fine"]])
    assert out.getvalue().splitlines() == [
        "state   note", "failed  a note written by hand", "sent    fine"]


def test_rate_limit_reset_prefers_the_exhausted_24h_bucket():
    headers = {"x-rate-limit-remaining": "5", "x-rate-limit-reset": "1800000000",
               "x-user-limit-24hour-remaining": "0", "x-user-limit-24hour-reset": "1800050000"}
    assert rate_limit_reset(headers) == datetime.fromtimestamp(1800050000, UTC)
    assert rate_limit_reset({"x-rate-limit-reset": "1800000000"}) == \
        datetime.fromtimestamp(1800000000, UTC)
    assert rate_limit_reset({}) is None


def test_public_metrics_mapping():
    raw = {"like_count": 1, "retweet_count": 2, "reply_count": 3, "quote_count": 4,
           "bookmark_count": 5, "impression_count": 6}
    assert map_public_metrics(raw) == {"likes": 1, "reposts": 2, "replies": 3, "quotes": 4,
                                       "bookmarks": 5, "impressions": 6}
    raw2 = dict(raw)
    raw2["repost_count"] = raw2.pop("retweet_count")
    assert map_public_metrics(raw2)["reposts"] == 2
    assert map_public_metrics({"like_count": "many"}) is None
    assert map_public_metrics(None) is None


def test_timeout_parsing():
    assert parse_timeout(None) == (5.0, 30.0)
    assert parse_timeout("3") == (3.0, 3.0)
    with pytest.raises(ValueError):
        parse_timeout("0,1")


def test_redact_and_plain_table():
    assert redact("token abcd1234 leaked", ["abcd1234", ""]) == "token [redacted] leaked"
    assert plain_table(["a", "bb", "c"], [["1", "2", "long text"]]) == \
        "a  bb  c\n1  2   long text"


def test_the_plugin_and_the_publisher_name_the_same_metrics_in_the_same_order():
    """The Engagement_* lines are written by the publisher and read by the plugin
    (docs/contract.md §3): one list on each side, and this test ties them."""
    from campaign.posts.weighing import NETWORKS  # plugins/ is on pytest's pythonpath

    from publish import networks as registry

    assert set(NETWORKS) == set(registry.REGISTRY)
    for name, network in NETWORKS.items():
        caps = registry.capabilities(name)
        assert network.metrics == caps.metric_names, name
        assert network.label == caps.label, name
        # The links the publisher stores are the links the plugin accepts as hrefs.
        assert network.link_pattern == caps.link_pattern, name
