"""The small interface every social network adapter implements, and the registry.

An adapter posts a text, finds its own recent posts containing a link (to settle an attempt
whose outcome is unknown), fetches public metrics (≤ `capabilities.metrics_batch` ids per
call) and turns every failure into a `NetworkError` with a kind from `ErrorKind`.
Capabilities are plain data so the runner never asks "is this X?".
"""

from __future__ import annotations

import importlib
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
        where = f"HTTP {self.status}: " if self.status else ""
        return f"{self.kind.value}: {where}{self.message}"


@dataclass(frozen=True)
class Capabilities:
    name: str                    # plan `network` value, e.g. "x"
    label: str                   # header label, e.g. "X" → Engagement_X
    max_length: int              # weighted length limit
    metrics_batch: int           # ids per fetch_metrics call
    metric_names: tuple[str, ...] = ("likes", "reposts", "replies", "quotes", "bookmarks",
                                     "impressions")
    post_url: str = "{post_id}"              # link to a post, formatted with post_id
    post_credentials: tuple[str, ...] = ()   # env vars needed to post
    read_credentials: tuple[tuple[str, ...], ...] = ()  # alternatives enough to read


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

    def post(self, text: str) -> PostResult: ...

    def find_recent_posts(self, link: str, since: datetime | None) -> SearchResult: ...

    def fetch_metrics(self, post_ids: Sequence[str]) -> MetricsResult: ...


# name → (module, factory attribute, capabilities attribute). Modules import lazily so
# `publish plan` does not load network libraries.
REGISTRY: dict[str, tuple[str, str, str]] = {
    "x": ("publish.networks.x", "from_env", "CAPABILITIES"),
}


def known(name: str) -> bool:
    return name in REGISTRY


def capabilities(name: str) -> Capabilities:
    module, _, caps = REGISTRY[name]
    return getattr(importlib.import_module(module), caps)


def factory(name: str) -> Callable[..., Network]:
    module, attr, _ = REGISTRY[name]
    return getattr(importlib.import_module(module), attr)
