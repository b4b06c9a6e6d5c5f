"""What the publisher knows about X as plain data (its contract entry, contract/networks.py,
and its own), and the checks of its environment variables (no network library imported
here)."""

from __future__ import annotations

from collections.abc import Mapping
from urllib.parse import urlsplit

from contract.networks import X_API_DEFAULT, X
from publish.networks import Capabilities, common

DEFAULT_BASE_URL = X_API_DEFAULT
POST_CREDENTIALS = X.post_credentials
CAPABILITIES = Capabilities.of(X, metrics_batch=100)
# Every credential variable: those to post, and the bearer token that is enough to read.
CREDENTIALS = tuple(dict.fromkeys(name for group in (X.post_credentials, *X.read_credentials)
                                  for name in group))


def base_url_problem(url: str) -> str | None:
    """None for a usable X_API_BASE_URL, else what is wrong with it."""
    parts = urlsplit(url)
    if (parts.scheme not in ("http", "https") or not parts.hostname or parts.query
            or parts.fragment or any(c.isspace() for c in url) or not url.endswith("/2")):
        return (f"X_API_BASE_URL: {url!r} is not an http(s) URL ending in /2 "
                "(e.g. https://api.x.com/2)")
    return None


def credential_problems(env: Mapping[str, str]) -> list[str]:
    return common.credential_problems(env, CREDENTIALS)


def config_problems(env: Mapping[str, str]) -> list[str]:
    """Everything wrong with the X_* variables (and the timeout), naming each variable,
    never its value."""
    problems = credential_problems(env)
    problems += common.incomplete_credentials(env, POST_CREDENTIALS, "X",
                                              "all four are needed to post")
    token = env.get("X_ACCESS_TOKEN") or ""
    if token and not problems and token.count("-") != 1:     # pytwitter splits it there
        problems.append("X_ACCESS_TOKEN must have the form <numeric user id>-<token> "
                        "(exactly one '-')")
    base = (env.get("X_API_BASE_URL") or DEFAULT_BASE_URL).rstrip("/")
    if problem := base_url_problem(base):
        problems.append(problem)
    return problems + common.timeout_problems(env)
