"""What the theme shows from the campaign plugin (docs/contract.md §4), in real builds."""

import json
import re

from site_html import scan
from sitebuild import ENGAGED_POST, PRODUCTION_URL, read_header

LIVE = "2026/answering-customers-on-twitter/index.html"
EXPIRED = "2026/coupons-for-attention/index.html"
NO_COUPON = "2026/listening-before-talking/index.html"


def offer_box(html):
    match = re.search(r'<aside class="offer".*?</aside>', html, re.S)
    return match.group() if match else None


def test_live_coupon_shows_the_offer_box(prod_site):
    box = offer_box(prod_site.html(LIVE))
    assert box, "no offer box on the article with a live coupon"
    assert ">LISTEN20</code>" in box
    assert "20% off your first order" in box
    assert '<time datetime="2027-01-31T23:59:00+00:00">31 January 2027</time>' in box
    assert "One use per customer." in box
    assert f'src="{PRODUCTION_URL}/theme/js/copy.js" defer' in prod_site.html(LIVE)


def test_expired_coupon_only_says_it_has_ended(prod_site):
    html = prod_site.html(EXPIRED)
    assert offer_box(html) is None
    assert "This offer has ended." in html
    assert "AUTUMN15" not in html
    assert "copy.js" not in html


def test_articles_without_coupon_show_no_offer(prod_site):
    html = prod_site.html(NO_COUPON)
    assert offer_box(html) is None
    assert "offer has ended" not in html
    assert "copy.js" not in html


def test_offers_page_is_linked_from_the_menu_and_lists_live_offers(prod_site):
    assert f'href="{PRODUCTION_URL}/offers/">Offers</a>' in prod_site.html("index.html")
    offers = prod_site.html("offers/index.html")
    assert "<h1>Offers for our readers</h1>" in offers
    assert ">LISTEN20</code>" in offers
    assert "AUTUMN15" not in offers
    assert scan(prod_site.output / "offers" / "index.html").json_ld


def test_no_engagement_block_without_numbers(prod_site):
    for path in prod_site.output.rglob("*.html"):
        assert 'class="engagement"' not in path.read_text(encoding="utf-8"), path


def test_engagement_numbers_and_posts_are_shown(engaged_site):
    meta = read_header(engaged_site.output.parent / "content" / ENGAGED_POST)
    html = engaged_site.html(f"{meta['date'][:4]}/{meta['slug']}/index.html")
    block = re.search(r'<section class="engagement".*?</section>', html, re.S).group()
    for name, number in [("likes", "12"), ("reposts", "3"), ("impressions", "1,400")]:
        assert f"<dt>{name}</dt><dd>{number}</dd>" in block
    assert '<time datetime="2026-11-21T15:00:00+00:00">21 November 2026</time>' in block
    assert '<a href="https://x.com/i/web/status/1849203">Post 1</a>' in block
    assert '<a href="https://x.com/i/web/status/1849377">Post 2</a>' in block


def test_previous_and_next_posts_are_linked(prod_site):
    html = prod_site.html(EXPIRED)
    assert f'href="{PRODUCTION_URL}/2026/the-recommendation-loop/" rel="prev"' in html
    assert f'href="{PRODUCTION_URL}/2026/when-not-to-reply/" rel="next"' in html
    oldest = prod_site.html("2026/listening-before-talking/index.html")
    assert 'rel="prev"' not in oldest and 'rel="next"' in oldest


def offer_json_ld(site, rel):
    blocks = [json.loads(block) for block in scan(site.output / rel).json_ld]
    return [b for b in blocks if b["@type"] == "Offer"]


def test_live_coupon_has_offer_json_ld_and_expired_has_none(prod_site):
    (offer,) = offer_json_ld(prod_site, LIVE)
    assert offer["identifier"] == "LISTEN20"
    assert offer["url"].startswith(f"{PRODUCTION_URL}/2026/answering-customers-on-twitter/")
    assert offer_json_ld(prod_site, EXPIRED) == []
