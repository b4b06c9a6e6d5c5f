"""A mistake the build reports, in one form: `Problem`, said as one `file: Key: reason`
line (`line()`, the only place that line is made). Pure.

Checks that run once per network (a slot's text on X, on Mastodon, …) find the same
mistake once per network. They name the network on the problem; merged() keeps one problem
per (file, Key, reason), where it was first found, and names every network it was found
on: `mentions coupon SAVE10 but … (x, mastodon)`. A problem whose reason already differs
per network (a length, `… on X, the limit is 280`) is made without one.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace


@dataclass(frozen=True)
class Problem:
    reason: str
    # What it is about, as the author writes it: a header key (`Coupon_Offer`), `body`, a
    # setting (`CAMPAIGN_NOW`); "" for the whole file, or for a header line that is no key.
    key: str = ""
    line: int | None = None  # in the file (a header line that is no key is named by it)
    # A header line that was meant as this key (`Date : …`), lowercased: that key is not
    # also reported missing.
    attempted: str | None = None
    file: str = ""  # relative to the content folder, `/` separators; "" for the settings
    network: str | None = None  # found checking this network's text (see merged())

    @property
    def label(self) -> str:
        """`Title`, `line 4`, or "" for the whole file."""
        return self.key or (f"line {self.line}" if self.line else "")

    def in_file(self, file: str) -> Problem:
        return replace(self, file=file)

    def as_line(self) -> str:
        """`posts/a.md: Coupon_Offer: missing`; `posts/a.md: reason` for the whole file;
        `CAMPAIGN_NOW: reason` for a setting."""
        return ": ".join(part for part in (self.file, self.label, self.reason) if part)


def lines(problems: Iterable[Problem]) -> list[str]:
    """Each problem's line, once, in first-found order (a text shared by several networks
    is checked once per network: its problem is still one line)."""
    return list(dict.fromkeys(problem.as_line() for problem in problems))


def merged(problems: Iterable[Problem], network_order: Iterable[str]) -> list[Problem]:
    """One problem per (file, Key, reason) in first-found order, without a network; the
    networks it was found on named at the end of its reason, in `network_order`."""
    found: dict[Problem, set[str]] = {}
    for problem in problems:
        found.setdefault(replace(problem, network=None), set()).update(
            [problem.network] if problem.network else [])
    order = list(network_order)
    return [replace(problem, reason=f"{problem.reason} "
                    f"({', '.join(n for n in order if n in networks)})") if networks else problem
            for problem, networks in found.items()]
