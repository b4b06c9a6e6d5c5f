"""Engagement_* header lines read back (campaign.header.engagement)."""

from datetime import UTC, datetime

from campaign.header.engagement import parse_engagement
from campaign.problems import Problem


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
    assert parse_engagement(wrong_order)[1][0].key == "Engagement_X"
    assert parse_engagement({"engagement_myspace": "likes 1"})[1] == [
        Problem("unknown network (known: X, Mastodon, Bluesky)", "Engagement_Myspace")
    ]
