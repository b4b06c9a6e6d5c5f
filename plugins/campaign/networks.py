"""The social networks the plugin knows: label, length limit, how text is weighed."""

import functools
import importlib
import warnings
from dataclasses import dataclass

with warnings.catch_warnings():
    # twitter-text-parser imports pkg_resources, which warns on import.
    warnings.simplefilter("ignore", UserWarning)
    from twitter_text import parse_tweet

# The module, not the function of the same name that the package re-exports.
_twitter_text = importlib.import_module("twitter_text.parse_tweet")

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


NETWORKS = {
    "x": Network(
        key="x",
        label="X",
        max_length=280,
        link_warning="contains a link: X charges more for posts with a link (as of 2026)",
    ),
}


@functools.lru_cache(maxsize=8192)  # each text is checked, then measured again for the plan
def weighted_length(text: str, links: tuple[str, ...] = ()) -> int:
    """X's weighted length (URLs 23, emoji/CJK/"…" 2). Our own `links` always count as a
    link, even on a domain twitter-text does not recognise (e.g. a `.example` test TLD)."""
    for link in links:
        text = text.replace(link, _LINK_STAND_IN)
    return parse_tweet(text).weightedLength
