"""The social networks the plugin knows: label, length limit, how text is weighed."""

import warnings
from dataclasses import dataclass

with warnings.catch_warnings():
    # twitter-text-parser imports pkg_resources, which warns on import.
    warnings.simplefilter("ignore", UserWarning)
    from twitter_text import parse_tweet

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


def weighted_length(text: str, links: tuple[str, ...] = ()) -> int:
    """X's weighted length (URLs 23, emoji/CJK/"…" 2). Our own `links` always count as a
    link, even on a domain twitter-text does not recognise (e.g. a `.example` test TLD)."""
    for link in links:
        text = text.replace(link, _LINK_STAND_IN)
    return parse_tweet(text).weightedLength
