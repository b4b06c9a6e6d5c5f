"""The Bluesky adapter against a loopback fake PDS (tests/fakes/fake_bluesky.py): posting with a
record key derived from the item's id (so a second create is refused, also after re-dating),
the text as Bluesky's app writes it (links shortened, facets in UTF-8 bytes, tags, resolved
mentions, its limits),
the link card and its thumb, one session for everything, token refresh, every failure's kind
and doubt, read retries (with an injected sleep), metrics, and configuration errors."""

from __future__ import annotations

import hashlib
import html
import re
import socket
import threading
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from atproto_client.models.common import XrpcError

from publish.networks import Draft, ErrorKind, NetworkError, capabilities, factory
from publish.networks.bluesky.bluesky_adapter import from_env
from publish.networks.bluesky.bluesky_capabilities import CAPABILITIES
from publish.networks.bluesky.bluesky_errors import classify, transport_error
from publish.networks.bluesky.bluesky_records import (
    due_record_key,
    full_text,
    record_key,
    tid_parts,
)
from tests.fakes.fake_bluesky import (
    APP_PASSWORD,
    AUTHOR_FEED,
    CARD_JPEG,
    CREATE,
    CREATE_SESSION,
    DID,
    GET_POSTS,
    GET_RECORD,
    REFRESH_SESSION,
    RESOLVE_HANDLE,
    UPLOAD_BLOB,
    running_fake,
)

T0 = datetime(2026, 11, 22, 15, 0, tzinfo=UTC)
DUE = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)
CLOCK = datetime(2026, 11, 22, 15, 0, 1, 234000, tzinfo=UTC)
LINK = ("https://blog.listening-brands.example/2026/hlustad-a-vidskiptavini/"
        "?utm_source=bluesky&utm_medium=social")
TEXT = f"Við svörum öllum á innan við klukkustund. Svona förum við að {LINK}"
KEY = "is/hlustad-a-vidskiptavini/social-1/bluesky"
SHOWN_LINK = "blog.listening-brands.example/2026/hlustad..."   # as the Bluesky app shows it
SHOWN = f"Við svörum öllum á innan við klukkustund. Svona förum við að {SHOWN_LINK}"
TID = re.compile(r"[234567abcdefghij][234567abcdefghijklmnopqrstuvwxyz]{12}")


@pytest.fixture
def fake():
    with running_fake(now=T0) as fake:
        yield fake


class Sleeps(list):
    def __call__(self, seconds: float) -> None:
        self.append(seconds)


def adapter(fake, **env):
    sleeps = Sleeps()
    network = from_env(fake.env(**env), sleep=sleeps, clock=lambda: CLOCK)
    return network, sleeps


def draft(fake=None, *, key=KEY, text=TEXT, image="card.jpg", due=DUE) -> Draft:
    return Draft(key=key, text=text, link=LINK, due=due, lang="is",
                 title="Hlustað á viðskiptavini",
                 description="Hvernig við svörum öllum innan klukkustundar",
                 image=fake.image_url(image) if fake and image else None)


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# --- the record key ------------------------------------------------------------------------

def test_record_key_is_a_valid_tid_made_of_the_items_id_alone():
    rkey = record_key(KEY)
    assert rkey == record_key(KEY) and TID.fullmatch(rkey)
    micros, clock_id = tid_parts(rkey)
    digest = int.from_bytes(hashlib.sha256(KEY.encode()).digest(), "big")
    assert micros == digest & ((1 << 50) - 1) and clock_id == (digest >> 64) & 0x3FF
    assert datetime.fromtimestamp(micros / 1e6, UTC).year < 2006   # never in the future
    keys = {record_key(f"en/article-{n}/social-1/bluesky") for n in range(3000)}
    assert len(keys) == 3000 and all(TID.fullmatch(k) for k in keys)


def test_the_older_record_key_made_with_the_due_time_is_still_known():
    old = due_record_key(KEY, DUE)
    micros, clock_id = tid_parts(old)
    digest = int.from_bytes(hashlib.sha256(KEY.encode()).digest(), "big")
    assert micros == int(DUE.timestamp()) * 1_000_000 + digest % 1_000_000
    assert clock_id == (digest >> 64) & 0x3FF and TID.fullmatch(old)
    assert due_record_key(KEY, DUE + timedelta(hours=1)) != old != record_key(KEY)


# --- pure helpers ----------------------------------------------------------------------------

def test_full_text_puts_each_link_facets_uri_back_in_its_byte_span():
    record = {"text": SHOWN, "facets": [{
        "index": {"byteStart": len(SHOWN.encode()) - len(SHOWN_LINK),
                  "byteEnd": len(SHOWN.encode())},
        "features": [{"$type": "app.bsky.richtext.facet#link", "uri": LINK}]}]}
    assert full_text(record["text"], record["facets"]) == TEXT
    assert full_text("plain", [{"index": {"byteStart": 2, "byteEnd": 99},
                                "features": [{"uri": LINK}]}, "junk"]) == "plain"


