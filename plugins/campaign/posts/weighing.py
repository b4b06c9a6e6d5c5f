"""The social networks the plugin knows: label, length limit, how text is weighed, the
numbers the publisher writes back and the form of a link to a post.

The publisher declares the same facts for itself (publish/networks/*_capabilities.py):
tests/contract/test_metric_names.py ties the two.
"""

import contextlib
import functools
import importlib
import re
import sys
import types
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import regex

# The Bluesky text rule is shared with the publisher: contract/bluesky_text.py at the
# project's root, beside plugins/ (the plugin may be loaded from PLUGIN_PATHS alone).
_PROJECT = str(Path(__file__).resolve().parents[3])
if _PROJECT not in sys.path:
    sys.path.append(_PROJECT)
from contract import bluesky_text  # noqa: E402


@contextlib.contextmanager
def _pkg_resources_stand_in():
    """twitter-text-parser reads its emoji list with pkg_resources.resource_string, once, at
    import. pkg_resources is slow and large to import (and gone from setuptools 82), so a
    stand-in serves that one call, as pkg_resources does: the file beside the named module.
    It is in sys.modules only while twitter-text's modules are imported."""
    stand_in = types.ModuleType("pkg_resources")
    stand_in.resource_string = lambda module, name: (
        Path(sys.modules[module].__file__).with_name(name).read_bytes()
    )
    previous = sys.modules.get("pkg_resources")
    sys.modules["pkg_resources"] = stand_in
    try:
        yield
    finally:
        if previous is None:
            del sys.modules["pkg_resources"]
        else:
            sys.modules["pkg_resources"] = previous


# twitter-text builds its emoji pattern at import from a list of 4,000 emoji: 4 MB and about
# 150 ms a build, for a pattern that only text holding an emoji character needs (below). Until
# then a stand-in module holds the place of twitter_text.regexp.emoji, its `emoji` a proxy
# that imports the real module the first time it is used.
_EMOJI_MODULE = "twitter_text.regexp.emoji"


@functools.cache
def emoji_pattern() -> re.Pattern:
    """twitter-text's own emoji pattern (imported on first use)."""
    waiting = sys.modules.pop(_EMOJI_MODULE, None)
    try:
        with _pkg_resources_stand_in():
            return importlib.import_module(_EMOJI_MODULE).emoji
    except BaseException:
        if waiting is not None:
            sys.modules[_EMOJI_MODULE] = waiting
        raise


class _EmojiPatternOnFirstUse:
    def __getattr__(self, name):
        return getattr(emoji_pattern(), name)


def _import_twitter_text():
    if "twitter_text" not in sys.modules:  # else the real emoji module is there already
        waiting = types.ModuleType(_EMOJI_MODULE)
        waiting.emoji = _EmojiPatternOnFirstUse()
        sys.modules[_EMOJI_MODULE] = waiting
    with _pkg_resources_stand_in():
        from twitter_text import parse_tweet

        # The module, not the function of the same name that the package re-exports.
        return parse_tweet, importlib.import_module("twitter_text.parse_tweet")


parse_tweet, _twitter_text = _import_twitter_text()

# twitter-text-parser runs its emoji pattern over every text, about 1.2 ms each, even when the
# text cannot hold an emoji. Every emoji it knows holds a character of this class (© ®, the
# symbols from U+203C, where the keycap mark U+20E3 is, to U+3299, and the emoji planes;
# tests/plugins/campaign/posts/test_weighted_length.py pins this against the library's own
# list), so for
# text without one (English, Icelandic, CJK…) the extraction is empty by construction and is
# skipped; any other text goes to the library.
EMOJI_CHARACTERS = re.compile("[\u00a9\u00ae\u203c-\u3299\U0001f000-\U0001faff]")
_extract_emojis = _twitter_text.extract_emojis_with_indices


def _extract_emojis_when_possible(text: str) -> list[dict]:
    return _extract_emojis(text) if EMOJI_CHARACTERS.search(text) else []


_twitter_text.extract_emojis_with_indices = _extract_emojis_when_possible

# A URL with a real TLD: X counts every link as 23, whatever its length or domain.
_LINK_STAND_IN = "https://t.co/campaign0"


@functools.lru_cache(maxsize=8192)  # each text is checked, then measured again for the plan
def weighted_length(text: str, links: tuple[str, ...] = ()) -> int:
    """X's weighted length (URLs 23, emoji/CJK/"…" 2). Our own `links` always count as a
    link, even on a domain twitter-text does not recognise (e.g. a `.example` test TLD)."""
    for link in links:
        text = text.replace(link, _LINK_STAND_IN)
    return tweet_weight(text)


# --- Mastodon and Bluesky: what a reader sees is what counts (grapheme clusters) ----------

