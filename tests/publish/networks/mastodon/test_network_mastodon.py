"""The Mastodon adapter against the loopback fake (tests/fakes/fake_mastodon.py): posting once
(Idempotency-Key), every failure as an ErrorKind with the right doubt, bounded read retries
through the injected sleep, finding our own post by its link, metrics in batches, the
configuration checks, and answers that are never trusted."""

from __future__ import annotations

import socket
import threading
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from campaign.header.engagement import parse_posts  # plugins/ is on pytest's pythonpath
from campaign.posts.weighing import NETWORKS

from publish.networks import Draft, ErrorKind, NetworkError, capabilities, factory, post_id_rule
from publish.networks.mastodon.mastodon_adapter import (
    from_env,
    idempotency_key,
    rate_limit_reset,
)
from publish.networks.mastodon.mastodon_capabilities import CAPABILITIES, link_host_problem
from publish.networks.mastodon.mastodon_statuses import content_text
from publish.posting.decisions import comparable_text
from tests.fakes.fake_mastodon import SERVERS, TOKEN, running_fake
from tests.publish.conftest import ANSWERING, DUE_IDS, ITEMS, write_plan

LINK = ("https://blog.listening-brands.example/2026/answering-customers-on-twitter/"
        "?utm_source=mastodon&utm_medium=social&utm_campaign=answering")
TEXT = f"We answer every mention within an hour.\n\nHere is how: {LINK}"
DRAFT = Draft(key="en/answering-customers-on-twitter/social-1/mastodon", text=TEXT, link=LINK)
T0 = datetime(2026, 11, 22, 15, 0, tzinfo=UTC)
CREATE = "POST /api/v1/statuses"
TIMELINE = "GET /api/v1/accounts/:id/statuses"


@pytest.fixture
def fake_mastodon():
    with running_fake() as fake:
        yield fake


@pytest.fixture
def sleeps():
    return []


@pytest.fixture
def net(fake_mastodon, sleeps):
    return from_env(fake_mastodon.env(), sleep=sleeps.append)


def other_post(fake, n: int, created_at: datetime) -> str:
    return fake.add_post(f"Another post {n} https://blog.listening-brands.example/2026/p{n}/",
                         created_at)


# --- posting ------------------------------------------------------------------------------

def test_post_returns_id_and_link_and_creates_one_public_status(net, fake_mastodon):
    result = net.post(DRAFT)
    assert list(fake_mastodon.posts) == [result.post_id]
    assert CAPABILITIES.valid_post_id(result.post_id)
    assert result.url == f"{fake_mastodon.url}/@brand/{result.post_id}"
    assert CAPABILITIES.post_id_from_link(result.url) == result.post_id
    assert result.text == TEXT
    post = fake_mastodon.posts[result.post_id]
    assert post.text == TEXT and post.visibility == "public" and post.created_at == T0
    assert fake_mastodon.idempotency_keys_seen == [idempotency_key(DRAFT.key)]


def test_post_names_the_articles_language(net, fake_mastodon):
    icelandic = net.post(replace(DRAFT, key="is/hlustun/social-1/mastodon", lang="is"))
    brazilian = net.post(replace(DRAFT, key="pt-BR/escuta/social-1/mastodon", lang="pt-BR"))
    assert fake_mastodon.posts[icelandic.post_id].language == "is"
    assert fake_mastodon.posts[brazilian.post_id].language == "pt"   # ISO 639 only


def test_idempotency_key_makes_a_repeated_create_answer_the_same_status(net, fake_mastodon):
    first = net.post(DRAFT)
    # A crash after the create, a fresh process, the same item: the same status comes back.
    again = from_env(fake_mastodon.env()).post(DRAFT)
    assert again == first
    assert fake_mastodon.posts_created == 1 and len(fake_mastodon.posts) == 1
    other = net.post(Draft(key="en/answering-customers-on-twitter/social-2/mastodon",
                           text=TEXT, link=LINK))
    assert other.post_id != first.post_id and fake_mastodon.posts_created == 2
    # Mastodon keeps a key for an hour: after that the same item posts anew.
    fake_mastodon.now = T0 + timedelta(hours=1, minutes=1)
    assert net.post(DRAFT).post_id not in (first.post_id, other.post_id)
    assert fake_mastodon.posts_created == 3


