"""Our Bluesky adapter (publish/networks/bluesky/bluesky_adapter.py) and the publisher against
the reference servers: PLC, PDS, bsync and AppView from npm, on 127.0.0.1
(tests/atproto, docs/testing.md).
Everywhere else the loopback fake (tests/fakes/fake_bluesky.py) stands in for them; here the real
PDS checks the records we write (lexicon validation, record keys, blobs) and the real AppView
counts likes, reposts, replies and quotes."""

from __future__ import annotations

from datetime import UTC, datetime
from io import BytesIO

import httpx
import pytest
from PIL import Image

from contract import bluesky_text
from publish.networks import NO_POST_KINDS, Draft, ErrorKind, NetworkError
from publish.networks.bluesky import bluesky_adapter as bluesky
from publish.networks.bluesky.bluesky_errors import classify
from publish.networks.bluesky.bluesky_records import iso_z, post_url
from tests.atproto.stack import Account, wait_for, xrpc
from tests.corpus_content import CORPUS
from tests.fakes.loopback_site import serving
from tests.publish.conftest import ANSWERING, DUE_IDS, ICELANDIC, ITEMS, write_plan
from tests.publish.posting.test_publish_crash import CASES, on_network, run_forked

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
    record = {"$type": collection, "createdAt": iso_z(datetime.now(UTC)), **record}
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
# What the record must carry, as (feature, the text it covers, its value): each link shown
# shortened as the Bluesky app shows it, its facet holding the full tracked URL; the tag.
EXPECTED_FACETS = [
    ("link", bluesky_text.short_url(LINK_1), LINK_1),
    ("link", bluesky_text.short_url(LINK_2), LINK_2),
    ("tag", "#listening", "listening"),
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
    return spans


def test_facets_at_their_utf8_byte_offsets(bluesky_accounts):
    brand, _ = bluesky_accounts
    draft = Draft(key=f"is/{ICELANDIC}/social-1/bluesky", text=FACET_TEXT, link=LINK_1,
                  due=DUE, lang="is")
    posted = adapter(brand).post(draft)

    stored = record_of(brand, posted.post_id)["value"]
    assert stored["text"] == bluesky_text.display_text(FACET_TEXT)
    assert LINK_1 not in stored["text"]
    assert facet_spans(stored) == EXPECTED_FACETS
    # The AppView indexed the same record, facets and all, under the brand's handle.
    view = indexed(brand, posted.post_id)
    assert view["record"]["facets"] == stored["facets"]
    assert view["author"]["handle"] == brand.handle


def test_a_mention_of_a_handle_that_resolves_is_a_mention_facet(bluesky_accounts):
    brand, reader = bluesky_accounts
    text = f"Thanks @{reader.handle} for asking, and @nobody.invalid too: {LINK_1}"
    draft = Draft(key=f"is/{ICELANDIC}/social-2/bluesky", text=text, link=LINK_1, due=DUE,
                  lang="is")
    stored = record_of(brand, adapter(brand).post(draft).post_id)["value"]
    mentions = [span for span in facet_spans(stored) if span[0] == "mention"]
    assert mentions == [("mention", f"@{reader.handle}", reader.did)]


# Texts as marketers write them: every Bluesky text of the corpus, and the edges of the rules.
def corpus_social_texts() -> list[str]:
    """Every Social…/Coupon_Social… value of the corpus's headers, {url} a tracked link."""
    tracked = (f"{BLOG}/2027/answering-customers-at-the-speed-of-the-feed/?utm_source="
               "bluesky&utm_medium=social&utm_campaign=speed-of-the-feed-q1-2027")
    texts = []
    for post in sorted(CORPUS.glob("posts/*.md")):
        header = post.read_text(encoding="utf-8").split("\n\n", 1)[0]
        for line in header.splitlines():
            key, _, value = line.partition(":")
            if (key.startswith(("Social", "Coupon_Social")) and "_At" not in key
                    and "_Networks" not in key and value.strip() not in ("", "off")):
                texts.append(value.strip().replace("{url}", tracked)
                             .replace("{code}", "LISTEN20"))
    assert len(texts) >= 8
    return texts


def conformance_texts() -> list[str]:
    return [*corpus_social_texts(), FACET_TEXT,
            "Ends with a link https://example.com/a/b. And (https://example.com/c) too",
            "Bare domains: listening-brands.example and example.com/path?x=1, not file.txt",
            "#CX #CustomerService! #123 #tag_with_under #🎧 #a-b #x.y",
            "Fullwidth: #\uff46\uff55\uff4c\uff4c \uff03wide",
            "Cashtag $LISTEN and $toolong, #" + "a" * 70,
            "emoji 👨‍👩‍👧 #Familie https://example.de/über?q=ö#frag"]


def test_facets_agree_with_the_reference_detection(atproto_node):
    """@atproto/api's RichText.detectFacetsWithoutResolution (what the Bluesky app runs) finds
    the same links and tags, at the same UTF-8 byte offsets of the full text, as
    contract/bluesky_text.detect, for every text of the corpus and the rules' edges."""
    texts = conformance_texts()
    theirs = atproto_node(
        "import { RichText } from '@atproto/api'\n"
        "console.log(JSON.stringify(input.map(text => {\n"
        "  const rt = new RichText({ text })\n"
        "  rt.detectFacetsWithoutResolution()\n"
        "  return rt.facets ?? []\n"
        "})))\n", texts)
    for text, their_facets in zip(texts, theirs, strict=True):
        ours = [{"index": {"byteStart": bluesky_text.utf8_length(text[:span.start]),
                           "byteEnd": bluesky_text.utf8_length(text[:span.end])},
                 "features": [span.feature]} for span in bluesky_text.detect(text)]
        expected = [span for span in facet_spans({"text": text, "facets": their_facets})
                    if span[0] != "mention"]
        found = [span for span in facet_spans({"text": text, "facets": ours})
                 if span[0] != "mention"]
        assert found == expected, text


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


def test_text_over_3000_bytes_is_refused_by_the_pds_and_before_it_by_us(bluesky_accounts):
    """Within 300 graphemes but over 3,000 UTF-8 bytes. The real PDS refuses such a record
    (`string too big`), and our classify reads its answer as a refusal that proves nothing
    was posted; the adapter measures the text as the app shows it and refuses it before
    sending anything (the build refuses it earlier still:
    tests/plugins/campaign/posts/test_networks.py)."""
    brand, _ = bluesky_accounts
    link = f"{BLOG}/2026/{ANSWERING}/"
    text = f"{FAMILY * 120} {link}"
    shown = bluesky_text.rich_text(text)
    size = len(shown.text.encode("utf-8"))
    assert size > 3000 and bluesky_text.graphemes(shown.text) <= 300

    answer = httpx.post(
        f"{brand.service}/xrpc/com.atproto.repo.createRecord", headers=brand.headers(),
        json={"repo": brand.did, "collection": "app.bsky.feed.post",
              "record": {"$type": "app.bsky.feed.post", "text": shown.text,
                         "facets": list(shown.facets),
                         "createdAt": iso_z(datetime.now(UTC))}}, timeout=30)
    assert answer.status_code == 400
    assert f"string too big (maximum 3000, got {size})" in answer.text
    refusal = classify(answer.status_code, answer.content)
    assert refusal.kind is ErrorKind.INVALID and refusal.kind in NO_POST_KINDS

    draft = Draft(key=f"en/{ANSWERING}/social-1/bluesky", text=text, link=link, due=DUE)
    with pytest.raises(NetworkError) as refused:
        adapter(brand).post(draft)
    assert refused.value.kind is ErrorKind.INVALID and refused.value.kind in NO_POST_KINDS
    assert f"the text is {size} bytes, Bluesky's limit is 3000" in str(refused.value)
    assert posts_in_repo(brand) == []


# --- exactly once across a kill ------------------------------------------------------------

def settle_like_a_person(project, brand: Account) -> None:
    """docs/publisher.md: look at the account; `resolve --posted LINK` if the post is there,
    else `--not-posted`."""
    posts = posts_in_repo(brand)
    for item_id, entry in project.ledger_items().items():
        if entry["state"] != "unknown":
            continue
        shown = bluesky_text.display_text(entry["text"])
        found = [p["uri"] for p in posts if p["value"]["text"] == shown]
        args = ["--posted", post_url(found[0])] if found else ["--not-posted"]
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
    # Killed after the ledger said `posting` but before the create was sent: the real
    # server's RecordNotFound for the item's key proves nothing was posted, so the rerun
    # posts it without a person (issue 17: absence settles a crash before a create).
    assert codes == [0]

    posts = posts_in_repo(brand)
    items = project.ledger_items()
    assert len(posts) == len(DUE_ON_BLUESKY)
    for item_id in DUE_ON_BLUESKY:
        assert items[item_id]["state"] == "sent"
        shown = bluesky_text.display_text(items[item_id]["text"])
        same_text = [p["uri"] for p in posts if p["value"]["text"] == shown]
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
    assert post_url(uri) in posts_line
