"""End-to-end Pelican builds of tiny content folders: plan, attributes, offers, failures."""

import json
import subprocess
import sys
from datetime import UTC, datetime

import pytest
from campaign.plugin import CampaignBuildFailed

from tests.plugins.conftest import DATA, ROOT, run_build, write_posts


def test_plan_matches_the_golden_file(data_copy, tmp_path):
    plan = run_build(data_copy("basic"), tmp_path)
    assert plan.read_bytes() == (DATA / "basic-plan.json").read_bytes()


def test_plan_is_byte_identical_across_builds_and_clocks(data_copy, tmp_path):
    content = data_copy("basic")
    first = run_build(content, tmp_path / "one").read_bytes()
    second = run_build(content, tmp_path / "two", CAMPAIGN_NOW=None).read_bytes()
    assert first == second


def test_plan_content(data_copy, tmp_path):
    plan = json.loads(run_build(data_copy("basic"), tmp_path).read_text(encoding="utf-8"))
    assert plan["schema"] == "campaign-plan/1"
    assert plan["site_url"] == "https://blog.listening-brands.example"
    ids = [item["id"] for item in plan["items"]]
    assert ids == [
        "en/a-quiet-week-in-the-inbox/social-1/x",
        "en/early-bird/social-1/x",
        "en/answering-customers-on-twitter/coupon/x",
        "en/answering-customers-on-twitter/social-1/x",
        "de/answering-customers-on-twitter/social-1/x",
        "en/answering-customers-on-twitter/social-2/x",
    ]  # no draft, no hidden post, nothing for `Social: off`
    by_id = {item["id"]: item for item in plan["items"]}
    early = by_id["en/early-bird/social-1/x"]
    assert early["due"] == "2026-11-15T12:00:00Z"
    assert early["warnings"][1] == "due before the article's date; moved to the article's date"
    de = by_id["de/answering-customers-on-twitter/social-1/x"]
    assert de["link"].startswith(
        "https://blog.listening-brands.example/de/2026/answering-customers-on-twitter/?utm_source=x"
    )
    assert de["weighted_length"] == 82  # the link 23, the emoji 2


def test_article_attributes_for_the_theme(data_copy, tmp_path, seen):
    run_build(data_copy("basic"), tmp_path)
    answering = seen[("en", "answering-customers-on-twitter")]
    assert [item["id"] for item in answering.social_items] == [
        "en/answering-customers-on-twitter/coupon/x",
        "en/answering-customers-on-twitter/social-1/x",
        "en/answering-customers-on-twitter/social-2/x",
    ]
    coupon = answering.coupon
    assert {k: coupon[k] for k in ("code", "offer", "terms", "state")} == {
        "code": "LISTEN20", "offer": "20% off your first order",
        "terms": "One use per customer.", "state": "live",
    }
    assert coupon["expires"] == datetime(2026, 12, 31, 23, 59, tzinfo=UTC)
    assert coupon["jsonld"]["@type"] == "Offer"
    early = seen[("en", "early-bird")]
    assert early.engagement["x"]["metrics"][0] == ("likes", 12)
    assert early.engagement["x"]["as_of"] == datetime(2026, 11, 22, 15, tzinfo=UTC)
    assert seen[("en", "internal-notes")].engagement == {}
    assert seen[("en", "internal-notes")].coupon is None
    # Neighbours by date among published articles of the same language.
    assert early.prev_article.slug == "a-quiet-week-in-the-inbox"
    assert early.next_article.slug == "answering-customers-on-twitter"
    assert seen[("en", "internal-notes")].prev_article is None
    assert answering.next_article is None
    assert seen[("de", "answering-customers-on-twitter")].prev_article is None


def test_offers_page_and_json_show_live_offers_only(data_copy, tmp_path, seen):
    run_build(data_copy("offers"), tmp_path)
    states = {slug: article.coupon["state"] for (_, slug), article in seen.items()}
    assert states == {"live-offer": "live", "expired-offer": "expired",
                      "upcoming-offer": "upcoming"}
    page = (tmp_path / "output" / "offers" / "index.html").read_text(encoding="utf-8")
    assert "LIVE10" in page and "10% off everything" in page and "Online only." in page
    assert "GONE15" not in page and "XMAS25" not in page
    assert '<script type="application/ld+json">{"@context": "https://schema.org", "@graph": ' \
        '[{"@type": "Offer", "description": "Online only.", "identifier": "LIVE10"' in page
    feed = json.loads((tmp_path / "output" / "offers" / "offers.json").read_text())
    assert feed == {"schema": "campaign-offers/1", "offers": [{
        "code": "LIVE10", "offer": "10% off everything", "terms": "Online only.",
        "starts": "2026-11-01T09:00:00Z", "expires": "2026-11-30T23:59:00Z",
        "url": "https://blog.listening-brands.example/2026/live-offer/",
        "title": "Live offer", "lang": "en",
    }]}


