"""The plan, `state/plan.json` (docs/contract.md §1): its schema, its item and coupon records
and their field names, the time form, and a coupon's state at a time. The plugin writes the
plan from these records (plugins/campaign/posts/items.py, plan_document.py); the publisher
validates the file against the same names and reads it into them
(publish/posting/plan_file.py). Standard library only.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import UTC, datetime

SCHEMA = "campaign-plan/1"

ARTICLE_POST = "article-post"
COUPON_ANNOUNCEMENT = "coupon-announcement"
KINDS = (ARTICLE_POST, COUPON_ANNOUNCEMENT)

# A coupon's state at a time, as the site shows it (docs/contract.md §4).
LIVE, UPCOMING, EXPIRED = "live", "upcoming", "expired"

TIME_FORMAT = "%Y-%m-%dT%H:%M:%SZ"


def utc_iso(moment: datetime) -> str:
    """`2026-11-20T09:00:00Z`: every time in the plan, UTC, seconds precision."""
    return moment.astimezone(UTC).replace(microsecond=0).strftime(TIME_FORMAT)


def coupon_state(starts: datetime | None, expires: datetime | None, now: datetime) -> str:
    """A coupon's state at `now` from its window (None: open on that side)."""
    if expires is not None and now >= expires:
        return EXPIRED
    if starts is not None and now < starts:
        return UPCOMING
    return LIVE


@dataclass(frozen=True, slots=True)
class PlanItem:
    """One plan item. Slotted: a build holds one per post and network (4,000 at 1,000 posts
    on three networks), about a fifth of a dict's memory each. Read like a dict too
    (`item["id"]`), as templates do."""
    id: str               # <lang>/<slug>/<slot>/<network>
    kind: str             # one of KINDS
    network: str          # a contract/networks.py name
    due: datetime         # aware, UTC, whole seconds (utc_iso in the file)
    text: str
    link: str
    weighted_length: int
    max_length: int
    source: str           # relative to the content folder, "/" separators
    slug: str
    lang: str
    title: str
    description: str = ""          # optional in the file (absent: "")
    campaign: str | None = None
    coupon: str | None = None
    warnings: tuple[str, ...] = ()

    def __getitem__(self, key: str):
        return getattr(self, key)

    def as_json(self) -> dict:
        """The item as the plan file holds it."""
        data = {f.name: getattr(self, f.name) for f in fields(self)}
        data["due"] = utc_iso(self.due)
        return data


@dataclass(frozen=True)
class PlanCoupon:
    """A coupon's window (Coupon_Starts, Coupon_Expires: None when open), one per article of
    the plan that offers one."""
    code: str
    offer: str
    source: str
    title: str
    lang: str
    slug: str
    starts: datetime | None = None
    expires: datetime | None = None

    def state(self, now: datetime) -> str:
        return coupon_state(self.starts, self.expires, now)

    def as_json(self) -> dict:
        """The entry as the plan file holds it (times in UTC or null)."""
        data = {f.name: getattr(self, f.name) for f in fields(self)}
        for name in COUPON_TIME_FIELDS:
            data[name] = utc_iso(data[name]) if data[name] else None
        return data


# The fields as the file holds them: what a reader requires, and of which type.
ITEM_TEXT_FIELDS = ("id", "kind", "network", "due", "text", "link", "source", "slug", "lang",
                    "title")   # non-empty strings (`due` a time)
ITEM_INT_FIELDS = ("weighted_length", "max_length")
ITEM_OPTIONAL_TEXT_FIELDS = ("campaign", "coupon")   # a string or null
COUPON_TEXT_FIELDS = ("code", "offer", "source", "title", "lang", "slug")  # non-empty
COUPON_TIME_FIELDS = ("starts", "expires")   # a time or null
