"""contract/header_lines.py: the lines the publisher writes into a header are the lines the
plugin reads, through one definition of their keys and values."""

from __future__ import annotations

from datetime import UTC, datetime

from campaign.header.engagement import parse_engagement
from campaign.header.identity import parse_identity

from contract.header_lines import SEPARATOR, SHARED_ID_KEY, SHARED_URLS_KEY
from contract.networks import NETWORKS
from publish.report.metrics import Engagement, header_values

AS_OF = datetime(2026, 11, 22, 15, 0, tzinfo=UTC)
POSTS = {
    "x": ("https://x.com/i/web/status/1849203", "https://x.com/i/web/status/1849377"),
    "mastodon": ("https://mastodon.example/@listeningbrands/113456789012345678",),
    "bluesky": ("https://bsky.app/profile/did:plc:abcdefghijklmnopqrstuvwx/post/3lbd2k7abcdef",),
}


def test_the_engagement_lines_the_publisher_writes_are_what_the_plugin_reads():
    lines = {}
    for name, facts in NETWORKS.items():
        numbers = {metric: number for number, metric in enumerate(facts.metric_names)}
        for key, value in header_values(facts.label, Engagement(numbers, AS_OF, POSTS[name])):
            lines[key.lower()] = value
    engagement, problems = parse_engagement(lines)
    assert problems == []
    for name, facts in NETWORKS.items():
        assert engagement[name] == {
            "label": facts.label, "as_of": AS_OF, "posts": list(POSTS[name]),
            "metrics": [(metric, number) for number, metric in enumerate(facts.metric_names)]}


def test_the_pins_the_publisher_writes_are_what_the_plugin_reads():
    paths = ["2026/answering-customers-on-twitter/", "2026/a%2Cb/"]
    own = {SHARED_ID_KEY.lower(): "en/answering-customers-on-twitter",
           SHARED_URLS_KEY.lower(): SEPARATOR.join(paths)}
    problems = []
    assert parse_identity(own, problems) == ("en/answering-customers-on-twitter", tuple(paths))
    assert problems == []
