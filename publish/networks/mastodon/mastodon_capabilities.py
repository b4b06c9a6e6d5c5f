"""What the publisher knows about Mastodon as plain data (its contract entry,
contract/networks.py, and its own; no network library imported here).

Every server of the Mastodon client API (Mastodon, GoToSocial, Akkoma/Pleroma, Takahē) links
a status its own way, and only the server knows the link: `post_url` is empty and the adapter
keeps the link the server answers with (the status's `url`, else its `uri`), after checking
it against `link_pattern` in full, against the status's id, and against the host of
MASTODON_BASE_URL (`link_host_problem`). docs/publisher.md, "Mastodon-API servers", lists
each server's forms with the source they come from.
"""

from __future__ import annotations

from collections.abc import Mapping
from urllib.parse import urlsplit

from contract.networks import MASTODON
from publish.networks import Capabilities, common

POST_CREDENTIALS = MASTODON.post_credentials

# GET /api/v1/statuses?id[]=… (Mastodon ≥ 4.3) answers at most DEFAULT_STATUSES_LIMIT (20)
# ids per request; more is refused with 422 (Api::V1::StatusesController#check_statuses_limit).
METRICS_BATCH = 20

# The status link forms and ids of every server: contract/networks.py (MASTODON).
CAPABILITIES = Capabilities.of(MASTODON, metrics_batch=METRICS_BATCH)

LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})


def base_url_problem(url: str) -> str | None:
    """None for a usable MASTODON_BASE_URL, else what is wrong with it (never the value: a URL
    can carry a user and password)."""
    what = "MASTODON_BASE_URL: must be the server's https address alone, " \
           "like https://mastodon.social"
    if any(c.isspace() or not c.isprintable() for c in url):
        return f"{what} (it contains a space or control character)"
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError for a port that is not a number
    except ValueError:
        return f"{what} (it is not a URL with a valid host and port)"
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return f"{what} (it is not an https URL)"
    if parts.scheme == "http" and parts.hostname not in LOOPBACK_HOSTS:
        return f"{what} (http is only allowed for a loopback test server)"
    if parts.username is not None or parts.password is not None:
        return f"{what} (it contains a user name or password)"
    if parts.path not in ("", "/") or parts.query or parts.fragment or url.endswith(("?", "#")):
        return f"{what} (it has a path, query or fragment)"
    return None


def credential_problems(env: Mapping[str, str]) -> list[str]:
    return common.credential_problems(env, POST_CREDENTIALS)


def config_problems(env: Mapping[str, str]) -> list[str]:
    """Everything wrong with the MASTODON_* variables (and the timeout), naming each
    variable, never its value."""
    problems = credential_problems(env)
    problems += common.incomplete_credentials(
        env, POST_CREDENTIALS, "Mastodon", " and ".join(POST_CREDENTIALS) + " are both needed")
    base = env.get("MASTODON_BASE_URL") or ""
    base_named = any(p.startswith("MASTODON_BASE_URL:") for p in problems)
    if base and not base_named and (problem := base_url_problem(base)):
        problems.append(problem)
    return problems + common.timeout_problems(env)


def _host_and_port(url: str) -> tuple[str, int | None] | None:
    try:
        parts = urlsplit(url)
        port = parts.port or {"https": 443, "http": 80}.get(parts.scheme)
    except ValueError:
        return None
    return ((parts.hostname or "").lower(), port) if parts.hostname else None


def link_host_problem(url: str, base_url: str) -> str | None:
    """None when the status link `url` is on the server of MASTODON_BASE_URL `base_url` (the
    same host and port), else what is wrong: a link on another host is not the server's own
    link for our status, whatever its form."""
    own = _host_and_port(base_url)
    if own is not None and _host_and_port(url) == own:
        return None
    shown = repr(url) if len(repr(url)) <= 60 else repr(url)[:59] + "…"
    return f"{shown} is not on the server of MASTODON_BASE_URL"