_GRAPHEME = regex.compile(r"\X")
MASTODON_LINK_LENGTH = 23
# Mastodon counts `@user@domain` as `@user` (the domain is not shown in full).
_REMOTE_MENTION = regex.compile(r"(?<![\w/@])(@[A-Za-z0-9_]+)@[A-Za-z0-9.-]+[A-Za-z0-9]")


@functools.lru_cache(maxsize=8192)
def graphemes(text: str) -> int:
    """Characters as a reader sees them: "é" written as e + accent is 1, "👍🏽" is 1."""
    return sum(1 for _ in _GRAPHEME.finditer(text))


@functools.lru_cache(maxsize=8192)
def mastodon_length(text: str, links: tuple[str, ...] = ()) -> int:
    """Mastodon's count (StatusLengthValidator): every URL with a scheme counts 23, whatever
    its length (found as Mastodon finds them, with twitter-text's extractor, and our own
    `links` always), a remote mention counts without its domain, the rest in graphemes."""
    for link in links:
        text = text.replace(link, "x" * MASTODON_LINK_LENGTH)
    pieces, end = [], 0
    for found in _twitter_text.extract_urls_with_indices(text, False):
        start, stop = found["indices"]
        pieces += [text[end:start], "x" * MASTODON_LINK_LENGTH]
        end = stop
    text = "".join(pieces) + text[end:]
    return graphemes(_REMOTE_MENTION.sub(r"\1", text))


@functools.lru_cache(maxsize=8192)
def bluesky_length(text: str, links: tuple[str, ...] = ()) -> int:
    """Bluesky's count: graphemes of the text as its readers see it, every link shortened as
    the Bluesky app shows it (contract/bluesky_text.py; the facet keeps the full URL)."""
    return graphemes(bluesky_text.display_text(text))


def bluesky_problems(text: str) -> list[str]:
    """The record's other limit: 3,000 UTF-8 bytes of the text as posted."""
    size = bluesky_text.utf8_length(bluesky_text.display_text(text))
    if size > bluesky_text.MAX_BYTES:
        return [f"{size} bytes on Bluesky, the limit is {bluesky_text.MAX_BYTES} "
                "(UTF-8: emoji take 4 bytes, CJK 3; Bluesky refuses a longer post)"]
    return []


def bluesky_warnings(text: str) -> list[str]:
    return [f"@{handle}: linked on Bluesky only if the handle resolves when it is posted "
            "(else it stays plain text)" for handle in bluesky_text.handles(text)]


def nothing_to_say(text: str) -> list[str]:
    return []


@dataclass(frozen=True)
class Network:
    key: str           # Social_Networks value and the plan's `network`
    label: str         # Engagement_<Label> and what messages say
    max_length: int
    length: Callable[..., int]   # (text, links) → the network's count
    length_unit: str   # what it counts, for messages: "weighted characters"
    length_help: str   # how the network counts, for messages
    link_warning: str | None
    metrics: tuple[str, ...]     # the Engagement_<Label> line's numbers, in order
    # The only form a post's link may take (Engagement_<Label>_Posts): it becomes an href.
    # The same pattern as the publisher's capabilities link_pattern.
    link_pattern: str
    link_form: str     # link_pattern in words, for messages
    problems: Callable[[str], list[str]] = nothing_to_say  # limits besides the length
    warnings: Callable[[str], list[str]] = nothing_to_say  # per-text warnings for the plan