@pytest.mark.parametrize(("status", "name", "kind", "certain"), [
    (400, "InvalidRequest", ErrorKind.INVALID, True),
    (400, "InvalidToken", ErrorKind.UNAUTHORIZED, True),
    (400, "ExpiredToken", ErrorKind.UNAUTHORIZED, True),
    (400, "RecordAlreadyExists", ErrorKind.DUPLICATE, False),
    (401, "AuthenticationRequired", ErrorKind.UNAUTHORIZED, True),
    (403, "Forbidden", ErrorKind.FORBIDDEN, True),
    (404, "NotFound", ErrorKind.NOT_FOUND, False),
    (429, "RateLimitExceeded", ErrorKind.RATE_LIMITED, True),
    (500, "InternalServerError", ErrorKind.SERVER, False),
    (502, "UpstreamFailure", ErrorKind.SERVER, False),
    (302, "", ErrorKind.MALFORMED, False),
])
def test_classify(status, name, kind, certain):
    error = classify(status, XrpcError(error=name, message="m") if name else b"")
    assert (error.kind, error.certain_no_post, error.status) == (kind, certain, status)


def test_classify_texts_are_one_line_and_a_429_says_until_when():
    error = classify(400, XrpcError(error="InvalidRequest", message="one\ntwo\x1b[31m\u202e"))
    assert error.message == "InvalidRequest: one two [31m"
    assert classify(503, b"<html>").message == "server answered with a non-JSON body"
    limited = classify(429, XrpcError(error="RateLimitExceeded", message=None),
                       {"RateLimit-Reset": "1800000000"})
    assert limited.reset_at == datetime.fromtimestamp(1800000000, UTC)


def test_only_a_failed_connect_is_certain_that_nothing_was_sent():
    request = httpx.Request("POST", "https://bsky.social/xrpc/x")
    assert transport_error(httpx.ConnectError("refused", request=request)).certain_no_post
    assert transport_error(httpx.ConnectTimeout("slow", request=request)).certain_no_post
    assert not transport_error(httpx.ReadTimeout("slow", request=request)).certain_no_post
    assert not transport_error(httpx.RemoteProtocolError("dropped")).certain_no_post


def test_the_registry_knows_bluesky_and_its_id_and_link_forms():
    assert capabilities("bluesky") is CAPABILITIES
    assert factory("bluesky") is from_env
    post_id = f"at://{DID}/app.bsky.feed.post/{record_key(KEY)}"
    url = CAPABILITIES.url_for(post_id)
    assert url == f"https://bsky.app/profile/{DID}/post/{record_key(KEY)}"
    assert CAPABILITIES.link_problem(url) is None
    assert CAPABILITIES.post_id_from_link(url) == post_id
    for bad in [post_id + "\n", post_id.replace("app.bsky.feed.post", "app.bsky.feed.like"),
                "at://did:plc:short/app.bsky.feed.post/3lbxyz2abcdef",
                f"at://{DID}/app.bsky.feed.post/3lbxyz2abcde",
                f"at://{DID}/app.bsky.feed.post/zlbxyz2abcdef",
                'at://did:web:evil.example"onclick=x/app.bsky.feed.post/3lbxyz2abcdef',
                f"https://bsky.app/profile/{DID}/post/3lbxyz2abcdef"]:
        assert not CAPABILITIES.valid_post_id(bad), bad
        with pytest.raises(ValueError, match="is not a valid post id for Bluesky"):
            CAPABILITIES.url_for(bad)          # no link is formed from an id of another form
    assert CAPABILITIES.valid_post_id("at://did:web:blog.example/app.bsky.feed.post/"
                                      "3lbxyz2abcdef")


# --- posting -----------------------------------------------------------------------------------

def test_post_creates_the_record_under_the_items_key_with_facets_and_a_card(fake):
    network, _ = adapter(fake)
    result = network.post(draft(fake))
    rkey = record_key(KEY)
    assert result.post_id == f"at://{DID}/app.bsky.feed.post/{rkey}"
    assert result.url == f"https://bsky.app/profile/{DID}/post/{rkey}"
    assert result.text == TEXT
    post = fake.posts[result.post_id]
    assert (post.id, post.text, post.rkey) == (result.post_id, SHOWN, rkey)
    assert post.created_at == CLOCK.replace(microsecond=234000)
    record = post.record
    assert record["createdAt"] == "2026-11-22T15:00:01.234Z"
    assert record["langs"] == ["is"]                 # the article's Lang
    [facet] = record["facets"]
    raw = SHOWN.encode("utf-8")
    assert raw[facet["index"]["byteStart"]:facet["index"]["byteEnd"]].decode() == SHOWN_LINK
    assert facet["index"]["byteStart"] == len(raw) - len(SHOWN_LINK)
    assert facet["index"]["byteStart"] > SHOWN.index(SHOWN_LINK)     # bytes, not characters
    assert facet["features"] == [{"$type": "app.bsky.richtext.facet#link", "uri": LINK}]
    embed = record["embed"]
    assert embed["$type"] == "app.bsky.embed.external"
    external = embed["external"]
    assert (external["uri"], external["title"], external["description"]) == (
        LINK, "Hlustað á viðskiptavini", "Hvernig við svörum öllum innan klukkustundar")
    thumb = external["thumb"]
    assert thumb["$type"] == "blob" and thumb["mimeType"] == "image/jpeg"
    assert fake.blobs[thumb["ref"]["$link"]] == (CARD_JPEG, "image/jpeg")
    assert thumb["size"] == len(CARD_JPEG)
    assert fake.posts_created == 1


@pytest.mark.slow
@pytest.mark.parametrize("image", ["big.jpg", "page.html", "missing.jpg", "500", "hang",
                                   "refused", "upload-500"])
