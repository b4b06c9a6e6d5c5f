"""Coupon offers on the site: state at build time, article.coupon, offers page and JSON."""

from datetime import datetime

from contract import plan
from contract.plan import LIVE, utc_iso

from ..header.metadata import Coupon

OFFERS_SCHEMA = "campaign-offers/1"


def coupon_state(coupon: Coupon, now: datetime) -> str:
    """The coupon's state at `now` (contract/plan.py, as the publisher reads it too)."""
    return plan.coupon_state(coupon.starts, coupon.expires, now)


def offer_jsonld(coupon: Coupon, url: str) -> dict:
    """A schema.org Offer for one coupon (dates in UTC)."""
    data = {
        "@context": "https://schema.org",
        "@type": "Offer",
        "name": coupon.offer,
        "identifier": coupon.code,
        "url": url,
    }
    if coupon.terms:
        data["description"] = coupon.terms
    if coupon.starts:
        data["validFrom"] = utc_iso(coupon.starts)
    if coupon.expires:
        data["validThrough"] = utc_iso(coupon.expires)
    return data


def article_coupon(coupon: Coupon | None, now: datetime, url: str, tz) -> dict | None:
    """`article.coupon` (docs/contract.md §4); dates in the site time zone."""
    if coupon is None:
        return None

    def local(moment):
        return None if moment is None else moment.astimezone(tz)

    return {
        "code": coupon.code,
        "offer": coupon.offer,
        "terms": coupon.terms,
        "starts": local(coupon.starts),
        "expires": local(coupon.expires),
        "state": coupon_state(coupon, now),
        "jsonld": offer_jsonld(coupon, url),
    }


def offer_sort_key(offer: dict) -> tuple:
    """Soonest to end first; open-ended offers last; then code and URL."""
    expires = offer["expires"]
    return (expires is None, expires and utc_iso(expires), offer["code"], offer["url"])


def live_offers(entries) -> list[dict]:
    """`entries`: (article, coupon dict, absolute URL). Only live offers, sorted."""
    offers = [
        {**coupon, "article": article, "url": url}
        for article, coupon, url in entries
        if coupon is not None and coupon["state"] == LIVE
    ]
    return sorted(offers, key=offer_sort_key)


def offers_jsonld(offers) -> dict:
    graph = []
    for offer in offers:
        data = dict(offer["jsonld"])
        del data["@context"]
        graph.append(data)
    return {"@context": "https://schema.org", "@graph": graph}


def offers_feed(offers) -> dict:
    """The offers JSON file: live offers only, no build time (deterministic)."""
    return {
        "schema": OFFERS_SCHEMA,
        "offers": [
            {
                "code": offer["code"],
                "offer": offer["offer"],
                "terms": offer["terms"],
                "starts": offer["starts"] and utc_iso(offer["starts"]),
                "expires": offer["expires"] and utc_iso(offer["expires"]),
                "url": offer["url"],
                "title": offer["article"].title,
                "lang": offer["article"].lang,
            }
            for offer in offers
        ],
    }
