"""Engagement_* header lines written by the publisher (docs/contract.md §3)."""

import functools
import re
from datetime import UTC, datetime

from ..posts.weighing import NETWORKS, Network
from .keys import display_key

KEY_RE = re.compile(r"^engagement_([a-z0-9]+)(_as_of|_posts)?$")
_METRIC_RE = re.compile(r"^([a-z]+) (\d+)$")
_AS_OF_RE = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$")


def parse_metrics(value: str, network: Network) -> list[tuple[str, int]]:
    """The network's numbers, each named, in its order (networks.py `metrics`)."""
    parts = [part.strip() for part in value.split(",")]
    found = [_METRIC_RE.match(part) for part in parts]
    names = tuple(m.group(1) for m in found if m)
    if not all(found) or names != network.metrics:
        example = ", ".join(f"{name} 0" for name in network.metrics)
        raise ValueError(f"expected {example!r}, got {value.strip()!r}")
    return [(m.group(1), int(m.group(2))) for m in found]


def parse_as_of(value: str) -> datetime:
    text = value.strip()
    if not _AS_OF_RE.match(text):
        raise ValueError(f"expected a UTC time like 2026-11-22T15:00:00Z, got {text!r}")
    try:
        return datetime.strptime(text, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
    except ValueError:
        raise ValueError(f"not a valid date-time {text!r}") from None


@functools.cache
def post_link_re(network: Network) -> re.Pattern:
    """The network's post link, exactly (matched in full): networks.py `link_pattern`."""
    return re.compile(network.link_pattern)


def parse_posts(value: str, network: Network) -> list[str]:
    """Comma-separated links, each exactly in the network's form: they become `href`s."""
    links = [part.strip() for part in value.split(",")]
    for link in links:
        if not post_link_re(network).fullmatch(link):
            raise ValueError(
                f"{link!r} is not a link to a post on {network.label} (expected "
                f"{network.link_form}, comma-separated)"
            )
    return links


def parse_engagement(lines: dict[str, str]) -> tuple[dict, list[tuple[str, str]]]:
    """`lines` maps lowercased engagement_* keys to values. Returns the §4 dict and problems
    as (Key, reason)."""
    problems = []
    per_network: dict[str, dict[str, str]] = {}
    for key, value in sorted(lines.items()):
        match = KEY_RE.match(key)
        if not match:
            problems.append((display_key(key), "unknown key (expected Engagement_<Network>, "
                             "Engagement_<Network>_As_Of or Engagement_<Network>_Posts, e.g. "
                             "Engagement_X)"))
            continue
        network, suffix = match.group(1), match.group(2) or ""
        if network not in NETWORKS:
            known = ", ".join(n.label for n in NETWORKS.values())
            key = display_key(f"engagement_{network}{suffix}")
            problems.append((key, f"unknown network (known: {known})"))
            continue
        per_network.setdefault(network, {})[suffix] = value
    result = {}
    for network, fields in sorted(per_network.items()):
        entry, ok = {"label": NETWORKS[network].label}, True
        for suffix, name, parse in (
            ("", "metrics", functools.partial(parse_metrics, network=NETWORKS[network])),
            ("_as_of", "as_of", parse_as_of),
            ("_posts", "posts", functools.partial(parse_posts, network=NETWORKS[network])),
        ):
            key = display_key(f"engagement_{network}{suffix}")
            if suffix not in fields:
                problems.append((key, "missing (the publisher writes all three Engagement lines)"))
                ok = False
                continue
            try:
                entry[name] = parse(fields[suffix])
            except ValueError as error:
                problems.append((key, str(error)))
                ok = False
        if ok:
            result[network] = entry
    return result, problems
