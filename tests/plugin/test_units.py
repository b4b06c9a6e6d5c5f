"""Pure functions: dates, text fitting, links, header parsing, offers, plan (no Pelican)."""

import json
import os
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from campaign.header.dates import (
    MOVED_WARNING,
    parse_absolute,
    parse_date,
    parse_when,
    resolve_due,
    utc_iso,
)
from campaign.header.engagement import parse_engagement
from campaign.header.metadata import Coupon, mentions_code, parse_campaign_meta
from campaign.posts.links import shared_link
from campaign.posts.plan_document import (
    CouponUse,
    coupon_conflicts,
    dumps,
    plan_document,
    write_plan,
)
from campaign.posts.problems import merged
from campaign.posts.text import ELLIPSIS, compose, fill, hashtag, hashtags, plain_text, shorten
from campaign.posts.weighing import weighted_length
from campaign.site.offers import article_coupon, coupon_state, live_offers, offers_feed

TZ = ZoneInfo("Europe/Berlin")
UTM = (("utm_source", "{network}"), ("utm_medium", "social"), ("utm_campaign", "{campaign}"))
LINK = "https://blog.listening-brands.example/2026/post/?utm_source=x&utm_medium=social"


# --- schedule -------------------------------------------------------------------------


def test_absolute_naive_is_site_time_and_offsets_are_kept():
    assert parse_absolute("2026-11-20 09:00", TZ) == datetime(2026, 11, 20, 8, 0, tzinfo=UTC)
    assert parse_absolute("2026-11-20T09:00:30+01:00", TZ) == datetime(
        2026, 11, 20, 8, 0, 30, tzinfo=UTC
    )
    assert parse_absolute("2026-11-20T09:00Z", TZ) == datetime(2026, 11, 20, 9, tzinfo=UTC)


@pytest.mark.parametrize(
    "value", ["2026-11-20", "tomorrow", "20/11/2026 09:00", "2026-13-01 09:00",
              "2026-11-20 09:00:00.5", "2026-11-20 09:00+01", "2026-11-20 09:00+0100"]
)
def test_absolute_refuses_dates_without_time_and_nonsense(value):
    with pytest.raises(ValueError):
        parse_absolute(value, TZ)


@pytest.mark.parametrize(
    ("value", "expected"),
    [("2026-11-20", datetime(2026, 11, 20, tzinfo=TZ)),
     ("2026-11-20 09:00", datetime(2026, 11, 20, 9, tzinfo=TZ)),
     ("2026-11-20T09:00:30Z", datetime(2026, 11, 20, 9, 0, 30, tzinfo=UTC)),
     ("1970-01-01", datetime(1970, 1, 1, tzinfo=TZ)),
     ("2199-12-31 23:59-05:00", datetime(2200, 1, 1, 4, 59, tzinfo=UTC))],
)
def test_article_dates_may_be_a_day_or_a_moment(value, expected):
    assert parse_date(value, TZ) == expected


@pytest.mark.parametrize(
    ("value", "reason"),
    [("03/12/2026 10:00", "not a date '03/12/2026 10:00': expected YYYY-MM-DD, "
      "YYYY-MM-DD HH:MM, or either with an offset (2026-11-20T09:00+01:00)"),
     ("226-11-21 09:00", "not a date '226-11-21 09:00': expected YYYY-MM-DD, "
      "YYYY-MM-DD HH:MM, or either with an offset (2026-11-20T09:00+01:00)"),
     ("1969-12-31", "'1969-12-31': year 1969 is outside 1970-2199"),
     ("9999-12-31 23:00-05:00", "'9999-12-31 23:00-05:00': year 9999 is outside 1970-2199"),
     ("2026-02-30", "not a valid date '2026-02-30'")],
)
def test_article_dates_outside_the_forms_or_years_are_refused(value, reason):
    with pytest.raises(ValueError) as error:
        parse_date(value, TZ)
    assert str(error.value) == reason


@pytest.mark.parametrize("value", ["+5000000d", "+99999999999999999999d", "+100000w"])
def test_relative_times_that_would_overflow_are_too_far(value):
    with pytest.raises(ValueError) as error:
        parse_when(value, TZ)
    assert str(error.value) == f"{value} is too far: every date must stay in the years 1970-2199"