def test_offers_follow_the_injected_clock(data_copy, tmp_path, seen):
    run_build(data_copy("offers"), tmp_path, CAMPAIGN_NOW="2026-12-02 10:00")
    feed = json.loads((tmp_path / "output" / "offers" / "offers.json").read_text())
    assert [offer["code"] for offer in feed["offers"]] == ["XMAS25"]
    page = (tmp_path / "output" / "offers" / "index.html").read_text(encoding="utf-8")
    assert "XMAS25" in page and "LIVE10" not in page


def test_no_live_offers_renders_an_empty_page(tmp_path):
    content = write_posts(tmp_path / "content", {"a.md": HEAD + "Social: off\n\nBody.\n"})
    run_build(content, tmp_path)
    page = (tmp_path / "output" / "offers" / "index.html").read_text(encoding="utf-8")
    assert "No offers right now." in page
    assert json.loads((tmp_path / "output" / "offers" / "offers.json").read_text())["offers"] == []


def test_utm_can_be_switched_off(data_copy, tmp_path):
    plan = json.loads(run_build(data_copy("offers"), tmp_path, CAMPAIGN_UTM=None).read_text())
    assert plan["items"][0]["link"] == "https://blog.listening-brands.example/2026/upcoming-offer/"


# --- refused input --------------------------------------------------------------------------

HEAD = "Title: A post\nDate: 2026-11-20 09:00\n"
BAD = [
    ("Coupon_Expiers: 2026-12-31 23:59\n",
     ["Coupon_Expiers: unknown key (did you mean Coupon_Expires?)"]),
    ("Socail: Hello {url}\n", ["Socail: unknown key (did you mean Social?)"]),
    ("Social: Hello {url} and again {url}\n",
     ["Social: {url} appears 2 times; the link can appear only once"]),
    ("Social:\n", ["Social: empty text"]),
    ("Social: Hello {link}\n", ["Social: unknown placeholder {link} (only {url}, {code})"]),
    ("Social: " + "tell " * 60 + "{url}\n",
     ["Social: 323 weighted characters on X, the limit is 280 "
      "(every link counts 23, emoji, CJK and … count 2)"]),
    ("Social_At: tomorrow morning\n",
     ["Social_At: not a date-time 'tomorrow morning': expected YYYY-MM-DD HH:MM in the site "
      "time zone, or with an offset (2026-11-20T09:00+01:00), or +30m, +2h, +3d or +1w after "
      "the article's date"]),
    ("Social_Networks: x, myspace\n",
     ["Social_Networks: unknown network 'myspace' (known: x, mastodon, bluesky)"]),
    ("Social_Networks: x, mastodon\n",     # known, but this site posts to X only
     ["Social_Networks: network 'mastodon' is not enabled in CAMPAIGN_NETWORKS"]),
    ("Social_3: Later {url}\n",
     ["Social_3: Social_2 is missing (number the posts 2, 3, … without gaps)"]),
    ("Social_2_At: +1d\n", ["Social_2_At: set without Social_2"]),
    ("Coupon: save10\nCoupon_Offer: 10% off\n",
     ["Coupon: 'save10' is not a coupon code: use 3 to 32 characters A-Z, 0-9 or -"]),
    ("Coupon: SAVE10\n", ["Coupon_Offer: missing: what the reader gets (required with Coupon)"]),
    ("Coupon_Offer: 10% off\n", ["Coupon_Offer: set without Coupon"]),
    ("Coupon: SAVE10\nCoupon_Offer: 10% off\nCoupon_Starts: 2026-12-01 00:00\n"
     "Coupon_Expires: 2026-11-01 00:00\n",
     ["Coupon_Expires: must be after Coupon_Starts (2026-12-01 00:00)"]),
    ("Coupon: SAVE10\nCoupon_Offer: 10% off\nCoupon_Expires: 2026-12-31\n",
     ["Coupon_Expires: not a date-time '2026-12-31': expected YYYY-MM-DD HH:MM in the site "
      "time zone, or with an offset (2026-11-20T09:00+01:00)"]),
    ("Coupon: SAVE10\nCoupon_Offer: 10% off\nCoupon_Starts: 2026-11-25 00:00\n"
     "Social: Use SAVE10 today: {url}\n",
     ["Social: mentions coupon SAVE10 but is due 2026-11-20 09:00, "
      "before Coupon_Starts (2026-11-25 00:00) (x)"]),
    ("Coupon: SAVE10\nCoupon_Offer: 10% off\nCoupon_Expires: 2026-11-21 00:00\n"
     "Social_2: Last call for {code}: {url}\nSocial_2_At: +2d\n",
     ["Social_2: mentions coupon SAVE10 but is due 2026-11-22 09:00, "
      "at or after Coupon_Expires (2026-11-21 00:00) (x)"]),
    ("Coupon: SAVE10\nCoupon_Offer: 10% off\nCoupon_Expires: 2026-11-01 00:00\n"
     "Coupon_Social: Hurry: {code} {url}\n",
     ["Coupon_Social: the announcement is due 2026-11-20 09:00, "
      "at or after Coupon_Expires (2026-11-01 00:00)"]),
    ("Social: Use {code} {url}\n", ["Social: {code} needs a Coupon (x)"]),
    ("Social_2: off\n", ["Social_2: off works only on Social (it opts the article out)"]),
    ("Social_At: +2h\nSocial_At: +3h\n", ["Social_At: given more than once (lines 3 and 4)"]),
    ("Campaign_Name: winter\n", ["Campaign_Name: unknown key (did you mean Campaign?)"]),
    ("Engagement_X: likes 12\nEngagement_X_As_Of: 2026-11-22T15:00:00Z\n"
     "Engagement_X_Posts: https://x.com/i/web/status/1\n",
     ["Engagement_X: expected 'likes 0, reposts 0, replies 0, quotes 0, bookmarks 0, "
      "impressions 0', got 'likes 12'"]),
    ("Engagement_X: likes 1, reposts 0, replies 0, quotes 0, bookmarks 0, impressions 9\n"
     "Engagement_X_As_Of: 2026-11-22 15:00\nEngagement_X_Posts: https://x.com/i/web/status/1\n",
     ["Engagement_X_As_Of: expected a UTC time like 2026-11-22T15:00:00Z, "
      "got '2026-11-22 15:00'"]),
]