def test_idempotency_key_is_stable_and_per_item():
    key = idempotency_key(DRAFT.key)
    assert key == idempotency_key(DRAFT.key) and len(key) == 64
    assert key != idempotency_key(DRAFT.key + "x")
    assert DRAFT.key not in key


@pytest.mark.slow
@pytest.mark.parametrize(("kind", "error_kind", "status", "certain_no_post", "created"), [
    ("401", ErrorKind.UNAUTHORIZED, 401, True, False),
    ("403", ErrorKind.FORBIDDEN, 403, True, False),
    ("404", ErrorKind.NOT_FOUND, 404, False, False),
    ("422", ErrorKind.INVALID, 422, True, False),
    ("429", ErrorKind.RATE_LIMITED, 429, True, False),
    ("500", ErrorKind.SERVER, 500, False, False),
    ("503-html", ErrorKind.SERVER, 503, False, False),
    ("malformed", ErrorKind.MALFORMED, 200, False, False),
    ("hang", ErrorKind.NETWORK, None, False, False),
    ("drop-after-create", ErrorKind.NETWORK, None, False, True),
    ("malformed-after-create", ErrorKind.MALFORMED, 200, False, True),
    ("hang-after-create", ErrorKind.NETWORK, None, False, True),
])
def test_create_failures_map_to_kinds(net, fake_mastodon, sleeps, kind, error_kind, status,
                                      certain_no_post, created):
    fake_mastodon.fail(CREATE, kind)
    with pytest.raises(NetworkError) as info:
        net.post(DRAFT)
    exc = info.value
    assert (exc.kind, exc.status, exc.certain_no_post) == (error_kind, status, certain_no_post)
    assert fake_mastodon.count("POST", "/api/v1/statuses") == 1     # a create is never retried
    assert sleeps == []
    assert fake_mastodon.posts_created == (1 if created else 0)
    assert "\n" not in str(exc) and TOKEN not in str(exc)


def test_rate_limit_gives_reset_time_and_no_waiting(net, fake_mastodon, sleeps):
    fake_mastodon.fail(CREATE, "429")
    with pytest.raises(NetworkError) as info:
        net.post(DRAFT)
    assert info.value.kind is ErrorKind.RATE_LIMITED
    assert info.value.reset_at == T0 + timedelta(seconds=300)
    assert sleeps == []


def test_retried_create_after_lost_answer_returns_the_status_made(net, fake_mastodon):
    """Not what the runner does (it reconciles), but what the key guarantees: the post
    whose answer was lost comes back instead of a second one."""
    fake_mastodon.fail(CREATE, "drop-after-create")
    with pytest.raises(NetworkError):
        net.post(DRAFT)
    (made,) = fake_mastodon.posts
    assert net.post(DRAFT).post_id == made
    assert fake_mastodon.posts_created == 1


def test_connection_refused_is_certainly_not_posted(fake_mastodon):
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    net = from_env(fake_mastodon.env(MASTODON_BASE_URL=f"http://127.0.0.1:{port}"),
                   sleep=lambda s: None)
    with pytest.raises(NetworkError) as info:
        net.post(DRAFT)
    assert info.value.kind is ErrorKind.NETWORK and info.value.certain_no_post is True


def test_held_create_answers_when_released(fake_mastodon):
    fake_mastodon.fail(CREATE, "hold")
    slow = from_env(fake_mastodon.env(PUBLISH_HTTP_TIMEOUT="2,10"))
    results = []
    worker = threading.Thread(target=lambda: results.append(slow.post(DRAFT)))
    worker.start()
    assert fake_mastodon.holding.wait(5)
    assert fake_mastodon.posts_created == 0
    fake_mastodon.release_hold()
    worker.join(10)
    assert results and results[0].post_id in fake_mastodon.posts


def test_wrong_token_is_unauthorized_and_not_printed(fake_mastodon):
    secret = "wrong-token-0d9f"
    net = from_env(fake_mastodon.env(MASTODON_ACCESS_TOKEN=secret))
    with pytest.raises(NetworkError) as info:
        net.post(DRAFT)
    assert info.value.kind is ErrorKind.UNAUTHORIZED
    assert str(info.value) == ("unauthorized: HTTP 401: The access token is invalid "
                               "(check MASTODON_ACCESS_TOKEN)")
    assert secret not in str(info.value)
    assert fake_mastodon.posts_created == 0


