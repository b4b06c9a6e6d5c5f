"""How the plugin measures a post on each network: the length functions, and the networks
the plugin knows, each its contract entry (contract/networks.py: label, limit, metric names,
the form of a link to a post; the same entry the publisher reads) with the functions of the
counting it names.
"""

import contextlib
import functools
import importlib
import importlib.util
import re
import sys
import types
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from contract import bluesky_text
from contract import networks as contract_networks
from contract.networks import NetworkFacts


class _PkgResourcesStandIn(types.ModuleType):
    """pkg_resources' one function twitter-text-parser calls."""

    @staticmethod
    def resource_string(module: str, name: str) -> bytes:
        """The file `name` beside the module `module`, as pkg_resources reads it."""
        path = sys.modules[module].__file__
        if path is None:
            raise FileNotFoundError(f"{name}: the module {module} has no file to read it beside")
        return Path(path).with_name(name).read_bytes()


@contextlib.contextmanager
def _pkg_resources_stand_in():
    """twitter-text-parser reads its emoji list with pkg_resources.resource_string, once, at
    import. pkg_resources is slow and large to import (and gone from setuptools 82), so a
    stand-in serves that one call, as pkg_resources does: the file beside the named module.
    It is in sys.modules only while twitter-text's modules are imported."""
    stand_in = _PkgResourcesStandIn("pkg_resources")
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


class _WaitingEmojiModule(types.ModuleType):
    """Holds the place of twitter_text.regexp.emoji until its pattern is used."""

    emoji = _EmojiPatternOnFirstUse()


def _import_twitter_text():
    if "twitter_text" not in sys.modules:  # else the real emoji module is there already
        sys.modules[_EMOJI_MODULE] = _WaitingEmojiModule(_EMOJI_MODULE)
    with _pkg_resources_stand_in():
        # The module, not the function of the same name that the package re-exports.
        return importlib.import_module("twitter_text.parse_tweet")


# twitter-text-parser runs its emoji pattern over every text, about 1.2 ms each, even when the
# text cannot hold an emoji. Every emoji it knows holds a character of this class (© ®, the
# symbols from U+203C, where the keycap mark U+20E3 is, to U+3299, and the emoji planes;
# tests/plugins/campaign/posts/test_weighted_length.py pins this against the library's own
# list), so for
# text without one (English, Icelandic, CJK…) the extraction is empty by construction and is
# skipped; any other text goes to the library.
EMOJI_CHARACTERS = re.compile("[\u00a9\u00ae\u203c-\u3299\U0001f000-\U0001faff]")


@functools.cache
def _library() -> tuple[types.ModuleType, Callable[[str], list[dict]]]:
    """twitter_text.parse_tweet (the module) and its own emoji extractor, imported the first
    time a text needs them (a URL to find that our short cuts do not, an emoji character):
    its URL patterns cost about 0.3 s and 1.9 MB, and most builds' texts never need them.
    The module's extractor is replaced by one that skips text without an emoji character."""
    module = _import_twitter_text()
    extract = module.extract_emojis_with_indices
    module.extract_emojis_with_indices = _extract_emojis_when_possible
    return module, extract


def _extract_emojis_when_possible(text: str) -> list[dict]:
    return _library()[1](text) if EMOJI_CHARACTERS.search(text) else []


def _convert_line_ending(text: str) -> str:
    """twitter-text's convert_line_ending (every CR LF and CR becomes LF): nothing to do in
    text without a CR."""
    return _library()[0].convert_line_ending(text) if "\r" in text else text


def _library_config() -> dict:
    """twitter-text's configurations (twitter_text/config.py, a dict literal), read without
    importing the package (whose __init__ imports its URL patterns)."""
    spec = importlib.util.find_spec("twitter_text")
    if spec is None or not spec.submodule_search_locations:
        raise ImportError("twitter-text-parser is not installed (requirements.txt)")
    path = Path(next(iter(spec.submodule_search_locations))) / "config.py"
    config_spec = importlib.util.spec_from_file_location("_twitter_text_config", path)
    if config_spec is None or config_spec.loader is None:
        raise ImportError(f"{path}: twitter-text's configuration cannot be read")
    module = importlib.util.module_from_spec(config_spec)
    config_spec.loader.exec_module(module)
    return module.config


