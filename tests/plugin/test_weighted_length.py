"""The emoji short cut in campaign.networks: its premise, and that it changes no length."""

import importlib
import sys

import pytest
from campaign import networks
from campaign.networks import EMOJI_FLOOR, weighted_length
from twitter_text.regexp.emoji import emoji

library = importlib.import_module("twitter_text.parse_tweet")
BELOW_FLOOR = "".join(chr(c) for c in range(ord(EMOJI_FLOOR)))
TEXTS = [
    "We answer every mention within an hour: https://example.com/a?utm_source=x #CustomerCare",
    "Keycaps need U+20E3: #1 *2 3 and 10/10, (c) (r) tm",
    "Við svörum öllum á innan við klukkustund \u2013 líka á sunnudögum…",
    "Café crème © 2026 ® ™ ‼",
    "Thank you 🙏🏽 and 👨‍👩‍👧 for 1️⃣ year! 日本語 € …",
    "",
]


def test_no_emoji_is_made_only_of_code_points_below_the_floor():
    # One text holding every ordered pair (and so every single character) below the floor;
    # keycaps, the only emoji that start below it, need U+20E3 above it.
    every_pair = "".join(a + b for a in BELOW_FLOOR for b in BELOW_FLOOR)
    assert emoji.search(every_pair) is None
    assert emoji.search("#1*20") is None and emoji.search("1\ufe0f\u20e3")
    assert emoji.fullmatch(EMOJI_FLOOR)  # (c) itself is one: the floor is tight


@pytest.mark.parametrize("text", TEXTS)
def test_lengths_equal_the_library_without_the_short_cut(text, monkeypatch):
    with_short_cut = weighted_length(text)
    monkeypatch.setattr(library, "extract_emojis_with_indices", networks._extract_emojis)
    assert weighted_length(text) == with_short_cut


def test_the_pkg_resources_stand_in_is_gone_after_import():
    assert "campaign.networks" in sys.modules
    leftover = sys.modules.get("pkg_resources")
    assert leftover is None or hasattr(leftover, "__file__")  # only a real one may stay
