"""The social networks the plugin knows: label, length limit, how text is weighed."""

import functools
import importlib
import sys
import types
from dataclasses import dataclass
from pathlib import Path


def _import_twitter_text():
    """twitter-text-parser reads its emoji list with pkg_resources.resource_string, once, at
    import. pkg_resources is slow and large to import (and gone from setuptools 82), so a
    stand-in serves that one call, as pkg_resources does: the file beside the named module.
    It is in sys.modules only during this import."""
    stand_in = types.ModuleType("pkg_resources")
    stand_in.resource_string = lambda module, name: (
        Path(sys.modules[module].__file__).with_name(name).read_bytes()
    )
    previous = sys.modules.get("pkg_resources")
    sys.modules["pkg_resources"] = stand_in
    try:
        from twitter_text import parse_tweet

        # The module, not the function of the same name that the package re-exports.
        return parse_tweet, importlib.import_module("twitter_text.parse_tweet")
    finally:
        if previous is None:
            del sys.modules["pkg_resources"]
        else:
            sys.modules["pkg_resources"] = previous


parse_tweet, _twitter_text = _import_twitter_text()

# twitter-text-parser runs its emoji pattern over every text, about 1.2 ms each, even when the
# text cannot hold an emoji: most of a build's campaign time. No emoji starts below U+00A9 (©)
# (tests/plugin/test_units.py pins this against the library's own pattern), so for such text
# the extraction is empty by construction and is skipped; any other text goes to the library.
EMOJI_FLOOR = "\u00a9"
_extract_emojis = _twitter_text.extract_emojis_with_indices


def _extract_emojis_when_possible(text: str) -> list[dict]:
    return _extract_emojis(text) if text and max(text) >= EMOJI_FLOOR else []


_twitter_text.extract_emojis_with_indices = _extract_emojis_when_possible

# A URL with a real TLD: X counts every link as 23, whatever its length or domain.
_LINK_STAND_IN = "https://t.co/campaign0"


@dataclass(frozen=True)
class Network:
    key: str
    label: str
    max_length: int
    link_warning: str | None
    # The only form a post's link may take (Engagement_<Network>_Posts): the publisher's
    # post_url, with {post_id} matching post_id_pattern (a regular expression) in full.
    post_url: str
    post_id_pattern: str
    post_id_form: str  # post_id_pattern in words, for messages


NETWORKS = {
    "x": Network(
        key="x",
        label="X",
        max_length=280,
        link_warning="contains a link: X charges more for posts with a link (as of 2026)",
        post_url="https://x.com/i/web/status/{post_id}",  # publish/networks/x.py post_url
        post_id_pattern="[0-9]{1,19}",  # X ids are 64-bit integers
        post_id_form="1 to 19 digits",
    ),
}


@functools.lru_cache(maxsize=8192)  # each text is checked, then measured again for the plan
def weighted_length(text: str, links: tuple[str, ...] = ()) -> int:
    """X's weighted length (URLs 23, emoji/CJK/"…" 2). Our own `links` always count as a
    link, even on a domain twitter-text does not recognise (e.g. a `.example` test TLD)."""
    for link in links:
        text = text.replace(link, _LINK_STAND_IN)
    return parse_tweet(text).weightedLength
