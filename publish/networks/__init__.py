"""The small interface every social network adapter implements, and the registry.

An adapter posts a `Draft` (its `key`, the plan item id, is stable across runs: a network
that can make a create idempotent uses it), finds its own recent posts containing a link (to
settle an attempt whose outcome is unknown), fetches public metrics (≤
`capabilities.metrics_batch` ids per call, named as in `capabilities.metric_names`) and turns
every failure into a `NetworkError` with a kind from `ErrorKind`. "Adding a network" in
docs/publisher.md walks through writing one.
Capabilities are plain data so the runner never asks "is this X?"; they live in a module of
their own per network (no network library imported), so the ledger can check a post id's form
without loading one.
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, fields
from datetime import datetime
from enum import StrEnum
from typing import Protocol, TypeGuard

from contract import networks as contract_networks
from contract.networks import NetworkFacts
from publish.errors import ExitCode, PublishError


class ErrorKind(StrEnum):
    INVALID = "invalid"                # 400: the request was refused as invalid
    UNAUTHORIZED = "unauthorized"      # 401
    OUT_OF_CREDITS = "out_of_credits"  # 402
    FORBIDDEN = "forbidden"            # 403 (other than duplicate)
    DUPLICATE = "duplicate"            # 403 duplicate content: the text is already posted
    NOT_FOUND = "not_found"            # 404
    RATE_LIMITED = "rate_limited"      # 429
    SERVER = "server_error"            # 5xx
    NETWORK = "network_error"          # connection refused/dropped, timeout
    MALFORMED = "malformed_answer"     # an answer we cannot read
    CONFIG = "configuration"           # credentials missing or unusable
    # The network answered for our item with another post (another address or account):
    # nothing can be settled from it; the item is parked for a person.
    MISMATCH = "mismatched_answer"


# For a create request: these answers prove that no post was created, so the item may be
# tried again on a later run. DUPLICATE proves the opposite (reconcile). Every other failure
# of a create request is ambiguous unless the adapter says otherwise (`certain_no_post`).
NO_POST_KINDS = frozenset({ErrorKind.INVALID, ErrorKind.UNAUTHORIZED, ErrorKind.OUT_OF_CREDITS,
                           ErrorKind.FORBIDDEN, ErrorKind.RATE_LIMITED, ErrorKind.CONFIG})


class NetworkError(PublishError):
    """A network's answer (or no answer) as one of ErrorKind; a CONFIG one is exit 2, any
    other a failure (exit 1)."""

    def __init__(self, kind: ErrorKind, message: str, *, status: int | None = None,
                 reset_at: datetime | None = None, certain_no_post: bool | None = None):
        super().__init__(message)
        self.kind = kind
        self.message = message
        self.status = status
        self.reset_at = reset_at
        self.certain_no_post = (kind in NO_POST_KINDS if certain_no_post is None
                                else certain_no_post)

    @property
    def exit_code(self) -> ExitCode:  # type: ignore[override]  # depends on the kind
        return ExitCode.CONFIG if self.kind is ErrorKind.CONFIG else ExitCode.FAILED

    def __str__(self) -> str:
        """One line per problem (a configuration error may list several)."""
        where = f"HTTP {self.status}: " if self.status else ""
        return "\n".join(f"{self.kind.value}: {where}{line}"
                         for line in self.message.splitlines() or [""])


@dataclass(frozen=True)
class Capabilities:
    """What the publisher knows about a network: its contract entry's facts
    (contract/networks.py, `of`) and the publisher's own (`metrics_batch`,
    `proves_absence`)."""
    name: str                    # plan `network` value, e.g. "x"
    label: str                   # header label, e.g. "X" → Engagement_X
    metrics_batch: int           # ids per fetch_metrics call
    # The numbers fetch_metrics returns, in the order of the Engagement_<Label> line.
    metric_names: tuple[str, ...] = ("likes", "reposts", "replies")
    # Link to a post: formatted with post_id and the named groups of post_id_pattern. Empty
    # when only the network knows it (Mastodon: instance and account); the adapter then
    # returns the link the network answers with.
    post_url: str = ""
    # Every post link (formed or answered) must match this in full before it is stored: it
    # becomes an href on the site (the plugin checks the Engagement lines with the same
    # contract entry).
    link_pattern: str = r"https://[A-Za-z0-9.-]{1,253}/[A-Za-z0-9/@._~-]{1,200}"
    # The post id in a link, from link_pattern's named groups (`resolve --posted LINK`).
    post_id_in_link: str = "{post_id}"
    post_credentials: tuple[str, ...] = ()   # env vars needed to post
    read_credentials: tuple[tuple[str, ...], ...] = ()  # alternatives enough to read
    post_id_pattern: str = r"[^\s\x00-\x1f\x7f]{1,100}"  # what a post id looks like (regex)
    post_id_form: str = "a short single word"        # the same in words, for messages
    # True when `find_recent_posts` can prove that an item was not posted (its
    # SearchResult.absent): an interrupted attempt is then settled as not posted and the
    # item posted, without a person (Bluesky: the item's own record key is not in the
    # repository).
    proves_absence: bool = False
    # How the network counts a post's length, in words (the report's previews).
    length_rule: str = "characters as a reader sees them"
    # The network shows each link in a post shortened, as Bluesky's app does
    # (contract/bluesky_text.py): the plan, status and report show its texts that way.
    shortens_links: bool = False
    # Further environment variables: (name, what it sets), for --help.
    settings: tuple[tuple[str, str], ...] = ()

    @classmethod
    def of(cls, facts: NetworkFacts, **own) -> Capabilities:
        """A network's capabilities: every fact of its contract entry that the publisher
        uses, and `own`, what only the publisher knows."""
        shared = {f.name: getattr(facts, f.name) for f in fields(cls) if hasattr(facts, f.name)}
        return cls(**shared, **own)

    def valid_post_id(self, value: object) -> TypeGuard[str]:
        """True when `value` has the network's post id form. Every post id from the network,
        a person or the ledger passes here before it is stored or written anywhere."""
        return isinstance(value, str) and re.fullmatch(self.post_id_pattern, value) is not None

    def post_id_problem(self, value: object) -> str | None:
        """None for a good post id, else what is wrong (the value shown escaped, shortened)."""
        if self.valid_post_id(value):
            return None
        shown = repr(value) if len(repr(value)) <= 40 else repr(value)[:39] + "…"
        return f"{shown} is not a valid post id for {self.label} ({self.post_id_form})"

    def url_for(self, post_id: str) -> str | None:
        """The link to a (valid) post id, or None when only the network knows it."""
        if not self.post_url:
            return None
        match = re.fullmatch(self.post_id_pattern, post_id)
        if match is None:
            raise ValueError(self.post_id_problem(post_id))
        return self.post_url.format(post_id=post_id, **match.groupdict())

    def post_id_from_link(self, url: str) -> str | None:
        """The post id a link names: post_id_in_link formatted with link_pattern's named
        groups (None when the link does not match or names no valid id)."""
        match = re.fullmatch(self.link_pattern, url)
        if not match:
            return None
        try:
            post_id = self.post_id_in_link.format(**match.groupdict())
        except KeyError:
            return None
        return post_id if self.valid_post_id(post_id) else None

    def shown_text(self, text: str) -> str:
        """A post's text as the network's readers will see it (the plan holds full links)."""
        if not self.shortens_links:
            return text
        from contract import bluesky_text  # imports regex: only when a text is shown

        return bluesky_text.display_text(text)

    def link_problem(self, url: object) -> str | None:
        """None when `url` has the form of a link to a post on this network (link_pattern,
        in full), else what is wrong (the value shown escaped, shortened)."""
        if isinstance(url, str) and re.fullmatch(self.link_pattern, url):
            return None
        shown = repr(url) if len(repr(url)) <= 60 else repr(url)[:59] + "…"
        return f"{shown} is not a link to a post on {self.label}"


@dataclass(frozen=True)
class Draft:
    """One post to create: the plan item's text, and what a network may add from it."""
    key: str                   # the plan item id: stable across runs (idempotency)
    text: str
    link: str                  # the article's URL, contained in `text`
    due: datetime | None = None  # when the plan wants it out (stable unless re-dated)
    lang: str = ""             # the article's language tag (`en`, `is`)
    title: str = ""            # the article, for a link card
    description: str = ""
    image: str | None = None   # absolute URL of the article's card image