def assert_refused(content, tmp_path, expected, **overrides):
    stale = tmp_path / "state" / "plan.json"
    stale.parent.mkdir(parents=True, exist_ok=True)
    stale.write_text("previous plan\n")
    with pytest.raises(CampaignBuildFailed) as failure:
        run_build(content, tmp_path, **overrides)
    assert failure.value.problems == expected
    assert failure.value.code.startswith(f"campaign: {len(expected)} problem")
    assert stale.read_text() == "previous plan\n"  # untouched, never half-written
    assert list(stale.parent.iterdir()) == [stale]
    assert not (tmp_path / "output" / "index.html").exists()  # nothing written


@pytest.mark.parametrize(("header", "reasons"), BAD, ids=[r[0].split(":")[0] for _, r in BAD])
def test_bad_input_is_refused_with_file_key_and_reason(tmp_path, header, reasons):
    content = write_posts(tmp_path / "content", {"a-post.md": HEAD + header + "\nBody.\n"})
    assert_refused(content, tmp_path, [f"posts/a-post.md: {reason}" for reason in reasons])


def test_every_problem_in_every_file_is_reported_at_once(tmp_path, caplog):
    content = write_posts(tmp_path / "content", {
        "one.md": "Title: One\nDate: 2026-11-20 09:00\nSocial_Att: +1h\n"
                  "Coupon: SAVE10\nCoupon_Offer: 10% off\n\nx\n",
        "two.md": "Title: Two\nDate: 2026-11-20 09:00\nSocial: {url}{url}\n"
                  "Coupon: SAVE10\nCoupon_Offer: 15% off\n\nx\n",
    })
    expected = [
        "posts/one.md: Social_Att: unknown key (did you mean Social_At?)",
        "posts/two.md: Social: {url} appears 2 times; the link can appear only once",
        "posts/two.md: Coupon: SAVE10 is also used by posts/one.md with a different Coupon_Offer",
    ]
    assert_refused(content, tmp_path, expected)
    logged = [r.getMessage() for r in caplog.records if r.name == "campaign.plugin"]
    assert logged == expected


THREE = {"CAMPAIGN_NETWORKS": ["x", "mastodon", "bluesky"]}


