"""Our Bluesky adapter (publish/networks/bluesky.py) and the publisher against the reference
servers: PLC, PDS, bsync and AppView from npm, on 127.0.0.1 (tests/atproto, docs/testing.md).
Everywhere else the loopback fake (tests/fake_bluesky.py) stands in for them; here the real
PDS checks the records we write (lexicon validation, record keys, blobs) and the real AppView
counts likes, reposts, replies and quotes."""

from __future__ import annotations

from datetime import UTC, datetime
from io import BytesIO

import httpx
import pytest
from PIL import Image

from publish.networks import NO_POST_KINDS, Draft, ErrorKind, NetworkError, bluesky
from tests.atproto.stack import Account, wait_for, xrpc
from tests.loopback_site import serving
from tests.publish.conftest import ANSWERING, DUE_IDS, ICELANDIC, ITEMS, write_plan
from tests.publish.test_publish_crash import CASES, on_network, run_forked

pytestmark = pytest.mark.bluesky_stack

INDEX_DEADLINE = 60.0              # seconds for the AppView to index what the PDS took
DUE = datetime(2026, 11, 22, 9, 0, tzinfo=UTC)
BLOG = "https://blog.listening-brands.example"
DUE_ON_BLUESKY = [i.rsplit("/", 1)[0] + "/bluesky" for i in DUE_IDS]


def adapter(account: Account) -> bluesky.BlueskyNetwork:
    return bluesky.from_env(account.env(), sleep=lambda s: None)


def posts_in_repo(account: Account) -> list[dict]:
    """Every app.bsky.feed.post record in the account's repository (the PDS's own list)."""
    answer = xrpc(account.service, "com.atproto.repo.listRecords",
                  params={"repo": account.did, "collection": "app.bsky.feed.post",
                          "limit": 100})
    return answer["records"]


def record_of(account: Account, uri: str) -> dict:
    return xrpc(account.service, "com.atproto.repo.getRecord",
                params={"repo": account.did, "collection": "app.bsky.feed.post",
                        "rkey": uri.rsplit("/", 1)[1]})


def indexed(account: Account, uri: str) -> dict:
    """The AppView's view of a post (through the PDS), once it has indexed it."""
    def view():
        posts = xrpc(account.service, "app.bsky.feed.getPosts", params={"uris": uri},
                     headers=account.headers())["posts"]
        return posts[0] if posts else None
    return wait_for(view, INDEX_DEADLINE, f"the AppView did not index {uri}")


def create(account: Account, collection: str, record: dict) -> dict:
    record = {"$type": collection, "createdAt": bluesky.iso_z(datetime.now(UTC)), **record}
    return xrpc(account.service, "com.atproto.repo.createRecord",
                body={"repo": account.did, "collection": collection, "record": record},
                headers=account.headers())


# --- facets --------------------------------------------------------------------------------

# Characters of 1 to 4 UTF-8 bytes before, between and after the links, so a character
# offset would be off; a trailing ")" and "." that are not part of a link.
LINK_1 = f"{BLOG}/is/2026/{ICELANDIC}/?utm_source=bluesky&utm_medium=social"
LINK_2 = "https://example.org/über/ßtraße?q=ö"
FACET_TEXT = (f"Við svörum öllum 👋🏽 — lesið hér: {LINK_1} (og líka {LINK_2}). "
              "#listening 🎧")
# What the record must carry, as (feature, the text it covers, its value), for the features
# in FACET_KINDS. Tag and mention facets go here too when the adapter writes them:
# add "tag" to FACET_KINDS and ("tag", "#listening", "listening") to EXPECTED_FACETS.
FACET_KINDS = {"link"}
EXPECTED_FACETS = [
    ("link", LINK_1, LINK_1),
    ("link", LINK_2, LINK_2),
]


def facet_spans(record: dict) -> list[tuple[str, str, str]]:
    """(feature, the text its UTF-8 byte range covers, its uri/tag/did) of every facet."""
    raw = record["text"].encode("utf-8")
    spans = []
    for facet in record.get("facets", []):
        covered = raw[facet["index"]["byteStart"]:facet["index"]["byteEnd"]].decode("utf-8")
        for feature in facet["features"]:
            kind = feature["$type"].rsplit("#", 1)[1]
            spans.append((kind, covered, feature.get("uri") or feature.get("tag")
                          or feature.get("did")))
    return [span for span in spans if span[0] in FACET_KINDS]


