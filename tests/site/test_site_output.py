"""Assertions on the real output of the sample site (production and development builds)."""

import json
import math
import re
import xml.etree.ElementTree as ET
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from site_html import page_url, resolve, scan
from sitebuild import PRODUCTION_URL

HOST = urlsplit(PRODUCTION_URL).netloc
ATOM = "{http://www.w3.org/2005/Atom}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


def html_files(output):
    return sorted(output.rglob("*.html"))


def articles(entries):
    return [e for e in entries if e.kind == "article"]


def live(entries):
    """What the production build writes at BUILD_NOW: not the scheduled post."""
    return [e for e in entries if e.live_at()]


def test_sample_content_is_complete(entries):
    posts = articles(entries)
    assert len([p for p in posts if p.lang == "en"]) >= 6
    assert {p.lang for p in posts} == {"en", "is"}
    assert len({p.meta.get("author") for p in posts}) >= 2
    assert any(e.kind == "page" and e.slug == "about" for e in entries)
    for post in posts:
        assert post.meta.get("tags") and post.meta.get("category"), post.source
        assert "2026-09-01" <= post.meta["date"][:10] <= "2026-12-31", post.source
    # One post is dated after the build time: the development build marks it as scheduled,
    # the production build leaves it out (test_site_scheduled.py).
    scheduled = [p for p in posts if not p.live_at()]
    assert [(p.lang, bool(p.meta.get("social"))) for p in scheduled] == [("en", True)]


def test_every_article_and_page_is_written(prod_site, entries):
    for entry in live(entries):
        assert (prod_site.output / entry.output).is_file(), entry.output
    for rel in (
        "index.html",
        "404.html",
        "archives/index.html",
        "tags/index.html",
        "categories/index.html",
        "authors/index.html",
        "robots.txt",
        "sitemap.xml",
    ):
        assert (prod_site.output / rel).is_file(), rel


@pytest.mark.slow
@pytest.mark.parametrize("build", ["prod_site", "dev_site"])
def test_no_broken_internal_links(build, request):
    site = request.getfixturevalue(build)
    broken = []
    checked = 0
    for path in html_files(site.output):
        page = scan(path)
        here = page_url(site.output, path)
        for tag, attr, link in page.links:
            found = resolve(site.output, HOST, here, link)
            if found is None:
                continue
            target, fragment = found
            checked += 1
            if not target.is_file():
                broken.append(f"{here}: <{tag} {attr}={link!r}> → missing {target}")
            elif fragment and target.suffix == ".html" and fragment not in scan(target).ids:
                broken.append(f"{here}: <{tag} {attr}={link!r}> → no id {fragment!r}")
    assert checked > 100
    assert not broken, "\n".join(broken)


def test_atom_feed_lists_every_post(prod_site, entries):
    root = ET.parse(prod_site.output / "feeds" / "all.atom.xml").getroot()
    links = {e.find(f"{ATOM}link").get("href") for e in root.findall(f"{ATOM}entry")}
    expected = {f"{PRODUCTION_URL}/{post.url}" for post in articles(live(entries))}
    assert links == expected
    for name in ("all-en.atom.xml", "all-is.atom.xml"):
        ET.parse(prod_site.output / "feeds" / name)
    ET.parse(prod_site.output / "feeds" / "all.rss.xml")


def test_every_page_has_canonical_and_social_meta(prod_site):
    for path in html_files(prod_site.output):
        page = scan(path)
        rel = path.relative_to(prod_site.output).as_posix()
        assert page.html_lang, rel
        assert page.title.strip(), rel
        for key in (
            "description",
            "og:title",
            "og:description",
            "og:type",
            "og:image",
            "twitter:card",
            "twitter:title",
        ):
            assert page.meta.get(key), f"{rel}: no {key}"
        feeds = page.links_with(rel="alternate", type="application/atom+xml")
        assert f"{PRODUCTION_URL}/feeds/all.atom.xml" in {f["href"] for f in feeds}, rel
        canonical = page.links_with(rel="canonical")
        if rel == "404.html":
            assert not canonical, "the 404 page must not claim a canonical URL"
            continue
        assert len(canonical) == 1, rel
        assert canonical[0]["href"] == PRODUCTION_URL + page_url(prod_site.output, path), rel
        assert page.meta["og:url"] == canonical[0]["href"], rel


