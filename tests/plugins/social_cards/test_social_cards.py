"""The social_cards plugin: one 1200x630 PNG per article and translation, cached by a hash of
what shapes it, the `Image:` override, and the Open Graph / Twitter tags that point at it."""

import html
import json
import re
import subprocess
import sys

import pytest
from pelican import Pelican
from PIL import Image, ImageChops
from social_cards import render, social_cards
from social_cards.social_cards import STATS, SocialCardsFailed

from tests.plugins.conftest import NOW, ROOT, settings_for, write_posts

ICELANDIC = "þðæöáéíóúýÞÐÆÖ"
COLOURS = {"background": "#fdfcf9", "text": "#1d1f24", "accent": "#0b5d6b"}
SITE = "https://blog.listening-brands.example"
POST = "Title: {title}\nDate: 2026-11-20 09:00\n{extra}\nBody.\n"


def post(title, extra=""):
    return POST.format(title=title, extra=extra)


def cards_build(content, tmp, **overrides):
    """Build with only the plugins the cards need; returns the output folder."""
    values = {"PLUGINS": ["campaign", "social_cards"], "CAMPAIGN_EXTRA_KEYS": ["Image"],
              "SOCIAL_CARDS_CACHE_PATH": str(tmp / "cache"), "SITENAME": "Listening Brands"}
    Pelican(settings_for(content, tmp, **{**values, **overrides})).run()
    return tmp / "output"


def site_build(content, tmp):
    """Build with the real site settings and theme (pelicanconf.py) into tmp, in a subprocess
    as `make html` does (the theme's plugins stay out of this test process)."""
    overrides = {"CAMPAIGN_PLAN_PATH": str(tmp / "plan.json"), "CAMPAIGN_NOW": NOW,
                 "SOCIAL_CARDS_CACHE_PATH": str(tmp / "cache")}
    command = [sys.executable, "-m", "pelican", str(content), "-o", str(tmp / "output"),
               "-s", str(ROOT / "pelicanconf.py"), "--fatal", "errors", "-q", "-e",
               *(f"{key}={json.dumps(value)}" for key, value in overrides.items())]
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
    return tmp / "output"


def meta(page_html, key):
    attribute = "property" if key.startswith("og:") else "name"
    found = re.findall(rf'<meta {attribute}="{re.escape(key)}" content="([^"]*)">', page_html)
    assert len(found) == 1, (key, found)
    return html.unescape(found[0])


# --- the image ----------------------------------------------------------------------------


def test_a_card_is_exactly_1200_by_630_for_any_title():
    for title in ["Hi", "A " + "very long title that goes on " * 20, "x" * 400, ""]:
        image = render.render_card(title, "Listening Brands", COLOURS)
        assert image.size == (1200, 630)
        assert image.mode == "RGB"


def test_different_titles_give_different_images():
    one = render.render_card("Answering customers on Twitter", "Listening Brands", COLOURS)
    two = render.render_card("Saying sorry in public", "Listening Brands", COLOURS)
    assert ImageChops.difference(one, two).getbbox() is not None


def test_long_titles_shrink_then_end_with_an_ellipsis_inside_the_canvas():
    room = 1200 - 2 * render.MARGIN
    height = 630 - render.TITLE_TOP - render.MARGIN
    chain = (render.BOLD, render.REGULAR)
    short_size, _ = render.fit_title("Short title", chain, room, height)
    long_size, _ = render.fit_title("word " * 40, chain, room, height)
    assert short_size > long_size
    size, lines = render.fit_title("word " * 400, chain, room, height)
    assert size == render.TITLE_SIZES[-1]
    assert lines[-1].endswith(render.ELLIPSIS)
    assert len(lines) * size * render.LINE_SPACING <= height
    assert all(render.width(line, chain, size) <= room for line in lines)
    # One unbroken word wider than the card is cut between letters, never overflowing.
    size, lines = render.fit_title("x" * 300, chain, room, height)
    assert all(render.width(line, chain, size) <= room for line in lines)


