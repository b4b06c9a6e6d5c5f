"""The whole plan: checks across articles, the document, and its atomic write."""

import json
import os
import tempfile
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypedDict

from contract.plan import SCHEMA, PlanCoupon
from contract.x_pricing import DEFAULT as DEFAULT_X_PRICES
from contract.x_pricing import XPrices

from ..header.metadata import Coupon
from ..problems import Problem
from .weighing import NETWORKS

COUPON_FIELDS = (("offer", "Coupon_Offer"), ("terms", "Coupon_Terms"),
                 ("starts", "Coupon_Starts"), ("expires", "Coupon_Expires"))
DATE_FIELDS = {"starts", "expires"}


@dataclass(frozen=True)
class CouponUse:
    """An article offering a coupon: where, and what it says of the offer."""
    source: str
    slug: str
    lang: str
    coupon: Coupon
    slug_given: bool = True  # the header has a Slug (else Pelican made it from the Title)


def _missing_slug(first: CouponUse, use: CouponUse, default_lang: str | None
                  ) -> tuple[CouponUse, CouponUse] | None:
    """(the translation without a Slug, the article it translates) when two articles in
    different languages offer one code under different slugs and one has no Slug: one offer
    in two languages is a translation, which Pelican pairs by Slug, and a title in another
    language gives another slug. The one not in the site's language is the translation."""
    if use.lang == first.lang or use.slug == first.slug:
        return None
    candidates = [(use, first), (first, use)]  # the later file first
    candidates.sort(key=lambda pair: pair[0].lang == default_lang)  # stable
    return next(((lacking, other) for lacking, other in candidates if not lacking.slug_given),
                None)


def coupon_conflicts(uses: list[CouponUse], default_lang: str | None = None
                     ) -> list[Problem]:
    """One code must mean one offer everywhere. Translations of one article (same slug,
    other language) may word offer and terms differently, never the dates. A translation
    without its Slug is told so (and checked as the translation it is meant to be), not
    told its wording differs. Problems on the later file (on the
    translation for a missing Slug)."""
    by_code = defaultdict(list)
    for use in sorted(uses, key=lambda u: u.source):
        by_code[use.coupon.code].append(use)
    problems = []
    for code, (first, *others) in sorted(by_code.items()):
        for use in others:
            translation = use.slug == first.slug and use.lang != first.lang
            unpaired = _missing_slug(first, use, default_lang)
            if unpaired:
                lacking, other = unpaired
                problems.append(Problem(
                    f"missing: {lacking.source} (Lang {lacking.lang}) offers coupon {code} "
                    f"like {other.source} (Lang {other.lang}); a translation has its "
                    f"original's Slug: add Slug: {other.slug}", "Slug", file=lacking.source))
            differ = [
                key for name, key in COUPON_FIELDS
                if getattr(use.coupon, name) != getattr(first.coupon, name)
                and (name in DATE_FIELDS or not (translation or unpaired))
            ]
            if differ:
                problems.append(Problem(
                    f"{code} is also used by {first.source} with a different "
                    f"{', '.join(differ)}", "Coupon", file=use.source))
    return problems


def duplicate_ids(items) -> list[Problem]:
    """Items of two files with one id: said once per pair of files, the ids without their
    network (every network's item of a slot clashes alike) and the networks at the end."""
    seen: dict[str, str] = {}
    # (file, file it clashes with) → (slot ids, networks): dicts as ordered sets
    clashes: dict[tuple[str, str], tuple[dict[str, None], dict[str, None]]] = {}
    for item in items:
        first = seen.setdefault(item["id"], item["source"])
        if first != item["source"]:
            slot_id, network = item["id"].rsplit("/", 1)
            ids, networks = clashes.setdefault((item["source"], first), ({}, {}))
            ids[slot_id] = networks[network] = None
    problems = []
    for (source, first), (ids, networks) in clashes.items():
        many = "s" if len(ids) > 1 else ""
        listed = ", ".join(n for n in NETWORKS if n in networks)
        problems.append(Problem(f"plan id{many} {', '.join(ids)} {'are' if many else 'is'} "
                                f"also produced by {first} ({listed})", "Slug", file=source))
    return problems


def sort_items(items) -> list[dict]:
    return sorted(items, key=lambda item: (item["due"], item["id"]))


def plan_document(site_url: str, items, timezone: str = "UTC", coupons=(),
                  x_prices: XPrices = DEFAULT_X_PRICES) -> dict:
    """`timezone`: the site's TIMEZONE (IANA name), so the publisher shows local times.
    `coupons`: coupon_entry() of every article in the plan that has a coupon. `x_prices`:
    the site's X prices (CAMPAIGN_X_PRICES), which the publisher's costs and budget use."""
    return {"schema": SCHEMA, "site_url": site_url.rstrip("/"), "timezone": timezone,
            "x_prices": x_prices.as_json(),
            "items": sort_items(items),
            "coupons": sorted(coupons, key=lambda c: (c["starts"] or "", c["code"],
                                                      c["source"]))}


def coupon_entry(coupon, source: str, title: str, lang: str, slug: str) -> dict:
    """A coupon's window for the plan (docs/contract.md §1): UTC times, null when open."""
    return PlanCoupon(code=coupon.code, offer=coupon.offer, source=source, title=title,
                      lang=lang, slug=slug, starts=coupon.starts,
                      expires=coupon.expires).as_json()


def _as_json(value):
    """Plan items are slotted records (contract.plan.PlanItem): one dict each, only while
    written."""
    if hasattr(value, "as_json"):
        return value.as_json()
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


class _JsonFormat(TypedDict):
    indent: int
    ensure_ascii: bool
    sort_keys: bool
    default: Callable[[Any], Any]


JSON_FORMAT: _JsonFormat = {"indent": 2, "ensure_ascii": False, "sort_keys": True,
                            "default": _as_json}


def dumps(document) -> str:
    """Deterministic text: same plan → same bytes."""
    return json.dumps(document, **JSON_FORMAT) + "\n"


def write_plan(path: str, document) -> None:
    """The plan as dumps() would write it, streamed into the file: the whole text is never
    held in memory at once (the build writes it last, when memory is at its peak)."""

    def write(stream) -> None:
        json.dump(document, stream, **JSON_FORMAT)
        stream.write("\n")

    _write_atomic(path, write)


def _write_atomic(path: str, write) -> None:
    folder = os.path.dirname(os.path.abspath(path))
    os.makedirs(folder, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=folder, prefix=".plan-", suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="\n") as stream:
            write(stream)
            stream.flush()
            os.fsync(stream.fileno())
        os.chmod(temporary, 0o644)
        os.replace(temporary, path)
    except BaseException:
        if os.path.exists(temporary):
            os.unlink(temporary)
        raise