@pytest.mark.parametrize(
    ("value", "delta"),
    [("+0h", timedelta()), ("+30m", timedelta(minutes=30)), ("+2h", timedelta(hours=2)),
     ("+3d", timedelta(days=3)), ("+1w", timedelta(weeks=1)), ("+1d 2h", timedelta(hours=26))],
)
def test_relative_times(value, delta):
    assert parse_when(value, TZ) == delta


@pytest.mark.parametrize("value", ["+2", "+2y", "-2h", "2h", "+h"])
def test_relative_refuses_other_forms(value):
    with pytest.raises(ValueError):
        parse_when(value, TZ)


def test_due_is_never_before_the_article():
    date = datetime(2026, 11, 20, 9, tzinfo=UTC)
    assert resolve_due(None, date) == (date, [])
    assert resolve_due(timedelta(days=3), date) == (date + timedelta(days=3), [])
    assert resolve_due(date - timedelta(hours=1), date) == (date, [MOVED_WARNING])


def test_utc_iso_is_seconds_precision_with_z():
    assert utc_iso(datetime(2026, 11, 20, 10, 0, 5, 999, tzinfo=TZ)) == "2026-11-20T09:00:05Z"


# --- text -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("tag", "expected"),
    [("customer service", "#CustomerService"), ("twitter", "#Twitter"),
     ("e-mail & chat", "#EMailChat"), ("2026", None), ("  ", None), ("Café crème", "#CaféCrème")],
)
def test_hashtags_are_camel_case_without_spaces(tag, expected):
    assert hashtag(tag) == expected


def test_hashtags_dedupe_and_limit():
    assert hashtags(["a b", "A B", "c", "d"], 2) == ["#AB", "#C"]


def test_plain_text_strips_html_and_entities():
    assert plain_text("<p>Less <em>is</em>\n more &amp; better</p>") == "Less is more & better"


def test_fill_places_or_appends_the_link_and_code():
    assert fill("Read: {url} now", "L") == "Read: L now"
    assert fill("Read now", "L") == "Read now L"
    assert fill("Use {code}", "L", "SAVE10") == "Use SAVE10 L"


def test_shorten_cuts_at_a_word_and_adds_an_ellipsis():
    assert shorten("one two, three", 2) == "one two" + ELLIPSIS
    assert shorten("one two", 5) == "one two"


def test_weighted_length_counts_our_link_as_23_and_ellipsis_as_2():
    assert weighted_length("hi " + LINK, (LINK,)) == 3 + 23
    assert weighted_length(ELLIPSIS) == 2
    assert weighted_length("日本") == 4


def test_compose_keeps_everything_when_it_fits():
    text = compose("Title", "<p>Short summary.</p>", ["#A", "#B"], LINK, 280)
    assert text == f"Title: Short summary. {LINK} #A #B"


def test_compose_drops_hashtags_before_touching_the_summary():
    summary = "word " * 45  # 224 characters: with both hashtags 281
    text = compose("Title", summary, ["#CustomerService", "#Twitter"], LINK, 280)
    assert text == f"Title: {summary.strip()} {LINK} #CustomerService"
    assert weighted_length(text, (LINK,)) <= 280


def test_compose_shortens_the_summary_at_a_word_boundary():
    words = [f"w{i:03d}" for i in range(100)]
    text = compose("Title", " ".join(words), ["#Tag"], LINK, 280)
    assert weighted_length(text, (LINK,)) <= 280
    assert "#Tag" not in text
    lead = text.removesuffix(" " + LINK)
    assert lead.endswith(ELLIPSIS)
    kept = lead.removeprefix("Title: ").removesuffix(ELLIPSIS).split(" ")
    assert kept == words[: len(kept)]  # whole words only
    longer = f"Title: {' '.join(words[: len(kept) + 1])}{ELLIPSIS} {LINK}"
    assert weighted_length(longer, (LINK,)) > 280  # the longest that fits


def test_compose_counts_wide_characters_double():
    text = compose("標題", "日本語 " * 100, [], LINK, 280)
    assert weighted_length(text, (LINK,)) <= 280
    assert text.endswith(ELLIPSIS + " " + LINK)