def test_token_naming_a_file_is_sent_as_is(fake_mastodon, tmp_path):
    """Mastodon.py reads a token from a file when the token names one: not ours."""
    token_file = tmp_path / "token"
    token_file.write_text(TOKEN + "\n", encoding="utf-8")
    net = from_env(fake_mastodon.env(MASTODON_ACCESS_TOKEN=str(token_file)))
    with pytest.raises(NetworkError) as info:
        net.post(DRAFT)
    assert info.value.kind is ErrorKind.UNAUTHORIZED


@pytest.mark.parametrize(("ids", "urls"), [
    (("1 2",), ()),
    (("x" * 65,), ()),
    (("123\nEngagement_Mastodon: favourites 999",), ()),
    ((), ("javascript:alert(1)",)),
    ((), ("https://evil.example/@brand/1",)),
])
def test_hostile_create_answer_is_ambiguous_and_never_returned(net, fake_mastodon, ids, urls):
    fake_mastodon.hostile_ids(*ids)
    fake_mastodon.hostile_urls(*urls)
    with pytest.raises(NetworkError) as info:
        net.post(DRAFT)
    exc = info.value
    assert exc.kind is ErrorKind.MALFORMED and exc.certain_no_post is False
    assert str(exc).startswith("malformed_answer: HTTP 200: the create answer is unusable: ")
    assert "\n" not in str(exc)


# --- reads: retries ------------------------------------------------------------------------

@pytest.mark.parametrize("kind", ["500", "503-html", "malformed", "hang"])
def test_reads_retry_with_injected_backoff(net, fake_mastodon, sleeps, kind):
    fake_mastodon.add_post(TEXT)
    fake_mastodon.fail(TIMELINE, kind, times=2)
    found = net.find_recent_posts(LINK, None)
    assert len(found.posts) == 1
    assert sleeps == [1.0, 4.0]


def test_reads_give_up_after_the_bound(net, fake_mastodon, sleeps):
    fake_mastodon.fail(TIMELINE, "500", times=5)
    with pytest.raises(NetworkError) as info:
        net.find_recent_posts(LINK, None)
    assert info.value.kind is ErrorKind.SERVER
    assert sleeps == [1.0, 4.0]
    assert fake_mastodon.count("GET", "/api/v1/accounts/:id/statuses") == 3


@pytest.mark.parametrize(("kind", "error_kind"), [
    ("401", ErrorKind.UNAUTHORIZED), ("403", ErrorKind.FORBIDDEN),
    ("429", ErrorKind.RATE_LIMITED),
])
def test_reads_do_not_retry_refusals(net, fake_mastodon, sleeps, kind, error_kind):
    fake_mastodon.fail("GET /api/v1/accounts/verify_credentials", kind)
    with pytest.raises(NetworkError) as info:
        net.find_recent_posts(LINK, None)
    assert info.value.kind is error_kind
    assert sleeps == []


# --- finding our own post -----------------------------------------------------------------

def test_find_recent_posts_finds_post_by_link_in_html(net, fake_mastodon):
    other_post(fake_mastodon, 1, T0 - timedelta(minutes=5))
    posted = net.post(DRAFT)
    other_post(fake_mastodon, 2, T0 + timedelta(minutes=5))
    found = net.find_recent_posts(LINK, T0 - timedelta(hours=1))
    (post,) = found.posts
    assert (post.post_id, post.url, post.created_at) == (posted.post_id, posted.url, T0)
    assert post.text == TEXT          # the HTML turned back into the text that was posted
    assert comparable_text(post.text) == comparable_text(DRAFT.text)
    assert LINK in post.expanded_urls
    assert found.covered is True
    # verify_credentials is asked once per adapter
    net.find_recent_posts(LINK, None)
    assert fake_mastodon.count("GET", "/api/v1/accounts/verify_credentials") == 1


def test_find_recent_posts_without_card_finds_link_in_content(net, fake_mastodon):
    fake_mastodon.cards = False
    fake_mastodon.add_post(TEXT)
    (post,) = net.find_recent_posts(LINK, None).posts
    assert post.expanded_urls == (LINK,)


