"""The real-style corpus through `make publish` with X and Mastodon on their loopback fakes
and Bluesky on the REAL reference servers (tests/atproto: PLC, PDS, AppView on 127.0.0.1),
issue 17's "done when": the launch-day cycle posts every due item once per network; the
brand's repository holds exactly one record per Bluesky item, its text as the app shows it
(links shortened), link facets with the full tracked URL, tag facets for the hashtags, and a
link card; a rerun posts nothing; the reader's likes, reposts, replies and quotes, once the
AppView counts them, come back into each post's header with the fakes' numbers."""

from __future__ import annotations

import re
from collections import Counter

from contract import bluesky_text
from publish.networks.bluesky.bluesky_records import post_url
from tests.atproto.stack import wait_for
from tests.corpus_content import LAUNCH, LONG_BLUESKY_POST, SLOTS, copy_corpus, item_ids
from tests.e2e.conftest import created, environment, ledger, running_fakes, sent_ids
from tests.e2e.test_corpus_publish import (
    LABELS,
    at,
    engagement_lines,
    header_of,
    numbers_an_hour_on,
    per_network,
    run,
)
from tests.publish.networks.bluesky.test_bluesky_real import (
    INDEX_DEADLINE,
    adapter,
    create,
    facet_spans,
    posts_in_repo,
)

FAKED = ("x", "mastodon")
HASHTAG = re.compile(r"#(CustomerService|CX)\b")
NO_ENGAGEMENT = {"likes": 0, "reposts": 0, "replies": 0, "quotes": 0}
# What the reader does to some of the brand's Bluesky posts (the item's slot in its post).
ENGAGEMENT = {
    (LONG_BLUESKY_POST, "social-1"): {"likes": 1, "reposts": 1, "replies": 2, "quotes": 1},
    ("coupons-traded-for-attention.md", "coupon"): {"likes": 1, "reposts": 0, "replies": 1,
                                                    "quotes": 0},
    ("coupons-traded-for-attention.md", "social-1"): {"likes": 1, "reposts": 1,
                                                      "replies": 0, "quotes": 1},
}


def bluesky_id(name: str, slot: str) -> str:
    return f"{SLOTS[name][0]}/{slot}/bluesky"


def engage(reader, subject: dict, wanted: dict[str, int]) -> None:
    """The reader's likes, reposts, replies and quotes of `subject` ({uri, cid})."""
    for _ in range(wanted["likes"]):
        create(reader, "app.bsky.feed.like", {"subject": subject})
    for _ in range(wanted["reposts"]):
        create(reader, "app.bsky.feed.repost", {"subject": subject})
    for n in range(wanted["replies"]):
        create(reader, "app.bsky.feed.post",
               {"text": f"Reply {n + 1}: thank you!",
                "reply": {"root": subject, "parent": subject}})
    for _ in range(wanted["quotes"]):
        create(reader, "app.bsky.feed.post",
               {"text": "Worth reading", "embed": {"$type": "app.bsky.embed.record",
                                                   "record": subject}})


def bluesky_line(numbers: dict[str, int]) -> str:
    return "Engagement_Bluesky: " + ", ".join(f"{k} {v}" for k, v in numbers.items())


def test_the_corpus_publishes_once_with_bluesky_on_the_real_server(
        project, www, site, bluesky_accounts):
    brand, reader = bluesky_accounts
    posts = copy_corpus(project / "content")
    launch = item_ids(posts, by=LAUNCH)
    on_bluesky = {i for i in launch if i.endswith("/bluesky")}
    on_fakes = {network: n for network, n in per_network(launch).items() if network in FAKED}
    with running_fakes(at(LAUNCH), FAKED) as fakes:
        env = environment(fakes, site, DEPLOY_TARGET=f"rsync:{www}", **brand.env())

        # 1. Launch day: every due item once per network, the Bluesky ones on the real PDS.
        run(project, env, LAUNCH)
        assert sent_ids(project) == launch
        assert created(fakes) == on_fakes
        entries = ledger(project)
        records = {r["uri"]: r for r in posts_in_repo(brand)}
        assert len(records) == len(on_bluesky)
        assert {entries[i]["post_id"] for i in on_bluesky} == set(records)
        # Issue 17: counted with its tracked link in full, the long post is over Bluesky's
        # 300; as the app shows it (and as the PDS took it), within.
        long_post = entries[bluesky_id(LONG_BLUESKY_POST, "social-1")]
        assert bluesky_text.graphemes(long_post["text"]) > 300
        assert bluesky_text.graphemes(records[long_post["post_id"]]["value"]["text"]) <= 300
        tags = Counter()
        for item_id in on_bluesky:
            entry = entries[item_id]
            record = records[entry["post_id"]]["value"]
            shown = bluesky_text.display_text(entry["text"])
            assert record["text"] == shown, item_id
            assert entry["link"] not in record["text"], item_id
            spans = facet_spans(record)
            assert [s for s in spans if s[0] == "link"] == \
                [("link", bluesky_text.short_url(entry["link"]), entry["link"])], item_id
            hashtags = HASHTAG.findall(shown)
            assert [s for s in spans if s[0] == "tag" and s[2] in ("CustomerService", "CX")] \
                == [("tag", f"#{tag}", tag) for tag in hashtags], item_id
            tags.update(hashtags)
            card = record["embed"]
            assert card["$type"] == "app.bsky.embed.external", item_id
            assert card["external"]["uri"] == entry["link"], item_id
            assert card["external"]["title"], item_id
            thumb = card["external"]["thumb"]       # the page's share image, uploaded
            assert thumb["$type"] == "blob" and thumb["mimeType"] == "image/png", item_id
        assert tags["CustomerService"] and tags["CX"], tags

        # 2. The same moment again: nothing more is posted, anywhere.
        again = run(project, env, LAUNCH)
        assert "cycle: rebuild: not needed (no header changed)" in again.stdout
        assert created(fakes) == on_fakes
        assert len(posts_in_repo(brand)) == len(on_bluesky)

        # 3. The reader engages; once the AppView counts it, a metrics pass an hour on brings
        #    every network's numbers into the headers.
        expected = {entries[i]["post_id"]: NO_ENGAGEMENT for i in on_bluesky}
        for (name, slot), wanted in ENGAGEMENT.items():
            uri = entries[bluesky_id(name, slot)]["post_id"]
            engage(reader, {"uri": uri, "cid": records[uri]["cid"]}, wanted)
            expected[uri] = wanted
        network = adapter(brand)
        wait_for(lambda: network.fetch_metrics(sorted(expected)).numbers == expected,
                 INDEX_DEADLINE, "the AppView did not count the reader's engagement")
        numbers_an_hour_on(project, env, fakes)
        assert len(posts_in_repo(brand)) == len(on_bluesky)
        for name in posts:
            article = SLOTS[name][0]
            header = header_of(project, name)
            mine = {i for i in launch if i.startswith(article + "/")}
            for network_name, count in per_network(mine).items():
                if network_name in FAKED:
                    assert engagement_lines(network_name, count) in header, (name, header)
                label = LABELS[network_name]
                assert f"Engagement_{label}_As_Of: 2027-01-11T16:00:00Z" in header
            sums = Counter()
            for item_id in mine & on_bluesky:
                sums.update(expected[entries[item_id]["post_id"]])
                assert post_url(entries[item_id]["post_id"]) in header, item_id
            assert bluesky_line({k: sums[k] for k in NO_ENGAGEMENT}) in header, (name, header)
