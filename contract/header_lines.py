"""The lines the publisher writes into an article's Markdown header and the plugin reads
(docs/contract.md §3): their keys and the form of their values. Standard library only.

    Shared_Id: en/answering-customers-on-twitter
    Shared_Urls: 2026/answering-customers-on-twitter/, 2026/an-older-slug/
    Engagement_X: likes 12, reposts 3, replies 1, quotes 0, bookmarks 2, impressions 1400
    Engagement_X_As_Of: 2026-11-22T15:00:00Z
    Engagement_X_Posts: https://x.com/i/web/status/1849203

`<Label>` is the network's label (contract/networks.py); the numbers are its
`metric_names`, in that order; the time is the plan's form (contract/plan.py `utc_iso`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

SHARED_ID_KEY = "Shared_Id"
SHARED_URLS_KEY = "Shared_Urls"
# Between the entries of a list value: the paths of Shared_Urls, the links of
# Engagement_<Label>_Posts, the numbers of Engagement_<Label>. A comma inside a path is
# written %2C.
SEPARATOR = ", "

# An Engagement key as the plugin reads it (keys lowercased): the network's name, and which
# of its three lines.
ENGAGEMENT_KEY = re.compile(r"^engagement_([a-z0-9]+)(_as_of|_posts)?$")
# One number of an Engagement line: its metric name, a space, its value.
METRIC = re.compile(r"^([a-z]+) (\d+)$")


def engagement_key(label: str) -> str:
    """The line of the network's numbers."""
    return f"Engagement_{label}"


def as_of_key(label: str) -> str:
    """The line of the time the numbers were fetched."""
    return f"Engagement_{label}_As_Of"


def posts_key(label: str) -> str:
    """The line listing the article's posts on the network."""
    return f"Engagement_{label}_Posts"


def metrics_value(numbers: Iterable[tuple[str, int]]) -> str:
    """`likes 12, reposts 3`: each metric name and its number, in the order given."""
    return SEPARATOR.join(f"{name} {number}" for name, number in numbers)


def split_list(value: str) -> list[str]:
    """A list value's entries, stripped (an empty entry stays, for the reader to refuse)."""
    return [part.strip() for part in value.split(SEPARATOR.strip())]