@pytest.mark.slow
def test_find_recent_posts_paginates_and_stops_at_since(net, fake_mastodon):
    target = fake_mastodon.add_post(TEXT, T0 - timedelta(hours=100))
    for n in range(99):
        other_post(fake_mastodon, n, T0 - timedelta(hours=n))
    found = net.find_recent_posts(LINK, None)
    assert [p.post_id for p in found.posts] == [target] and found.covered is True
    pages = fake_mastodon.count("GET", "/api/v1/accounts/:id/statuses")
    assert pages == 4      # 40 + 40 + 20, then an empty page: the end of the timeline
    # A `since` inside the first page: one page is enough, and it covers the window.
    found = net.find_recent_posts(LINK, T0 - timedelta(hours=10))
    assert found.posts == () and found.covered is True
    assert fake_mastodon.count("GET", "/api/v1/accounts/:id/statuses") == pages + 1


def test_find_recent_posts_bounded_pages_are_not_covered(fake_mastodon):
    fake_mastodon.add_post(TEXT, T0 - timedelta(hours=200))
    for n in range(100):
        other_post(fake_mastodon, n, T0 - timedelta(hours=n))
    net = from_env(fake_mastodon.env(), sleep=lambda s: None, max_pages=2)
    found = net.find_recent_posts(LINK, T0 - timedelta(hours=300))
    assert found.posts == () and found.covered is False
    assert fake_mastodon.count("GET", "/api/v1/accounts/:id/statuses") == 2


def test_find_recent_posts_never_returns_hostile_links(net, fake_mastodon):
    fake_mastodon.hostile_urls("javascript:alert(1)")
    fake_mastodon.add_post(TEXT)
    fake_mastodon.hostile_ids("1 2")
    fake_mastodon.add_post(TEXT)
    good = fake_mastodon.add_post(TEXT)
    found = net.find_recent_posts(LINK, None)
    valid = [p for p in found.posts if CAPABILITIES.valid_post_id(p.post_id)]
    assert [p.post_id for p in valid] == [good]
    assert all(CAPABILITIES.post_id_from_link(p.url) == p.post_id for p in valid)
    # The one with a bad id is passed on for the runner to report and ignore, with no link.
    assert [(p.post_id, p.url) for p in found.posts if p not in valid] == [("1 2", "")]


# --- metrics ------------------------------------------------------------------------------

def test_fetch_metrics_maps_counts_and_batches(net, fake_mastodon):
    ids = [fake_mastodon.add_post(f"post {n}") for n in range(25)]
    fake_mastodon.set_metrics(ids[0], favourites=3, boosts=2, replies=1)
    deleted = ids[24]
    del fake_mastodon.posts[deleted]
    result = net.fetch_metrics(ids)
    assert result.numbers[ids[0]] == {"favourites": 3, "boosts": 2, "replies": 1}
    assert result.numbers[ids[1]] == {"favourites": 0, "boosts": 0, "replies": 0}
    assert set(result.numbers) == set(ids[:24])
    assert list(result.missing) == [deleted]
    assert fake_mastodon.count("GET", "/api/v1/statuses") == 2      # 20 + 5
    assert CAPABILITIES.metrics_batch == 20


def test_fetch_metrics_falls_back_to_single_lookups_on_older_servers(net, fake_mastodon):
    fake_mastodon.batch_endpoint = False
    ids = [fake_mastodon.add_post(f"post {n}") for n in range(3)]
    fake_mastodon.set_metrics(ids[1], favourites=7)
    del fake_mastodon.posts[ids[2]]
    result = net.fetch_metrics(ids)
    assert result.numbers[ids[1]]["favourites"] == 7
    assert set(result.numbers) == set(ids[:2]) and list(result.missing) == [ids[2]]
    assert fake_mastodon.count("GET", "/api/v1/statuses") == 1       # tried once, then not
    assert fake_mastodon.count("GET", "/api/v1/statuses/:id") == 3
    net.fetch_metrics(ids[:1])
    assert fake_mastodon.count("GET", "/api/v1/statuses") == 1


def test_fetch_metrics_unreadable_counts_and_bad_ids_are_missing(net, fake_mastodon):
    good, bad = fake_mastodon.add_post("a"), fake_mastodon.add_post("b")
    fake_mastodon.posts[bad].metrics = {"favourites_count": -1}
    result = net.fetch_metrics([good, bad, "1 2"])
    assert set(result.numbers) == {good}
    assert set(result.missing) == {bad, "1 2"}
    assert fake_mastodon.count("GET", "/api/v1/statuses") == 1


