"""An article's identity after sharing (Shared_Id, Shared_Urls), its redirect pages, Url and
Save_as on shared articles, and output paths that collide: real Pelican builds of tiny
content folders."""

import json
import logging

import pytest

from tests.plugins.campaign.test_build import assert_refused
from tests.plugins.conftest import ROOT, SITE_URL, run_build, write_posts

HEAD = "Title: A post\nDate: 2026-11-20 09:00\n"
SITEMAP_PLUGINS = ["campaign", "sitemap", "sitemap_hreflang"]  # as the site lists them


def plan_ids(plan_path) -> list[str]:
    return [item["id"] for item in json.loads(plan_path.read_text())["items"]]


def output(tmp_path, path: str) -> str:
    return (tmp_path / "output" / path).read_text(encoding="utf-8")


# --- pinned ids -------------------------------------------------------------------------


def test_a_pinned_article_keeps_its_ids_under_a_new_slug(tmp_path):
    content = write_posts(tmp_path / "content", {"renamed.md": (
        "Title: A new title\nDate: 2026-11-20 09:00\nSocial: Hello {url}\n"
        "Social_2: Again {url}\nSocial_2_At: +3d\n"
        "Shared_Id: en/a-post\nShared_Urls: 2026/a-post/\n\nBody.\n")})
    plan = json.loads(run_build(content, tmp_path).read_text())
    assert [i["id"] for i in plan["items"]] == ["en/a-post/social-1/x", "en/a-post/social-2/x"]
    first = plan["items"][0]
    assert first["slug"] == "a-new-title"  # the article's own values, for the reader
    assert first["link"].startswith(f"{SITE_URL}/2026/a-new-title/?utm_source=x")


def test_without_a_pin_the_ids_follow_lang_and_slug(tmp_path):
    content = write_posts(tmp_path / "content", {"a.md": HEAD + "Social: Hi {url}\n\nx\n"})
    assert plan_ids(run_build(content, tmp_path)) == ["en/a-post/social-1/x"]


# --- redirect pages ---------------------------------------------------------------------


def test_an_old_address_gets_an_escaped_redirect_page_kept_out_of_the_sitemap(tmp_path,
                                                                              caplog):
    content = write_posts(tmp_path / "content", {"renamed.md": (
        'Title: Q&A: "quotes" <script>alert(1)</script>\nDate: 2026-11-20 09:00\n'
        "Slug: new-slug\nSocial: Hello {url}\n"
        "Shared_Id: en/old-slug\nShared_Urls: 2026/old-slug/, 2026/new-slug/\n\nBody.\n")})
    with caplog.at_level(logging.INFO, logger="campaign.site.redirects"):
        run_build(content, tmp_path, PLUGINS=SITEMAP_PLUGINS, SITEURL=SITE_URL,
                  SITEMAP={"format": "xml"})
    page = output(tmp_path, "2026/old-slug/index.html")
    assert '<link rel="canonical" href="https://blog.listening-brands.example/2026/new-slug/">' \
        in page
    assert '<meta http-equiv="refresh" content="0; url=../new-slug/">' in page
    assert '<meta name="robots" content="noindex">' in page
    assert '<a href="../new-slug/">https://blog.listening-brands.example/2026/new-slug/</a>' \
        in page
    assert "<script>" not in page  # the title is text: escaped, never markup
    assert ("<title>Q&amp;A: &#34;quotes&#34; &lt;script&gt;alert(1)&lt;/script&gt;</title>"
            in page)
    assert "new-slug" in output(tmp_path, "2026/new-slug/index.html")  # the article itself
    sitemap = output(tmp_path, "sitemap.xml")
    assert "2026/new-slug/" in sitemap and "old-slug" not in sitemap
    logged = [r.getMessage() for r in caplog.records if r.name == "campaign.site.redirects"]
    assert logged == ["campaign: posts/renamed.md: redirect page at 2026/old-slug/ → "
                      "2026/new-slug/"]


def test_a_language_change_redirects_to_the_language_folder(tmp_path):
    content = write_posts(tmp_path / "content", {"moved.md": (
        "Title: A post\nDate: 2026-11-20 09:00\nLang: is\nSocial: Hæ {url}\n"
        "Shared_Id: en/a-post\nShared_Urls: 2026/a-post/\n\nBody.\n")})
    assert plan_ids(run_build(content, tmp_path)) == ["en/a-post/social-1/x"]
    page = output(tmp_path, "2026/a-post/index.html")
    assert 'content="0; url=../../is/2026/a-post/"' in page
    assert 'href="https://blog.listening-brands.example/is/2026/a-post/"' in page


