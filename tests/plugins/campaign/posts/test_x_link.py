"""An X post without its link (Social_X_Link: no, or CAMPAIGN_X_LINK = False): X charges
$0.015 instead of $0.20 for it. The text stands alone, length rules still apply, the item
keeps its `link` (the page the publisher checks), the other networks keep theirs."""

import pytest
from campaign.plugin import CampaignBuildFailed

from contract.x_pricing import estimated_cost_usd
from tests.plugins.campaign.posts.test_networks import THREE, build_plan
from tests.plugins.conftest import run_build, write_posts

BASE = "en/listening-on-three-networks/social-1"
TEXT = "Social: We answer every mention within an hour. Here is how {url}\n"


def test_social_x_link_no_posts_to_x_without_the_link_and_leaves_the_others(tmp_path):
    items = build_plan(tmp_path, "Social_X_Link: no\n" + TEXT)
    x, mastodon = items[f"{BASE}/x"], items[f"{BASE}/mastodon"]
    assert x["text"] == "We answer every mention within an hour. Here is how"
    assert "utm_source=x" in x["link"]                 # still the page checked before posting
    assert x["weighted_length"] == len(x["text"])
    assert x["warnings"] == []                         # no "X charges more" for it
    assert estimated_cost_usd(x) == 0.015
    assert mastodon["text"].endswith(mastodon["link"])
    assert estimated_cost_usd(mastodon) == 0


def test_the_site_setting_and_an_articles_yes(tmp_path):
    items = build_plan(tmp_path, "Summary: What we learnt.\n",
                       CAMPAIGN_X_LINK=False)
    x = items[f"{BASE}/x"]
    assert "http" not in x["text"] and x["text"].startswith("Listening on three networks")
    assert estimated_cost_usd(x) == 0.015
    again = build_plan(tmp_path / "again", "Social_X_Link: yes\n" + TEXT, CAMPAIGN_X_LINK=False)
    assert again[f"{BASE}/x"]["text"].endswith(again[f"{BASE}/x"]["link"])
    assert estimated_cost_usd(again[f"{BASE}/x"]) == 0.2


def test_a_bad_value_and_the_length_rule_without_a_link(tmp_path):
    content = write_posts(tmp_path / "content", {"three.md": (
        "Title: T\nDate: 2026-11-20 09:00\nSocial_X_Link: maybe\n" + TEXT + "\nBody.\n"),
        "long.md": ("Title: Long\nDate: 2026-11-20 09:00\nSocial_X_Link: no\nSocial_Networks: x\n"
                    f"Social: {'word ' * 60}{{url}}\n\nBody.\n")})
    with pytest.raises(CampaignBuildFailed) as failure:
        run_build(content, tmp_path, CAMPAIGN_NETWORKS=THREE)
    assert failure.value.problems == [
        "posts/long.md: Social: 299 weighted characters on X, the limit is 280 (every link "
        "counts 23, emoji, CJK and … count 2)",
        "posts/three.md: Social_X_Link: must be yes or no, got 'maybe'",
    ]
