"""What the publisher knows about X as plain data, and the checks of its environment
variables (no network library imported here)."""

from __future__ import annotations

from collections.abc import Mapping
from urllib.parse import urlsplit

from publish.networks import Capabilities, common

DEFAULT_BASE_URL = "https://api.x.com/2"
POST_CREDENTIALS = ("X_API_KEY", "X_API_SECRET", "X_ACCESS_TOKEN", "X_ACCESS_TOKEN_SECRET")
CAPABILITIES = Capabilities(
    name="x", label="X", metrics_batch=100,
    metric_names=("likes", "reposts", "replies", "quotes", "bookmarks", "impressions"),
    post_url="https://x.com/i/web/status/{post_id}",
    link_pattern=r"https://x\.com/i/web/status/(?P<post_id>[0-9]{1,19})",
    post_credentials=POST_CREDENTIALS,
    read_credentials=(("X_BEARER_TOKEN",), POST_CREDENTIALS),
    post_id_pattern=r"[0-9]{1,19}",      # a 64-bit snowflake id, in decimal
    post_id_form="1-19 digits",
    length_rule="X's weighted count: a link counts 23, emoji and CJK 2",
    settings=(("X_API_BASE_URL", f"API root, default {DEFAULT_BASE_URL} (keep the /2)"),),
)

CREDENTIALS = (*POST_CREDENTIALS, "X_BEARER_TOKEN")


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