@dataclass(frozen=True)
class PostResult:
    post_id: str
    url: str
    text: str = ""


@dataclass(frozen=True)
class FoundPost:
    post_id: str
    url: str
    text: str
    created_at: datetime | None
    expanded_urls: tuple[str, ...] = ()


@dataclass(frozen=True)
class SearchResult:
    posts: tuple[FoundPost, ...]
    covered: bool   # the search reached back past `since` (or the start of the timeline)
    # The network proved that the item has no post other than, perhaps, one of `posts`
    # (only with capabilities.proves_absence; the runner matches their texts first).
    absent: bool = False


@dataclass(frozen=True)
class MetricsResult:
    numbers: Mapping[str, Mapping[str, int]] = field(default_factory=dict)
    missing: Mapping[str, str] = field(default_factory=dict)  # post id → reason


class Network(Protocol):
    capabilities: Capabilities

    def can_post(self) -> bool: ...

    def can_read(self) -> bool: ...

    def post(self, draft: Draft) -> PostResult: ...

    def find_recent_posts(self, link: str, since: datetime | None, key: str | None = None,
                          due: datetime | None = None) -> SearchResult: ...

    def fetch_metrics(self, post_ids: Sequence[str]) -> MetricsResult: ...


# name → (adapter module, its factory, module holding CAPABILITIES): one folder per network of
# the contract (contract/networks.py), publish/networks/<name>/ holding <name>_adapter.py and
# <name>_capabilities.py. Modules import lazily, and the capabilities module imports no
# network library, so `publish plan`/`status` (which check post ids in the ledger) do not
# load one.
REGISTRY: dict[str, tuple[str, str, str]] = {
    name: (f"publish.networks.{name}.{name}_adapter", "from_env",
           f"publish.networks.{name}.{name}_capabilities")
    for name in contract_networks.NETWORKS
}


