"""The campaign plugin's side of escaping: links to posts on a network only in its exact form,
the bundled offers page autoescapes on a site that left autoescape off, and a matching post
keeps the title as written."""

import re

import pytest
from campaign.header.engagement import parse_engagement, parse_posts
from campaign.posts.text import compose, plain_text
from campaign.posts.weighing import NETWORKS
from campaign.problems import Problem

from tests.plugins.campaign.test_build import HEAD, assert_refused
from tests.plugins.conftest import run_build, write_posts

X = NETWORKS["x"]
FORM = "expected https://x.com/i/web/status/<1 to 19 digits>, comma-separated"
ENGAGEMENT = (
    "Engagement_X: likes 1, reposts 0, replies 0, quotes 0, bookmarks 0, impressions 9\n"
    "Engagement_X_As_Of: 2026-11-22T15:00:00Z\n"
)
LINK = "https://blog.listening-brands.example/2026/post/"


@pytest.mark.parametrize("value", [
    "https://x.com/i/web/status/1",
    "https://x.com/i/web/status/1849203, https://x.com/i/web/status/9223372036854775807",
    " https://x.com/i/web/status/1234567890123456789 ",
])
def test_post_links_in_the_networks_form_are_accepted(value):
    assert parse_posts(value, X) == [link.strip() for link in value.split(",")]


@pytest.mark.parametrize("link", [
    'https://x.com/i/web/status/1" onmouseover="alert(1)',
    "https://x.com/i/web/status/1'><script>alert(1)</script>",
    "javascript:alert(1)",
    "data:text/html;charset=utf-8;alert(1)",
    "https://x.com/i/web/status/12345678901234567890",  # 20 digits
    "https://x.com/i/web/status/",
    "https://x.com/i/web/status/١٢٣",  # digits, but not ASCII ones
    "http://x.com/i/web/status/1",
    "https://x.com.evil.example/i/web/status/1",
    "https://x.com/i/web/status/1?ref=1",
    "https://x.com/i/web/status/1#top",
    "https://x.com/user/status/1",
    "",
])
def test_any_other_post_link_is_refused(link):
    with pytest.raises(ValueError) as error:
        parse_posts(f"https://x.com/i/web/status/7, {link}", X)
    assert str(error.value) == f"{link!r} is not a link to a post on X ({FORM})"


def test_the_form_is_the_networks_data():
    assert X.link_form == "https://x.com/i/web/status/<1 to 19 digits>"
    assert re.fullmatch(X.link_pattern, "https://x.com/i/web/status/" + "1" * 19)
    assert not re.fullmatch(X.link_pattern, "https://x.com/i/web/status/")


MASTODON, BLUESKY = NETWORKS["mastodon"], NETWORKS["bluesky"]
BSKY_DID = "did:plc:" + "a2" * 12


@pytest.mark.parametrize(("network", "link"), [
    (MASTODON, "https://mastodon.example/@listeningbrands/113456789012345678"),
    (MASTODON, "https://social.example.is:8443/@brand_is/1"),
    (MASTODON, "http://127.0.0.1:50123/@brand/42"),     # the loopback fake, in tests
    (MASTODON, "https://social.example/users/brand/statuses/113456789012345678"),
    (MASTODON, "https://gts.example/@brand/statuses/01HXYZ3NDEKTSV4RRFFQ69G5FA"),  # GoToSocial
    (MASTODON, "https://akkoma.example/notice/AbCdEf123"),                      # Akkoma
    (MASTODON, "https://takahe.example/@brand/posts/113456789/"),               # Takahē
    (MASTODON, "https://takahe.example/@brand@takahe.example/posts/113456789/"),
    (BLUESKY, f"https://bsky.app/profile/{BSKY_DID}/post/3lbd2k7abcdef"),
    (BLUESKY, "https://bsky.app/profile/did:web:brand.example/post/3lbd2k7abcdef"),
])
def test_mastodon_and_bluesky_post_links_in_their_forms(network, link):
    assert parse_posts(link, network) == [link]