def test_fetch_metrics_retries_and_raises_other_errors(net, fake_mastodon, sleeps):
    post_id = fake_mastodon.add_post("a")
    fake_mastodon.fail("GET /api/v1/statuses", "500")
    assert post_id in net.fetch_metrics([post_id]).numbers
    assert sleeps == [1.0]
    fake_mastodon.fail("GET /api/v1/statuses", "401")
    with pytest.raises(NetworkError) as info:
        net.fetch_metrics([post_id])
    assert info.value.kind is ErrorKind.UNAUTHORIZED


# --- configuration ------------------------------------------------------------------------

def test_no_credentials_means_no_posting_and_no_reading(fake_mastodon):
    net = from_env({})
    assert (net.can_post(), net.can_read()) == (False, False)
    with pytest.raises(NetworkError) as info:
        net.post(DRAFT)
    assert info.value.kind is ErrorKind.CONFIG
    assert fake_mastodon.requests == []


@pytest.mark.parametrize("present", ["MASTODON_BASE_URL", "MASTODON_ACCESS_TOKEN"])
def test_half_the_credentials_says_which_is_missing(fake_mastodon, present):
    env = {present: fake_mastodon.env()[present]}
    with pytest.raises(NetworkError) as info:
        from_env(env)
    absent = ({"MASTODON_BASE_URL", "MASTODON_ACCESS_TOKEN"} - {present}).pop()
    assert info.value.kind is ErrorKind.CONFIG
    assert str(info.value) == (f"configuration: incomplete Mastodon credentials: {absent} "
                               "missing (MASTODON_BASE_URL and MASTODON_ACCESS_TOKEN are both "
                               "needed)")


def test_every_problem_is_listed_at_once_and_no_secret_is_printed(fake_mastodon):
    secret = "s3cret-token-value"
    env = fake_mastodon.env(MASTODON_ACCESS_TOKEN=secret + "\n",
                            MASTODON_BASE_URL="https://user:hunter2@mastodon.example",
                            PUBLISH_HTTP_TIMEOUT="soon")
    with pytest.raises(NetworkError) as info:
        from_env(env)
    text = str(info.value)
    assert text.splitlines() == [
        "configuration: MASTODON_ACCESS_TOKEN: ends with a newline (pasted with the line end?)",
        "configuration: MASTODON_BASE_URL: must be the server's https address alone, like "
        "https://mastodon.social (it contains a user name or password)",
        "configuration: PUBLISH_HTTP_TIMEOUT: 'soon' is not a number of seconds (expected 5, "
        "5,30 or 5,30,60)",
    ]
    assert secret not in text and "hunter2" not in text
    assert fake_mastodon.requests == []


@pytest.mark.parametrize(("value", "why"), [
    ("http://mastodon.example", "http is only allowed for a loopback test server"),
    ("ftp://mastodon.example", "it is not an https URL"),
    ("mastodon.example", "it is not an https URL"),
    ("https://mastodon.example/api/v1", "it has a path, query or fragment"),
    ("https://mastodon.example?x=1", "it has a path, query or fragment"),
    ("https://mastodon.example#top", "it has a path, query or fragment"),
    ("https://mastodon.example:port", "it is not a URL with a valid host and port"),
])
def test_bad_base_url_is_named_not_printed(value, why):
    with pytest.raises(NetworkError) as info:
        from_env({"MASTODON_BASE_URL": value, "MASTODON_ACCESS_TOKEN": "t"})
    assert str(info.value) == ("configuration: MASTODON_BASE_URL: must be the server's https "
                               f"address alone, like https://mastodon.social ({why})")
    assert value not in str(info.value)


def test_base_url_with_a_space_is_named_once():
    with pytest.raises(NetworkError) as info:
        from_env({"MASTODON_BASE_URL": "https://mastodon.example x",
                  "MASTODON_ACCESS_TOKEN": "t"})
    assert str(info.value) == ("configuration: MASTODON_BASE_URL: contains a space, line "
                               "break or control character")


@pytest.mark.parametrize("value", ["https://mastodon.example", "https://mastodon.example/",
                                   "http://127.0.0.1:8080", "http://localhost",
                                   "https://mastodon.example:8443"])
def test_good_base_urls(value):
    net = from_env({"MASTODON_BASE_URL": value, "MASTODON_ACCESS_TOKEN": "t"})
    assert net.can_post() and net.can_read()