def test_facets_at_their_utf8_byte_offsets(bluesky_accounts):
    brand, _ = bluesky_accounts
    draft = Draft(key=f"is/{ICELANDIC}/social-1/bluesky", text=FACET_TEXT, link=LINK_1,
                  due=DUE, lang="is")
    posted = adapter(brand).post(draft)

    stored = record_of(brand, posted.post_id)["value"]
    assert stored["text"] == FACET_TEXT
    assert facet_spans(stored) == EXPECTED_FACETS
    # The AppView indexed the same record, facets and all, under the brand's handle.
    view = indexed(brand, posted.post_id)
    assert view["record"]["facets"] == stored["facets"]
    assert view["author"]["handle"] == brand.handle


def test_link_facets_match_the_official_client(atproto_node):
    """@atproto/api's RichText (what the Bluesky app uses) finds the same links at the same
    byte offsets as our adapter."""
    theirs = atproto_node(
        "import { RichText } from '@atproto/api'\n"
        "const rt = new RichText({ text: input })\n"
        "rt.detectFacetsWithoutResolution()\n"
        "console.log(JSON.stringify(rt.facets ?? []))\n", FACET_TEXT)
    ours = bluesky.link_facets(FACET_TEXT)
    assert facet_spans({"text": FACET_TEXT, "facets": theirs}) == \
        facet_spans({"text": FACET_TEXT, "facets": ours}) == EXPECTED_FACETS


# --- the link card -------------------------------------------------------------------------

def card_png() -> bytes:
    out = BytesIO()
    Image.new("RGB", (120, 63), (240, 130, 141)).save(out, format="PNG")
    return out.getvalue()


def test_external_card_with_its_uploaded_thumbnail(tmp_path, bluesky_accounts):
    brand, _ = bluesky_accounts
    png = card_png()
    page = tmp_path / "site" / "2026" / ANSWERING
    page.mkdir(parents=True)
    (page / "index.html").write_text("<!doctype html><title>Answering customers</title>")
    (page / "card.png").write_bytes(png)
    with serving(tmp_path / "site") as site:
        link = f"{site.url}/2026/{ANSWERING}/"
        draft = Draft(key=f"en/{ANSWERING}/social-1/bluesky", due=DUE, lang="en",
                      text=f"We answer every mention within an hour. Here is how {link}",
                      link=link, title="Answering customers on Twitter",
                      description="What happened when we promised an answer within the hour.",
                      image=f"{link}card.png")
        posted = adapter(brand).post(draft)
    assert f"/2026/{ANSWERING}/card.png" in site.requests

    embed = record_of(brand, posted.post_id)["value"]["embed"]
    assert embed["$type"] == "app.bsky.embed.external"
    card = embed["external"]
    assert (card["uri"], card["title"], card["description"]) == \
        (link, draft.title, draft.description)
    thumb = card["thumb"]
    assert (thumb["$type"], thumb["mimeType"], thumb["size"]) == ("blob", "image/png", len(png))
    # The blob the record points at is the PNG, byte for byte.
    blob = httpx.get(f"{brand.service}/xrpc/com.atproto.sync.getBlob",
                     params={"did": brand.did, "cid": thumb["ref"]["$link"]}, timeout=30)
    assert blob.status_code == 200 and blob.content == png

    view = indexed(brand, posted.post_id)["embed"]
    assert view["$type"] == "app.bsky.embed.external#view"
    assert view["external"]["uri"] == link
    assert thumb["ref"]["$link"] in view["external"]["thumb"]


# --- the length limit ----------------------------------------------------------------------

FAMILY = "\U0001f468\u200d\U0001f469\u200d\U0001f467\u200d\U0001f466"   # 1 grapheme, 25 bytes