# A URL with a real TLD: X counts every link as 23, whatever its length or domain.
_LINK_STAND_IN = "https://t.co/campaign0"

# Every URL twitter-text finds has a domain, and every domain it knows ends in a dot and a
# top-level domain (the literal `\.` of valid_domain_name, then a TLD), the dot after a
# character a domain may hold: not its `punct` but "-" (which an ASCII domain may hold), not
# a space. Text in which each dot is followed by a space or ends the text, or follows such a
# character (").split("), holds none: the search over the library's pattern of every TLD
# (about 0.3 ms a text, twice for each of the ~4,000 texts of a 1000-post build) is skipped,
# and the library is not imported. tests/plugins/campaign/posts/test_weighted_length.py
# compares it with the library.
_NOT_BEFORE_A_DOMAIN_DOT = r"!'#%&()*+,\\./:;<=>?@\[\]^_{|}~$ \t\n\r\x0b\x0c"
_MAYBE_DOMAIN = re.compile(rf"(?<![{_NOT_BEFORE_A_DOMAIN_DOT}])\.(?! |\Z)")


def _urls(text: str, without_protocol: bool = True) -> list[dict]:
    """twitter-text's extract_urls_with_indices(text, without_protocol), short cuts first:
    none when no dot can start a TLD, and our own link stand-ins, when they are the only
    dots and stand between spaces, found where they are."""
    if not _MAYBE_DOMAIN.search(text):
        return []
    pieces = text.split(_LINK_STAND_IN)
    if len(pieces) > 1 and not any(_MAYBE_DOMAIN.search(piece) for piece in pieces) and all(
            piece.startswith(" ") and piece.endswith(" ") for piece in pieces[1:-1]) and (
            pieces[0] == "" or pieces[0].endswith(" ")) and (
            pieces[-1] == "" or pieces[-1].startswith(" ")):
        found, position = [], 0
        for piece in pieces[:-1]:
            position += len(piece)
            found.append({"url": _LINK_STAND_IN,
                          "indices": [position, position + len(_LINK_STAND_IN)]})
            position += len(_LINK_STAND_IN)
        return found
    return _library()[0].extract_urls_with_indices(text, without_protocol)


@functools.lru_cache(maxsize=256)  # each text is checked, then measured again for the plan
def weighted_length(text: str, links: tuple[str, ...] = ()) -> int:
    """X's weighted length (URLs 23, emoji/CJK/"…" 2). Our own `links` always count as a
    link, even on a domain twitter-text does not recognise (e.g. a `.example` test TLD)."""
    for link in links:
        text = text.replace(link, _LINK_STAND_IN)
    return tweet_weight(text)


# --- Mastodon and Bluesky: what a reader sees is what counts (grapheme clusters) ----------

MASTODON_LINK_LENGTH = 23


# `regex` (1.3 MB) is imported by the first text that needs one of these patterns: a text
# with a character from U+0300 on, or with two "@".
@functools.cache
def _grapheme_pattern():
    import regex

    return regex.compile(r"\X")


@functools.cache
def _remote_mention_pattern():
    """Mastodon counts `@user@domain` as `@user` (the domain is not shown in full)."""
    import regex

    return regex.compile(r"(?<![\w/@])(@[A-Za-z0-9_]+)@[A-Za-z0-9.-]+[A-Za-z0-9]")


# Below U+0300 (where the combining marks begin) every character is a grapheme of its own,
# but CR LF, which is one: no character there extends, joins or prepends (tests pin it).
_BEYOND_SINGLE_CHARACTERS = re.compile("[^\x00-\u02ff]")


@functools.lru_cache(maxsize=256)
def graphemes(text: str) -> int:
    """Characters as a reader sees them: "é" written as e + accent is 1, "👍🏽" is 1."""
    if not _BEYOND_SINGLE_CHARACTERS.search(text):
        return len(text) - text.count("\r\n")
    return sum(1 for _ in _grapheme_pattern().finditer(text))