NETWORKS = {
    "x": Network(
        key="x",
        label="X",
        max_length=280,
        length=weighted_length,
        length_unit="weighted characters",
        length_help="every link counts 23, emoji, CJK and … count 2",
        link_warning="contains a link: X charges more for posts with a link (as of 2026)",
        metrics=("likes", "reposts", "replies", "quotes", "bookmarks", "impressions"),
        link_pattern=r"https://x\.com/i/web/status/(?P<post_id>[0-9]{1,19})",
        link_form="https://x.com/i/web/status/<1 to 19 digits>",
    ),
    "mastodon": Network(
        key="mastodon",
        label="Mastodon",
        max_length=500,
        length=mastodon_length,
        length_unit="characters",
        length_help="as a reader sees them; every link counts 23",
        link_warning=None,
        metrics=("favourites", "boosts", "replies"),
        # Every server's own status link (Mastodon `/@user/ID`, `/users/user/statuses/ID`;
        # GoToSocial `/@user/statuses/ID`; Takahē `/@user/posts/ID/`,
        # `/@user@domain/posts/ID/`; Akkoma/Pleroma `/notice/ID`), ids of letters, digits,
        # `_` and `-` (snowflakes, ULIDs, FlakeIds).
        link_pattern=(r"(?:https://[A-Za-z0-9](?:[A-Za-z0-9.-]{0,251}[A-Za-z0-9])?"
                      r"|http://(?:127\.0\.0\.1|localhost))(?::[0-9]{1,5})?"
                      r"/(?:@[A-Za-z0-9_](?:[A-Za-z0-9_.-]{0,28}[A-Za-z0-9_])?"
                      r"(?:@[A-Za-z0-9](?:[A-Za-z0-9.-]{0,251}[A-Za-z0-9])?)?"
                      r"/(?:statuses/|posts/)?"
                      r"|users/[A-Za-z0-9_](?:[A-Za-z0-9_.-]{0,28}[A-Za-z0-9_])?/statuses/"
                      r"|notice/)(?P<post_id>[A-Za-z0-9_-]{1,64})/?"),
        link_form="https://<server>/<the server's status path>/<status id>",
    ),
    "bluesky": Network(
        key="bluesky",
        label="Bluesky",
        max_length=bluesky_text.MAX_GRAPHEMES,
        length=bluesky_length,
        length_unit="characters",
        length_help="as a reader sees them; a link counts as the app shows it, shortened to "
                    "its domain and 13 more characters and ...",
        link_warning=None,
        metrics=("likes", "reposts", "replies", "quotes"),
        link_pattern=(r"https://bsky\.app/profile/(?P<did>did:(?:plc:[a-z2-7]{24}|web:[a-z0-9]"
                      r"(?:[a-z0-9.-]{0,251}[a-z0-9])?))/post/(?P<rkey>[234567abcdefghij]"
                      r"[234567abcdefghijklmnopqrstuvwxyz]{12})"),
        link_form="https://bsky.app/profile/<did>/post/<record key>",
        problems=bluesky_problems,
        warnings=bluesky_warnings,
    ),
}


# parse_tweet's weighted length without its loop over every character (about 0.25 ms a text,
# most of a build's campaign time): the same normalisation, the library's own URLs and emoji,
# and the characters between them weighed a run at a time, with the library's default
# configuration. tests/plugins/campaign/posts/test_weighted_length.py compares the two on
# thousands of texts.
_OPTIONS = _twitter_text.config["defaults"]


def _weight_classes(options: dict) -> tuple[tuple[int, re.Pattern], ...]:
    """(extra weight over the default, pattern of the characters in the ranges of that
    weight); twitter-text takes the first range holding a character, so ranges that overlap
    are cut to what earlier ones leave."""
    taken: list[tuple[int, int]] = []
    by_weight: dict[int, list[str]] = {}
    for entry in options["ranges"]:
        start, end = entry["start"], entry["end"]
        for low, high in taken:  # only needed when ranges overlap; none do today
            if low <= start <= high:
                start = high + 1
            if low <= end <= high:
                end = low - 1
        if start <= end and entry["weight"] != options["default_weight"]:
            by_weight.setdefault(entry["weight"], []).append(
                f"{re.escape(chr(start))}-{re.escape(chr(end))}")
        taken.append((entry["start"], entry["end"]))
    return tuple((weight - options["default_weight"], re.compile(f"[{''.join(parts)}]"))
                 for weight, parts in by_weight.items())


_WEIGHT_CLASSES = _weight_classes(_OPTIONS)


def _run_weight(run: str) -> int:
    """The summed weights (in the library's scaled units) of characters outside any entity."""
    total = len(run) * _OPTIONS["default_weight"]
    for extra, pattern in _WEIGHT_CLASSES:
        total += extra * (len(run) - len(pattern.sub("", run)))
    return total


def tweet_weight(text: str) -> int:
    """parse_tweet(text).weightedLength, for the library's default configuration."""
    text = _twitter_text.convert_line_ending(unicodedata.normalize("NFC", text))
    entities = {}  # start index: (length, weight); a URL wins over an emoji at one index
    if _OPTIONS["emoji_parsing_enabled"]:
        for emoji in _extract_emojis_when_possible(text):
            entities[emoji["indices"][0]] = (len(emoji["emoji"]), _OPTIONS["default_weight"])
    url_weight = _OPTIONS["transformed_url_length"] * _OPTIONS["scale"]
    for url in _twitter_text.extract_urls_with_indices(text):
        entities[url["indices"][0]] = (len(url["url"]), url_weight)
    total, position = 0, 0
    for start in sorted(entities):
        if start < position:  # inside the entity before: the library skips it too
            continue
        length, weight = entities[start]
        total += _run_weight(text[position:start]) + weight
        position = start + length
    total += _run_weight(text[position:])
    return int(total / _OPTIONS["scale"])


def forget_texts() -> None:
    """Drop the texts the length caches hold (every candidate a matching post tried): they
    serve one campaign pass, and would otherwise stay through the writing of every page."""
    for cached in (weighted_length, graphemes, mastodon_length, bluesky_length):
        cached.cache_clear()