def test_a_problem_found_on_several_networks_is_reported_once_naming_them(tmp_path):
    # Issue 18 item 17: the early mention was reported once for X and once for Mastodon,
    # the same line twice, naming neither. Bluesky's own text does not mention the code.
    content = write_posts(tmp_path / "content", {"a-post.md": HEAD + (
        "Coupon: SAVE10\nCoupon_Offer: 10% off\nCoupon_Starts: 2026-11-25 00:00\n"
        "Social: Use SAVE10 today: {url}\nSocial_Bluesky: Ten percent off soon: {url}\n"
        "Social_2: Still {code}? {url}\nSocial_2_At: +1h\n\nBody.\n")})
    assert_refused(content, tmp_path, [
        "posts/a-post.md: Social: mentions coupon SAVE10 but is due 2026-11-20 09:00, "
        "before Coupon_Starts (2026-11-25 00:00) (x, mastodon)",
        "posts/a-post.md: Social_2: mentions coupon SAVE10 but is due 2026-11-20 10:00, "
        "before Coupon_Starts (2026-11-25 00:00) (x, mastodon, bluesky)",
    ], **THREE)


def test_code_without_a_coupon_is_reported_once_for_every_network_it_is_on(tmp_path):
    content = write_posts(tmp_path / "content", {"a-post.md": HEAD + (
        "Social: Use {code} {url}\nSocial_Mastodon: No code here {url}\n\nBody.\n")})
    assert_refused(content, tmp_path, ["posts/a-post.md: Social: {code} needs a Coupon "
                                       "(x, bluesky)"], **THREE)


COUPON_EN = ("Coupon: LISTEN20\nCoupon_Offer: 20% off your first order\n"
             "Coupon_Starts: 2026-11-20 09:00\nCoupon_Terms: One use per customer.\n")
COUPON_IS = ("Coupon: LISTEN20\nCoupon_Offer: 20% afsláttur af fyrstu pöntun\n"
             "Coupon_Starts: 2026-11-20 09:00\nCoupon_Terms: Einu sinni á viðskiptavin.\n")


@pytest.mark.parametrize("name", ["listening-is.md", "zz-listening.md"],
                         ids=["translation-sorts-first", "translation-sorts-last"])
def test_a_translation_missing_its_slug_is_told_so_without_coupon_noise(tmp_path, name):
    # Issue 18 item 17: it was "Coupon: LISTEN20 is also used by … with a different
    # Coupon_Offer, Coupon_Terms", which sent the writer to the wrong line.
    content = write_posts(tmp_path / "content", {
        "listening.md": "Title: Listening\nDate: 2026-11-20 09:00\nSlug: listening\n"
                        + COUPON_EN + "\nBody.\n",
        name: "Title: Að hlusta\nDate: 2026-11-20 09:00\nLang: is\n" + COUPON_IS + "\nMeginmál.\n",
    })
    assert_refused(content, tmp_path, [
        f"posts/{name}: Slug: missing: posts/{name} (Lang is) offers coupon LISTEN20 like "
        "posts/listening.md (Lang en); a translation has its original's Slug: add Slug: "
        "listening"])


def test_a_translation_missing_its_slug_still_gets_a_date_mismatch(tmp_path):
    content = write_posts(tmp_path / "content", {
        "listening.md": "Title: Listening\nDate: 2026-11-20 09:00\n" + COUPON_EN + "\nx\n",
        "listening-is.md": "Title: Að hlusta\nDate: 2026-11-20 09:00\nLang: is\n"
                           + COUPON_IS.replace("11-20 09:00", "11-21 09:00") + "\nx\n",
    })
    assert_refused(content, tmp_path, [
        "posts/listening-is.md: Slug: missing: posts/listening-is.md (Lang is) offers coupon "
        "LISTEN20 like posts/listening.md (Lang en); a translation has its original's Slug: "
        "add Slug: listening",
        "posts/listening.md: Coupon: LISTEN20 is also used by posts/listening-is.md with a "
        "different Coupon_Starts",
    ])


def test_drafts_are_checked_too(tmp_path):
    content = write_posts(tmp_path / "content", {
        "draft.md": "Title: Draft\nDate: 2026-11-20 09:00\nStatus: draft\nSocial_2_Att: +1h\n\nx\n"
    })
    assert_refused(content, tmp_path,
                   ["posts/draft.md: Social_2_Att: unknown key (did you mean Social_2_At?)"])