def test_a_card_image_that_cannot_be_used_posts_the_card_without_a_thumb(fake, image):
    network, _ = adapter(fake)
    d = draft(fake)
    if image in ("500", "hang"):
        fake.fail("GET /img/card.jpg", image)
    elif image == "refused":
        d = Draft(**{**d.__dict__, "image": f"http://127.0.0.1:{closed_port()}/card.jpg"})
    elif image == "upload-500":
        fake.fail(UPLOAD_BLOB, "500")
    else:
        d = draft(fake, image=image)
    result = network.post(d)
    external = fake.posts[result.post_id].record["embed"]["external"]
    assert "thumb" not in external
    assert external["title"] == "Hlustað á viðskiptavini"
    assert fake.count("POST", UPLOAD_BLOB) == (1 if image == "upload-500" else 0)


@pytest.mark.parametrize("where", ["another host", "another port", "same site"])
def test_a_card_image_redirect_is_followed_only_on_the_images_own_site(fake, where):
    network, _ = adapter(fake)
    port = fake.url.rsplit(":", 1)[1]
    fake.image_redirects["moved.jpg"] = {
        "another host": f"http://localhost:{port}/img/card.jpg",
        "another port": f"http://127.0.0.1:{closed_port()}/img/card.jpg",
        "same site": "/img/card.jpg"}[where]
    result = network.post(draft(fake, image="moved.jpg"))
    external = fake.posts[result.post_id].record["embed"]["external"]
    assert ("thumb" in external) is (where == "same site")
    followed = [path for method, path in fake.requests if path == "/img/card.jpg"]
    assert len(followed) == (1 if where == "same site" else 0)


def test_posting_the_same_item_again_is_refused_as_a_duplicate_and_then_found(fake):
    network, _ = adapter(fake)
    first = network.post(draft(fake))
    with pytest.raises(NetworkError) as caught:
        network.post(draft(fake))
    assert caught.value.kind is ErrorKind.DUPLICATE
    assert first.post_id in caught.value.message
    assert fake.posts_created == 1 and len(fake.posts) == 1
    # The runner then reconciles without a time bound, with the item's key.
    found = network.find_recent_posts(LINK, None, key=KEY)
    assert [p.post_id for p in found.posts] == [first.post_id] and found.covered
    assert found.posts[0].text == TEXT and LINK in found.posts[0].expanded_urls
    assert fake.count("GET", AUTHOR_FEED) == 0       # the record key was enough
    # A later run (a new adapter) with the item's key and due time: the record directly.
    later, _ = adapter(fake)
    again = later.find_recent_posts(LINK, T0 - timedelta(minutes=10), key=KEY,
                                    due=draft(fake).due)
    assert [p.post_id for p in again.posts] == [first.post_id]
    assert fake.count("GET", AUTHOR_FEED) == 0
    # Re-dated since: the same record key, found directly again.
    moved = later.find_recent_posts(LINK, T0 - timedelta(minutes=10), key=KEY,
                                    due=draft(fake).due + timedelta(days=1))
    assert [p.post_id for p in moved.posts] == [first.post_id]
    assert fake.count("GET", AUTHOR_FEED) == 0
    # Without a key to look under, the feed finds it.
    assert [p.post_id for p in later.find_recent_posts(LINK, None).posts] == [first.post_id]
    assert fake.count("GET", AUTHOR_FEED) == 1


def test_a_real_server_error_on_create_stays_in_doubt(fake):
    """A 500 that is not an existing key (nothing under the item's key) is ambiguous."""
    network, _ = adapter(fake)
    fake.fail(CREATE, "500")
    with pytest.raises(NetworkError) as caught:
        network.post(draft(fake))
    assert (caught.value.kind, caught.value.certain_no_post) == (ErrorKind.SERVER, False)
    assert fake.count("GET", GET_RECORD) == 1 and fake.posts_created == 0


def test_drafts_of_different_items_are_separate_posts(fake):
    network, _ = adapter(fake)
    a = network.post(draft(fake))
    b = network.post(draft(fake, key=KEY.replace("social-1", "social-2")))
    assert a.post_id != b.post_id and fake.posts_created == 2


# --- the session -------------------------------------------------------------------------------

def test_one_login_serves_a_post_a_search_and_metrics(fake):
    network, _ = adapter(fake)
    assert fake.sessions_created == 0             # lazily: not at construction
    result = network.post(draft(fake))
    network.find_recent_posts(LINK, T0 - timedelta(hours=1))
    network.fetch_metrics([result.post_id])
    assert fake.sessions_created == 1
    assert fake.count("POST", CREATE_SESSION) == 1


def test_an_expired_access_token_is_refreshed_not_a_new_login(fake):
    network, _ = adapter(fake)
    result = network.post(draft(fake))
    fake.expire_access_tokens()
    metrics = network.fetch_metrics([result.post_id])
    assert result.post_id in metrics.numbers
    assert (fake.sessions_created, fake.sessions_refreshed) == (1, 1)
    # The create too: it was refused before it did anything, so it is sent again.
    fake.expire_access_tokens()
    network.post(draft(fake, key=KEY.replace("social-1", "social-2")))
    assert (fake.sessions_created, fake.sessions_refreshed) == (1, 2)
    assert fake.posts_created == 2


def test_a_token_about_to_expire_is_refreshed_before_the_request(fake):
    fake.access_ttl = 60                   # the SDK refreshes 15 minutes before exp
    network, _ = adapter(fake)
    network.find_recent_posts(LINK, None)
    network.find_recent_posts(LINK, None)
    assert fake.sessions_created == 1 and fake.sessions_refreshed >= 1
    assert fake.count("GET", AUTHOR_FEED) == 2


