"""Synthetic brand-blog posts for benchmarks: realistic size and shape, fully deterministic.

Each post is about 700 words with headings, links and lists, a summary, 2-5 tags from a
pool of 60, one of 10 categories and one of 5 authors. A third carry social and coupon
metadata; a sixth of those also carry engagement numbers, as `publish metrics` writes them.
"""

import random
from datetime import datetime, timedelta
from pathlib import Path

TOPICS = [
    "answering", "listening", "coupons", "loyalty", "referrals", "reviews", "support",
    "community", "mentions", "complaints", "apologies", "response-time", "tone", "trust",
    "advocates", "surveys", "feedback", "retention", "churn", "onboarding",
]
TAG_POOL = [f"{a} {b}" for a in ("social", "customer", "brand") for b in TOPICS]  # 60 tags
CATEGORIES = [
    "Customer service", "Community", "Offers", "Loyalty", "Listening",
    "Reputation", "Research", "Playbooks", "Case studies", "News",
]
AUTHORS = ["Anna Jónsdóttir", "Ben Carter", "Chloé Martin", "Dev Patel", "Eva Lind"]
WORDS = [
    "brand", "customer", "answer", "reply", "mention", "listen", "community", "coupon",
    "offer", "loyal", "trust", "recommend", "friend", "share", "post", "thread", "support",
    "team", "hour", "minute", "tone", "apology", "feedback", "review", "survey", "promise",
    "follow", "attention", "value", "reward", "story", "question", ").split(",
]

START = datetime(2021, 1, 4, 9, 0)
HOURS_APART = 9


def date_of(index: int) -> datetime:
    """Post `index`'s date (site time): the posts are HOURS_APART hours apart from START."""
    return START + timedelta(hours=HOURS_APART * index)


def every_post_live(count: int) -> str:
    """An instant (UTC, ISO 8601) a day after the last of `count` posts: every post is live
    then, as plain Pelican writes them all, and the last month's coupons are still on offer."""
    return f"{date_of(count) + timedelta(days=1):%Y-%m-%dT%H:%M:%SZ}"


def sentence(rng: random.Random, n: int) -> str:
    words = [rng.choice(WORDS) for _ in range(n)]
    return " ".join(words).capitalize() + "."


def paragraph(rng: random.Random, sentences: int = 5) -> str:
    return " ".join(sentence(rng, rng.randint(9, 16)) for _ in range(sentences))


def body(rng: random.Random, index: int) -> str:
    """About 700 words: four sections, each with paragraphs, and a list or links."""
    parts = []
    for section in range(4):
        parts.append(f"## {sentence(rng, 4)[:-1]}")
        parts.append(paragraph(rng))
        if section % 2 == 0:
            parts.append("\n".join(f"- {sentence(rng, 7)}" for _ in range(4)))
        else:
            parts.append(
                f"Read [the earlier note](https://example.com/notes/{index}-{section}) and "
                f"[our guide](https://example.org/guide/{section}). " + paragraph(rng, 3)
            )
        parts.append(paragraph(rng, 4))
    return "\n\n".join(parts)


def header(rng: random.Random, index: int) -> list[str]:
    date = date_of(index)
    tags = rng.sample(TAG_POOL, rng.randint(2, 5))
    lines = [
        f"Title: Post {index}: {sentence(rng, 5)[:-1]}",
        f"Date: {date:%Y-%m-%d %H:%M}",
        f"Category: {rng.choice(CATEGORIES)}",
        f"Tags: {', '.join(tags)}",
        f"Author: {rng.choice(AUTHORS)}",
        f"Slug: post-{index}",
        f"Summary: {' '.join(rng.choice(WORDS) for _ in range(25))}.",
    ]
    if index % 3 == 0:
        lines += [
            "Social: " + sentence(rng, 12) + " {url}",
            "Social_2: A reminder: " + sentence(rng, 8) + " {url}",
            "Social_2_At: +3d",
            f"Coupon: BENCH-{index:05d}",
            "Coupon_Offer: 15% off your next order",
            f"Coupon_Starts: {date:%Y-%m-%d %H:%M}",
            f"Coupon_Expires: {date + timedelta(days=30):%Y-%m-%d %H:%M}",
            "Coupon_Terms: One use per customer.",
        ]
        if index % 18 == 0:
            likes, reposts = rng.randint(0, 500), rng.randint(0, 90)
            lines += [
                f"Engagement_X: likes {likes}, reposts {reposts}, replies {rng.randint(0, 40)}, "
                f"quotes {rng.randint(0, 10)}, bookmarks {rng.randint(0, 30)}, "
                f"impressions {rng.randint(1000, 90000)}",
                f"Engagement_X_As_Of: {date + timedelta(days=7):%Y-%m-%dT%H:%M:%SZ}",
                f"Engagement_X_Posts: https://x.com/i/web/status/{10**18 + index}",
            ]
    return lines


def post(index: int, seed: int = 2026) -> str:
    rng = random.Random(seed * 1_000_003 + index)
    return "\n".join(header(rng, index)) + "\n\n" + body(rng, index) + "\n"


def write_posts(folder: Path, count: int, seed: int = 2026) -> Path:
    """Write `count` posts into folder/posts/ and return folder (the content PATH)."""
    posts = folder / "posts"
    posts.mkdir(parents=True, exist_ok=True)
    for index in range(1, count + 1):
        (posts / f"post-{index:05d}.md").write_text(post(index, seed), encoding="utf-8")
    return folder
