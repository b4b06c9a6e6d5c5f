"""The real-style corpus (tests/corpus/, a content folder of its own): what is in it, and
what it must plan. Shared by the fast build test (tests/site/test_corpus.py) and the
end-to-end publish (tests/e2e/test_corpus_publish.py), so each fact is written once.

Six posts written the way marketers write on the blog's subject: long UTM-tracked links in
the bodies and the `Social:` texts, `#CustomerService`/`#CX` hashtags, emoji with skin tones
and ZWJ sequences, a typo or two left in, headings, lists, tables, blockquotes and an image;
a German translation (`Lang: de`, same `Slug`) of the coupon post; a post without `Social`
(its posts are written from title, summary and tags); per-network texts (`Social_Bluesky`,
`Social_2_Mastodon`, `Coupon_Social_X`) and `Social_2` reminders.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

CORPUS = Path(__file__).resolve().parent / "corpus"
NETWORKS = ("x", "mastodon", "bluesky")  # pelicanconf.py CAMPAIGN_NETWORKS: the default three

# ~125 visible characters and {url}: 153 of 280 on X; the tracked link (180 characters)
# counted in full made it 306 of 300 on Bluesky (issue 17), where the app shows it shortened.
LONG_BLUESKY_POST = "answering-customers-at-the-speed-of-the-feed.md"

# Every post's plan items, as `<lang>/<slug>` and its slots (each on every network), and
# the first publish cycle (UTC) that finds each due: the launch day's, the reminders' two
# days on, or one after the end-to-end test (the coupon's last call).
LAUNCH, REMINDERS = "2027-01-11T14:00:00Z", "2027-01-13T12:30:00Z"
SLOTS = {
    LONG_BLUESKY_POST: ("en/answering-customers-at-the-speed-of-the-feed",
                        {"social-1": LAUNCH, "social-2": REMINDERS}),
    "ninety-days-of-listening-to-our-community.md": (
        "en/ninety-days-of-listening-to-our-community", {"social-1": LAUNCH}),
    "coupons-traded-for-attention.md": (
        "en/coupons-traded-for-attention",
        {"coupon": LAUNCH, "social-1": LAUNCH, "social-2": "2027-02-22T11:00:00Z"}),
    "coupons-traded-for-attention-de.md": (
        "de/coupons-traded-for-attention", {"coupon": LAUNCH, "social-1": LAUNCH}),
    "the-best-recommendation-engine-is-a-reply.md": (
        "en/the-best-recommendation-engine-is-a-reply",
        {"social-1": LAUNCH, "social-2": REMINDERS}),
    "sorry-in-the-replies.md": (
        "en/sorry-in-the-replies-where-everyone-can-see-it", {"social-1": LAUNCH}),
}
CASES = [pytest.param((), id="whole-corpus")]


def item_ids(posts, by: str | None = None) -> set[str]:
    """The plan ids of `posts` (file names) on every network; only those due by `by`."""
    return {f"{article}/{slot}/{network}"
            for name in posts for article, slots in [SLOTS[name]]
            for slot, due in slots.items() if by is None or due <= by
            for network in NETWORKS}


def copy_corpus(target: Path, without=()) -> list[str]:
    """The corpus as the content of `target` (posts/ replaced, images added); the names of
    the posts copied."""
    posts = target / "posts"
    if posts.exists():
        shutil.rmtree(posts)
    posts.mkdir(parents=True)
    names = sorted(p.name for p in (CORPUS / "posts").glob("*.md") if p.name not in without)
    for name in names:
        shutil.copy2(CORPUS / "posts" / name, posts / name)
    shutil.copytree(CORPUS / "images", target / "images", dirs_exist_ok=True)
    return names
