"""One plan, three networks: each posts once through its own adapter, a network without
credentials is a loud dry run for itself alone, and `plan`, `status` and `metrics` show each
network in its own terms."""

from __future__ import annotations

import contextlib

import pytest

from tests.fakes import FAKES
from tests.publish.conftest import DUE_IDS, ITEMS, write_plan

NETWORKS = ("x", "mastodon", "bluesky")


def on_networks(items: list[dict], networks=NETWORKS) -> list[dict]:
    return [{**i, "id": i["id"].rsplit("/", 1)[0] + f"/{n}", "network": n}
            for i in items for n in networks]


@pytest.fixture
def fakes():
    with contextlib.ExitStack() as stack:
        yield {name: stack.enter_context(FAKES[name].serve()) for name in NETWORKS}


def env_of(fakes, *names) -> dict[str, str]:
    env: dict[str, str] = {}
    for name in names:
        env.update(fakes[name].env())
    return env


@pytest.fixture
def three(project):
    write_plan(project.plan, on_networks(ITEMS))
    return project


def due_on(network: str) -> list[str]:
    return [i.rsplit("/", 1)[0] + f"/{network}" for i in DUE_IDS]


def test_each_network_posts_its_due_items_once(three, fakes):
    env = env_of(fakes, *NETWORKS)
    first = three.cli("run", env=env)
    assert first.code == 0, first.text
    assert "run: 9 sent, 0 failed" in first.out
    assert {n: f.posts_created for n, f in fakes.items()} == dict.fromkeys(NETWORKS, 3)
    entries = three.ledger_items()
    for network in NETWORKS:
        for item_id in due_on(network):
            entry = entries[item_id]
            assert entry["state"] == "sent" and entry["network"] == network
            link = FAKES[network].link(fakes[network], entry["post_id"])
            assert entry["url"] == link
    again = three.cli("run", env=env)
    assert again.code == 0 and "run: 0 sent" in again.out
    assert {n: f.posts_created for n, f in fakes.items()} == dict.fromkeys(NETWORKS, 3)


def test_a_network_without_credentials_is_a_dry_run_for_itself_alone(three, fakes):
    env = env_of(fakes, "x", "bluesky")            # no MASTODON_* at all
    result = three.cli("run", env=env)
    assert result.code == 0, result.text
    assert ("NO POSTING CREDENTIALS FOR Mastodon (MASTODON_BASE_URL, MASTODON_ACCESS_TOKEN): "
            "DRY RUN - for Mastodon alone: nothing is posted there; the other networks post"
            in result.out)
    assert "6 sent" in result.out and "3 not posted (no credentials for their network)" \
        in result.out
    for item_id in due_on("mastodon"):
        assert f"would   {item_id}" in result.out
        entry = three.ledger_items()[item_id]         # not posted, and why: still to post
        assert (entry["state"], entry["waiting_for"]) == ("waiting", "credentials")
    assert {n: f.posts_created for n, f in fakes.items()} == {"x": 3, "mastodon": 0,
                                                              "bluesky": 3}
    # Under CI=true the same gap is a configuration error naming the variables.
    ci = three.cli("run", env={**env, "CI": "true"})
    assert ci.code == 2
    assert ("no posting credentials for Mastodon: set MASTODON_BASE_URL, "
            "MASTODON_ACCESS_TOKEN (required under CI=true") in ci.err
    # With them, the next run posts Mastodon's items, and only those.
    later = three.cli("run", env=env_of(fakes, *NETWORKS))
    assert later.code == 0 and "run: 3 sent" in later.out
    assert fakes["mastodon"].posts_created == 3 and fakes["x"].posts_created == 3


