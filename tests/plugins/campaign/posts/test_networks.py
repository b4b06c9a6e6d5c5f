"""Mastodon and Bluesky in the plugin: their length rules, per-network texts, the plan items
for an article on three networks, and their Engagement lines."""

import json

import pytest
from campaign.header.engagement import parse_engagement
from campaign.plugin import CampaignBuildFailed
from campaign.posts.weighing import NETWORKS, bluesky_length, graphemes, mastodon_length
from campaign.problems import Problem

from contract.bluesky_text import MAX_BYTES, display_text
from tests.plugins.conftest import run_build, write_posts

THREE = ["x", "mastodon", "bluesky"]
HEAD = "Title: Listening on three networks\nDate: 2026-11-20 09:00\n"
LINK = "https://blog.listening-brands.example/2026/listening-on-three-networks/"
TRACKED = LINK + "?utm_source=bluesky&utm_medium=social&utm_campaign=listening-on-three-networks"
SHOWN = "blog.listening-brands.example/2026/listeni..."     # as the Bluesky app shows TRACKED


def test_graphemes_count_what_a_reader_sees():
    assert graphemes("Þjónusta") == 8
    assert graphemes("e\u0301") == 1            # e + combining accent
    assert graphemes("👍🏽") == 1                  # emoji + skin tone
    assert graphemes("👨‍👩‍👧") == 1                  # a family: one ZWJ sequence
    assert graphemes("🇮🇸") == 1                   # a flag: two regional indicators


def test_mastodon_counts_a_link_23_and_a_remote_mention_without_its_server():
    long_link = "https://blog.listening-brands.example/" + "a" * 200
    assert mastodon_length(f"Read {long_link}", (long_link,)) == 5 + 23
    # Found without being ours too (as Mastodon finds it), but only with a scheme.
    assert mastodon_length("see https://example.com/a-long-path-here ok") == 4 + 23 + 3
    assert mastodon_length("see example.com ok") == len("see example.com ok")
    assert mastodon_length("thanks @anna@social.example.is!") == len("thanks @anna!")
    assert mastodon_length("Takk 👍🏽") == 6


def test_bluesky_counts_a_link_as_its_app_shows_it():
    text = f"Hlustum á viðskiptavini {TRACKED}"
    assert display_text(text) == f"Hlustum á viðskiptavini {SHOWN}"
    assert bluesky_length(text, (TRACKED,)) == 24 + len(SHOWN) == 69


def test_a_marketers_text_that_fits_x_fits_bluesky_too():
    """Issue 17: ~130 visible characters and a tracked link were 305 of 300 on Bluesky."""
    lead = ("Five small lessons from the people who read every mention, answer every "
            "complaint and still love their job. What they taught us, in their own words, here:")
    text = f"{lead} {TRACKED}"
    assert graphemes(text) > 300
    assert bluesky_length(text, (TRACKED,)) == len(lead) + 1 + len(SHOWN) <= 300


def test_engagement_lines_of_each_network_in_its_own_names():
    did = "did:plc:" + "a2" * 12
    lines = {
        "engagement_mastodon": "favourites 8, boosts 2, replies 1",
        "engagement_mastodon_as_of": "2026-11-22T15:00:00Z",
        "engagement_mastodon_posts": "https://mastodon.example/@listeningbrands/113456789012345678",
        "engagement_bluesky": "likes 5, reposts 1, replies 0, quotes 2",
        "engagement_bluesky_as_of": "2026-11-22T15:00:00Z",
        "engagement_bluesky_posts": f"https://bsky.app/profile/{did}/post/3lbd2k7abcdef",
    }
    engagement, problems = parse_engagement(lines)
    assert problems == []
    assert engagement["mastodon"]["label"] == "Mastodon"
    assert engagement["mastodon"]["metrics"] == [("favourites", 8), ("boosts", 2), ("replies", 1)]
    assert engagement["bluesky"]["metrics"][-1] == ("quotes", 2)
    # X's names on Mastodon are refused, naming the key and Mastodon's own names.
    wrong = dict(lines, engagement_mastodon="likes 8, reposts 2, replies 1")
    assert parse_engagement(wrong)[1] == [Problem(
        "expected 'favourites 0, boosts 0, replies 0', got 'likes 8, reposts 2, replies 1'",
        "Engagement_Mastodon")]


def build_plan(tmp_path, header: str, **overrides) -> dict:
    content = write_posts(tmp_path / "content", {"three.md": HEAD + header + "\nBody.\n"})
    plan = run_build(content, tmp_path, CAMPAIGN_NETWORKS=THREE, **overrides)
    return {item["id"]: item for item in json.loads(plan.read_text(encoding="utf-8"))["items"]}