# --- links --------------------------------------------------------------------------------


def test_shared_link_is_absolute_with_encoded_utm():
    assert shared_link("https://b.example", "2026/a-b/", UTM, "x", "listening week") == (
        "https://b.example/2026/a-b/?utm_source=x&utm_medium=social"
        "&utm_campaign=listening%20week"
    )
    assert shared_link("https://b.example/blog/", "2026/caf\u00e9/", None, "x", "c") == (
        "https://b.example/blog/2026/caf%C3%A9/"
    )


# --- header parsing ---------------------------------------------------------------------------

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
        ("Social_At", "+5w is too far: every date must stay in the years 1970-2199")
    ]
    assert parse_campaign_meta(header, TZ, ("x",))[1] == []  # no date (a draft): not checked


def test_mentions_code_is_a_whole_word():
    assert mentions_code("use save10 today", "SAVE10")
    assert mentions_code("use {code}", "SAVE10")
    assert not mentions_code("SAVE100", "SAVE10")


def test_engagement_lines():
    lines = {
        "engagement_x": "likes 12, reposts 3, replies 1, quotes 0, bookmarks 2, impressions 1400",
        "engagement_x_as_of": "2026-11-22T15:00:00Z",
        "engagement_x_posts": "https://x.com/i/web/status/1, https://x.com/i/web/status/2",
    }
    assert parse_engagement(lines) == (
        {"x": {
            "label": "X",
            "metrics": [("likes", 12), ("reposts", 3), ("replies", 1), ("quotes", 0),
                        ("bookmarks", 2), ("impressions", 1400)],
            "as_of": datetime(2026, 11, 22, 15, tzinfo=UTC),
            "posts": ["https://x.com/i/web/status/1", "https://x.com/i/web/status/2"],
        }},
        [],
    )
    wrong_order = dict(lines, engagement_x="reposts 3, likes 12, replies 1, quotes 0, "
                       "bookmarks 2, impressions 1")
    assert parse_engagement(wrong_order)[1][0][0] == "Engagement_X"
    assert parse_engagement({"engagement_myspace": "likes 1"})[1] == [
        ("Engagement_Myspace", "unknown network (known: X, Mastodon, Bluesky)")
    ]


# --- offers ---------------------------------------------------------------------------------

COUPON = Coupon("SAVE10", "10% off", None, datetime(2026, 11, 20, tzinfo=UTC),
                datetime(2026, 12, 1, tzinfo=UTC), None)


@pytest.mark.parametrize(
    ("now", "state"),
    [(datetime(2026, 11, 19, 23, 59, tzinfo=UTC), "upcoming"),
     (datetime(2026, 11, 20, tzinfo=UTC), "live"),
     (datetime(2026, 11, 30, 23, 59, tzinfo=UTC), "live"),
     (datetime(2026, 12, 1, tzinfo=UTC), "expired")],
)
def test_coupon_state_boundaries(now, state):
    assert coupon_state(COUPON, now) == state


def test_offers_feed_lists_live_offers_only():
    class Article:
        title, lang = "T", "en"

    now = datetime(2026, 11, 22, tzinfo=UTC)
    live = article_coupon(COUPON, now, "https://b.example/t/", UTC)
    gone = article_coupon(COUPON, datetime(2027, 1, 1, tzinfo=UTC), "https://b.example/u/", UTC)
    offers = live_offers([(Article, live, "https://b.example/t/"), (Article, gone, "u")])
    assert offers_feed(offers) == {"schema": "campaign-offers/1", "offers": [{
        "code": "SAVE10", "offer": "10% off", "terms": None, "starts": "2026-11-20T00:00:00Z",
        "expires": "2026-12-01T00:00:00Z", "url": "https://b.example/t/", "title": "T",
        "lang": "en",
    }]}
    assert live["jsonld"] == {
        "@context": "https://schema.org", "@type": "Offer", "name": "10% off",
        "identifier": "SAVE10", "url": "https://b.example/t/",
        "validFrom": "2026-11-20T00:00:00Z", "validThrough": "2026-12-01T00:00:00Z",
    }


# --- plan -------------------------------------------------------------------------------------