def test_registered_and_capabilities_are_plain_data():
    assert factory("mastodon") is from_env
    caps = capabilities("mastodon")
    assert (caps.label, caps.metric_names, caps.url_for("1")) == \
        ("Mastodon", ("favourites", "boosts", "replies"), None)
    rule = post_id_rule("mastodon")
    # Ids as each server gives them: Mastodon/Takahē snowflakes, GoToSocial ULIDs,
    # Akkoma/Pleroma FlakeIds.
    for good in ("113456789012345678", "9" * 20, "01HXYZ3NDEKTSV4RRFFQ69G5FA", "AbCdEf123",
                 "A_b-1", "x" * 64):
        assert rule.valid_post_id(good), good
    for bad in ("x" * 65, "1 2", "", " 1", "1\n", "1/2", "1.2", "ü", 12, None):
        assert not rule.valid_post_id(bad), bad
    for link, post_id in [
        ("https://mastodon.social/@brand/113456789012345678", "113456789012345678"),
        ("https://mastodon.social/users/brand/statuses/113456789012345678",
         "113456789012345678"),
        ("https://gts.example/@brand/statuses/01HXYZ3NDEKTSV4RRFFQ69G5FA",
         "01HXYZ3NDEKTSV4RRFFQ69G5FA"),
        ("https://akkoma.example/notice/AbCdEf123", "AbCdEf123"),
        ("https://takahe.example/@brand/posts/113456789/", "113456789"),
        ("https://takahe.example/@brand@takahe.example/posts/113456789/", "113456789"),
        ("http://127.0.0.1:8080/@brand/1", "1"),
    ]:
        assert caps.post_id_from_link(link) == post_id, link
    for bad in ("http://mastodon.social/@brand/1", "https://mastodon.social/@brand/1/x",
                "https://mastodon.social/users/brand/1", "javascript:alert(1)",
                "https://mastodon.social/@brand/1?x", "https://mastodon.social/@/1",
                "https://akkoma.example/objects/0b1c-2d", "https://mastodon.social/@brand/1#x",
                "https://mastodon.social/@brand/1//", "https://user@mastodon.social/@brand/1",
                'https://mastodon.social/@brand/1"onclick=x', "https://mastodon.social/@brand/1 "):
        assert caps.link_problem(bad) is not None and caps.post_id_from_link(bad) is None


def test_a_status_link_must_be_on_the_server_of_mastodon_base_url():
    base = "https://social.example"
    assert link_host_problem("https://social.example/@brand/1", base) is None
    assert link_host_problem("https://SOCIAL.example:443/@brand/1", base + "/") is None
    assert link_host_problem("http://127.0.0.1:8080/@brand/1", "http://127.0.0.1:8080") is None
    for other in ("https://evil.example/@brand/1", "https://social.example.evil/@brand/1",
                  "https://social.example:8443/@brand/1", "http://127.0.0.1:9/@brand/1"):
        where = "http://127.0.0.1:8080" if "127.0.0.1" in other else base
        assert link_host_problem(other, where) == \
            f"{other!r} is not on the server of MASTODON_BASE_URL"


# --- pure helpers --------------------------------------------------------------------------

def test_content_text_joins_link_spans_and_keeps_lines():
    html = ('<p>Fish &amp; chips&#39; day<br />second line</p><p>Read '
            '<a href="https://x.example/a?b=1&amp;c=2" rel="nofollow noopener">'
            '<span class="invisible">https://</span><span class="ellipsis">x.example/a</span>'
            '<span class="invisible">?b=1&amp;c=2</span></a> '
            '<a href="https://mastodon.example/tags/fish" class="mention hashtag" rel="tag">'
            '#<span>fish</span></a></p>')
    text, links = content_text(html)
    assert text == "Fish & chips' day\nsecond line\n\nRead https://x.example/a?b=1&c=2 #fish"
    assert links == ("https://x.example/a?b=1&c=2", "https://mastodon.example/tags/fish")


def test_rate_limit_reset_forms():
    assert rate_limit_reset({"X-RateLimit-Reset": "2026-11-22T15:05:00.123456Z"}) == \
        datetime(2026, 11, 22, 15, 5, 0, 123456, tzinfo=UTC)
    assert rate_limit_reset({"x-ratelimit-reset": "1795359900"}) == \
        datetime.fromtimestamp(1795359900, UTC)
    assert rate_limit_reset({"X-RateLimit-Reset": "soon"}) is None
    assert rate_limit_reset({}) is None