def test_shared_urls_without_shared_id_still_redirects(tmp_path):
    # A merge that kept only one of the lines: the build goes on, the publisher heals it.
    content = write_posts(tmp_path / "content", {"a.md": (
        HEAD + "Social: Hi {url}\nShared_Urls: 2025/a-post/\n\nx\n")})
    assert plan_ids(run_build(content, tmp_path)) == ["en/a-post/social-1/x"]
    assert 'url=../../2026/a-post/"' in output(tmp_path, "2025/a-post/index.html")


def test_urls_without_a_trailing_slash_or_with_an_extension(tmp_path):
    content = write_posts(tmp_path / "content", {"a.md": (
        HEAD + "Social: Hi {url}\nShared_Id: en/a-post\n"
        "Shared_Urls: old/a-post.html, older/a-post, older/a-post/, 2026/a-post\n\nx\n")})
    run_build(content, tmp_path)
    assert 'url=../2026/a-post/"' in output(tmp_path, "old/a-post.html")
    assert 'url=../../2026/a-post/"' in output(tmp_path, "older/a-post/index.html")


# --- the pin lines are checked ------------------------------------------------------------

RESTORE = ("(written by the publisher: restore the line from git, or delete it and run "
           "`python -m publish run`)")


@pytest.mark.parametrize(("line", "reason"), [
    ("Shared_Id: a-post", "expected <lang>/<slug> as the publisher writes it, got 'a-post'"),
    ("Shared_Id: en/a post", "expected <lang>/<slug> as the publisher writes it, "
                             "got 'en/a post'"),
    ("Shared_Id: https://evil.example/x", "expected <lang>/<slug> as the publisher writes "
                                          "it, got 'https://evil.example/x'"),
    ("Shared_Urls: /2026/a-post/", "'/2026/a-post/' is not relative to the site (no scheme, "
                                   "host or leading /)"),
    ("Shared_Urls: https://evil.example/phish/", "'https://evil.example/phish/' is not "
                                                 "relative to the site (no scheme, host or "
                                                 "leading /)"),
    ("Shared_Urls: //evil.example/x/", "'//evil.example/x/' is not relative to the site (no "
                                       "scheme, host or leading /)"),
    ("Shared_Urls: 2026/../../etc/", "'2026/../../etc/' has an empty, . or .. segment"),
    ("Shared_Urls: 2026/%2e%2e/x/", "'2026/%2e%2e/x/' has an empty, . or .. segment"),
    ("Shared_Urls: 2026/a-post/?x=1", "'2026/a-post/?x=1' has a query or a fragment"),
    ("Shared_Urls: 2026/a-post/,, 2025/a/", "an empty entry (paths are separated by a comma "
                                            "and a space)"),
    ("Shared_Ids: en/a-post", None),
])
def test_malformed_pin_lines_are_refused(tmp_path, line, reason):
    content = write_posts(tmp_path / "content", {"a.md": HEAD + line + "\n\nx\n"})
    key = line.split(":")[0]
    expected = (f"posts/a.md: {key}: {reason} {RESTORE}" if reason else
                f"posts/a.md: {key}: unknown key (did you mean Shared_Id?)")
    assert_refused(content, tmp_path, [expected])


def test_a_copied_post_with_another_posts_shared_id_is_refused(tmp_path):
    pinned = HEAD + "Social: Hi {url}\nShared_Id: en/a-post\nShared_Urls: 2026/a-post/\n\nx\n"
    content = write_posts(tmp_path / "content", {
        "a.md": pinned,
        "copy.md": pinned.replace("Title: A post", "Title: A copy"),
    })
    assert_refused(content, tmp_path, [
        "posts/copy.md: Shared_Id: en/a-post is also the Shared_Id of posts/a.md (a copied "
        "post? delete the Shared_* lines from the copy)",
        # its redirect page would replace the original
        "posts/copy.md: Shared_Urls: writes 2026/a-post/index.html, which posts/a.md also "
        "writes",
    ])