def test_a_refused_refresh_logs_in_again(fake):
    network, _ = adapter(fake)
    network.find_recent_posts(LINK, None)
    fake.expire_access_tokens()
    fake.fail(REFRESH_SESSION, "expired")
    network.find_recent_posts(LINK, None)
    assert fake.sessions_created == 2


def test_a_pds_named_by_the_login_is_followed_only_when_it_is_a_usable_url(fake):
    fake.did_doc_endpoint = "http://pds.evil.example"
    network, _ = adapter(fake)
    result = network.post(draft(fake))              # still sent to the configured service
    assert result.post_id in fake.posts


# --- failures of the create ---------------------------------------------------------------------

@pytest.mark.slow
@pytest.mark.parametrize(("fault", "kind", "certain", "status"), [
    ("400", ErrorKind.INVALID, True, 400),
    ("401", ErrorKind.UNAUTHORIZED, True, 401),
    ("403", ErrorKind.FORBIDDEN, True, 403),
    ("404", ErrorKind.NOT_FOUND, False, 404),
    ("429", ErrorKind.RATE_LIMITED, True, 429),
    ("500", ErrorKind.SERVER, False, 500),
    ("502", ErrorKind.SERVER, False, 502),
    ("503-html", ErrorKind.SERVER, False, 503),
    ("malformed", ErrorKind.MALFORMED, False, None),
    ("hang", ErrorKind.NETWORK, False, None),
    ("drop-after-create", ErrorKind.NETWORK, False, None),
    ("malformed-after-create", ErrorKind.MALFORMED, False, None),
    ("hang-after-create", ErrorKind.NETWORK, False, None),
])
def test_every_create_failure_has_its_kind_and_doubt(fake, fault, kind, certain, status):
    network, sleeps = adapter(fake)
    fake.fail(CREATE, fault)
    with pytest.raises(NetworkError) as caught:
        network.post(draft(fake))
    error = caught.value
    assert (error.kind, error.certain_no_post, error.status) == (kind, certain, status)
    assert "\n" not in str(error) and APP_PASSWORD not in str(error)
    assert fake.count("POST", CREATE) == 1           # never retried
    assert sleeps == []
    assert fake.posts_created == (1 if fault.endswith("-after-create") else 0)
    if fault == "429":
        assert error.reset_at == T0 + timedelta(seconds=300)
    if fault == "401":
        assert "BLUESKY_APP_PASSWORD" in error.message


@pytest.mark.parametrize(("fault", "kind"), [
    ("500", ErrorKind.SERVER), ("hang", ErrorKind.NETWORK), ("429", ErrorKind.RATE_LIMITED),
    ("malformed", ErrorKind.MALFORMED),
])
def test_a_failed_login_before_posting_is_certain_that_nothing_was_posted(fake, fault, kind):
    network, _ = adapter(fake)
    fake.fail(CREATE_SESSION, fault)
    with pytest.raises(NetworkError) as caught:
        network.post(draft(fake))
    assert (caught.value.kind, caught.value.certain_no_post) == (kind, True)
    assert fake.count("POST", CREATE) == 0


def test_a_wrong_password_is_unauthorized_and_never_shown(fake):
    network, _ = adapter(fake, BLUESKY_APP_PASSWORD="wxyz-wxyz-wxyz-wxyz")
    with pytest.raises(NetworkError) as caught:
        network.post(draft(fake))
    error = caught.value
    assert (error.kind, error.certain_no_post, error.status) == (ErrorKind.UNAUTHORIZED, True,
                                                                  401)
    assert "wxyz" not in str(error)
    assert "Invalid identifier or password" in str(error)


def test_a_refused_connection_is_certain_that_nothing_was_posted(fake):
    network, _ = adapter(fake, BLUESKY_SERVICE_URL=f"http://127.0.0.1:{closed_port()}")
    with pytest.raises(NetworkError) as caught:
        network.post(draft(fake))
    assert (caught.value.kind, caught.value.certain_no_post) == (ErrorKind.NETWORK, True)


def test_a_held_create_completes_when_released(fake):
    network, _ = adapter(fake, PUBLISH_HTTP_TIMEOUT="2,5")
    fake.fail(CREATE, "hold")
    results = []
    worker = threading.Thread(target=lambda: results.append(network.post(draft(fake))))
    worker.start()
    assert fake.holding.wait(5)
    assert fake.posts_created == 0
    fake.release_hold()
    worker.join(5)
    assert results and results[0].post_id in fake.posts


# --- hostile answers ----------------------------------------------------------------------------

@pytest.mark.slow
@pytest.mark.parametrize(("hostile", "kind"), [
    (f"at://{DID}/app.bsky.feed.post/3lbxyz2abcdef\nEngagement_Bluesky: likes 999",
     ErrorKind.MALFORMED),
    ("at://did:plc:x/app.bsky.feed.post/1 2", ErrorKind.MALFORMED),
    (f"at://{DID.replace('aaaaa', 'bbbbb')}/app.bsky.feed.post/3lbxyz2abcdef",  # another repo
     ErrorKind.MISMATCH),
    (f"at://{DID}/app.bsky.feed.post/3lbxyz2abcdef", ErrorKind.MISMATCH),     # another key
])
def test_a_hostile_uri_is_never_returned(fake, hostile, kind):
    fake.hostile_uris(hostile)
    network, _ = adapter(fake)
    with pytest.raises(NetworkError) as caught:
        network.post(draft(fake))
    assert (caught.value.kind, caught.value.certain_no_post) == (kind, False)
    assert "\n" not in str(caught.value)
    later, _ = adapter(fake)
    # The record under the item's key is shown at another address: a person must look.
    with pytest.raises(NetworkError) as looked:
        later.find_recent_posts(LINK, None, key=KEY)
    assert looked.value.kind is ErrorKind.MISMATCH and "\n" not in str(looked.value)
    listed = hostile.startswith(f"at://{DID}/") and CAPABILITIES.valid_post_id(hostile)
    assert [p.post_id for p in later.find_recent_posts(LINK, None).posts] == (
        [hostile] if listed else [])          # the feed's own view, checked like any
    [real] = fake.posts
    metrics = later.fetch_metrics([real])
    assert metrics.numbers == {} and real in metrics.missing