def test_text_over_3000_bytes_is_a_clear_permanent_refusal(bluesky_accounts):
    """Within 300 graphemes but over 3,000 UTF-8 bytes: the PDS refuses the record, and the
    adapter says so as a refusal that proves nothing was posted (never retried blindly)."""
    brand, _ = bluesky_accounts
    link = f"{BLOG}/2026/{ANSWERING}/"
    text = f"{FAMILY * 120} {link}"
    size = len(text.encode("utf-8"))
    assert size > 3000
    draft = Draft(key=f"en/{ANSWERING}/social-1/bluesky", text=text, link=link, due=DUE)
    with pytest.raises(NetworkError) as refused:
        adapter(brand).post(draft)
    assert refused.value.kind is ErrorKind.INVALID and refused.value.kind in NO_POST_KINDS
    assert refused.value.status == 400
    assert f"string too big (maximum 3000, got {size})" in str(refused.value)
    assert posts_in_repo(brand) == []


# --- exactly once across a kill ------------------------------------------------------------

def settle_like_a_person(project, brand: Account) -> None:
    """docs/publisher.md: look at the account; `resolve --posted LINK` if the post is there,
    else `--not-posted`."""
    posts = posts_in_repo(brand)
    for item_id, entry in project.ledger_items().items():
        if entry["state"] != "unknown":
            continue
        found = [p["uri"] for p in posts if p["value"]["text"] == entry["text"]]
        args = ["--posted", bluesky.post_url(found[0])] if found else ["--not-posted"]
        assert project.cli("resolve", item_id, *args).code == 0


@pytest.mark.parametrize(("step", "n"), CASES, ids=[f"{s}:{n}" for s, n in CASES])
def test_killed_at_every_step_posts_once_on_the_real_server(project, bluesky_accounts, step,
                                                             n):
    brand, _ = bluesky_accounts
    write_plan(project.plan, on_network(ITEMS, "bluesky"))
    assert run_forked(project, brand.env(), crash=f"{step}:{n}") == 137
    codes = []
    for _ in range(6):
        codes.append(run_forked(project, brand.env()))
        if codes[-1] == 0:
            break
        assert codes[-1] == 3, codes
        settle_like_a_person(project, brand)
    assert codes == ([3, 0] if step == "after-posting-write" else [0])

    posts = posts_in_repo(brand)
    items = project.ledger_items()
    assert len(posts) == len(DUE_ON_BLUESKY)
    for item_id in DUE_ON_BLUESKY:
        assert items[item_id]["state"] == "sent"
        same_text = [p["uri"] for p in posts if p["value"]["text"] == items[item_id]["text"]]
        assert same_text == [items[item_id]["post_id"]]


# --- engagement numbers --------------------------------------------------------------------

def test_metrics_from_the_appview_into_the_header(project, bluesky_accounts):
    """The reader likes, reposts, replies to (twice) and quotes the brand's post; getPosts
    counts them once the AppView has indexed them, and `publish metrics` writes them into
    the article's header."""
    brand, reader = bluesky_accounts
    write_plan(project.plan, on_network(ITEMS, "bluesky"))
    assert project.cli("run", env=brand.env()).code == 0
    uri = project.ledger_items()[f"en/{ANSWERING}/social-1/bluesky"]["post_id"]
    subject = {"uri": uri, "cid": indexed(brand, uri)["cid"]}
    create(reader, "app.bsky.feed.like", {"subject": subject})
    create(reader, "app.bsky.feed.repost", {"subject": subject})
    for text in ("Thank you!", "How do you do it at night?"):
        create(reader, "app.bsky.feed.post",
               {"text": text, "reply": {"root": subject, "parent": subject}})
    create(reader, "app.bsky.feed.post",
           {"text": "Worth reading", "embed": {"$type": "app.bsky.embed.record",
                                               "record": subject}})
    expected = {"likes": 1, "reposts": 1, "replies": 2, "quotes": 1}

    network = adapter(brand)
    counted = wait_for(lambda: network.fetch_metrics([uri]).numbers.get(uri) == expected,
                       INDEX_DEADLINE, "the AppView did not count the reader's engagement")
    assert counted

    result = project.cli("metrics", "--all", env=brand.env())
    assert result.code == 0, result.text
    assert "metrics: 3 refreshed" in result.out
    header = project.post(ANSWERING).read_text(encoding="utf-8").split("\n\n", 1)[0]
    assert "Engagement_Bluesky: likes 1, reposts 1, replies 2, quotes 1" in header
    posts_line = next(line for line in header.splitlines()
                      if line.startswith("Engagement_Bluesky_Posts: "))
    assert bluesky.post_url(uri) in posts_line