@pytest.mark.parametrize(("network", "link"), [
    (MASTODON, "http://mastodon.example/@brand/1"),      # http only for loopback
    (MASTODON, "https://mastodon.example/@brand/1\"onmouseover=\"x"),
    (MASTODON, "javascript:alert(1)//https://m.example/@a/1"),
    (MASTODON, "https://mastodon.example/@brand/1/../../x"),
    (MASTODON, "https://-bad.example/@brand/1"),
    (MASTODON, "https://akkoma.example/objects/3f2c-11"),
    (MASTODON, "https://mastodon.example/@brand/1 2"),
    (MASTODON, "https://mastodon.example/@brand/<b>"),
    (BLUESKY, f"https://bsky.app/profile/{BSKY_DID}/post/3lbd2k7abcdef?x=1"),
    (BLUESKY, "https://bsky.app/profile/alice.bsky.social/post/3lbd2k7abcdef"),
    (BLUESKY, f"https://bsky.app.evil.example/profile/{BSKY_DID}/post/3lbd2k7abcdef"),
])
def test_other_mastodon_and_bluesky_links_are_refused(network, link):
    with pytest.raises(ValueError, match=f"is not a link to a post on {network.label}"):
        parse_posts(link, network)


def test_a_refused_link_is_reported_with_its_key():
    lines = {"engagement_x": "likes 1, reposts 0, replies 0, quotes 0, bookmarks 0, impressions 9",
             "engagement_x_as_of": "2026-11-22T15:00:00Z",
             "engagement_x_posts": 'https://x.com/i/web/status/1"'}
    assert parse_engagement(lines) == ({}, [Problem(
        f"'https://x.com/i/web/status/1\"' is not a link to a post on X ({FORM})",
        "Engagement_X_Posts")])


def test_engagement_posts_with_quote_is_a_build_error(tmp_path):
    link = 'https://x.com/i/web/status/1" onmouseover="alert(1)'
    content = write_posts(tmp_path / "content", {
        "a-post.md": HEAD + ENGAGEMENT + f"Engagement_X_Posts: {link}\n\nBody.\n",
    })
    assert_refused(content, tmp_path, [
        f"posts/a-post.md: Engagement_X_Posts: {link!r} is not a link to a post on X ({FORM})"
    ])


def test_bundled_offers_page_escapes_on_a_site_without_autoescape(tmp_path):
    content = write_posts(tmp_path / "content", {"a-post.md": (
        "Title: <script>alert(1)</script> & more\nDate: 2026-11-20 09:00\nSocial: off\n"
        "Coupon: SAFE10\nCoupon_Offer: <script>alert(1)</script>\n"
        "Coupon_Terms: \"><img src=x onerror=alert(1)>\n\nBody.\n"
    )})
    run_build(content, tmp_path)  # the simple theme, Pelican's JINJA_ENVIRONMENT: no autoescape
    page = (tmp_path / "output" / "offers" / "index.html").read_text(encoding="utf-8")
    assert '<p class="campaign-offer__offer">&lt;script&gt;alert(1)&lt;/script&gt;</p>' in page
    assert ('<p class="campaign-offer__terms">&#34;&gt;&lt;img src=x onerror=alert(1)&gt;</p>'
            in page)
    assert ">&lt;script&gt;alert(1)&lt;/script&gt; &amp; more</a></p>" in page
    assert "<script>alert" not in page and "<img" not in page
    assert '"name": "\\u003cscript\\u003ealert(1)\\u003c/script\\u003e"' in page  # JSON-LD


def test_matching_post_keeps_the_title_as_written_and_decodes_the_summary_once():
    text = compose('Why "fast" beats <perfect> & more', "<p>Use &amp;lt;b&amp;gt; &amp; go</p>",
                   [], LINK, 280)
    assert text == f'Why "fast" beats <perfect> & more: Use &lt;b&gt; & go {LINK}'
    assert plain_text("&amp;lt;script&amp;gt;") == "&lt;script&gt;"