def test_translations_may_word_an_offer_differently_but_not_date_it():
    de = Coupon("SAVE10", "10 % Rabatt", None, COUPON.starts, COUPON.expires, None)
    assert coupon_conflicts([CouponUse("a.md", "a", "en", COUPON),
                             CouponUse("a-de.md", "a", "de", de)]) == []
    assert coupon_conflicts([CouponUse("a.md", "a", "en", COUPON),
                             CouponUse("b.md", "b", "en", de)]) == [
        "b.md: Coupon: SAVE10 is also used by a.md with a different Coupon_Offer"
    ]


def test_one_offer_in_two_languages_under_two_slugs_is_a_translation_missing_its_slug():
    de = Coupon("SAVE10", "10 % Rabatt", None, COUPON.starts, COUPON.expires, None)
    missing = ("b-de.md: Slug: missing: b-de.md (Lang de) offers coupon SAVE10 like a.md "
               "(Lang en); a translation has its original's Slug: add Slug: a")
    assert coupon_conflicts([CouponUse("a.md", "a", "en", COUPON),
                             CouponUse("b-de.md", "b", "de", de, slug_given=False)],
                            "en") == [missing]
    # Neither has a Slug: the one not in the site's language is the translation.
    assert coupon_conflicts([CouponUse("a.md", "a", "en", COUPON, slug_given=False),
                             CouponUse("b-de.md", "b", "de", de, slug_given=False)],
                            "en") == [missing]
    # Both chose their Slug: two articles, so one code must mean one offer.
    assert coupon_conflicts([CouponUse("a.md", "a", "en", COUPON),
                             CouponUse("b-de.md", "b", "de", de)], "en") == [
        "b-de.md: Coupon: SAVE10 is also used by a.md with a different Coupon_Offer"]


def test_a_problem_found_on_several_networks_is_said_once_naming_them():
    assert merged([("Social", "early", "bluesky"), ("Social_2", "long"),
                   ("Social", "early", "x"), ("Social_2", "long"), ("Social", "other", "x")]
                  ) == [("Social", "early (x, bluesky)"), ("Social_2", "long"),
                        ("Social", "other (x)")]


def test_plan_text_is_sorted_and_stable():
    items = [{"id": "en/b/social-1/x", "due": "2026-01-01T00:00:00Z"},
             {"id": "en/a/social-1/x", "due": "2026-01-01T00:00:00Z"},
             {"id": "en/c/social-1/x", "due": "2025-01-01T00:00:00Z"}]
    text = dumps(plan_document("https://b.example/", items))
    assert [i["id"] for i in json.loads(text)["items"]] == [
        "en/c/social-1/x", "en/a/social-1/x", "en/b/social-1/x"]
    assert text == dumps(plan_document("https://b.example/", list(reversed(items))))
    assert text.endswith("}\n")


def test_write_plan_replaces_and_leaves_no_temp_file(tmp_path):
    path = tmp_path / "state" / "plan.json"
    write_plan(str(path), {"one": 1})
    write_plan(str(path), {"two": "✓"})
    assert path.read_text(encoding="utf-8") == dumps({"two": "✓"})
    assert os.listdir(path.parent) == ["plan.json"]


def test_hashtag_estimate_matches_a_full_count_for_every_tag_count():
    summary = "We answer every mention within an hour, and here is how the rota works " * 2
    tags = ["#CustomerService", "#Twitter", "#Loyalty", "#Ísland", "#日本"]
    for limit in range(120, 281, 7):
        text = compose("Answering customers", summary, tags, LINK, limit)
        if text is None:
            continue
        kept = [tag for tag in tags if tag in text.split(" ")]
        assert weighted_length(text, (LINK,)) <= limit
        if len(kept) < len(tags) and summary.strip() in text:  # nothing else was cut
            longer = text + " " + tags[len(kept)]
            assert weighted_length(longer, (LINK,)) > limit, (limit, kept)


def test_streamed_plan_is_byte_identical_to_dumps(tmp_path):
    items = [{"id": "is/á/social-1/x", "due": "2026-11-20T09:00:00Z", "text": "Við svörum…"}]
    document = plan_document("https://b.example/", items)
    write_plan(str(tmp_path / "plan.json"), document)
    assert (tmp_path / "plan.json").read_bytes() == dumps(document).encode("utf-8")
