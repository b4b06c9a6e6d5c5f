"""The small interface every social network adapter implements, and the registry.

An adapter posts a text, finds its own recent posts containing a link (to settle an attempt
whose outcome is unknown), fetches public metrics (≤ `capabilities.metrics_batch` ids per
call) and turns every failure into a `NetworkError` with a kind from `ErrorKind`.
Capabilities are plain data so the runner never asks "is this X?"; they live in a module of
their own per network (no network library imported), so the ledger can check a post id's form
without loading one.
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Protocol


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


# For a create request: these answers prove that no post was created, so the item may be
# tried again on a later run. DUPLICATE proves the opposite (reconcile). Every other failure
# of a create request is ambiguous unless the adapter says otherwise (`certain_no_post`).
NO_POST_KINDS = frozenset({ErrorKind.INVALID, ErrorKind.UNAUTHORIZED, ErrorKind.OUT_OF_CREDITS,
                           ErrorKind.FORBIDDEN, ErrorKind.RATE_LIMITED, ErrorKind.CONFIG})


class NetworkError(Exception):
    def __init__(self, kind: ErrorKind, message: str, *, status: int | None = None,
                 reset_at: datetime | None = None, certain_no_post: bool | None = None):
        super().__init__(message)
        self.kind = kind
        self.message = message
        self.status = status
        self.reset_at = reset_at
        self.certain_no_post = (kind in NO_POST_KINDS if certain_no_post is None
                                else certain_no_post)

    def __str__(self) -> str:
        """One line per problem (a configuration error may list several)."""
        where = f"HTTP {self.status}: " if self.status else ""
        return "\n".join(f"{self.kind.value}: {where}{line}"
                         for line in self.message.splitlines() or [""])


@dataclass(frozen=True)
class Capabilities:
    name: str                    # plan `network` value, e.g. "x"
    label: str                   # header label, e.g. "X" → Engagement_X
    metrics_batch: int           # ids per fetch_metrics call
    post_url: str = "{post_id}"              # link to a post, formatted with post_id
    post_credentials: tuple[str, ...] = ()   # env vars needed to post
    read_credentials: tuple[tuple[str, ...], ...] = ()  # alternatives enough to read
    post_id_pattern: str = r"[^\s\x00-\x1f\x7f]{1,100}"  # what a post id looks like (regex)
    post_id_form: str = "a short single word"        # the same in words, for messages

    def valid_post_id(self, value: object) -> bool:
        """True when `value` has the network's post id form. Every post id from the network,
        a person or the ledger passes here before it is stored or written anywhere."""
        return isinstance(value, str) and re.fullmatch(self.post_id_pattern, value) is not None

    def post_id_problem(self, value: object) -> str | None:
        """None for a good post id, else what is wrong (the value shown escaped, shortened)."""
        if self.valid_post_id(value):
            return None
        shown = repr(value) if len(repr(value)) <= 40 else repr(value)[:39] + "…"
        return f"{shown} is not a valid post id for {self.label} ({self.post_id_form})"


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


@dataclass(frozen=True)
class MetricsResult:
    numbers: Mapping[str, Mapping[str, int]] = field(default_factory=dict)
    missing: Mapping[str, str] = field(default_factory=dict)  # post id → reason


class Network(Protocol):
    capabilities: Capabilities

    def can_post(self) -> bool: ...

    def can_read(self) -> bool: ...

    def post(self, text: str) -> PostResult: ...

    def find_recent_posts(self, link: str, since: datetime | None) -> SearchResult: ...

    def fetch_metrics(self, post_ids: Sequence[str]) -> MetricsResult: ...


# name → (adapter module, its factory, module holding CAPABILITIES). Modules import lazily, and
# the capabilities module imports no network library, so `publish plan`/`status` (which check
# post ids in the ledger) do not load one.
REGISTRY: dict[str, tuple[str, str, str]] = {
    "x": ("publish.networks.x", "from_env", "publish.networks.x_capabilities"),
}


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
