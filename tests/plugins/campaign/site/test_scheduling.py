"""Scheduled articles (CAMPAIGN_FUTURE_POSTS): real Pelican builds of a tiny content folder with
CAMPAIGN_NOW injected, feeds, period archives and the sitemap switched on."""

import json
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

import pytest
from campaign import build_state
from campaign import settings as campaign_settings
from campaign.site.future_posts import is_scheduled

from tests.plugins.conftest import NOW, SITE_URL, run_build, write_posts

POSTS = {
    "older.md": "Title: Older\nDate: 2026-11-10 09:00\nSocial: Older {url}\n\nx\n",
    "live.md": "Title: Live\nDate: 2026-11-20 09:00\nSocial: Live {url}\n\nx\n",
    # Dated exactly at NOW (2026-11-22 12:00 UTC): live, not scheduled.
    "on-the-dot.md": "Title: On the dot\nDate: 2026-11-22 12:00\nSocial: Dot {url}\n\nx\n",
    "not-yet-live.md": (
        "Title: Not yet live\nDate: 2026-11-25 09:00\nCategory: Launches\nTags: preview\n"
        "Author: Nobody Else\nSocial: Coming up {url}\nCoupon: SOON10\n"
        "Coupon_Offer: 10% off the launch\nCoupon_Starts: 2026-11-01 00:00\n"
        "Coupon_Social: Use {code} {url}\n\nx\n"
    ),
    "secret-preview.md": (
        "Title: Secret preview\nDate: 2026-11-30 09:00\nStatus: hidden\nSocial: off\n\nx\n"
    ),
}
WITHHELD = ("not-yet-live", "Not yet live", "secret-preview", "Secret preview", "SOON10",
            "Launches", "launches", "preview", "Nobody Else", "nobody-else")
# Every list Pelican builds from the articles, switched on so the scan sees each of them.
ALL_OUTPUTS = {
    "SITEURL": SITE_URL,
    "PLUGINS": ["campaign", "sitemap", "sitemap_hreflang"],
    "FEED_ALL_ATOM": "feeds/all.atom.xml",
    "FEED_ALL_RSS": "feeds/all.rss.xml",
    "CATEGORY_FEED_ATOM": "feeds/category/{slug}.atom.xml",
    "TAG_FEED_ATOM": "feeds/tag/{slug}.atom.xml",
    "AUTHOR_FEED_ATOM": "feeds/author/{slug}.atom.xml",
    "TRANSLATION_FEED_ATOM": "feeds/all-{lang}.atom.xml",
    "YEAR_ARCHIVE_SAVE_AS": "{date:%Y}/index.html",
    "MONTH_ARCHIVE_SAVE_AS": "{date:%Y}/{date:%m}/index.html",
    "DEFAULT_PAGINATION": 2,
}


def files_mentioning(output, needles) -> list[str]:
    wanted = [needle.encode() for needle in needles]
    return sorted(path.relative_to(output).as_posix() for path in output.rglob("*")
                  if path.is_file() and any(needle in path.read_bytes() for needle in wanted))


def build(tmp_path, name="one", **overrides):
    content = write_posts(tmp_path / "content", POSTS)
    plan = run_build(content, tmp_path / name, **{**ALL_OUTPUTS, **overrides})
    return tmp_path / name / "output", json.loads(plan.read_text(encoding="utf-8"))


def planned_ids(plan) -> list[str]:
    return [item["id"] for item in plan["items"]]