def test_a_new_post_cannot_take_the_ids_of_a_renamed_one(tmp_path):
    content = write_posts(tmp_path / "content", {
        "renamed.md": "Title: Renamed\nDate: 2026-11-20 09:00\nSocial: Hi {url}\n"
                      "Shared_Id: en/a-post\nShared_Urls: 2026/a-post/\n\nx\n",
        "z-new.md": "Title: New\nDate: 2026-11-21 09:00\nSlug: a-post\nSocial: Yo {url}\n\nx\n",
    })
    assert_refused(content, tmp_path, [
        "posts/z-new.md: Slug: its items would be en/a-post/…, the ids posts/renamed.md was "
        "shared under (Shared_Id): give posts/z-new.md another Slug or Lang",
        # and it would live where the renamed post's redirect page is
        "posts/z-new.md: Slug: writes 2026/a-post/index.html, which the redirect page of "
        "posts/renamed.md for 2026/a-post/ (Shared_Urls) also writes",
    ])


def test_an_unpinned_draft_may_share_a_slug_with_a_published_post(tmp_path):
    content = write_posts(tmp_path / "content", {
        "a.md": HEAD + "Social: Hi {url}\n\nx\n",
        "draft.md": HEAD + "Status: draft\nSocial: Next {url}\n\nx\n",
    })
    assert plan_ids(run_build(content, tmp_path)) == ["en/a-post/social-1/x"]


# --- Url and Save_as ------------------------------------------------------------------------

REFUSED = "not allowed on an article the campaign shares: its shared link must be its own address"


def test_url_pointing_elsewhere_is_refused_on_a_shared_article(tmp_path):
    # Regression: the planned X post linked to the phishing page. The header check refuses
    # any Url off the site; a Url inside the site is refused on a shared article.
    content = write_posts(tmp_path / "content", {
        "a.md": HEAD + "Url: https://evil.example/phish\nSocial: Hi {url}\n\nx\n",
        "b.md": HEAD.replace("A post", "B post") + "Url: 2026/elsewhere/\nSocial: Hi {url}\n\nx\n"})
    assert_refused(content, tmp_path, [
        "posts/a.md: Url: 'https://evil.example/phish' is not a path inside the site: write it "
        "relative, like 2026/my-post/, without a scheme, a leading /, // or ..",
        f"posts/b.md: Url: {REFUSED}",
    ])


def test_save_as_index_is_refused_on_a_shared_article(tmp_path):
    # Regression: the article replaced the home page and its own shared link was never written.
    content = write_posts(tmp_path / "content", {
        "a.md": HEAD + "Save_as: index.html\nSocial: Hi {url}\n\nx\n"})
    assert_refused(content, tmp_path, [
        f"posts/a.md: Save_as: {REFUSED}",
        "posts/a.md: Save_as: writes index.html, which the home page (INDEX_SAVE_AS) also "
        "writes",
    ])


def test_save_as_is_refused_on_a_pinned_article_even_without_social_posts(tmp_path):
    content = write_posts(tmp_path / "content", {"a.md": (
        HEAD + "Social: off\nSave_as: elsewhere.html\nShared_Id: en/a-post\n\nx\n")})
    assert_refused(content, tmp_path, [f"posts/a.md: Save_as: {REFUSED}"])


def test_url_and_save_as_stay_allowed_on_articles_the_campaign_does_not_share(tmp_path):
    content = write_posts(tmp_path / "content", {"a.md": (
        HEAD + "Social: off\nUrl: special/\nSave_as: special/index.html\n\nx\n")})
    assert plan_ids(run_build(content, tmp_path)) == []
    assert "A post" in output(tmp_path, "special/index.html")


# --- colliding output paths ---------------------------------------------------------------

QUIET = "Social: off\n"


def test_two_articles_writing_one_file_are_refused(tmp_path):
    content = write_posts(tmp_path / "content", {
        "a.md": HEAD + QUIET + "Save_as: same.html\n\nx\n",
        "b.md": "Title: Other\nDate: 2026-11-21 09:00\n" + QUIET + "Save_as: same.html\n\nx\n",
    })
    assert_refused(content, tmp_path, [
        "posts/b.md: Save_as: writes same.html, which posts/a.md also writes"])


