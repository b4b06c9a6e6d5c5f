"""One article's campaign problems, each said once. Pure.

Checks that run once per network (a slot's text on X, on Mastodon, …) find the same
mistake once per network. They add the network as a third element, `(Key, reason,
network)`; merged() keeps one line per (Key, reason), where it was first found, and names
every network it was found on: `mentions coupon SAVE10 but … (x, mastodon)`. A problem
whose reason already differs per network (a length, `… on X, the limit is 280`) is added
without one.
"""

from collections.abc import Iterable

from .weighing import NETWORKS


def merged(problems: Iterable[tuple]) -> list[tuple[str, str]]:
    """`(Key, reason)` or `(Key, reason, network)` entries → unique `(Key, reason)` pairs in
    first-found order, the networks named in the network order of `NETWORKS`."""
    found: dict[tuple[str, str], set[str]] = {}
    for key, reason, *network in problems:
        found.setdefault((key, reason), set()).update(network)
    return [(key, f"{reason} ({', '.join(n for n in NETWORKS if n in networks)})"
             if networks else reason)
            for (key, reason), networks in found.items()]