def card_of(entry) -> str:
    """Where plugins/social_cards writes an article's card (docs/social-cards.md)."""
    return "images/cards/" + (entry.slug if entry.lang == "en" else f"{entry.lang}-{entry.slug}")


def test_every_article_shares_its_own_card_and_other_pages_the_site_card(prod_site, entries):
    from PIL import Image

    posts = articles(live(entries))
    cards = {post.output: card_of(post) + ".png" for post in posts}
    assert len(set(cards.values())) == len(posts)
    for path in html_files(prod_site.output):
        rel = path.relative_to(prod_site.output).as_posix()
        meta = scan(path).meta
        image = f"{PRODUCTION_URL}/{cards.get(rel, 'theme/images/card.png')}"
        assert meta["og:image"] == meta["twitter:image"] == image, rel
        assert meta["twitter:card"] == "summary_large_image", rel
        if rel in cards:
            assert (meta["og:image:width"], meta["og:image:height"]) == ("1200", "630"), rel
            assert meta["og:image:alt"] == meta["twitter:image:alt"] == meta["og:title"], rel
        else:
            assert "og:image:width" not in meta, rel
    for card in cards.values():
        with Image.open(prod_site.output / card) as png:
            assert png.size == (1200, 630), card


def test_home_page_canonical_is_the_site_root(prod_site):
    page = scan(prod_site.output / "index.html")
    assert page.links_with(rel="canonical")[0]["href"] == PRODUCTION_URL + "/"


def test_articles_carry_json_ld_blog_posting(prod_site, entries):
    for post in articles(live(entries)):
        page = scan(prod_site.output / post.output)
        blocks = [json.loads(block) for block in page.json_ld]
        postings = [b for b in blocks if b["@type"] == "BlogPosting"]
        assert len(postings) == 1, post.url
        data = postings[0]
        assert data["headline"] == post.title
        assert data["url"] == f"{PRODUCTION_URL}/{post.url}"
        assert data["inLanguage"] == post.lang
        assert data["datePublished"].startswith(post.meta["date"][:10])
        assert data["dateModified"] and data["description"]
        assert data["author"][0]["name"] == post.meta["author"]
        assert page.meta["og:type"] == "article"


def test_translations_are_linked_both_ways(prod_site, entries):
    by_slug = {}
    for post in articles(live(entries)):
        by_slug.setdefault(post.slug, []).append(post)
    pairs = [group for group in by_slug.values() if len(group) > 1]
    assert pairs, "the sample site needs at least one translated post"
    for group in pairs:
        for post in group:
            page = scan(prod_site.output / post.output)
            html = prod_site.html(post.output)
            assert page.html_lang == post.lang
            hreflang = {a["hreflang"]: a["href"] for a in page.link_tags if "hreflang" in a}
            for other in group:
                assert hreflang.get(other.lang) == f"{PRODUCTION_URL}/{other.url}", post.url
                if other is not post:
                    visible = f'href="{PRODUCTION_URL}/{other.url}" hreflang="{other.lang}"'
                    assert visible in html, f"{post.url}: no visible link to {other.url}"


def test_non_ascii_text_renders(prod_site, entries):
    icelandic = next(p for p in articles(entries) if p.lang == "is")
    assert not icelandic.title.isascii()
    html = prod_site.html(icelandic.output)
    assert '<meta charset="utf-8">' in html
    assert f"<h1>{icelandic.title}</h1>" in html
    assert f"<title>{icelandic.title} · Listening Brands</title>" in html
    assert "Sigrún Jónsdóttir" in html
    assert "&amp;#" not in html and "\ufffd" not in html