# --- every server of the Mastodon client API (tests/fakes/fake_mastodon.py SERVERS) -------------

@pytest.fixture(params=sorted(SERVERS))
def server(request):
    with running_fake(server=request.param) as fake:
        yield fake


@pytest.mark.slow
def test_each_server_posts_finds_its_own_post_and_reads_its_numbers(server, sleeps):
    net = from_env(server.env(), sleep=sleeps.append)
    posted = net.post(DRAFT)
    assert posted.url == server.status_url(posted.post_id)      # the server's own link
    assert CAPABILITIES.post_id_from_link(posted.url) == posted.post_id
    assert list(server.posts) == [posted.post_id]
    for n in range(45):                     # older statuses: the search pages past them
        other_post(server, n, T0 - timedelta(hours=n + 1))
    found = from_env(server.env(), sleep=sleeps.append).find_recent_posts(LINK, None)
    assert [(p.post_id, p.url) for p in found.posts] == [(posted.post_id, posted.url)]
    assert found.covered is True
    server.set_metrics(posted.post_id, favourites=4, boosts=2, replies=1)
    result = net.fetch_metrics([posted.post_id])
    assert result.numbers == {posted.post_id: {"favourites": 4, "boosts": 2, "replies": 1}}
    assert sleeps == []                     # no answer was retried


@pytest.mark.parametrize(("kind", "status", "requests"), [
    ("mastodon", None, 1), ("mastodon-4.2", 404, 1), ("gotosocial", 405, 1),
    ("akkoma", 400, 1), ("takahe", 405, 1),
])
def test_a_server_without_the_batch_endpoint_is_asked_once_per_status(kind, status, requests,
                                                                      sleeps):
    with running_fake(server=kind) as fake:
        ids = [fake.add_post(f"post {n}") for n in range(3)]
        net = from_env(fake.env(), sleep=sleeps.append)
        assert set(net.fetch_metrics(ids).numbers) == set(ids)
        assert set(net.fetch_metrics(ids).numbers) == set(ids)       # remembered for the run
        assert fake.count("GET", "/api/v1/statuses") == (1 if status else 2)
        assert fake.count("GET", "/api/v1/statuses/:id") == (6 if status else 0)
        assert sleeps == []


def test_a_501_batch_answer_means_one_request_per_status(net, fake_mastodon, sleeps):
    ids = [fake_mastodon.add_post(f"post {n}") for n in range(2)]
    fake_mastodon.fail("GET /api/v1/statuses", "501")
    assert set(net.fetch_metrics(ids).numbers) == set(ids)
    assert fake_mastodon.count("GET", "/api/v1/statuses") == 1 and sleeps == []


@pytest.mark.parametrize(("kind", "expected"), [
    ("mastodon", "unauthorized: HTTP 401: The access token is invalid"),
    ("gotosocial", "unauthorized: HTTP 401: Unauthorized: token not supplied"),
    ("akkoma", "forbidden: HTTP 403: Invalid credentials."),
    ("takahe", "invalid: HTTP 400: Bad Request"),
])
def test_a_bad_token_is_named_on_every_server(kind, expected):
    with running_fake(server=kind) as fake:
        net = from_env(fake.env(MASTODON_ACCESS_TOKEN="wrong-token-0d9f"), sleep=lambda s: None)
        with pytest.raises(NetworkError) as posting:
            net.post(DRAFT)
        with pytest.raises(NetworkError) as checking:
            net.find_recent_posts(LINK, None)         # verify_credentials first
        for exc in (posting.value, checking.value):
            assert str(exc) == expected + " (check MASTODON_ACCESS_TOKEN)"
            assert "wrong-token-0d9f" not in str(exc)
        assert posting.value.certain_no_post is True and fake.posts_created == 0


def test_a_refusal_of_a_read_other_than_the_credential_check_names_no_token(net, fake_mastodon):
    post_id = fake_mastodon.add_post("a")
    fake_mastodon.batch_endpoint = False
    fake_mastodon.fail("GET /api/v1/statuses/:id", "403")
    with pytest.raises(NetworkError) as info:
        net.fetch_metrics([post_id])
    assert str(info.value) == "forbidden: HTTP 403: This action is not allowed"