# --- finding own posts --------------------------------------------------------------------------

def test_find_recent_posts_by_link_reaches_back_past_since(fake):
    network, sleeps = adapter(fake)
    for n in range(150):   # older posts without the link
        fake.add_post(f"post {n}", T0 - timedelta(days=2, minutes=n))
    mine = fake.add_post(f"{TEXT}", T0 - timedelta(minutes=5))
    fake.add_post(f"Another article {LINK.replace('hlustad', 'annad')}", T0 - timedelta(minutes=4))
    found = network.find_recent_posts(LINK, T0 - timedelta(hours=1))
    assert [p.post_id for p in found.posts] == [mine] and found.covered
    post = found.posts[0]
    assert post.url == CAPABILITIES.url_for(mine)
    assert post.created_at == T0 - timedelta(minutes=5)
    assert fake.count("GET", AUTHOR_FEED) == 1      # the first page reached back past since
    everything = network.find_recent_posts(LINK, None)
    assert everything.covered and fake.count("GET", AUTHOR_FEED) == 3
    assert sleeps == []


def test_find_recent_posts_says_when_it_did_not_reach_back(fake):
    for n in range(120):
        fake.add_post(f"post {n}", T0 - timedelta(minutes=n))
    network = from_env(fake.env(), sleep=Sleeps())
    network._max_pages = 1
    found = network.find_recent_posts(LINK, T0 - timedelta(days=30))
    assert found.posts == () and not found.covered


def test_a_link_in_the_card_alone_is_found(fake):
    record = {"$type": "app.bsky.feed.post", "text": "Read this",
              "createdAt": "2026-11-22T14:55:00.000Z",
              "embed": {"$type": "app.bsky.embed.external",
                        "external": {"uri": LINK, "title": "t", "description": "d"}}}
    uri = fake.add_post("Read this", T0 - timedelta(minutes=5), record=record)
    network, _ = adapter(fake)
    assert [p.post_id for p in network.find_recent_posts(LINK, None).posts] == [uri]


# --- reads retry -------------------------------------------------------------------------------

@pytest.mark.parametrize(("endpoint", "call"), [
    (AUTHOR_FEED, lambda n: n.find_recent_posts(LINK, None)),
    (GET_POSTS, lambda n: n.fetch_metrics([f"at://{DID}/app.bsky.feed.post/3lbxyz2abcdef"])),
])
def test_reads_retry_with_backoff_through_the_injected_sleep(fake, endpoint, call):
    network, sleeps = adapter(fake)
    fake.fail(endpoint, "500")
    fake.fail(endpoint, "503-html")
    call(network)
    assert sleeps == [1.0, 4.0]
    assert fake.count("GET", endpoint) == 3
    fake.fail(endpoint, "malformed", times=3)
    with pytest.raises(NetworkError) as caught:
        call(network)
    assert caught.value.kind is ErrorKind.MALFORMED
    assert sleeps == [1.0, 4.0, 1.0, 4.0]


def test_a_read_that_times_out_is_retried(fake):
    network, sleeps = adapter(fake)
    fake.fail(AUTHOR_FEED, "hang")
    assert network.find_recent_posts(LINK, None).covered
    assert sleeps == [1.0]


@pytest.mark.parametrize(("fault", "kind"), [
    ("429", ErrorKind.RATE_LIMITED), ("401", ErrorKind.UNAUTHORIZED),
    ("403", ErrorKind.FORBIDDEN), ("400", ErrorKind.INVALID), ("404", ErrorKind.NOT_FOUND),
])
def test_a_refused_read_is_not_retried(fake, fault, kind):
    network, sleeps = adapter(fake)
    fake.fail(AUTHOR_FEED, fault)
    with pytest.raises(NetworkError) as caught:
        network.find_recent_posts(LINK, None)
    assert caught.value.kind is kind and sleeps == []
    if fault == "429":
        assert caught.value.reset_at == T0 + timedelta(seconds=300)


# --- metrics -----------------------------------------------------------------------------------

def test_metrics_map_the_counts_and_batch_by_25(fake):
    network, _ = adapter(fake)
    uris = [fake.add_post(f"post {n} {LINK}", T0 - timedelta(minutes=n)) for n in range(30)]
    fake.set_metrics(uris[0], likes=12, reposts=3, replies=1, quotes=2)
    fake.set_metrics(uris[29], likes=1)
    gone = f"at://{DID}/app.bsky.feed.post/3lbxyz2abcdef"
    result = network.fetch_metrics([*uris, gone, "12345"])
    assert fake.count("GET", GET_POSTS) == 2
    assert result.numbers[uris[0]] == {"likes": 12, "reposts": 3, "replies": 1, "quotes": 2}
    assert result.numbers[uris[29]] == {"likes": 1, "reposts": 0, "replies": 0, "quotes": 0}
    assert len(result.numbers) == 30
    assert set(result.missing) == {gone, "12345"}
    assert tuple(result.numbers[uris[0]]) == CAPABILITIES.metric_names