def test_icelandic_letters_have_real_glyphs_not_the_missing_glyph_box():
    """Each letter drawn alone with the bundled fonts differs from the font's .notdef box
    (what it draws for U+10FFFF), and the title is drawn with the bold font throughout."""
    for path in (render.BOLD, render.REGULAR):      # the text fonts (not the emoji one)
        face = render.font(path, 64)
        notdef = face.getmask(render.MISSING)
        notdef_key = (notdef.size, bytes(notdef))
        for letter in ICELANDIC:
            mask = face.getmask(letter)
            assert (mask.size, bytes(mask)) != notdef_key, (path.name, letter)
            assert mask.getbbox() is not None, (path.name, letter)
    title = "Þjónusta við viðskiptavini: gæði og hraði Æ Ö Ð ý ú"
    assert render.runs(title, (render.BOLD, render.REGULAR)) == [(render.BOLD, title)]


def test_a_character_no_bundled_font_has_is_left_out_not_boxed():
    chain = (render.BOLD, render.REGULAR)
    assert render.runs("Hi 🦀 漢!", chain) == [
        (render.BOLD, "Hi "), (None, "🦀"), (render.BOLD, " "), (None, "漢"),
        (render.BOLD, "!")]
    # The title's chain ends with Noto Emoji: the emoji DejaVu lacks are drawn; CJK is not.
    assert render.runs("Hi 🦀 漢!", render.TITLE_CHAIN) == [
        (render.BOLD, "Hi "), (render.EMOJI, "🦀"), (render.BOLD, " "), (None, "漢"),
        (render.BOLD, "!")]
    # Not drawn, but never zero wide: its place is kept; invisible controls are dropped.
    assert render.width("漢", chain, 40) == 40 * render.MISSING_WIDTH
    assert render.runs("a\u200db", chain) == [(render.BOLD, "ab")]
    blank = render.render_card("", "", COLOURS)
    assert ImageChops.difference(render.render_card("漢字", "", COLOURS), blank).getbbox() is None
    assert all(render.has_glyph(render.EMOJI, c) for c in "🦀🚀👍✨🎉")
    # DejaVu's own symbols are drawn, from the regular face when the bold one lacks them.
    assert all(render.has_glyph(render.REGULAR, c) for c in "★☺✓❤😀")


class MeasureBudget:
    """render.width, counting the characters it measures; past `limit` it fails at once (a
    functional bound on the work: no wall clock)."""

    def __init__(self, limit):
        self.limit, self.chars, self.calls = limit, 0, 0
        self.width = render.width

    def __call__(self, text, chain, size):
        self.calls += 1
        self.chars += len(text)
        assert self.chars <= self.limit, f"measured over {self.limit} characters"
        return self.width(text, chain, size)


@pytest.mark.slow
@pytest.mark.parametrize("title", ["漢" * 10_000, "漢字 " * 3_000, "x" * 10_000,
                                   "a\u200d" * 10_000, "word " * 5_000,
                                   "x" + "\u0301\u0316" * 5_000])     # marks: no width
def test_the_work_of_a_card_is_bounded_by_the_card_not_the_title(monkeypatch, title):
    """A 10,000-character CJK title (no font has it) once cost 223 s: each of its characters
    took no width, so one line held them all and was measured again per character."""
    budget = MeasureBudget(200_000)
    monkeypatch.setattr(render, "width", budget)
    image = render.render_card(title, title, COLOURS)
    assert image.size == (1200, 630)
    assert budget.calls < 3_000
    room = 1200 - 2 * render.MARGIN
    height = 630 - render.TITLE_TOP - render.MARGIN
    size, lines = render.fit_title(render.clean(title), render.TITLE_CHAIN, room, height)
    assert size == render.TITLE_SIZES[-1] and lines[-1].endswith(render.ELLIPSIS)
    assert len(lines) * size * render.LINE_SPACING <= height
    assert all(budget.width(line, render.TITLE_CHAIN, size) <= room for line in lines)


# --- the build ----------------------------------------------------------------------------