@pytest.mark.parametrize(
    ("overrides", "message"),
    [({"CAMPAIGN_UTM": "utm_source=x"}, "CAMPAIGN_UTM: must be a dict of query parameters or None"),
     ({"CAMPAIGN_SITE_URL": "blog.example"},
      "CAMPAIGN_SITE_URL: must be an absolute http(s) URL, got 'blog.example'"),
     ({"CAMPAIGN_SITE_URL": None, "SITEURL": ""},
      "CAMPAIGN_SITE_URL (unset, so SITEURL): must be an absolute http(s) URL, got ''"),
     ({"CAMPAIGN_NETWORKS": ["x", "myspace"]},
      "CAMPAIGN_NETWORKS: must be a non-empty list of known networks (x, mastodon, bluesky)"),
     ({"CAMPAIGN_NOW": "soon"}, "CAMPAIGN_NOW: must be an ISO 8601 date-time string or None"),
     ({"CAMPAIGN_NOW": b"2026-11-20 09:00"},
      "CAMPAIGN_NOW: must be an ISO 8601 date-time string or None"),
     ({"CAMPAIGN_FUTURE_POSTS": "later"},
      "CAMPAIGN_FUTURE_POSTS: must be \"show\" or \"hide\", got 'later'"),
     ({"WITH_FUTURE_DATES": False},
      "WITH_FUTURE_DATES: must stay True (Pelican's default): False turns future posts into "
      "drafts, written to drafts/ and left out of the plan; use CAMPAIGN_FUTURE_POSTS = "
      "\"hide\" to keep them off the site until their date")],
)
def test_bad_settings_are_refused(data_copy, tmp_path, overrides, message):
    with pytest.raises(CampaignBuildFailed) as failure:
        run_build(data_copy("offers"), tmp_path, **overrides)
    assert failure.value.problems == [message]
    assert not (tmp_path / "state").exists()


def test_a_misspelt_campaign_setting_is_refused_with_the_closest_name(data_copy, tmp_path):
    # CAMPAIGN_FUTURE_POST (no S) was ignored: the default "show" put future posts live.
    with pytest.raises(CampaignBuildFailed) as failure:
        run_build(data_copy("offers"), tmp_path, CAMPAIGN_FUTURE_POST="hide",
                  CAMPAIGN_BOGUS=1)
    assert failure.value.problems == [
        "CAMPAIGN_BOGUS: unknown setting (the campaign's settings are listed in "
        "docs/settings.md)",
        "CAMPAIGN_FUTURE_POST: unknown setting (did you mean CAMPAIGN_FUTURE_POSTS?)",
    ]
    assert not (tmp_path / "state").exists()
    assert not (tmp_path / "output").exists()


def test_a_draft_without_a_date_may_have_timed_social_posts(tmp_path):
    # Pelican dates it datetime.max: a relative Social_At from there must not be computed
    # (it overflowed with a traceback before the year check in _has_real_date).
    content = write_posts(tmp_path / "content", {
        "d.md": "Title: Soon\nStatus: draft\nSocial: Hi {url}\nSocial_At: +1d\n\nx\n"})
    run_build(content, tmp_path)
    assert json.loads((tmp_path / "state" / "plan.json").read_text())["items"] == []


def _pelican_cli(content, tmp_path):
    conf = tmp_path / "conf.py"
    conf.write_text(
        f"PLUGIN_PATHS = [{str(ROOT / 'plugins')!r}]\nPLUGINS = ['campaign']\n"
        "THEME = 'simple'\nTIMEZONE = 'UTC'\nFEED_ALL_ATOM = None\nCATEGORY_FEED_ATOM = None\n"
        "CAMPAIGN_SITE_URL = 'https://blog.listening-brands.example'\n"
        f"CAMPAIGN_PLAN_PATH = {str(tmp_path / 'plan.json')!r}\nCAMPAIGN_NOW = '2026-11-22 12:00'\n"
    )
    return subprocess.run(
        [sys.executable, "-m", "pelican", str(content), "-s", str(conf), "-o",
         str(tmp_path / "output"), "--fatal", "errors"],
        capture_output=True, text=True, cwd=tmp_path, env={"COLUMNS": "200", "PATH": ""},
    )


