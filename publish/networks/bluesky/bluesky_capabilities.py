"""What the publisher knows about Bluesky as plain data (its contract entry,
contract/networks.py, and its own), and the checks of its environment variables (no network
library imported here).

A post is a record in the account's repository; its id is the record's AT URI,
at://<did>/app.bsky.feed.post/<rkey>, where the record key is a TID (13 characters of the
base32-sortable alphabet). Both forms are tight (contract/networks.py): the id and the link
become an href.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from urllib.parse import urlsplit

from contract.networks import BLUESKY, BLUESKY_DID, BLUESKY_SERVICE_DEFAULT
from publish.networks import Capabilities, common

POST_CREDENTIALS = BLUESKY.post_credentials
DID = BLUESKY_DID
COLLECTION = "app.bsky.feed.post"
DEFAULT_SERVICE = BLUESKY_SERVICE_DEFAULT

CAPABILITIES = Capabilities.of(
    BLUESKY, metrics_batch=25,       # app.bsky.feed.getPosts limit
    proves_absence=True,     # the item's record key absent from the repository: not posted
)

LOOPBACK = frozenset({"127.0.0.1", "localhost", "::1"})
_HANDLE = re.compile(r"(?=.{3,253}$)([a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?\.)+"
                     r"[a-zA-Z]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?")


def service_problem(url: str) -> str | None:
    """None for a usable BLUESKY_SERVICE_URL (https; http only on the loopback), else what is
    wrong with it (naming the variable, not the value: it could hold a password)."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    if (any(c.isspace() for c in url) or not host or parts.query or parts.fragment
            or parts.username or parts.password
            or not (parts.scheme == "https" or (parts.scheme == "http" and host in LOOPBACK))):
        return ("BLUESKY_SERVICE_URL: not an https URL of a PDS (e.g. https://bsky.social; "
                "http only for 127.0.0.1 or localhost)")
    return None


def handle_problem(value: str) -> str | None:
    if value.startswith("@"):
        return "BLUESKY_HANDLE: starts with @ (leave it out: name.bsky.social)"
    if _HANDLE.fullmatch(value) or re.fullmatch(DID, value):
        return None
    return "BLUESKY_HANDLE: not a handle (name.bsky.social) or DID"


def config_problems(env: Mapping[str, str]) -> list[str]:
    """Everything wrong with the BLUESKY_* variables (and the timeout), naming each
    variable, never its value."""
    problems = common.credential_problems(env, POST_CREDENTIALS)
    problems += common.incomplete_credentials(
        env, POST_CREDENTIALS, "Bluesky", "BLUESKY_HANDLE and BLUESKY_APP_PASSWORD are both needed")
    handle = env.get("BLUESKY_HANDLE") or ""
    if (handle and not common.credential_problems(env, ["BLUESKY_HANDLE"])
            and (problem := handle_problem(handle))):
        problems.append(problem)
    service = (env.get("BLUESKY_SERVICE_URL") or DEFAULT_SERVICE).rstrip("/")
    if problem := service_problem(service):
        problems.append(problem)
    return problems + common.timeout_problems(env)
