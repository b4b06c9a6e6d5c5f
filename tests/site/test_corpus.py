"""The real-style corpus (tests/corpus/, described in tests/corpus_content.py) is what it
claims to be, and builds with the site's own settings and the default three networks: every
post's items on every network, nothing refused. Fast: one build each, no publishing (that is
tests/e2e/test_corpus_publish.py)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from tests.corpus_content import (
    CASES,
    CORPUS,
    LAUNCH,
    LONG_BLUESKY_POST,
    NETWORKS,
    SLOTS,
    copy_corpus,
    item_ids,
)
from tests.site.sitebuild import build_site, read_header

POSTS = sorted((CORPUS / "posts").glob("*.md"))
ZWJ_WITH_SKIN_TONE = re.compile("[\U0001f3fb-\U0001f3ff]\u200d")
TRACKED_LINK = re.compile(r"https://[^\s)]+\?utm_source=[^\s)]+&utm_campaign=[^\s)]+")


def body(path: Path) -> str:
    return path.read_text(encoding="utf-8").split("\n\n", 1)[1]


def headers() -> dict[str, dict]:
    return {path.name: read_header(path) for path in POSTS}


def test_the_corpus_holds_what_it_promises():
    assert sorted(SLOTS) == [path.name for path in POSTS]
    for path in POSTS:
        words = len(body(path).split())
        assert 600 <= words <= 1500, (path.name, words)
    meta = headers()
    every_body = "\n".join(body(path) for path in POSTS)
    every_social = "\n".join(value for m in meta.values() for key, value in m.items()
                             if key.startswith(("social", "coupon_social")))
    assert len(TRACKED_LINK.findall(every_body)) >= 5
    assert ZWJ_WITH_SKIN_TONE.search(every_body) and ZWJ_WITH_SKIN_TONE.search(every_social)
    assert "#CustomerService" in every_social and "#CX" in every_social
    for markdown in ("\n## ", "\n- ", "\n1. ", "\n|---|", "\n> ", "![", "{static}/images/"):
        assert markdown in every_body, markdown
    for typo in ("definately", "alot", "reccomend"):   # left as people leave them
        assert typo in every_body
    german = meta["coupons-traded-for-attention-de.md"]
    assert (german["lang"], german["slug"]) == (
        "de", meta["coupons-traded-for-attention.md"]["slug"])
    assert {"coupon", "coupon_offer", "coupon_starts", "coupon_expires", "coupon_terms",
            "coupon_social", "coupon_social_x"} <= set(meta["coupons-traded-for-attention.md"])
    assert not any(k.startswith("social") for k in meta["ninety-days-of-listening-to-our-"
                                                        "community.md"])
    keys = {key for m in meta.values() for key in m}
    assert {"social_bluesky", "social_2", "social_2_at", "social_2_mastodon"} <= keys
    long_text = meta[LONG_BLUESKY_POST]["social"]
    assert long_text.endswith(" {url}") and 120 <= len(long_text) - len(" {url}") <= 140


@pytest.mark.slow
@pytest.mark.parametrize("without", CASES)
def test_the_corpus_builds_every_item_on_every_network(tmp_path, without):
    posts = copy_corpus(tmp_path / "content", without)
    build = build_site("pelicanconf.py", tmp_path, tmp_path / "content", now=LAUNCH)
    items = json.loads(build.plan.read_text(encoding="utf-8"))["items"]
    assert {item["id"] for item in items} == item_ids(posts)
    for item in items:
        assert item["weighted_length"] <= item["max_length"], item["id"]
        assert "{" not in item["text"] and "Social:" not in item["text"], item["id"]
        assert item["link"] in item["text"] and "utm_source=" + item["network"] in item["link"]
    by_id = {item["id"]: item for item in items}
    written = by_id["en/ninety-days-of-listening-to-our-community/social-1/mastodon"]["text"]
    assert written.startswith("Ninety days of listening to our community: We read every")
    assert "#Community" in written   # tags as hashtags: no Social, so the post is written
    on = {network: by_id[f"en/the-best-recommendation-engine-is-a-reply/social-1/{network}"]
          for network in NETWORKS}
    assert on["bluesky"]["text"].startswith("A year of tuning")       # Social_Bluesky
    assert on["x"]["text"] == on["mastodon"]["text"].replace("mastodon", "x")
    if LONG_BLUESKY_POST in posts:
        reminder = "en/answering-customers-at-the-speed-of-the-feed/social-2/mastodon"
        assert by_id[reminder]["text"].startswith("Two days after we shared")  # Social_2_Mastodon
    sorry = by_id["en/sorry-in-the-replies-where-everyone-can-see-it/social-1/x"]
    assert sorry["description"] == (   # its Summary goes on on a tab-indented line
        "A public apology is read by far more people than the complaint it answers. What we "
        "learnt from saying sorry on three networks at once, after a delivery week that went "
        "badly wrong.")
    coupon_x = by_id["en/coupons-traded-for-attention/coupon/x"]["text"]
    assert coupon_x.startswith("15% off until the end of February with WINTER-LISTEN-15 🎟️")
    german = (build.output / "de/2027/coupons-traded-for-attention/index.html").read_text(
        encoding="utf-8")
    assert "Rabatte gegen Aufmerksamkeit" in german and "WINTER-LISTEN-15" in german