def all_metric_names() -> tuple[str, ...]:
    """Every network's metric names, once each, in registry order (X's first): the columns
    of the report and the export."""
    names: dict[str, None] = {}
    for name in REGISTRY:
        names.update(dict.fromkeys(capabilities(name).metric_names))
    return tuple(names)


ENV_NAME_WIDTH = 26


def environment_help() -> list[str]:
    """Every network's environment variables with what they do, as --help lines, from each
    network's capabilities (its credentials and `settings`): written once, there."""
    lines = []
    for name in REGISTRY:
        caps = capabilities(name)
        reads = " and read metrics" if caps.post_credentials in caps.read_credentials else ""
        entries = [(", ".join(caps.post_credentials), f"post{reads}")]
        entries += [(", ".join(group), "enough to read metrics")
                    for group in caps.read_credentials if group != caps.post_credentials]
        for names, meaning in [*entries, *caps.settings]:
            text = f"{caps.label}: {meaning}"
            if len(names) < ENV_NAME_WIDTH:
                lines.append(f"  {names:<{ENV_NAME_WIDTH}}{text}")
            else:
                lines += [f"  {names}", f"  {'':<{ENV_NAME_WIDTH}}{text}"]
    return lines


def known(name: str) -> bool:
    return name in REGISTRY


def capabilities(name: str) -> Capabilities:
    _, _, caps = REGISTRY[name]
    return importlib.import_module(caps).CAPABILITIES


def post_id_rule(network: str) -> Capabilities:
    """The capabilities whose post id form applies to `network` (a generic single-word form
    for a network this publisher does not know)."""
    if known(network):
        return capabilities(network)
    return Capabilities(name=network, label=network, metrics_batch=0)


def factory(name: str) -> Callable[..., Network]:
    module, attr, _ = REGISTRY[name]
    return getattr(importlib.import_module(module), attr)


class LazyNetwork:
    """A network's adapter, made at its first request. Making one imports the network's
    client library (atproto alone takes a second or more), which a cycle with nothing to do
    never needs. The environment is checked at once (its capabilities module's
    `config_problems`: every problem, naming variables), and until the first request
    `can_post`/`can_read` answer from which credential variables are set."""

    def __init__(self, name: str, env: Mapping[str, str], *,
                 sleep: Callable[[float], None]):
        module = importlib.import_module(REGISTRY[name][2])
        if problems := module.config_problems(env):
            raise NetworkError(ErrorKind.CONFIG, "\n".join(problems))
        self.capabilities: Capabilities = module.CAPABILITIES
        self._name, self._env, self._sleep = name, env, sleep
        self._adapter: Network | None = None

    @property
    def adapter(self) -> Network:
        if self._adapter is None:
            self._adapter = factory(self._name)(self._env, sleep=self._sleep)
        return self._adapter

    def _has(self, names: Sequence[str]) -> bool:
        return all(self._env.get(name) for name in names)

    def can_post(self) -> bool:
        return self._has(self.capabilities.post_credentials)

    def can_read(self) -> bool:
        return any(self._has(group) for group in self.capabilities.read_credentials)

    def post(self, draft: Draft) -> PostResult:
        return self.adapter.post(draft)

    def find_recent_posts(self, link: str, since: datetime | None, key: str | None = None,
                          due: datetime | None = None) -> SearchResult:
        return self.adapter.find_recent_posts(link, since, key=key, due=due)

    def fetch_metrics(self, post_ids: Sequence[str]) -> MetricsResult:
        return self.adapter.fetch_metrics(post_ids)