# --- configuration ------------------------------------------------------------------------------

def test_no_credentials_is_an_adapter_that_neither_posts_nor_reads():
    network = from_env({})
    assert not network.can_post() and not network.can_read()
    with pytest.raises(NetworkError) as caught:
        network.post(draft())
    assert caught.value.kind is ErrorKind.CONFIG


@pytest.mark.parametrize(("env", "lines"), [
    ({"BLUESKY_HANDLE": "listeningbrands.bsky.social"},
     ["incomplete Bluesky credentials: BLUESKY_APP_PASSWORD missing"]),
    ({"BLUESKY_APP_PASSWORD": "sekret-pass-word-1"},
     ["incomplete Bluesky credentials: BLUESKY_HANDLE missing"]),
    ({"BLUESKY_HANDLE": "@listeningbrands.bsky.social", "BLUESKY_APP_PASSWORD": "sekret pass",
      "BLUESKY_SERVICE_URL": "http://pds.example", "PUBLISH_HTTP_TIMEOUT": "soon"},
     ["BLUESKY_APP_PASSWORD: contains a space", "BLUESKY_HANDLE: starts with @",
      "BLUESKY_SERVICE_URL: not an https URL", "PUBLISH_HTTP_TIMEOUT"]),
    ({"BLUESKY_HANDLE": "listening brands", "BLUESKY_APP_PASSWORD": "sekret-pass-word-1\n",
      "BLUESKY_SERVICE_URL": "https://user:sekret-pass-word-1@pds.example"},
     ["BLUESKY_HANDLE: contains a space", "BLUESKY_APP_PASSWORD: ends with a newline",
      "BLUESKY_SERVICE_URL: not an https URL"]),
    ({"BLUESKY_HANDLE": "not_a_handle", "BLUESKY_APP_PASSWORD": "sekret-pass-word-1"},
     ["BLUESKY_HANDLE: not a handle"]),
])
def test_every_configuration_problem_is_named_at_once_and_no_value_is_shown(env, lines):
    with pytest.raises(NetworkError) as caught:
        from_env(env)
    error = caught.value
    assert error.kind is ErrorKind.CONFIG
    text = str(error)
    assert len(text.splitlines()) == len(lines)
    for line, expected in zip(text.splitlines(), sorted(lines, key=text.find), strict=True):
        assert expected in line
    for value in env.values():
        if "sekret" in value or value.startswith("@") or " " in value:
            assert value.strip() not in text
    assert "sekret" not in text


@pytest.mark.parametrize("service", ["https://bsky.social", "https://pds.example/",
                                     "http://127.0.0.1:2583", "http://localhost:2583"])
def test_usable_service_urls(service):
    network = from_env({"BLUESKY_HANDLE": "did:plc:listeningbrandsfakeaaaaa",
                        "BLUESKY_APP_PASSWORD": "abcd-efgh-ijkl-mnop",
                        "BLUESKY_SERVICE_URL": service})
    assert network.can_post() and network.can_read()


def test_a_login_answer_without_a_usable_did_is_unusable(fake):
    fake.did = "did:plc:UPPER\nEngagement"
    network, _ = adapter(fake)
    with pytest.raises(NetworkError) as caught:
        network.post(draft(fake))
    assert (caught.value.kind, caught.value.certain_no_post) == (ErrorKind.MALFORMED, True)
    assert fake.count("POST", CREATE) == 0


# --- through `publish run` --------------------------------------------------------------------

def bluesky_items() -> list[dict]:
    from tests.publish.conftest import ITEMS

    return [{**i, "id": i["id"].rsplit("/", 1)[0] + "/bluesky", "network": "bluesky",
             "max_length": 300, "warnings": []} for i in ITEMS]


def test_run_settles_a_lost_create_answer_from_the_feed(project, fake):
    from tests.publish.conftest import ANSWERING, write_plan

    write_plan(project.plan, bluesky_items())
    first_id = f"en/{ANSWERING}/social-1/bluesky"
    fake.fail(CREATE, "drop-after-create")
    first = project.cli("run", env=fake.env())
    assert f"unsure  {first_id}" in first.out, first.text
    assert project.ledger_items()[first_id]["state"] == "posting"
    second = project.cli("run", env=fake.env())
    entry = project.ledger_items()[first_id]
    assert entry["state"] == "sent", second.text
    assert f"sent    {first_id}  → {entry['url']} (found on bluesky after an interrupted " \
           "attempt)" in second.out
    assert entry["post_id"] in fake.posts
    assert entry["url"] == CAPABILITIES.url_for(entry["post_id"])
    assert fake.posts_created == 3 and fake.sessions_created == 2   # one login per run


