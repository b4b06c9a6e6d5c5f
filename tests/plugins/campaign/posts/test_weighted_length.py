"""The short cuts in campaign.posts.weighing (the emoji scan skipped, the characters weighed a
run at a time): their premises, and that they change no length against twitter-text itself."""

import importlib
import random
import subprocess
import sys
from pathlib import Path

import pytest
from campaign.posts import weighing as networks
from campaign.posts.weighing import EMOJI_CHARACTERS, emoji_pattern, tweet_weight, weighted_length

ROOT = Path(__file__).resolve().parents[4]
library = importlib.import_module("twitter_text.parse_tweet")
emoji = emoji_pattern()
emoji_module = sys.modules["twitter_text.regexp.emoji"]
TEXTS = [
    "We answer every mention within an hour: https://example.com/a?utm_source=x #CustomerCare",
    "Keycaps need U+20E3: #1 *2 3 and 10/10, (c) (r) tm",
    "Við svörum öllum á innan við klukkustund \u2013 líka á sunnudögum…",
    "Café crème © 2026 ® ™ ‼",
    "Thank you 🙏🏽 and 👨‍👩‍👧 for 1️⃣ year! 日本語 € …",
    "",
]


def test_every_emoji_the_library_knows_holds_an_emoji_character():
    # The pattern is the list's multi-code-point emoji, then a class of single code points.
    for entry in emoji_module.emoji_list:
        text = "".join(chr(int(code, 16)) for code in entry.codepoint.split())
        assert EMOJI_CHARACTERS.search(text), entry
    for low, high in emoji_module.single_codepoint_emoji_ranges:
        assert all(EMOJI_CHARACTERS.match(chr(code)) for code in range(low, high + 1))


def test_text_without_an_emoji_character_holds_no_emoji():
    below = "".join(chr(c) for c in range(0xA9))
    every_pair = "".join(a + b for a in below for b in below)
    assert emoji.search(every_pair) is None
    assert emoji.search("Við svörum: þú, æ, ð. 日本語 \u201cquoted\u201d \u2013 …") is None
    assert emoji.search("1\u20e3") and emoji.fullmatch("\u00a9")  # keycap: U+20E3 is in


@pytest.mark.slow
def test_the_emoji_module_loads_only_for_text_that_may_hold_an_emoji():
    script = ("import sys; sys.path[:0] = ['plugins']\n"
              "from campaign.posts.weighing import weighted_length\n"
              "weighted_length('Við svörum öllum: https://example.com/þ 日本 …')\n"
              "print(hasattr(sys.modules['twitter_text.regexp.emoji'], '__file__'))\n"
              "assert weighted_length('Takk 🙏🏽') == 7\n"
              "print(hasattr(sys.modules['twitter_text.regexp.emoji'], '__file__'))\n")
    answer = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True,
                            text=True, check=True)
    assert answer.stdout.split() == ["False", "True"]


def library_length(text: str) -> int:
    """twitter-text's own count, its emoji scan on every text."""
    scan, library.extract_emojis_with_indices = (library.extract_emojis_with_indices,
                                                 networks._library()[1])
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


@pytest.mark.slow
def test_the_run_at_a_time_count_equals_twitter_text_on_a_large_corpus():
    texts = corpus(3000)
    assert len(texts) > 3000
    different = [(text, tweet_weight(text), library_length(text)) for text in texts
                 if tweet_weight(text) != library_length(text)]
    assert different == []


@pytest.mark.slow
def test_our_links_count_as_23_through_the_short_cut():
    link = "https://blog.listening-brands.example/2026/x/?utm_source=x&utm_medium=social"
    for text in corpus(300, seed=7):
        assert weighted_length(f"{text} {link}", (link,)) == library_length(
            f"{text} https://t.co/campaign0")


def test_the_pkg_resources_stand_in_is_gone_after_import():
    assert "campaign.posts.weighing" in sys.modules
    leftover = sys.modules.get("pkg_resources")
    assert leftover is None or hasattr(leftover, "__file__")  # only a real one may stay


def test_the_url_short_cuts_find_what_twitter_text_finds():
    """Text whose every dot is followed by a space or ends it holds no URL, and our link
    stand-ins between spaces are found where they are: as the library finds them."""
    extract = networks._library()[0].extract_urls_with_indices
    stand_in = networks._LINK_STAND_IN
    texts = corpus(3000, seed=11)
    texts += [f"{text} {stand_in}" for text in texts[:500]]
    texts += [f"{stand_in} {text} {stand_in}" for text in texts[:300]]
    texts += [f"{text}{stand_in}" for text in texts[:200]] + [f"{stand_in}." for _ in "x"]
    short_cut = 0
    for text in texts:
        for without_protocol in (True, False):
            assert networks._urls(text, without_protocol) == extract(
                text, without_protocol), (text, without_protocol)
        short_cut += not networks._MAYBE_DOMAIN.search(text.replace(stand_in, ""))
    assert short_cut > 1000  # the short cuts were taken, not only the library's path


def test_below_the_combining_marks_every_character_is_one_grapheme_but_cr_lf():
    below = [chr(code) for code in range(0x300)]
    for first in below:  # every pair, both ways round
        text = first.join(below) + first
        assert networks.graphemes(text) == len(text) - text.count("\r\n")
        clusters = networks._grapheme_pattern().finditer(text)
        assert sum(1 for _ in clusters) == len(text) - text.count("\r\n"), repr(first)
    assert networks.graphemes("e\u0301") == 1 and networks.graphemes("a\r\nb") == 3


def test_a_dot_after_punctuation_starts_no_domain_as_twitter_text_finds():
    """The short cut's second premise: a dot after punctuation (but "-") or a space is in no
    domain. Random texts of dots after every ASCII character, beside words and TLDs."""
    extract = networks._library()[0].extract_urls_with_indices
    rng = random.Random(20)
    before = [chr(code) for code in range(0x20, 0x7f)] + ["\t", "\n", "\u00e9", "\u3000"]
    words = ["com", "is", "example", "split(", "co", "xn--bcher-kva", "a", "", "1", "-", "/x"]
    texts = [f"{rng.choice(words)}{rng.choice(before)}.{rng.choice(words)} "
             f"{rng.choice(words)}{rng.choice(before)}.{rng.choice(words)}"
             for _ in range(4000)] + ["tone ).split( answer", "x (.com) [.is] _.co -.com"]
    for text in texts:
        for without_protocol in (True, False):
            assert networks._urls(text, without_protocol) == extract(
                text, without_protocol), (text, without_protocol)