@functools.lru_cache(maxsize=256)
def mastodon_length(text: str, links: tuple[str, ...] = ()) -> int:
    """Mastodon's count (StatusLengthValidator): every URL with a scheme counts 23, whatever
    its length (found as Mastodon finds them, with twitter-text's extractor, and our own
    `links` always), a remote mention counts without its domain, the rest in graphemes."""
    for link in links:
        text = text.replace(link, "x" * MASTODON_LINK_LENGTH)
    pieces, end = [], 0
    for found in _urls(text, False):
        start, stop = found["indices"]
        pieces += [text[end:start], "x" * MASTODON_LINK_LENGTH]
        end = stop
    text = "".join(pieces) + text[end:]
    if text.count("@") > 1:  # a remote mention holds two
        text = _remote_mention_pattern().sub(r"\1", text)
    return graphemes(text)


# Each Bluesky text is shown once for its length and once for its size in bytes.
_display_text = functools.lru_cache(maxsize=256)(bluesky_text.display_text)


@functools.lru_cache(maxsize=256)
def bluesky_length(text: str, links: tuple[str, ...] = ()) -> int:
    """Bluesky's count: graphemes of the text as its readers see it, every link shortened as
    the Bluesky app shows it (contract/bluesky_text.py; the facet keeps the full URL)."""
    return graphemes(_display_text(text))


def bluesky_problems(text: str) -> list[str]:
    """The record's other limit: 3,000 UTF-8 bytes of the text as posted."""
    size = bluesky_text.utf8_length(_display_text(text))
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
    """A network as the plugin measures it: its contract entry and its counting's functions."""
    facts: NetworkFacts
    length: Callable[..., int]   # (text, links) → the network's count
    problems: Callable[[str], list[str]] = nothing_to_say  # limits besides the length
    warnings: Callable[[str], list[str]] = nothing_to_say  # per-text warnings for the plan

    @property
    def key(self) -> str:
        """Social_Networks value and the plan's `network`."""
        return self.facts.name

    @property
    def label(self) -> str:
        """Engagement_<Label>, Social_<Label> and what messages say."""
        return self.facts.label

    @property
    def max_length(self) -> int:
        return self.facts.max_length

    @property
    def length_unit(self) -> str:
        return self.facts.length_unit

    @property
    def length_help(self) -> str:
        return self.facts.length_help

    @property
    def link_warning(self) -> str | None:
        return self.facts.link_warning

    @property
    def metrics(self) -> tuple[str, ...]:
        """The Engagement_<Label> line's numbers, in order."""
        return self.facts.metric_names

    @property
    def link_pattern(self) -> str:
        """The only form a post's link may take (Engagement_<Label>_Posts): it becomes an href."""
        return self.facts.link_pattern

    @property
    def link_form(self) -> str:
        return self.facts.link_form


# Each counting of the contract (contract/networks.py COUNTINGS): its length function, and
# its other problems and warnings.
COUNTINGS: dict[str, tuple[Callable[..., int], Callable[[str], list[str]],
                           Callable[[str], list[str]]]] = {
    contract_networks.COUNT_TWITTER_TEXT: (weighted_length, nothing_to_say, nothing_to_say),
    contract_networks.COUNT_MASTODON: (mastodon_length, nothing_to_say, nothing_to_say),
    contract_networks.COUNT_BLUESKY: (bluesky_length, bluesky_problems, bluesky_warnings),
}

NETWORKS = {name: Network(facts, *COUNTINGS[facts.counting])
            for name, facts in contract_networks.NETWORKS.items()}


# parse_tweet's weighted length without its loop over every character (about 0.25 ms a text,
# most of a build's campaign time): the same normalisation, the library's own URLs and emoji,
# and the characters between them weighed a run at a time, with the library's default
# configuration. tests/plugins/campaign/posts/test_weighted_length.py compares the two on
# thousands of texts.
_OPTIONS = _library_config()["defaults"]


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
    text = _convert_line_ending(unicodedata.normalize("NFC", text))
    entities = {}  # start index: (length, weight); a URL wins over an emoji at one index
    if _OPTIONS["emoji_parsing_enabled"]:
        for emoji in _extract_emojis_when_possible(text):
            entities[emoji["indices"][0]] = (len(emoji["emoji"]), _OPTIONS["default_weight"])
    url_weight = _OPTIONS["transformed_url_length"] * _OPTIONS["scale"]
    for url in _urls(text):
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
    for cached in (weighted_length, graphemes, mastodon_length, bluesky_length,
                   _display_text):
        cached.cache_clear()
