"""Scheduled publishing (issue 9): a post dated after the build's time is not live in the
production build (no page, listing, feed, sitemap entry, neighbour or translation link), its
social posts are in the plan all the same, the first production build at or after its date
has it everywhere, and the development build shows it with a "Scheduled for …" mark.

Real builds of the sample site with the project's settings files and CAMPAIGN_NOW injected.
"""

import json
import shutil
from pathlib import Path

import pytest
from site_html import texts
from sitebuild import CONTENT, PRODUCTION_URL, build_site, shared_site

SLUG = "saying-sorry-in-public"
TITLE = "Saying sorry in public"
PAGE = f"2026/{SLUG}/index.html"
ITS_DATE = "2026-12-14T09:00:00Z"  # content/posts/saying-sorry-in-public.md, Date
ITS_MARK = ('<p class="scheduled-mark">Scheduled for '
            '<time datetime="2026-12-14T09:00:00+00:00">14 December 2026 09:00</time></p>')
NEWEST_LIVE = "2026/answering-customers-on-twitter/index.html"
# Every kind of output that lists posts; each must exist, so scanning the folder covers it.
LISTINGS = [
    "index.html",
    "page/2/index.html",
    "archives/index.html",
    "category/customer-service/index.html",
    "tag/customer-service/index.html",
    "tag/social-media/index.html",
    "author/sigrun-jonsdottir/index.html",
    "authors/index.html",
    "tags/index.html",
    "categories/index.html",
]
FEEDS = [
    "feeds/all.atom.xml",
    "feeds/all.rss.xml",
    "feeds/all-en.atom.xml",
    "feeds/category/customer-service.atom.xml",
]
ELSEWHERE = ["sitemap.xml", "offers/index.html", "offers/offers.json", "404.html"]


def files_mentioning(output: Path, *needles: str) -> list[str]:
    """Every file of the output (pages, feeds, sitemap, JSON, CSS…) holding any needle."""
    wanted = [needle.encode() for needle in needles]
    return sorted(
        path.relative_to(output).as_posix()
        for path in output.rglob("*")
        if path.is_file() and any(needle in path.read_bytes() for needle in wanted)
    )


def plan_items(build, slug: str) -> dict[str, dict]:
    items = json.loads(build.plan.read_text(encoding="utf-8"))["items"]
    return {item["id"]: item for item in items if item["slug"] == slug}


@pytest.fixture(scope="module")
def prod_on_its_date(tmp_path_factory):
    """The production build at the post's date exactly: the first one that puts it live."""
    return shared_site(tmp_path_factory, "prod-on-date",
                       lambda d: build_site("publishconf.py", d, now=ITS_DATE))


def test_future_post_is_not_live_in_production_build(prod_site):
    """Regression (issue 9): a post dated tomorrow was on the home page and in the feeds."""
    output = prod_site.output
    for rel in LISTINGS + FEEDS + ELSEWHERE:
        assert (output / rel).is_file(), f"{rel} not written: the scan below would miss it"
    assert files_mentioning(output, SLUG, TITLE) == []
    assert not (output / "drafts").exists()  # not even as a draft
    assert not (output / "tag" / "apologies").exists()  # a tag only this post has
    assert 'rel="next"' not in prod_site.html(NEWEST_LIVE)  # no neighbour link to it
    # Its social posts are planned, due at and after its date, linking to its address.
    items = plan_items(prod_site, SLUG)
    assert {key: item["due"] for key, item in items.items()} == {
        f"en/{SLUG}/{slot}/{network}": due
        for slot, due in (("social-1", "2026-12-14T09:00:00Z"),
                          ("social-2", "2026-12-16T09:00:00Z"))
        for network in ("x", "mastodon", "bluesky")}
    for item in items.values():
        assert item["link"].startswith(
            f"{PRODUCTION_URL}/2026/{SLUG}/?utm_source={item['network']}")


def test_scheduled_post_is_live_everywhere_from_its_date(prod_on_its_date, prod_site):
    output = prod_on_its_date.output
    mentioned = set(files_mentioning(output, f"/2026/{SLUG}/"))
    expected = {PAGE, "index.html", "archives/index.html", "category/customer-service/index.html",
                "tag/apologies/index.html", "tag/customer-service/index.html",
                "tag/social-media/index.html", "author/sigrun-jonsdottir/index.html",
                NEWEST_LIVE, "sitemap.xml", *FEEDS}
    assert expected <= mentioned, sorted(expected - mentioned)
    assert texts(output / PAGE, "h1") == [TITLE]
    assert f'href="{PRODUCTION_URL}/2026/{SLUG}/" rel="next"' in prod_on_its_date.html(NEWEST_LIVE)
    assert files_mentioning(output, "scheduled-mark") == ["theme/css/style.css"]
    # The plan does not depend on the clock: the same items before and on the day.
    assert prod_on_its_date.plan.read_bytes() == prod_site.plan.read_bytes()


