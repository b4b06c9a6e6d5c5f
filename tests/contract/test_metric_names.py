"""The plugin and the publisher name the same metrics (docs/contract.md §3)."""

from __future__ import annotations


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