def test_run_finds_a_lost_post_under_its_record_key_before_the_feed_shows_it(
        project, fake):
    """The create's answer was lost and the AppView has not indexed the post yet (the feed
    does not show it): the next run still finds it, in the repository, under the record key
    made from the item's id; nothing is posted twice, no person is needed."""
    from tests.publish.conftest import ANSWERING, write_plan

    write_plan(project.plan, bluesky_items())
    first_id = f"en/{ANSWERING}/social-1/bluesky"
    fake.fail(CREATE, "drop-after-create")
    project.cli("run", env=fake.env())
    [lost] = fake.posts
    fake.not_indexed.add(lost)
    second = project.cli("run", env=fake.env())
    url = CAPABILITIES.url_for(lost)
    assert (f"sent    {first_id}  → {url} (found on bluesky after an interrupted attempt)"
            in second.out), second.text
    assert project.ledger_items()[first_id]["post_id"] == lost
    assert len([p for p in fake.posts.values() if p.text == fake.posts[lost].text]) == 1


# --- texts as marketers write them --------------------------------------------------------------

TRACKED = ("https://blog.listening-brands.example/2026/customer-relations-in-the-age-of-social/"
           "?utm_source=bluesky&utm_medium=social&utm_campaign=listening-week")


def posted(fake, network, text: str) -> dict:
    result = network.post(draft(fake, text=text, image=None))
    return fake.posts[result.post_id].record


def spans(record: dict) -> list[tuple[str, dict]]:
    raw = record["text"].encode("utf-8")
    return [(raw[f["index"]["byteStart"]:f["index"]["byteEnd"]].decode(), f["features"][0])
            for f in record.get("facets", [])]


def test_a_long_tracked_link_is_shown_shortened_and_linked_in_full(fake):
    network, _ = adapter(fake)
    lead = ("Five small lessons from the people who read every mention, answer every "
            "complaint and still love their job. What they taught us, in their own words:")
    record = posted(fake, network, f"{lead} {TRACKED}")
    shown = "blog.listening-brands.example/2026/custome..."
    assert record["text"] == f"{lead} {shown}"
    assert spans(record) == [(shown, {"$type": "app.bsky.richtext.facet#link",
                                      "uri": TRACKED})]


def test_hashtags_become_tag_facets_and_a_resolved_handle_a_mention(fake):
    fake.handles["anna.bsky.social"] = "did:plc:annaannaannaannaannaanna"
    network, _ = adapter(fake)
    text = (f"Takk @anna.bsky.social og @nobody.bsky.social! 🎉🇮🇸 Svona hlustum við "
            f"#Þjónusta #CX, #2026 ＃日本語 {TRACKED}")  # noqa: RUF001
    record = posted(fake, network, text)
    assert spans(record) == [
        ("@anna.bsky.social", {"$type": "app.bsky.richtext.facet#mention",
                               "did": "did:plc:annaannaannaannaannaanna"}),
        ("#Þjónusta", {"$type": "app.bsky.richtext.facet#tag", "tag": "Þjónusta"}),
        ("#CX", {"$type": "app.bsky.richtext.facet#tag", "tag": "CX"}),   # "," left out
        ("＃日本語", {"$type": "app.bsky.richtext.facet#tag", "tag": "日本語"}),  # noqa: RUF001
        ("blog.listening-brands.example/2026/custome...",
         {"$type": "app.bsky.richtext.facet#link", "uri": TRACKED}),
    ]                                      # @nobody does not resolve, #2026 is all digits
    assert "@nobody.bsky.social" in record["text"]
    assert fake.count("GET", RESOLVE_HANDLE) == 2
    found = network.find_recent_posts(TRACKED, None, key=KEY).posts[0]
    assert found.text == text             # the plan's text again: the reconcile compares it


def test_a_text_over_3000_bytes_is_refused_before_anything_is_sent(fake):
    """Issue 17: 248 graphemes of emoji, 3,008 bytes, refused by the PDS at posting time."""
    network, _ = adapter(fake)
    text = "👨‍👩‍👧‍👦" * 120 + f" {TRACKED}"            # 120 graphemes, 3,000 bytes of emoji
    size = 3000 + len(" blog.listening-brands.example/2026/custome...")
    with pytest.raises(NetworkError) as caught:
        network.post(draft(fake, text=text, image=None))
    assert (caught.value.kind, caught.value.certain_no_post) == (ErrorKind.INVALID, True)
    assert str(caught.value) == (f"invalid: the text is {size} bytes, Bluesky's limit is 3000 "
                                 "(the text as readers see it, links shortened)")
    assert fake.count("POST", CREATE) == 0


def test_the_fake_refuses_a_long_record_in_the_reference_pdss_words(fake):
    network, _ = adapter(fake)
    network._login()
    answer = httpx.post(f"{fake.url}/xrpc/com.atproto.repo.createRecord", json={
        "repo": DID, "collection": "app.bsky.feed.post",
        "record": {"$type": "app.bsky.feed.post", "text": "😀" * 752,
                   "createdAt": "2026-11-22T15:00:00.000Z"}},
        headers={"Authorization": f"Bearer {network._tokens[0]}"})
    assert answer.status_code == 400
    assert answer.json() == {"error": "InvalidRequest", "message": "Invalid app.bsky.feed.post "
                             "record: string too big (maximum 3000, got 3008) at $.text"}


# --- exactly once across re-dating, crashes and wrong answers --------------------------------

def redated(items: list[dict], item_id: str, due: str) -> list[dict]:
    return [{**i, "due": due} if i["id"] == item_id else i for i in items]