def test_an_article_on_three_networks_gets_one_item_each_with_its_own_text(tmp_path):
    items = build_plan(tmp_path, (
        "Social_Networks: x, mastodon, bluesky\n"
        "Social: We answer every mention within an hour, and this is what it taught us: {url}\n"
        "Social_Bluesky: Every mention answered within the hour 👍🏽 {url}\n"
        "Summary: What answering fast taught us.\n"))
    base = "en/listening-on-three-networks/social-1"
    assert sorted(items) == [f"{base}/bluesky", f"{base}/mastodon", f"{base}/x"]
    x, mastodon, bluesky = (items[f"{base}/{n}"] for n in ("x", "mastodon", "bluesky"))
    assert x["text"].startswith("We answer every mention") and x["max_length"] == 280
    assert mastodon["text"].startswith("We answer every mention")
    assert mastodon["max_length"] == 500
    assert mastodon["weighted_length"] == mastodon_length(mastodon["text"], (mastodon["link"],))
    assert bluesky["text"] == f"Every mention answered within the hour 👍🏽 {bluesky['link']}"
    assert bluesky["link"] == TRACKED
    assert bluesky["weighted_length"] == 41 + len(SHOWN) and bluesky["max_length"] == 300
    assert "utm_source=bluesky" in bluesky["link"] and "utm_source=mastodon" in mastodon["link"]
    assert bluesky["description"] == "What answering fast taught us."
    assert x["warnings"] and not bluesky["warnings"] and not mastodon["warnings"]


@pytest.mark.slow
def test_a_matching_post_is_fitted_to_each_networks_limit(tmp_path):
    summary = " ".join(["Listening"] * 80)
    items = build_plan(tmp_path, f"Social_Networks: x, bluesky\nSummary: {summary}\n")
    for network in ("x", "bluesky"):
        item = items[f"en/listening-on-three-networks/social-1/{network}"]
        assert item["weighted_length"] <= item["max_length"] == NETWORKS[network].max_length
        assert item["text"].endswith(item["link"]) and "…" in item["text"]


def test_per_network_mistakes_are_reported_with_their_keys(tmp_path):
    too_long = "Ó" * 301
    content = write_posts(tmp_path / "content", {"three.md": HEAD + (
        "Social_Networks: x, bluesky\n"
        "Social: Fine for X {url}\n"
        f"Social_Bluesky: {too_long}\n"
        "Social_Mastodon: Mastodon is not among the networks {url}\n"
        "Social_3_X: no Social_3\n"
        "Coupon_Social_Bluesky: {code} {url}\n"
        "\nBody.\n")})
    with pytest.raises(CampaignBuildFailed) as failure:
        run_build(content, tmp_path, CAMPAIGN_NETWORKS=THREE)
    assert failure.value.problems == [
        "posts/three.md: Social_Mastodon: mastodon is not among the networks of Social (x, "
        "bluesky): add it to Social_Networks or remove this key",
        "posts/three.md: Social_3_X: set without Social_3",
        "posts/three.md: Coupon_Social_Bluesky: set without Coupon",
        f"posts/three.md: Social_Bluesky: {301 + 1 + len(SHOWN)} characters on Bluesky, the "
        "limit is 300 (as a reader sees them; a link counts as the app shows it, shortened "
        "to its domain and 13 more characters and ...)",
    ]


def test_a_misspelt_network_key_gets_a_suggestion(tmp_path):
    content = write_posts(tmp_path / "content", {"three.md": HEAD + (
        "Social_Networks: x, bluesky\nSocial_Blusky: Hi {url}\n\nBody.\n")})
    with pytest.raises(CampaignBuildFailed) as failure:
        run_build(content, tmp_path, CAMPAIGN_NETWORKS=THREE)
    assert failure.value.problems == [
        "posts/three.md: Social_Blusky: unknown key (did you mean Social_Bluesky?)"]


def test_a_bluesky_text_over_3000_bytes_stops_the_build_naming_file_and_key(tmp_path):
    """Issue 17: 248 graphemes of emoji, 3,008 bytes: the PDS refused it at posting time."""
    family = "👨‍👩‍👧‍👦"                                   # 1 grapheme, 25 bytes
    text = family * 120 + " {url}"
    content = write_posts(tmp_path / "content", {"three.md": HEAD + (
        "Social_Networks: x, bluesky\nSocial: Fine for X {url}\n"
        f"Social_Bluesky: {text}\n\nBody.\n")})
    with pytest.raises(CampaignBuildFailed) as failure:
        run_build(content, tmp_path, CAMPAIGN_NETWORKS=THREE)
    size = len((family * 120 + " " + SHOWN).encode())
    assert size > MAX_BYTES and graphemes(family * 120 + " " + SHOWN) <= 300
    assert failure.value.problems == [
        f"posts/three.md: Social_Bluesky: {size} bytes on Bluesky, the limit is 3000 (UTF-8: "
        "emoji take 4 bytes, CJK 3; Bluesky refuses a longer post)"]


def test_a_bluesky_text_with_a_handle_warns_that_it_links_only_if_it_resolves(tmp_path):
    items = build_plan(tmp_path, (
        "Social_Networks: x, bluesky\n"
        "Social: Thanks @anna.bsky.social and @team.listening-brands.example! #CX {url}\n"))
    bluesky = items["en/listening-on-three-networks/social-1/bluesky"]
    x = items["en/listening-on-three-networks/social-1/x"]
    assert bluesky["warnings"] == [
        "@anna.bsky.social: linked on Bluesky only if the handle resolves when it is posted "
        "(else it stays plain text)"]        # .example is no TLD: not a handle to the app
    assert not any("@" in warning for warning in x["warnings"])
