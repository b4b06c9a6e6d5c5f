"""The plan document: coupon conflicts, stable text, atomic writes
(campaign.posts.plan_document)."""

import json
import os

from campaign.header.metadata import Coupon
from campaign.posts.plan_document import (
    CouponUse,
    coupon_conflicts,
    dumps,
    plan_document,
    write_plan,
)
from campaign.problems import lines

from tests.plugins.campaign.site.test_offers import COUPON


def test_translations_may_word_an_offer_differently_but_not_date_it():
    de = Coupon("SAVE10", "10 % Rabatt", None, COUPON.starts, COUPON.expires, None)
    assert coupon_conflicts([CouponUse("a.md", "a", "en", COUPON),
                             CouponUse("a-de.md", "a", "de", de)]) == []
    assert lines(coupon_conflicts([CouponUse("a.md", "a", "en", COUPON),
                                   CouponUse("b.md", "b", "en", de)])) == [
        "b.md: Coupon: SAVE10 is also used by a.md with a different Coupon_Offer"
    ]


def test_one_offer_in_two_languages_under_two_slugs_is_a_translation_missing_its_slug():
    de = Coupon("SAVE10", "10 % Rabatt", None, COUPON.starts, COUPON.expires, None)
    missing = ("b-de.md: Slug: missing: b-de.md (Lang de) offers coupon SAVE10 like a.md "
               "(Lang en); a translation has its original's Slug: add Slug: a")
    assert lines(coupon_conflicts([CouponUse("a.md", "a", "en", COUPON),
                                   CouponUse("b-de.md", "b", "de", de, slug_given=False)],
                                  "en")) == [missing]
    # Neither has a Slug: the one not in the site's language is the translation.
    assert lines(coupon_conflicts([CouponUse("a.md", "a", "en", COUPON, slug_given=False),
                                   CouponUse("b-de.md", "b", "de", de, slug_given=False)],
                                  "en")) == [missing]
    # Both chose their Slug: two articles, so one code must mean one offer.
    assert lines(coupon_conflicts([CouponUse("a.md", "a", "en", COUPON),
                                   CouponUse("b-de.md", "b", "de", de)], "en")) == [
        "b-de.md: Coupon: SAVE10 is also used by a.md with a different Coupon_Offer"]


def test_plan_text_is_sorted_and_stable():
    items = [{"id": "en/b/social-1/x", "due": "2026-01-01T00:00:00Z"},
             {"id": "en/a/social-1/x", "due": "2026-01-01T00:00:00Z"},
             {"id": "en/c/social-1/x", "due": "2025-01-01T00:00:00Z"}]
    text = dumps(plan_document("https://b.example/", items))
    assert [i["id"] for i in json.loads(text)["items"]] == [
        "en/c/social-1/x", "en/a/social-1/x", "en/b/social-1/x"]
    assert text == dumps(plan_document("https://b.example/", list(reversed(items))))
    assert text.endswith("}\n")


def test_write_plan_replaces_and_leaves_no_temp_file(tmp_path):
    path = tmp_path / "state" / "plan.json"
    write_plan(str(path), {"one": 1})
    write_plan(str(path), {"two": "✓"})
    assert path.read_text(encoding="utf-8") == dumps({"two": "✓"})
    assert os.listdir(path.parent) == ["plan.json"]


def test_streamed_plan_is_byte_identical_to_dumps(tmp_path):
    items = [{"id": "is/á/social-1/x", "due": "2026-11-20T09:00:00Z", "text": "Við svörum…"}]
    document = plan_document("https://b.example/", items)
    write_plan(str(tmp_path / "plan.json"), document)
    assert (tmp_path / "plan.json").read_bytes() == dumps(document).encode("utf-8")