@pytest.mark.slow
def test_cli_fails_cleanly_with_fatal_errors(tmp_path):
    content = write_posts(tmp_path / "content", {
        "a.md": HEAD + "Coupon_Expiers: 2026-12-31 23:59\nSocial_3: x {url}\n\nx\n"
    })
    result = _pelican_cli(content, tmp_path)
    assert result.returncode == 1
    assert "Traceback" not in result.stdout + result.stderr
    assert "posts/a.md: Coupon_Expiers: unknown key (did you mean Coupon_Expires?)" in result.stdout
    assert "posts/a.md: Social_3: Social_2 is missing" in result.stdout  # not only the first
    assert result.stderr.strip() == (
        "campaign: 2 problems found (listed above); "
        "the build stopped before writing the site or the plan"
    )
    assert not (tmp_path / "plan.json").exists()


@pytest.mark.slow
def test_cli_succeeds_with_fatal_errors(data_copy, tmp_path):
    result = _pelican_cli(data_copy("offers"), tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert json.loads((tmp_path / "plan.json").read_text())["items"][0]["id"] == (
        "en/upcoming-offer/coupon/x"
    )


def test_two_posts_with_one_slug_are_refused(tmp_path):
    content = write_posts(tmp_path / "content", {
        "a.md": HEAD + "Social: One {url}\n\nx\n",
        "b.md": HEAD + "Social: Two {url}\n\nx\n",
    })
    assert_refused(content, tmp_path, [
        "posts/b.md: Slug: plan id en/a-post/social-1 is also produced by posts/a.md (x)",
        "posts/b.md: Slug: writes 2026/a-post/index.html, which posts/a.md also writes",
    ])


def test_one_slug_in_two_posts_is_one_problem_on_three_networks(tmp_path):
    # Was one line per clashing item: six here (two slots on three networks).
    content = write_posts(tmp_path / "content", {
        "a.md": HEAD + "Social: One {url}\nSocial_2: Later {url}\n\nx\n",
        "b.md": HEAD + "Social: Two {url}\nSocial_2: Later {url}\n\nx\n",
    })
    assert_refused(content, tmp_path, [
        "posts/b.md: Slug: plan ids en/a-post/social-1, en/a-post/social-2 are also produced "
        "by posts/a.md (x, mastodon, bluesky)",
        "posts/b.md: Slug: writes 2026/a-post/index.html, which posts/a.md also writes",
    ], **THREE)


def test_a_theme_offers_template_wins_and_can_extend_the_bundled_one(data_copy, tmp_path):
    theme = tmp_path / "theme"
    (theme / "templates").mkdir(parents=True)
    (theme / "templates" / "offers.html").write_text(
        '{% extends "!campaign/offers.html" %}'
        "{% block offers %}THEMED {{ offers|length }} {{ super() }}{% endblock %}"
    )
    run_build(data_copy("offers"), tmp_path, THEME=str(theme))
    page = (tmp_path / "output" / "offers" / "index.html").read_text(encoding="utf-8")
    assert "THEMED 1" in page and "LIVE10" in page


def test_matching_post_from_pelicans_own_summary(tmp_path):
    body = "Customers **tell** us what they need, if we [listen](https://example.com). " * 8
    content = write_posts(tmp_path / "content", {
        "a.md": "Title: Listening first\nDate: 2026-11-20 09:00\nTags: customer service, 2026\n\n"
                + body + "\n",
    })
    plan = json.loads(run_build(content, tmp_path, CAMPAIGN_UTM=None).read_text())
    link = "https://blog.listening-brands.example/2026/listening-first/"
    text = plan["items"][0]["text"]
    assert text.startswith("Listening first: Customers tell us what they need, if we listen. ")
    assert text.endswith(f"… {link}")  # summary shortened at a word: hashtags went first
    assert "<" not in text and "#" not in text
    assert plan["items"][0]["weighted_length"] <= 280


def test_a_problem_shared_by_every_network_is_one_line():
    """One Social text goes to three networks and is checked once per network: mentioning
    the coupon before it starts was reported three times, identically."""
    from campaign.plugin import fail_on
    from campaign.problems import Problem

    line = ("posts/a.md: Social: mentions coupon SAVE10 but is due 2026-11-20 09:00, before "
            "Coupon_Starts (2026-11-25 00:00)")
    found = Problem("mentions coupon SAVE10 but is due 2026-11-20 09:00, before Coupon_Starts "
                    "(2026-11-25 00:00)", "Social", file="posts/a.md")
    with pytest.raises(CampaignBuildFailed) as failure:
        fail_on([found, found, Problem("bad", "Coupon", file="posts/b.md"), found])
    assert failure.value.problems == [line, "posts/b.md: Coupon: bad"]
    assert str(failure.value.code).startswith("campaign: 2 problems found")
