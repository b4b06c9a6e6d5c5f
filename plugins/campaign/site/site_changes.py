"""When the built site changes by itself: the next instant after the build's time at which a
build of the same content and settings would write other bytes (docs/contract.md §1.1).

Nothing but time changes a built site between two builds of the same sources, and only at
these instants: an article's `Date` (with `CAMPAIGN_FUTURE_POSTS = "hide"` it goes live;
with "show" it loses its "Scheduled" mark), and a coupon's `Coupon_Starts` and
`Coupon_Expires` (its offer box and the offers page and JSON). The publisher keeps a built
site until then instead of building the same bytes again (publish/site/stamp.py)."""

import json
from collections.abc import Iterable
from datetime import datetime

from contract.plan import utc_iso

from ..posts.plan_document import _write_atomic

SCHEMA = "campaign-next-change/1"


def instants(source: str, date: datetime | None, coupon) -> list[tuple[datetime, str]]:
    """The instants at which one article's page (and the lists and offers it is in) change:
    its date, its coupon's start and end; each with what happens then."""
    found = [(date, f"{source} reaches its date")] if date is not None else []
    if coupon is not None:
        found += [(moment, f"offer {coupon.code} {what}")
                  for moment, what in ((coupon.starts, "starts"), (coupon.expires, "ends"))
                  if moment is not None]
    return found


def next_change(now: datetime, candidates: Iterable[tuple[datetime, str]]
                ) -> tuple[datetime | None, str | None]:
    """The earliest candidate strictly after `now` (a state changes at the instant itself:
    `now >= expires` is expired, `date <= now` is live), or (None, None)."""
    later = sorted((moment, why) for moment, why in candidates if moment > now)
    return later[0] if later else (None, None)


def document(now: datetime, change: tuple[datetime | None, str | None],
             sources: Iterable[str]) -> dict:
    """What the file holds: the build's time, the next change and what it is (None: none
    by time alone), and the folders the build read (content, theme, plugin paths), for the
    publisher's fingerprint of what the site is built from."""
    moment, why = change
    return {"schema": SCHEMA, "now": utc_iso(now),
            "next_change": utc_iso(moment) if moment is not None else None,
            "next_change_why": why, "sources": sorted(set(sources))}


def write(path: str, doc: dict) -> None:
    _write_atomic(path, lambda stream: stream.write(
        json.dumps(doc, indent=2, sort_keys=True) + "\n"))