@pytest.mark.parametrize("ledger", ["kept", "restored without the item"])
def test_an_item_re_dated_after_it_was_posted_is_never_posted_twice(project, fake, ledger):
    from tests.publish.conftest import ANSWERING, write_plan

    items = bluesky_items()
    item_id = f"en/{ANSWERING}/social-1/bluesky"
    write_plan(project.plan, items)
    assert project.cli("run", env=fake.env()).code == 0
    [posted_id] = [p for p in fake.posts if fake.posts[p].record["text"].startswith("We ans")]
    if ledger != "kept":
        data = project.ledger.read_text(encoding="utf-8")
        doc = __import__("json").loads(data)
        del doc["items"][item_id]
        project.ledger.write_text(__import__("json").dumps(doc), encoding="utf-8")
    write_plan(project.plan, redated(items, item_id, "2026-11-22T14:00:00Z"))
    created = fake.posts_created
    again = project.cli("run", env=fake.env())
    assert fake.posts_created == created, again.text
    entry = project.ledger_items()[item_id]
    assert (entry["state"], entry["post_id"]) == ("sent", posted_id), again.text
    assert again.code == 0, again.text


def test_a_post_made_under_the_older_due_based_key_is_found_by_the_reconcile(project, fake):
    from tests.publish.conftest import ANSWERING, write_plan

    items = bluesky_items()
    item = next(i for i in items if i["id"] == f"en/{ANSWERING}/social-1/bluesky")
    write_plan(project.plan, [item])
    due = datetime.fromisoformat(item["due"].replace("Z", "+00:00"))
    old_uri = fake.add_post(item["text"], T0 - timedelta(minutes=5),
                            rkey=due_record_key(item["id"], due))
    fake.not_indexed.add(old_uri)                       # only the repository shows it
    crashed = project.subprocess("run", env={**fake.env(),
                                            "PUBLISH_CRASH_AT": "after-posting-write:1"})
    assert crashed.code == 137
    settled = project.cli("run", env=fake.env())
    entry = project.ledger_items()[item["id"]]
    assert (entry["state"], entry["post_id"]) == ("sent", old_uri), settled.text
    assert fake.posts_created == 1


@pytest.mark.slow
def test_a_crash_before_the_create_is_settled_by_the_absent_record_key(project, fake):
    """Item 7: the repository answers RecordNotFound for the item's key and the feed has no
    post with its link: proof that nothing was posted. Posted in the same run, no person."""
    from tests.publish.conftest import ANSWERING, write_plan

    write_plan(project.plan, bluesky_items())
    item_id = f"en/{ANSWERING}/social-1/bluesky"
    crashed = project.subprocess("run", env={**fake.env(),
                                            "PUBLISH_CRASH_AT": "after-posting-write:1"})
    assert crashed.code == 137 and fake.posts_created == 0
    assert project.ledger_items()[item_id]["state"] == "posting"
    settled = project.cli("run", env=fake.env())
    assert (f"checked {item_id}  not posted: bluesky has no post of this item (checked after "
            "an interrupted attempt)") in settled.out, settled.text
    entry = project.ledger_items()[item_id]
    assert entry["state"] == "sent" and entry["post_id"].endswith("/" + record_key(item_id))
    assert settled.code == 0 and fake.posts_created == 3, settled.text


def test_a_record_shown_under_another_uri_is_parked_for_a_person(project, fake):
    """Item 8: it used to stay `posting` and stop all Bluesky posting on every run (exit 1)."""
    from tests.publish.conftest import ANSWERING, ICELANDIC, write_plan

    write_plan(project.plan, bluesky_items())
    item_id = f"en/{ANSWERING}/social-1/bluesky"
    fake.hostile_uris(f"at://{DID.replace('aaaaa', 'bbbbb')}/app.bsky.feed.post/3lbxyz2abcdef")
    first = project.cli("run", env=fake.env())
    assert first.code == 3, first.text
    entry = project.ledger_items()[item_id]
    assert entry["state"] == "unknown" and "answered the post with another post" in \
        entry["error"]["message"]
    assert project.ledger_items()[f"is/{ICELANDIC}/social-1/bluesky"]["state"] == "sent"
    second = project.cli("run", env=fake.env())
    assert second.code == 3 and "stopped posting" not in second.text, second.text


def test_plan_and_report_show_bluesky_texts_as_its_readers_will_see_them(project, tmp_path):
    """Item 5: the shortened link, and each network's own length rule in the previews."""
    from tests.publish.conftest import ANSWERING, ITEMS, write_plan

    x_item = next(i for i in ITEMS if i["id"] == f"en/{ANSWERING}/social-2/x")
    write_plan(project.plan, [*bluesky_items(), x_item])
    item_id = f"en/{ANSWERING}/social-2/bluesky"
    shown = ("Three days on: what changed when we answered faster "
             "blog.listening-brands.example/2026/answeri...")
    plan = project.cli("plan", "--no-build")
    [row] = [line for line in plan.out.splitlines() if item_id in line]
    assert row.endswith(f"{item_id}  {shown}"), plan.text
    [x_row] = [line for line in plan.out.splitlines() if x_item["id"] in line]
    assert "answering-customers-on-twitter/…" in x_row          # X: the table's own short form
    out = tmp_path / "report"
    assert project.cli("report", "--no-build", "--out", str(out)).code == 0
    previews = html.unescape((out / "previews.html").read_text(encoding="utf-8"))
    assert f">{shown}</p>" in previews
    assert ("(Bluesky's count: characters as a reader sees them, each link shortened as "
            "Bluesky's app shows it; at most 3,000 bytes)") in previews
    assert "(X's weighted count: a link counts 23, emoji and CJK 2)" in previews
    assert "as X will show it" not in previews
    assert shown in (out / "index.html").read_text(encoding="utf-8")