@pytest.mark.slow
def test_every_article_and_translation_gets_its_card_and_a_rebuild_renders_none(tmp_path):
    content = write_posts(tmp_path / "content", {
        "a.md": post("Answering customers", "Slug: a\n"),
        "a-is.md": post("Að svara viðskiptavinum", "Slug: a\nLang: is\n"),
        "b.md": post("Saying sorry", "Slug: b\n"),
    })
    output = cards_build(content, tmp_path)
    cards = output / "images" / "cards"
    assert sorted(p.name for p in cards.iterdir()) == ["a.png", "b.png", "is-a.png"]
    for card in cards.iterdir():
        with Image.open(card) as image:
            assert image.size == (1200, 630)
    assert STATS == {"rendered": 3, "reused": 0}
    cached = {p.name: p.stat().st_mtime_ns for p in (tmp_path / "cache").iterdir()}
    assert len(cached) == 3

    output = cards_build(content, tmp_path)
    assert STATS == {"rendered": 0, "reused": 3}
    assert {p.name: p.stat().st_mtime_ns for p in (tmp_path / "cache").iterdir()} == cached
    assert len(list((output / "images" / "cards").iterdir())) == 3

    # A changed title is a new card; a changed colour is a new card for every article.
    (content / "posts" / "b.md").write_text(post("Saying sorry in public", "Slug: b\n"))
    cards_build(content, tmp_path)
    assert STATS == {"rendered": 1, "reused": 2}
    cards_build(content, tmp_path, SOCIAL_CARDS_ACCENT="#b4550a")
    assert STATS == {"rendered": 3, "reused": 0}


def test_the_cache_key_covers_title_site_colours_fonts_version_and_size(monkeypatch):
    key = social_cards.card_key("T", "S", COLOURS)
    assert key == social_cards.card_key("T", "S", dict(COLOURS))
    assert key != social_cards.card_key("T2", "S", COLOURS)
    assert key != social_cards.card_key("T", "S2", COLOURS)
    assert key != social_cards.card_key("T", "S", {**COLOURS, "text": "#000000"})
    monkeypatch.setattr(social_cards, "VERSION", "next")
    assert key != social_cards.card_key("T", "S", COLOURS)
    monkeypatch.setattr(social_cards, "VERSION", social_cards.VERSION)
    monkeypatch.setattr(render, "SIZE", (1200, 600))
    assert key != social_cards.card_key("T", "S", COLOURS)
    monkeypatch.setattr(render, "SIZE", (1200, 630))
    monkeypatch.setattr(social_cards, "_RENDERER_DIGEST", ["other fonts or render.py"])
    assert key != social_cards.card_key("T", "S", COLOURS)


@pytest.mark.slow
def test_og_and_twitter_tags_point_at_the_article_card_and_escape_the_title(tmp_path):
    title = 'Why "fast" beats <perfect> & it\'s more'
    content = write_posts(tmp_path / "content", {
        "a.md": post(title, "Slug: fast\n"),
        "b.md": post("Own image", "Slug: own\nImage: images/own.png\n"),
        "c.md": post("Remote image", "Slug: remote\nImage: https://cdn.example/c.jpg\n"),
    })
    (content / "images").mkdir()
    Image.new("RGB", (800, 418), "#0b5d6b").save(content / "images" / "own.png")
    output = site_build(content, tmp_path)

    page = (output / "2026" / "fast" / "index.html").read_text(encoding="utf-8")
    card = f"{SITE}/images/cards/fast.png"
    assert meta(page, "og:image") == meta(page, "twitter:image") == card
    assert meta(page, "twitter:card") == "summary_large_image"
    assert (meta(page, "og:image:width"), meta(page, "og:image:height")) == ("1200", "630")
    assert meta(page, "og:image:alt") == meta(page, "twitter:image:alt") == title
    assert 'content="Why &#34;fast&#34; beats &lt;perfect&gt; &amp; it&#39;s more"' in page
    assert "<perfect>" not in page.split("</head>")[0]
    assert (output / "images" / "cards" / "fast.png").is_file()

    own = (output / "2026" / "own" / "index.html").read_text(encoding="utf-8")
    assert meta(own, "og:image") == meta(own, "twitter:image") == f"{SITE}/images/own.png"
    assert (meta(own, "og:image:width"), meta(own, "og:image:height")) == ("800", "418")
    assert (output / "images" / "own.png").is_file()
    assert not (output / "images" / "cards" / "own.png").exists()

    remote = (output / "2026" / "remote" / "index.html").read_text(encoding="utf-8")
    assert meta(remote, "og:image") == "https://cdn.example/c.jpg"
    assert "og:image:width" not in remote

    home = (output / "index.html").read_text(encoding="utf-8")
    assert meta(home, "og:image") == f"{SITE}/theme/images/card.png"
    assert "og:image:width" not in home