def test_hide_writes_nothing_of_a_future_article(tmp_path, seen):
    output, plan = build(tmp_path, CAMPAIGN_FUTURE_POSTS="hide")
    for rel in ("index.html", "archives.html", "2026/index.html", "2026/11/index.html",
                "feeds/all.atom.xml", "feeds/all.rss.xml", "feeds/all-en.atom.xml",
                "sitemap.xml", "offers/index.html", "offers/offers.json"):
        assert (output / rel).is_file(), rel
    assert files_mentioning(output, WITHHELD) == []
    assert not (output / "drafts").exists()
    assert sorted(slug for _, slug in seen) == ["live", "older", "on-the-dot"]
    # Neighbours skip it; the article dated exactly at the build time is live.
    assert seen[("en", "on-the-dot")].prev_article.slug == "live"
    assert seen[("en", "on-the-dot")].next_article is None
    assert not any(article.scheduled for article in seen.values())
    # Its posts are planned all the same (never due before its date); a hidden one has none.
    assert "en/not-yet-live/social-1/x" in planned_ids(plan)
    assert "en/not-yet-live/coupon/x" in planned_ids(plan)
    assert not [i for i in planned_ids(plan) if "secret-preview" in i]


def test_show_lists_a_future_article_marked_as_scheduled(tmp_path, seen):
    output, _ = build(tmp_path)  # the default: "show"
    scheduled = {slug: article.scheduled for (_, slug), article in seen.items()}
    assert scheduled == {"older": False, "live": False, "on-the-dot": False,
                         "not-yet-live": True, "secret-preview": True}
    assert seen[("en", "on-the-dot")].next_article.slug == "not-yet-live"
    assert "SOON10" in (output / "offers" / "offers.json").read_text(encoding="utf-8")
    assert "not-yet-live" in (output / "feeds" / "all.atom.xml").read_text(encoding="utf-8")


def test_a_future_article_is_live_from_its_date(tmp_path, seen):
    output, _ = build(tmp_path, CAMPAIGN_FUTURE_POSTS="hide", CAMPAIGN_NOW="2026-11-25 09:00")
    assert seen[("en", "not-yet-live")].scheduled is False
    assert seen[("en", "on-the-dot")].next_article.slug == "not-yet-live"
    assert ("en", "secret-preview") not in seen  # dated 2026-11-30: still held back
    for rel in ("index.html", "feeds/all.atom.xml", "feeds/category/launches.atom.xml",
                "feeds/tag/preview.atom.xml", "feeds/author/nobody-else.atom.xml",
                "sitemap.xml", "category/launches.html", "offers/offers.json"):
        text = (output / rel).read_text(encoding="utf-8")
        assert "not-yet-live" in text or "SOON10" in text, rel


@pytest.mark.slow
def test_the_plan_does_not_depend_on_the_setting_or_the_clock(tmp_path):
    plans = [build(tmp_path, "show")[1], build(tmp_path, "hide", CAMPAIGN_FUTURE_POSTS="hide")[1],
             build(tmp_path, "later", CAMPAIGN_FUTURE_POSTS="hide",
                   CAMPAIGN_NOW="2026-12-01 00:00")[1]]
    assert plans[0] == plans[1] == plans[2]
    assert len(plans[0]["items"]) == 5


def test_is_scheduled_only_strictly_after_now():
    now = datetime(2026, 11, 22, 12, tzinfo=UTC)
    assert is_scheduled(SimpleNamespace(date=now + timedelta(seconds=1)), now)
    assert not is_scheduled(SimpleNamespace(date=now), now)
    assert not is_scheduled(SimpleNamespace(date=now - timedelta(days=1)), now)
    assert not is_scheduled(SimpleNamespace(date=datetime(9999, 12, 31)), now)  # naive: no date
    assert not is_scheduled(SimpleNamespace(), now)


def test_the_clock_is_read_once_per_build():
    settings = {"TIMEZONE": "UTC", "SITEURL": SITE_URL}
    campaign_settings.apply_defaults(settings)
    config = build_state.begin(settings).config
    assert build_state.of(settings).config is config  # pretaxonomy and the plan agree
    assert build_state.begin(settings).config is not config  # a new run reads it again
    pinned = {**settings, "CAMPAIGN_NOW": NOW}
    assert build_state.begin(pinned).config.now == datetime(2026, 11, 22, 12, tzinfo=UTC)
