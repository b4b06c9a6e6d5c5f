"""The social card cache is checked, not trusted (issue 18, item 7): a truncated cached PNG
is rendered again, never copied into the site, and a change to the drawing code (render.py)
is a new cache key even without a VERSION bump."""

from __future__ import annotations

import shutil

from PIL import Image
from social_cards import render, social_cards
from social_cards.social_cards import STATS

from tests.plugins.conftest import write_posts
from tests.plugins.social_cards.test_social_cards import cards_build, post

COLOURS = {"background": "#fdfcf9", "text": "#1d1f24", "accent": "#0b5d6b"}


def test_a_truncated_cached_card_is_rendered_again_not_deployed(tmp_path, caplog):
    content = write_posts(tmp_path / "content", {"a.md": post("Answering customers",
                                                              "Slug: a\n")})
    cards_build(content, tmp_path)
    (cached,) = (tmp_path / "cache").iterdir()
    whole = cached.read_bytes()
    cached.write_bytes(whole[: len(whole) // 2])            # a full disk, a killed copy

    output = cards_build(content, tmp_path)

    assert STATS == {"rendered": 1, "reused": 0}
    assert "does not match its digest (truncated or changed): rendered again" in caplog.text
    card = output / "images" / "cards" / "a.png"
    assert card.read_bytes() == whole
    with Image.open(card) as image:
        image.load()
        assert image.size == (1200, 630)


def test_a_changed_renderer_is_a_new_key_without_a_version_bump(tmp_path, monkeypatch):
    key = social_cards.card_key("T", "S", COLOURS)
    changed = tmp_path / "render.py"
    shutil.copy2(render.__file__, changed)
    with changed.open("a", encoding="utf-8") as code:
        code.write("\nMARGIN = 60  # a new layout, VERSION left as it was\n")
    monkeypatch.setattr(social_cards, "renderer_files",
                        lambda: (changed, *render.FONT_FILES))
    monkeypatch.setattr(social_cards, "_RENDERER_DIGEST", [])
    assert social_cards.card_key("T", "S", COLOURS) != key
