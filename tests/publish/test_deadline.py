"""Every HTTP request the publisher makes ends within PUBLISH_HTTP_TIMEOUT's total, whatever
the server does: a server dripping a byte every 0.2 s (tests/fakes/drip_server.py) holds no
request past it. A create cut off stays an unknown outcome; a read cut off is a failure.
The bound is counted in bytes the server managed to drip, not timed."""

from __future__ import annotations

import httpx
import pytest
import requests

from publish.networks import Draft, ErrorKind, NetworkError
from publish.networks.common import httpx_transport, parse_deadline, requests_session
from publish.posting.linkcheck import check_page, http_fetch
from tests.fakes.drip_server import dripping

TOTAL = 1.0
ENV = {"PUBLISH_HTTP_TIMEOUT": "1,1,1"}     # connect 1 s, each read 1 s, in all 1 s
# Bytes a client can have read before TOTAL ends it (one every 0.2 s), and some slack for
# the server's last writes after the client hung up.
MOST_BYTES = int(TOTAL / 0.2) + 4


def test_the_total_is_the_third_number_of_the_timeout_setting():
    assert parse_deadline(None) == 60.0 and parse_deadline("5,30") == 60.0
    assert parse_deadline("1,1,1") == 1.0
    with pytest.raises(ValueError, match="5,30,60"):
        parse_deadline("1,1,0")


@pytest.mark.parametrize("where", ["headers", "body"])
def test_requests_with_the_deadline_adapter_end_in_time(where):
    with dripping(where) as drip:
        session = requests_session(TOTAL)
        with pytest.raises(requests.exceptions.ReadTimeout):
            session.get(drip.url, timeout=(1.0, 1.0))
        assert drip.sent <= MOST_BYTES


@pytest.mark.slow
@pytest.mark.parametrize("where", ["headers", "body"])
@pytest.mark.parametrize("streamed", [False, True])
def test_httpx_with_the_deadline_transport_ends_in_time(where, streamed):
    with dripping(where) as drip, httpx.Client(transport=httpx_transport(TOTAL),
                                               timeout=1.0) as client:
        with pytest.raises(httpx.ReadTimeout):
            if streamed:
                with client.stream("GET", drip.url) as answer:
                    for _ in answer.iter_bytes():
                        pass
            else:
                client.get(drip.url)
        assert drip.sent <= MOST_BYTES


@pytest.mark.parametrize("where", ["headers", "body"])
def test_the_link_check_of_a_dripping_page_ends_in_time_and_is_not_live(where):
    with dripping(where, content_type="text/html") as drip:
        status = check_page(drip.url + "/", http_fetch((1.0, 1.0), TOTAL))
        assert drip.sent <= MOST_BYTES
    assert not status.live
    assert "no answer within the timeout" in status.reason and "1s in all" in status.reason


def x_network(base: str):
    from publish.networks.x import x_adapter as x
    from tests.fakes.fake_x import CREDENTIALS
    return x.from_env({**CREDENTIALS, **ENV, "X_API_BASE_URL": base + "/2"},
                      sleep=lambda s: None)


def mastodon_network(base: str):
    from publish.networks.mastodon import mastodon_adapter as mastodon
    from tests.fakes.fake_mastodon import TOKEN
    return mastodon.from_env({"MASTODON_BASE_URL": base, "MASTODON_ACCESS_TOKEN": TOKEN, **ENV},
                             sleep=lambda s: None)


DRAFT = Draft(key="en/a/social-1/x", text="Hello https://blog.example/a/",
              link="https://blog.example/a/")


@pytest.mark.parametrize("network", [x_network, mastodon_network])
def test_a_create_cut_off_by_the_deadline_is_an_unknown_outcome(network):
    with dripping("body", content_type="application/json") as drip:
        adapter = network(drip.url)
        with pytest.raises(NetworkError) as caught:
            adapter.post(DRAFT)
        assert drip.sent <= MOST_BYTES
    assert caught.value.kind is ErrorKind.NETWORK and "timed out" in caught.value.message
    assert caught.value.certain_no_post is False


@pytest.mark.slow
@pytest.mark.parametrize("network", [x_network, mastodon_network])
def test_a_read_cut_off_by_the_deadline_is_a_failure(network):
    with dripping("headers", content_type="application/json") as drip:
        adapter = network(drip.url)
        with pytest.raises(NetworkError) as caught:
            adapter.fetch_metrics(["1849203000000000001"])
        assert drip.sent <= 3 * MOST_BYTES          # three attempts (READ_BACKOFF)
    assert caught.value.kind is ErrorKind.NETWORK


def test_a_bluesky_card_image_that_drips_is_left_out_in_time():
    from publish.networks.bluesky.bluesky_adapter import BlueskyNetwork
    network = BlueskyNetwork(timeout=(1.0, 1.0), deadline=TOTAL)
    with dripping("body") as drip:
        assert network._fetch_image(drip.url + "/card.png") is None
        assert drip.sent <= MOST_BYTES


@pytest.mark.slow
def test_a_bluesky_create_cut_off_is_unknown_and_a_read_cut_off_is_a_failure():
    from publish.networks.bluesky import bluesky_adapter as bluesky
    from tests.fakes.fake_bluesky import CREATE, running_fake
    with running_fake() as fake:
        network = bluesky.from_env({**fake.env(), **ENV}, sleep=lambda s: None)
        fake.fail(CREATE, "drip")
        with pytest.raises(NetworkError) as created:
            network.post(Draft(key="en/a/social-1/bluesky", text=DRAFT.text, link=DRAFT.link))
        assert fake.dripped <= MOST_BYTES
        fake.fail("GET /xrpc/app.bsky.feed.getPosts", "drip", times=3)
        with pytest.raises(NetworkError) as read:
            network.fetch_metrics([f"at://{fake.did}/app.bsky.feed.post/3lbd2k7abcdef"])
        assert fake.dripped <= 4 * MOST_BYTES
    assert created.value.kind is ErrorKind.NETWORK and created.value.certain_no_post is False
    assert read.value.kind is ErrorKind.NETWORK