@pytest.mark.slow
def test_status_and_metrics_use_each_networks_own_numbers(three, fakes):
    env = env_of(fakes, *NETWORKS)
    assert three.cli("run", env=env).code == 0
    entries = three.ledger_items()
    for item_id in due_on("x"):
        fakes["x"].set_metrics(entries[item_id]["post_id"], likes=4, impressions=90)
    for item_id in due_on("mastodon"):
        fakes["mastodon"].set_metrics(entries[item_id]["post_id"], favourites=3, boosts=1)
    for item_id in due_on("bluesky"):
        fakes["bluesky"].set_metrics(entries[item_id]["post_id"], likes=2, quotes=1)
    metrics = three.cli("metrics", "--all", env=env)
    assert metrics.code == 0, metrics.text
    assert "metrics: 9 refreshed" in metrics.out
    status = three.cli("status", env=env)
    assert "favourites 3, boosts 1, replies 0" in status.out
    assert "likes 2, reposts 0, replies 0, quotes 1" in status.out
    assert "likes 4, reposts 0, replies 0, quotes 0, bookmarks 0, impressions 90" in status.out
    header = three.post("answering-customers-on-twitter").read_text(encoding="utf-8")
    # Two posts of that article on each network: its launch post and the coupon.
    assert "Engagement_Mastodon: favourites 6, boosts 2, replies 0\n" in header
    assert "Engagement_Bluesky: likes 4, reposts 0, replies 0, quotes 2\n" in header
    assert "Engagement_X: likes 8, reposts 0, replies 0, quotes 0, bookmarks 0, " \
        "impressions 180\n" in header


@pytest.mark.slow
def test_nothing_due_loads_no_network_library(three, fakes):
    """A run with nothing due (the cycle every 15 minutes, most of the day) never imports a
    network's client: atproto alone costs a second or more. Checked in a fresh process."""
    assert three.cli("run", env=env_of(fakes, *NETWORKS)).code == 0   # all due now sent
    probe = (
        "import sys\n"
        "from publish.cli import main\n"
        "code = main(sys.argv[1:])\n"
        "heavy = [m for m in ('atproto_client', 'mastodon', 'pytwitter') if m in sys.modules]\n"
        "print('loaded:', ','.join(heavy) or 'none')\n"
        "sys.exit(code)\n")
    import subprocess
    import sys

    from tests.publish.conftest import NOW, REPO
    done = subprocess.run(
        [sys.executable, "-c", probe, "run", *three.paths(), "--now", NOW],
        env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(REPO), **three.env,
             **env_of(fakes, *NETWORKS)}, cwd=three.root, capture_output=True, text=True,
        timeout=60)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "run: 0 sent" in done.stdout and "loaded: none" in done.stdout


def test_a_misconfigured_network_is_refused_before_anything_is_asked(three, fakes):
    env = {**env_of(fakes, *NETWORKS), "MASTODON_BASE_URL": "ftp://mastodon.example",
           "BLUESKY_HANDLE": "@brand.bsky.social"}
    result = three.cli("run", env=env)
    assert result.code == 2
    assert "MASTODON_BASE_URL: must be the server's https address alone" in result.err
    assert "BLUESKY_HANDLE: starts with @" in result.err
    assert sum(f.posts_created for f in fakes.values()) == 0


def test_an_item_missed_for_want_of_credentials_says_so(three, fakes):
    env = env_of(fakes, "x", "bluesky")            # no MASTODON_* when they were due
    assert three.cli("run", env=env).code == 0
    item_id = due_on("mastodon")[0]
    reason = ("no credentials for Mastodon at the time it was due (from 2026-11-22 15:00 "
              "UTC): MASTODON_BASE_URL and MASTODON_ACCESS_TOKEN not set")
    waiting = three.cli("status", env=env)
    line = next(x for x in waiting.out.splitlines() if f" {item_id} " in x)
    assert " waiting " in line and reason in line
    two_days = "2026-11-24T15:00:00Z"
    assert three.cli("run", env=env_of(fakes, *NETWORKS), now=two_days).code == 0
    missed = three.cli("status", env=env, now=two_days)
    line = next(x for x in missed.out.splitlines() if f" {item_id} " in x)
    assert " missed " in line and reason in line
    assert three.ledger_items()[item_id]["state"] == "missed"


@pytest.mark.parametrize("command", ["", "run", "cycle", "daemon", "metrics"])
def test_help_lists_every_networks_variables(command, capsys):
    from publish.cli import main
    from publish.networks import capabilities

    assert main([command, "--help"] if command else ["--help"]) == 0
    text = capsys.readouterr().out
    for network in NETWORKS:
        caps = capabilities(network)
        for name in (*caps.post_credentials, *(n for g in caps.read_credentials for n in g),
                     *(name for name, _ in caps.settings)):
            assert name in text, (command, name)


def test_a_setting_every_network_reads_is_named_once(three):
    result = three.cli("run", env={"PUBLISH_HTTP_TIMEOUT": "soon"})
    assert result.code == 2
    assert result.err.count("PUBLISH_HTTP_TIMEOUT: 'soon' is not a number of seconds") == 1