@pytest.mark.parametrize(("value", "reason"), [
    ("images/missing.png", "'images/missing.png' does not exist in the content folder"),
    ("../outside.png", "'../outside.png' is outside the content folder"),
    ("posts/a.md", "'posts/a.md' is not an image (.png, .jpg, .jpeg, .gif, .webp)"),
    ("http://cdn.example/c.png", "'http://cdn.example/c.png' is not an absolute https:// URL"),
    ("javascript:alert(1)", "'javascript:alert(1)' is not an absolute https:// URL"),
    ("https:///nohost.png", "'https:///nohost.png' is not an absolute https:// URL"),
])
def test_a_bad_image_value_is_refused_naming_file_and_key(tmp_path, value, reason):
    content = write_posts(tmp_path / "content", {"a.md": post("A post", f"Image: {value}\n")})
    (tmp_path / "outside.png").write_bytes(b"")
    with pytest.raises(SocialCardsFailed) as failure:
        cards_build(content, tmp_path)
    assert failure.value.problems == [f"posts/a.md: Image: {reason}"]
    assert str(failure.value.code).startswith("social_cards: 1 problem found")
    assert not (tmp_path / "output" / "index.html").exists()


@pytest.mark.parametrize(("overrides", "message"), [
    ({"SOCIAL_CARDS_ACCENT": "teal"}, "SOCIAL_CARDS_ACCENT: must be a colour as '#rrggbb'"),
    ({"SOCIAL_CARDS_TEXT": "#12345"}, "SOCIAL_CARDS_TEXT: must be a colour as '#rrggbb'"),
    ({"SOCIAL_CARDS_CACHE_PATH": ""}, "SOCIAL_CARDS_CACHE_PATH: must be a folder path"),
    ({"SOCIAL_CARDS_OUTPUT_DIR": "../cards"}, "SOCIAL_CARDS_OUTPUT_DIR: must be a relative"),
    ({"SOCIAL_CARDS_BACKGRUND": "#ffffff"},
     "SOCIAL_CARDS_BACKGRUND: unknown setting (did you mean SOCIAL_CARDS_BACKGROUND?)"),
])
def test_a_bad_setting_names_the_key(tmp_path, overrides, message):
    settings = settings_for(tmp_path, tmp_path, PLUGINS=["social_cards"], **overrides)
    with pytest.raises(SystemExit) as failure:
        Pelican(settings)
    assert message in str(failure.value.code)


def test_two_articles_whose_cards_would_clash_are_refused(tmp_path):
    content = write_posts(tmp_path / "content", {
        "a.md": post("One", "Slug: same\n"),
        "b.md": "Title: Two\nDate: 2025-11-20 09:00\nSlug: same\n\nBody.\n",
    })
    with pytest.raises(SocialCardsFailed) as failure:
        cards_build(content, tmp_path)
    (problem,) = failure.value.problems
    assert "images/cards/same.png would overwrite the card of posts/" in problem


def test_an_image_on_a_page_is_refused_not_ignored(tmp_path):
    content = write_posts(tmp_path / "content", {"a.md": post("A post")})
    (content / "pages").mkdir()
    (content / "pages" / "about.md").write_text("Title: About\nImage: images/x.png\n\nHi.\n")
    with pytest.raises(SocialCardsFailed) as failure:
        cards_build(content, tmp_path, PAGE_PATHS=["pages"], ARTICLE_PATHS=["posts"])
    assert failure.value.problems == [
        "pages/about.md: Image: only articles have a social card of their own; "
        "pages share the site card"]