def test_a_status_link_on_another_host_is_never_taken(net, fake_mastodon):
    """The server's answer names a link of the right form on another host (as `url` and
    `uri`): ambiguous on create, ignored when found."""
    fake_mastodon.hostile_urls("https://evil.example/@brand/{id}")
    with pytest.raises(NetworkError) as info:
        net.post(DRAFT)
    assert "is not on the server of MASTODON_BASE_URL" in str(info.value)
    assert info.value.certain_no_post is False
    assert net.find_recent_posts(LINK, None).posts == ()


def test_the_uri_is_taken_when_the_url_is_not_a_status_link(net, fake_mastodon):
    """A server whose `url` is a page of its own (or missing) but whose `uri` is the
    status link on its host."""
    post_id = fake_mastodon.add_post(TEXT)
    fake_mastodon.shown_urls[post_id] = None        # both
    assert net.find_recent_posts(LINK, None).posts == ()
    del fake_mastodon.shown_urls[post_id]
    fake_mastodon.server_kind = replace(fake_mastodon.server_kind, url="{base}/web/x/{id}")
    (post,) = net.find_recent_posts(LINK, None).posts
    assert post.url == fake_mastodon.status_uri(post_id) == \
        f"{fake_mastodon.url}/users/brand/statuses/{post_id}"


# --- every server, end to end through the CLI: post, reconcile, metrics, header, status ----

def mastodon_items() -> list[dict]:
    return [{**i, "id": i["id"].rsplit("/", 1)[0] + "/mastodon", "network": "mastodon",
             "max_length": 500, "warnings": []} for i in ITEMS]


@pytest.mark.slow
@pytest.mark.parametrize("kind", sorted(SERVERS))
def test_each_server_end_to_end(project, kind):
    write_plan(project.plan, mastodon_items())
    due = [i.rsplit("/", 1)[0] + "/mastodon" for i in DUE_IDS]
    with running_fake(server=kind) as fake:
        env = fake.env()
        # The first create's answer is lost: the next run finds the post by its own link.
        fake.fail(CREATE, "drop-after-create")
        first = project.cli("run", env=env)
        assert "the post may exist" in first.out and fake.posts_created == 1
        second = project.cli("run", env=env)
        assert second.code == 0, second.text
        assert "(found on mastodon after an interrupted attempt)" in second.out
        assert "run: 3 sent, 0 failed" in second.out and fake.posts_created == 3
        entries = project.ledger_items()
        links = {}
        for item_id in due:
            entry = entries[item_id]
            assert entry["state"] == "sent"
            assert entry["url"] == fake.status_url(entry["post_id"])
            links[item_id] = entry["url"]
            fake.set_metrics(entry["post_id"], favourites=2, boosts=1, replies=1)
        assert project.cli("run", env=env).out.startswith("run: 0 sent")
        assert fake.posts_created == 3
        metrics = project.cli("metrics", "--all", env=env)
        assert metrics.code == 0, metrics.text
        assert "metrics: 3 refreshed" in metrics.out
        status = project.cli("status", env=env)
        for item_id in due:
            assert links[item_id] in status.out
        assert "favourites 2, boosts 1, replies 1" in status.out
    header = project.post(ANSWERING).read_text(encoding="utf-8")
    assert "Engagement_Mastodon: favourites 4, boosts 2, replies 2\n" in header
    (posts,) = [line.split(": ", 1)[1] for line in header.splitlines()
                if line.startswith("Engagement_Mastodon_Posts: ")]
    answering = [links[i] for i in due if ANSWERING in i]
    # The plugin reads the line back as the same links (they become hrefs).
    assert parse_posts(posts, NETWORKS["mastodon"]) == answering


@pytest.mark.parametrize("kind", sorted(SERVERS))
def test_resolve_posted_takes_each_servers_link(project, kind):
    write_plan(project.plan, mastodon_items())
    item_id = f"en/{ANSWERING}/social-1/mastodon"
    with running_fake(server=kind) as fake:
        post_id = fake.add_post("We answer every mention within an hour.")
        link = fake.status_url(post_id)
    result = project.cli("resolve", item_id, "--posted", link)
    assert result.code == 0, result.text
    assert result.out == f"{item_id}: recorded as sent → {link}\n"
    entry = project.ledger_items()[item_id]
    assert (entry["post_id"], entry["url"]) == (post_id, link)
    assert project.cli("status").code == 0       # the ledger loads: the id has the form
