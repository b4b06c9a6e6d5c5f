"""A tiny project for the report tests (tests/publish/report/test_report.py and the browser test in
tests/site): a plan whose texts carry markup and quotes, a ledger with two sent posts, and a
history of their fetches. Plain files, no network, no build."""

from __future__ import annotations

import json
from pathlib import Path

SITE = "https://blog.listening-brands.example"
NOW = "2026-11-24T12:00:00Z"
HOSTILE = 'Say "hi" & <script>alert(1)</script> it\'s <b>bold</b>'
POST_1 = "1849203000000000001"
POST_2 = "1849203000000000002"


def _item(slug: str, slot: str, due: str, text: str, *, lang: str = "en",
          kind: str = "article-post", title: str | None = None,
          campaign: str | None = None) -> dict:
    url = f"{SITE}/2026/{slug}/?utm_source=x&utm_medium=social&utm_campaign={slug}"
    return {
        "id": f"{lang}/{slug}/{slot}/x", "kind": kind, "network": "x", "due": due,
        "text": f"{text} {url}", "link": url, "weighted_length": len(text) + 24,
        "max_length": 280, "source": f"posts/{slug}.md", "slug": slug, "lang": lang,
        "title": title or slug.replace("-", " ").title(), "campaign": campaign or slug,
        "coupon": "LISTEN20" if kind == "coupon-announcement" else None, "warnings": [],
    }


ANSWER = "en/answering/social-1/x"
COUPON = "en/answering/coupon/x"
ITEMS = [
    _item("answering", "social-1", "2026-11-20T09:00:00Z", "We answer within an hour",
          title=HOSTILE),
    _item("answering", "coupon", "2026-11-20T09:30:00Z", "20% off: LISTEN20",
          kind="coupon-announcement", title=HOSTILE),
    _item("hlustad", "social-1", "2026-11-21T12:00:00Z", "Við svörum öllum", lang="is",
          campaign="answering"),
    _item("answering", "social-2", "2026-11-27T09:00:00Z", HOSTILE, title=HOSTILE),
    _item("future-post", "social-1", "2026-12-03T09:00:00Z", "Coming soon"),
]
# Coupon windows as the build writes them into the plan (docs/contract.md §1): one live at
# NOW, announced; one that has ended; one not started yet, with no announcement.
COUPONS = [
    {"code": "LISTEN20", "offer": "20% off <your> first order", "source": "posts/answering.md",
     "title": HOSTILE, "lang": "en", "slug": "answering", "starts": "2026-11-20T09:00:00Z",
     "expires": "2027-01-31T23:59:00Z"},
    {"code": "AUTUMN10", "offer": "10% off", "source": "posts/autumn.md", "title": "Autumn",
     "lang": "en", "slug": "autumn", "starts": None, "expires": "2026-11-01T00:00:00Z"},
    {"code": "WINTER15", "offer": "15% off", "source": "posts/hlustad.md", "title": "Hlustað",
     "lang": "is", "slug": "hlustad", "starts": "2026-12-01T00:00:00Z", "expires": None},
]
HISTORY = [
    {"id": ANSWER, "network": "x", "post_id": POST_1, "fetched_at": "2026-11-20T10:00:00Z",
     "likes": 1, "reposts": 0, "replies": 0, "quotes": 0, "bookmarks": 0, "impressions": 40},
    {"id": COUPON, "network": "x", "post_id": POST_2, "fetched_at": "2026-11-20T10:30:00Z",
     "likes": 2, "reposts": 1, "replies": 0, "quotes": 0, "bookmarks": 0, "impressions": 90},
    {"id": ANSWER, "network": "x", "post_id": POST_1, "fetched_at": "2026-11-21T09:00:00Z",
     "likes": 12, "reposts": 3, "replies": 1, "quotes": 0, "bookmarks": 2,
     "impressions": 1400},
    {"id": COUPON, "network": "x", "post_id": POST_2, "fetched_at": "2026-11-27T09:30:00Z",
     "likes": 5, "reposts": 2, "replies": 1, "quotes": 1, "bookmarks": 0, "impressions": 300},
]


def _sent(item: dict, post_id: str, at: str, metrics: dict) -> dict:
    return {"state": "sent", "network": "x", "post_id": post_id, "sent_at": at,
            "attempted_at": at, "attempts": 1, "confirmed_by": "api", "text": item["text"],
            "link": item["link"], "source": item["source"],
            "url": f"https://x.com/i/web/status/{post_id}", "metrics": metrics,
            "metrics_at": at, "checked_at": at}


def write_project(root: Path) -> dict[str, Path]:
    """state/plan.json, state/ledger.json, state/history.jsonl and an empty content folder
    under root; → their paths."""
    state = root / "state"
    state.mkdir(parents=True, exist_ok=True)
    (root / "content").mkdir(exist_ok=True)
    plan = {"schema": "campaign-plan/1", "site_url": SITE, "timezone": "Atlantic/Reykjavik",
            "items": ITEMS, "coupons": COUPONS}
    (state / "plan.json").write_text(json.dumps(plan, ensure_ascii=False), encoding="utf-8")
    numbers = {k: v for k, v in HISTORY[2].items() if isinstance(v, int)}
    coupon_numbers = {k: v for k, v in HISTORY[1].items() if isinstance(v, int)}
    ledger = {"schema": "publish-ledger/1", "items": {
        ANSWER: _sent(ITEMS[0], POST_1, "2026-11-20T09:01:00Z", numbers),
        COUPON: _sent(ITEMS[1], POST_2, "2026-11-20T09:31:00Z", coupon_numbers),
    }}
    (state / "ledger.json").write_text(json.dumps(ledger, ensure_ascii=False),
                                       encoding="utf-8")
    (state / "history.jsonl").write_text(
        "".join(json.dumps(r, sort_keys=True) + "\n" for r in HISTORY), encoding="utf-8")
    return {"plan": state / "plan.json", "ledger": state / "ledger.json",
            "history": state / "history.jsonl", "content": root / "content"}


def argv(paths: dict[str, Path]) -> list[str]:
    return ["--plan", str(paths["plan"]), "--ledger", str(paths["ledger"]),
            "--history", str(paths["history"]), "--content", str(paths["content"]),
            "--no-build"]
