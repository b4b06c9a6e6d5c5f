"""Engagement_* header lines written by the publisher (docs/contract.md §3, their form in
contract/header_lines.py)."""

import functools
import re
from datetime import UTC, datetime

from contract.header_lines import ENGAGEMENT_KEY, METRIC, metrics_value, split_list
from contract.plan import TIME_FORMAT

from ..posts.weighing import NETWORKS, Network
from ..problems import Problem
from .keys import display_key

_AS_OF_RE = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$")


def parse_metrics(value: str, network: Network) -> list[tuple[str, int]]:
    """The network's numbers, each named, in its order (contract/networks.py
    `metric_names`)."""
    parts = split_list(value)
    found = [m for m in (METRIC.match(part) for part in parts) if m]
    names = tuple(m.group(1) for m in found)
    if len(found) != len(parts) or names != network.metrics:
        example = metrics_value((name, 0) for name in network.metrics)
        raise ValueError(f"expected {example!r}, got {value.strip()!r}")
    return [(m.group(1), int(m.group(2))) for m in found]


def parse_as_of(value: str) -> datetime:
    text = value.strip()
    if not _AS_OF_RE.match(text):
        raise ValueError(f"expected a UTC time like 2026-11-22T15:00:00Z, got {text!r}")
    try:
        return datetime.strptime(text, TIME_FORMAT).replace(tzinfo=UTC)
    except ValueError:
        raise ValueError(f"not a valid date-time {text!r}") from None


@functools.cache
def post_link_re(network: Network) -> re.Pattern:
    """The network's post link, exactly (matched in full): networks.py `link_pattern`."""
    return re.compile(network.link_pattern)


def parse_posts(value: str, network: Network) -> list[str]:
    """Comma-separated links, each exactly in the network's form: they become `href`s."""
    links = split_list(value)
    for link in links:
        if not post_link_re(network).fullmatch(link):
            raise ValueError(
                f"{link!r} is not a link to a post on {network.label} (expected "
                f"{network.link_form}, comma-separated)"
            )
    return links


def parse_engagement(lines: dict[str, str]) -> tuple[dict, list[Problem]]:
    """`lines` maps lowercased engagement_* keys to values. Returns the §4 dict and the
    problems (without a file)."""
    problems = []
    per_network: dict[str, dict[str, str]] = {}
    for key, value in sorted(lines.items()):
        match = ENGAGEMENT_KEY.match(key)
        if not match:
            problems.append(Problem("unknown key (expected Engagement_<Network>, "
                             "Engagement_<Network>_As_Of or Engagement_<Network>_Posts, e.g. "
                             "Engagement_X)", display_key(key)))
            continue
        network, suffix = match.group(1), match.group(2) or ""
        if network not in NETWORKS:
            known = ", ".join(n.label for n in NETWORKS.values())
            key = display_key(f"engagement_{network}{suffix}")
            problems.append(Problem(f"unknown network (known: {known})", key))
            continue
        per_network.setdefault(network, {})[suffix] = value
    result = {}
    for network, fields in sorted(per_network.items()):
        entry: dict[str, object] = {"label": NETWORKS[network].label}
        ok = True
        for suffix, name, parse in (
            ("", "metrics", functools.partial(parse_metrics, network=NETWORKS[network])),
            ("_as_of", "as_of", parse_as_of),
            ("_posts", "posts", functools.partial(parse_posts, network=NETWORKS[network])),
        ):
            key = display_key(f"engagement_{network}{suffix}")
            if suffix not in fields:
                problems.append(Problem(
                    "missing (the publisher writes all three Engagement lines)", key))
                ok = False
                continue
            try:
                entry[name] = parse(fields[suffix])
            except ValueError as error:
                problems.append(Problem(str(error), key))
                ok = False
        if ok:
            result[network] = entry
    return result, problems