def test_plan_is_the_same_in_development_and_production(prod_site, dev_site):
    assert dev_site.plan.read_bytes() == prod_site.plan.read_bytes()


def test_development_build_marks_the_scheduled_post(dev_site):
    assert ITS_MARK in dev_site.html(PAGE)
    for rel in ("index.html", "category/customer-service/index.html", "tag/apologies/index.html",
                "author/sigrun-jonsdottir/index.html"):
        card = dev_site.html(rel).split(f'href="/2026/{SLUG}/"', 1)[1].split("</article>")[0]
        assert ITS_MARK in card, rel
    archives = dev_site.html("archives/index.html")
    assert (f'>{TITLE}</a> <span class="scheduled-mark">Scheduled for <time '
            'datetime="2026-12-14T09:00:00+00:00">14 December 2026 09:00</time></span>') in archives
    marked = files_mentioning(dev_site.output, 'class="scheduled-mark"')
    assert PAGE in marked and NEWEST_LIVE not in marked  # live posts carry no mark
    assert all(f"/2026/{SLUG}/" in (dev_site.output / rel).read_text() for rel in marked)


# --- a translation pair where one side is scheduled ------------------------------------------

def post(title, date, slug, lang, body="A short post about listening to customers.\n"):
    return (f"Title: {title}\nDate: {date}\nSlug: {slug}\nLang: {lang}\n"
            "Category: Community\nTags: community\nAuthor: Priya Nair\n\n" + body)


PAIRS = {
    # The original is live, its translation is scheduled.
    "first-en.md": post("Reading every review", "2026-11-21 10:00", "reading-reviews", "en"),
    "first-is.md": post("Að lesa hverja umsögn", "2026-12-01 09:00", "reading-reviews", "is"),
    # The original is scheduled, its translation is live.
    "second-en.md": post("Thanking critics", "2026-12-02 09:00", "thanking-critics", "en"),
    "second-is.md": post("Að þakka gagnrýnendum", "2026-11-21 11:00", "thanking-critics", "is"),
}


@pytest.fixture(scope="module")
def paired(tmp_path_factory):
    """The sample content plus the two pairs, built with both settings files at BUILD_NOW
    (2026-11-22 12:00 UTC)."""
    def content(work):
        folder = work / "content"
        shutil.copytree(CONTENT, folder)
        for name, text in PAIRS.items():
            (folder / "posts" / name).write_text(text, encoding="utf-8")
        return folder

    return {conf: shared_site(tmp_path_factory, f"pairs-{conf}",
                              lambda d, conf=conf: build_site(f"{conf}.py", d, content(d)))
            for conf in ("publishconf", "pelicanconf")}


def test_translation_pair_with_a_scheduled_side(paired):
    prod = paired["publishconf"]
    output = prod.output
    # Live original, scheduled translation: no hreflang or "Also available in" link to it.
    original = prod.html("2026/reading-reviews/index.html")
    assert 'hreflang="is"' not in original and "Also available in" not in original
    assert files_mentioning(output, "is/2026/reading-reviews", "Að lesa hverja umsögn") == []
    # Scheduled original, live translation: the translation stands alone, listed and in feeds.
    assert files_mentioning(output, f"{PRODUCTION_URL}/2026/thanking-critics/",
                            "Thanking critics") == []
    alone = prod.html("is/2026/thanking-critics/index.html")
    assert 'hreflang="en"' not in alone and "Einnig á" not in alone
    url = f"{PRODUCTION_URL}/is/2026/thanking-critics/"
    for rel in ("index.html", "feeds/all.atom.xml", "feeds/all-is.atom.xml", "sitemap.xml",
                "category/community/index.html"):
        assert url in prod.html(rel), rel
    # Both sides of both pairs are in the plan.
    items = json.loads(prod.plan.read_text(encoding="utf-8"))["items"]
    planned = {(item["lang"], item["slug"]) for item in items}
    assert {(lang, slug) for lang in ("en", "is")
            for slug in ("reading-reviews", "thanking-critics")} <= planned


def test_development_build_marks_a_scheduled_translation_in_icelandic(paired):
    dev = paired["pelicanconf"]
    translation = dev.html("is/2026/reading-reviews/index.html")
    assert ('<p class="scheduled-mark" lang="is">Áætluð birting '
            '<time datetime="2026-12-01T09:00:00+00:00">01.12.2026 09:00</time></p>') in translation
    # The development build (at the same BUILD_NOW) keeps the pair linked both ways.
    original = dev.html("2026/reading-reviews/index.html")
    assert 'href="/is/2026/reading-reviews/" hreflang="is"' in original
    assert "scheduled-mark" not in original