def test_article_shows_date_author_tags_reading_time_and_share_links(prod_site, entries):
    post = next(p for p in articles(entries) if p.slug == "listening-before-talking")
    html = prod_site.html(post.output)
    assert re.search(r'<time datetime="2026-09-08T08:30:00\+00:00">08 September 2026</time>', html)
    assert 'rel="author">Priya Nair</a>' in html
    assert f'href="{PRODUCTION_URL}/tag/listening/" rel="tag">listening</a>' in html
    body = html.split('<div class="prose">')[1].split("</div>")[0]
    words = len(re.sub(r"<[^>]+>", " ", body).split())
    assert f"{max(1, math.ceil(words / 220))} min read" in html
    link = f"{PRODUCTION_URL}/{post.url}".replace("://", "%3A//")
    for share in (
        "https://x.com/intent/tweet?",
        "https://s2f.kytta.dev/?text=",
        "https://bsky.app/intent/compose?text=",
        "https://www.linkedin.com/sharing/",
        "https://www.facebook.com/sharer/",
        "mailto:?subject=",
    ):
        assert re.search(re.escape(share) + r"[^\"]*" + re.escape(link), html), share


def test_images_have_alt_text(prod_site):
    for path in html_files(prod_site.output):
        for match in re.finditer(r"<img\b[^>]*>", path.read_text(encoding="utf-8")):
            assert re.search(r'\balt="[^"]+"', match.group()), f"{path}: {match.group()}"


def test_sitemap_lists_articles_and_not_the_404_page(prod_site, entries):
    root = ET.parse(prod_site.output / "sitemap.xml").getroot()
    locs = {u.find(f"{SITEMAP}loc").text for u in root.findall(f"{SITEMAP}url")}
    for entry in live(entries):
        assert f"{PRODUCTION_URL}/{entry.url}" in locs, entry.url
    assert f"{PRODUCTION_URL}/404.html" not in locs


def test_sitemap_marks_translations_with_hreflang_links(prod_site):
    root = ET.parse(prod_site.output / "sitemap.xml").getroot()
    links = [
        (url.find(f"{SITEMAP}loc").text, link.get("hreflang"), link.get("href"))
        for url in root.findall(f"{SITEMAP}url")
        for link in url.findall("{http://www.w3.org/1999/xhtml}link")
    ]
    assert links, "no <xhtml:link> in sitemap.xml"
    for loc, lang, href in links:
        assert lang and href and href.startswith(PRODUCTION_URL), (loc, lang, href)


def test_robots_txt_allows_all_and_names_the_sitemap(prod_site):
    robots = prod_site.html("robots.txt")
    assert "User-agent: *" in robots
    assert "Disallow: /" not in robots
    assert f"Sitemap: {PRODUCTION_URL}/sitemap.xml" in robots


def test_404_page(prod_site):
    html = prod_site.html("404.html")
    assert "<h1>Page not found</h1>" in html
    assert f'href="{PRODUCTION_URL}/"' in html


def test_pagination_uses_folders(prod_site, entries):
    originals = [p for p in articles(entries) if p.lang == "en"]
    assert len(originals) > 5, "the sample site should need a second page"
    assert (prod_site.output / "page" / "2" / "index.html").is_file()
    assert f'href="{PRODUCTION_URL}/page/2/" rel="next"' in prod_site.html("index.html")


def test_landmarks_and_skip_link_on_every_page(prod_site):
    for path in html_files(prod_site.output):
        html = path.read_text(encoding="utf-8")
        rel = path.relative_to(prod_site.output)
        assert '<a class="skip-link" href="#main">' in html, rel
        for landmark in (
            '<header class="site-header"',
            '<nav class="site-nav"',
            '<main id="main"',
            '<footer class="site-footer"',
        ):
            assert landmark in html, f"{rel}: {landmark}"


def test_dev_build_uses_root_relative_links_and_no_feeds(dev_site, entries):
    assert not (dev_site.output / "feeds").exists()
    html = dev_site.html("index.html")
    assert 'href="/theme/css/style.css"' in html
    assert "application/atom+xml" not in html
    for entry in entries:
        assert (dev_site.output / entry.output).is_file(), entry.output
    # Canonical and share links still name the production address.
    post = articles(entries)[0]
    assert f'<link rel="canonical" href="{PRODUCTION_URL}/{post.url}">' in dev_site.html(
        post.output
    )


def test_shared_templates_never_loop_over_all_articles():
    """base.html and macros.html render on every page: a loop over `articles` or `dates`
    there would make the build quadratic in the number of posts."""
    templates = Path(__file__).resolve().parents[2] / "theme" / "templates"
    for name in ("base.html", "macros.html"):
        text = (templates / name).read_text(encoding="utf-8")
        assert not re.search(r"\bin\s+(all_articles|articles|dates)\b", text), name
