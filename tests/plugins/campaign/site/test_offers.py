"""Coupon states and the offers feed (campaign.site.offers)."""

from datetime import UTC, datetime

import pytest
from campaign.header.metadata import Coupon
from campaign.site.offers import article_coupon, coupon_state, live_offers, offers_feed

COUPON = Coupon("SAVE10", "10% off", None, datetime(2026, 11, 20, tzinfo=UTC),
                datetime(2026, 12, 1, tzinfo=UTC), None)


@pytest.mark.parametrize(
    ("now", "state"),
    [(datetime(2026, 11, 19, 23, 59, tzinfo=UTC), "upcoming"),
     (datetime(2026, 11, 20, tzinfo=UTC), "live"),
     (datetime(2026, 11, 30, 23, 59, tzinfo=UTC), "live"),
     (datetime(2026, 12, 1, tzinfo=UTC), "expired")],
)
def test_coupon_state_boundaries(now, state):
    assert coupon_state(COUPON, now) == state


def test_offers_feed_lists_live_offers_only():
    class Article:
        title, lang = "T", "en"

    now = datetime(2026, 11, 22, tzinfo=UTC)
    live = article_coupon(COUPON, now, "https://b.example/t/", UTC)
    gone = article_coupon(COUPON, datetime(2027, 1, 1, tzinfo=UTC), "https://b.example/u/", UTC)
    offers = live_offers([(Article, live, "https://b.example/t/"), (Article, gone, "u")])
    assert offers_feed(offers) == {"schema": "campaign-offers/1", "offers": [{
        "code": "SAVE10", "offer": "10% off", "terms": None, "starts": "2026-11-20T00:00:00Z",
        "expires": "2026-12-01T00:00:00Z", "url": "https://b.example/t/", "title": "T",
        "lang": "en",
    }]}
    assert live["jsonld"] == {
        "@context": "https://schema.org", "@type": "Offer", "name": "10% off",
        "identifier": "SAVE10", "url": "https://b.example/t/",
        "validFrom": "2026-11-20T00:00:00Z", "validThrough": "2026-12-01T00:00:00Z",
    }
