"""The short cuts in campaign.networks (the emoji scan skipped, the characters weighed a run at
a time): their premises, and that they change no length against twitter-text itself."""

import importlib
import random
import sys

import pytest
from campaign import networks
from campaign.networks import EMOJI_FLOOR, tweet_weight, weighted_length
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


def library_length(text: str) -> int:
    """twitter-text's own count, its emoji scan on every text."""
    scan, library.extract_emojis_with_indices = (library.extract_emojis_with_indices,
                                                 networks._extract_emojis)
    try:
        return library.parse_tweet(text).weightedLength
    finally:
        library.extract_emojis_with_indices = scan


@pytest.mark.parametrize("text", TEXTS)
def test_lengths_equal_the_library_without_the_short_cuts(text):
    assert weighted_length(text) == tweet_weight(text) == library_length(text)


# Pieces of posts in the languages and scripts a post may hold, with links, emoji sequences,
# characters at the edges of twitter-text's weight ranges, combining marks NFC composes,
# and line endings it converts.
PIECES = [
    "We answer every mention", "within an hour.", "Customer care", "#CustomerCare", "@brand",
    "Við svörum öllum ábendingum", "á Twitter innan klukkustundar", "Þú færð 20% afslátt",
    "Æðislegt!", "Jónsdóttir", "ÞÐÆÖ þðæö", "日本語のテキスト", "中文内容", "한국어 텍스트",
    "Привет", "مرحبا", "שלום", "हिन्दी", "ไทย", "Ελληνικά", "e\u0301", "A\u030a", "n\u0303",
    "😀", "🙏🏽", "👨‍👩‍👧", "👍🏿", "🇮🇸", "🏳️‍🌈", "1️⃣", "#️⃣", "©", "®", "™", "‼", "\u2139\ufe0f", "❤️",
    "…", "\u2013", "\u2014", "\u201cquoted\u201d", "\u2018single\u2019", "\u2032",
    "‷", "‸", "\u2000", "\u200d", "\u200e",
    "\u2010", "\u201f", "\u2020", "\u10ff", "\u1100", "\u3000", "\ufeff", "\U0001f9ff",
    "https://blog.listening-brands.example/2026/answering-customers-on-twitter/?utm_source=x",
    "https://example.com/a?b=1&c=2", "http://t.co/abc123", "https://t.co/campaign0",
    "example.com", "www.example.is/slóð", "https://dæmi.is/x", "mailto:a@b.example",
    "http://例え.テスト/パス", "https://x.com/i/web/status/1849200000000000001", "(example.org)",
    "\n", "\r\n", "\r", "\t", " ", "  ", ".", ",", ":", "/", "?", "!", "%", "{url}", "-",
    "LISTEN20", "20% off", "2026-11-20", "\x00", "\x7f", "\ud7ff", "\ufffd", "\U0010fffd",
]


def corpus(count: int, seed: int = 20261123) -> list[str]:
    rng = random.Random(seed)
    texts = []
    for _ in range(count):
        pieces = [rng.choice(PIECES) for _ in range(rng.randint(1, 14))]
        texts.append(rng.choice((" ", "", " ", "\n")).join(pieces))
    texts += [chr(rng.randrange(0x110000)) * rng.randint(1, 3) for _ in range(count // 10)]
    return [text for text in texts if not 0xD800 <= ord(max(text)) <= 0xDFFF]


def test_the_run_at_a_time_count_equals_twitter_text_on_a_large_corpus():
    texts = corpus(3000)
    assert len(texts) > 3000
    different = [(text, tweet_weight(text), library_length(text)) for text in texts
                 if tweet_weight(text) != library_length(text)]
    assert different == []


def test_our_links_count_as_23_through_the_short_cut():
    link = "https://blog.listening-brands.example/2026/x/?utm_source=x&utm_medium=social"
    for text in corpus(300, seed=7):
        assert weighted_length(f"{text} {link}", (link,)) == library_length(
            f"{text} https://t.co/campaign0")


def test_the_pkg_resources_stand_in_is_gone_after_import():
    assert "campaign.networks" in sys.modules
    leftover = sys.modules.get("pkg_resources")
    assert leftover is None or hasattr(leftover, "__file__")  # only a real one may stay