@pytest.mark.parametrize(("save_as", "owner"), [
    ("index.html", "the home page (INDEX_SAVE_AS)"),
    ("archives.html", "the archives page (ARCHIVES_SAVE_AS)"),
    ("tag/listening.html", "the tag page of 'listening' (TAG_SAVE_AS)"),
    ("offers/index.html", "the offers page (CAMPAIGN_OFFERS_SAVE_AS)"),
    ("offers/offers.json", "the offers JSON (CAMPAIGN_OFFERS_JSON_SAVE_AS)"),
    ("feeds/all.atom.xml", "a feed (FEED_ALL_ATOM)"),
    ("robots.txt", "the static file extra/robots.txt (STATIC_PATHS)"),
    ("sitemap.xml", "the sitemap (SITEMAP)"),
])
def test_an_article_cannot_replace_a_page_of_the_site(tmp_path, save_as, owner):
    content = write_posts(tmp_path / "content", {
        "a.md": HEAD + QUIET + f"Tags: listening\nSave_as: {save_as}\n\nx\n"})
    (content / "extra").mkdir()
    (content / "extra" / "robots.txt").write_text("User-agent: *\n")
    assert_refused(content, tmp_path, [
        f"posts/a.md: Save_as: writes {save_as}, which {owner} also writes"],
        PLUGINS=SITEMAP_PLUGINS, SITEURL=SITE_URL, FEED_ALL_ATOM="feeds/all.atom.xml",
        STATIC_PATHS=["extra"], EXTRA_PATH_METADATA={"extra/robots.txt": {"path": "robots.txt"}})


def test_a_second_index_page_counts(tmp_path):
    posts = {f"p{n}.md": f"Title: Post {n}\nDate: 2026-11-{n:02d} 09:00\n{QUIET}\nx\n"
             for n in range(1, 4)}
    posts["p1.md"] = posts["p1.md"].replace(QUIET, QUIET + "Save_as: index2.html\n")
    content = write_posts(tmp_path / "content", posts)
    assert_refused(content, tmp_path, [
        "posts/p1.md: Save_as: writes index2.html, which the home page (INDEX_SAVE_AS) also "
        "writes"], DEFAULT_PAGINATION=2)


def test_a_redirect_cannot_replace_a_live_page(tmp_path):
    content = write_posts(tmp_path / "content", {
        "a.md": HEAD + "Social: Hi {url}\nShared_Id: en/a-post\n"
                       "Shared_Urls: 2026/a-post/, about/\n\nx\n"})
    pages = content / "pages"
    pages.mkdir()
    (pages / "about.md").write_text("Title: About\nSave_as: about/index.html\n\nUs.\n")
    assert_refused(content, tmp_path, [
        "posts/a.md: Shared_Urls: writes about/index.html, which pages/about.md also writes"],
        ARTICLE_EXCLUDES=["pages"])


def test_a_redirect_cannot_replace_a_file_of_the_theme(tmp_path):
    """The theme's static files are copied last: a redirect there would be lost silently
    (or, the other way round, replace the style sheet)."""
    content = write_posts(tmp_path / "content", {
        "a.md": HEAD + "Social: Hi {url}\nShared_Id: en/a-post\n"
                       "Shared_Urls: 2026/a-post/, theme/css/style.css\n\nx\n"})
    assert_refused(content, tmp_path, [
        "posts/a.md: Shared_Urls: writes theme/css/style.css, which the theme's file "
        "css/style.css (THEME_STATIC_PATHS) also writes"], THEME=str(ROOT / "theme"))


def test_the_sample_site_has_no_collisions(prod_site):
    """The real project settings and content build with the checks on (`prod_site`: the
    production build every test run makes once, with `--fatal errors`)."""
    assert "answering-customers-on-twitter/social-1/x" in prod_site.plan.read_text()


def test_url_is_refused_on_every_post_that_would_share_once_published(tmp_path):
    # docs/writing-posts.md said "a post with any planned item": drafts, hidden and
    # scheduled posts have none yet, and are refused all the same.
    content = write_posts(tmp_path / "content", {
        "draft.md": HEAD + "Status: draft\nUrl: 2026/d/\n\nx\n",
        "hidden.md": HEAD.replace("A post", "Hidden") + "Status: hidden\nUrl: 2026/h/\n\nx\n",
        "later.md": "Title: Later\nDate: 2027-01-01 09:00\nUrl: 2027/l/\n\nx\n",
        "quiet.md": HEAD.replace("A post", "Quiet") + "Social: off\nUrl: 2026/q/\n\nx\n"})
    assert_refused(content, tmp_path, [f"posts/{name}.md: Url: {REFUSED}"
                                       for name in ("draft", "hidden", "later")])
