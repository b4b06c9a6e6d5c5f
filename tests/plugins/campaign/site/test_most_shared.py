"""The "Most shared" list: articles ranked by their interactions (Engagement_* lines), built
in one pass, shown on the home page of the project's theme."""

import re
import subprocess
import sys
from datetime import datetime
from pathlib import Path
from types import SimpleNamespace

import pytest
from campaign.plugin import CampaignBuildFailed
from campaign.site.most_shared import interactions, most_shared

from tests.plugins.conftest import ROOT, run_build, write_posts


def engagement(likes=0, reposts=0, replies=0, quotes=0, bookmarks=0, impressions=0):
    return {"x": {"label": "X", "metrics": [
        ("likes", likes), ("reposts", reposts), ("replies", replies), ("quotes", quotes),
        ("bookmarks", bookmarks), ("impressions", impressions)]}}


def article(title, day, **numbers):
    return SimpleNamespace(title=title, date=datetime(2026, 11, day),
                           engagement=engagement(**numbers) if numbers else {})


def test_interactions_count_what_people_did_not_what_they_saw():
    assert interactions(engagement(likes=3, reposts=2, replies=1, quotes=1, bookmarks=1,
                                   impressions=5000)) == 8
    two = {**engagement(likes=1), "mastodon": {"label": "Mastodon",
                                              "metrics": [("likes", 4), ("reposts", 1)]}}
    assert interactions(two) == 6


def test_the_most_first_then_the_newer_and_only_articles_with_interactions():
    posts = [article("Old", 1, likes=5), article("New", 9, likes=5), article("Top", 2, likes=9),
             article("Seen only", 3, impressions=900), article("No numbers", 4)]
    ranked = most_shared(posts, 5)
    assert [(e["article"].title, e["interactions"]) for e in ranked] == [
        ("Top", 9), ("New", 5), ("Old", 5)]
    assert [e["article"].title for e in most_shared(posts, 2)] == ["Top", "New"]
    assert most_shared(posts, 0) == []


POST = """Title: {title}
Date: 2026-11-{day:02d} 09:00
Category: Customer service
Tags: listening
Summary: A post.
Social: off
Engagement_X: likes {likes}, reposts 1, replies 0, quotes 0, bookmarks 0, impressions 10
Engagement_X_As_Of: 2026-11-22T15:00:00Z
Engagement_X_Posts: https://x.com/i/web/status/{day}

Body.
"""


def build_with_the_project_settings(content, tmp_path, *settings: str) -> Path:
    """The project's theme and plugins, in a separate process: plugins stay connected to
    Pelican's signals once loaded, and safe_text's autoescape check would reach every later
    build of this process."""
    output = tmp_path / "output"
    result = subprocess.run(
        [sys.executable, "-m", "pelican", str(content), "-o", str(output),
         "-s", str(ROOT / "pelicanconf.py"), "--fatal", "errors", "-e",
         f'CAMPAIGN_PLAN_PATH="{tmp_path / "plan.json"}"', 'CAMPAIGN_NOW="2026-11-22T12:00Z"',
         *settings],
        cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    return output


@pytest.mark.slow
def test_the_home_page_lists_them_in_order_as_text(tmp_path):
    content = write_posts(tmp_path / "content", {
        "a.md": POST.format(title="Answering <fast> & \"well\"", day=10, likes=20),
        "b.md": POST.format(title="Coupons for attention", day=11, likes=3),
        "c.md": POST.format(title="Quiet post", day=12, likes=0).replace("reposts 1",
                                                                          "reposts 0"),
    })
    output = build_with_the_project_settings(content, tmp_path, "CAMPAIGN_MOST_SHARED=2")
    home = (output / "index.html").read_text(encoding="utf-8")
    aside = re.search(r'<aside class="most-shared".*?</aside>', home, re.S).group(0)
    items = re.findall(r"<li><a [^>]*>(.*?)</a>\s*<span class=\"count\">(.*?)</span>", aside)
    assert items == [("Answering &lt;fast&gt; &amp; &#34;well&#34;", "21 interactions"),
                     ("Coupons for attention", "4 interactions")]
    tag_page = output / "tag" / "listening" / "index.html"
    assert "most-shared" not in tag_page.read_text(encoding="utf-8")


@pytest.mark.slow
def test_no_list_when_switched_off(tmp_path):
    content = write_posts(tmp_path / "content", {
        "a.md": POST.format(title="A", day=10, likes=2)})
    output = build_with_the_project_settings(content, tmp_path, "CAMPAIGN_MOST_SHARED=0")
    assert "most-shared" not in (output / "index.html").read_text(encoding="utf-8")


@pytest.mark.parametrize("value", [-1, "5", True, None])
def test_the_setting_is_a_whole_number(tmp_path, value):
    content = write_posts(tmp_path / "content", {"a.md": POST.format(title="A", day=10,
                                                                     likes=2)})
    with pytest.raises(CampaignBuildFailed) as failure:
        run_build(content, tmp_path, CAMPAIGN_MOST_SHARED=value)
    assert failure.value.problems == ["CAMPAIGN_MOST_SHARED: must be a whole number, 0 or more"]
