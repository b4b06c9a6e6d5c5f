"""What the publisher knows about Mastodon as plain data (no network library imported here).

A status link names the server and the account (`https://mastodon.social/@brand/113…`), so
only the server knows it: `post_url` is empty and the adapter returns the link the server
answers with, after checking it against `link_pattern` in full.
"""

from __future__ import annotations

from collections.abc import Mapping
from urllib.parse import urlsplit

from publish.networks import Capabilities, common

POST_CREDENTIALS = ("MASTODON_BASE_URL", "MASTODON_ACCESS_TOKEN")

# GET /api/v1/statuses?id[]=… (Mastodon ≥ 4.3) answers at most DEFAULT_STATUSES_LIMIT (20)
# ids per request; more is refused with 422 (Api::V1::StatusesController#check_statuses_limit).
METRICS_BATCH = 20

_HOST = r"[A-Za-z0-9](?:[A-Za-z0-9.-]{0,251}[A-Za-z0-9])?"
_PORT = r"(?::[0-9]{1,5})?"
# Mastodon usernames: letters, digits and underscores, dots/hyphens only inside (≤ 30).
_USERNAME = r"[A-Za-z0-9_](?:[A-Za-z0-9_.-]{0,28}[A-Za-z0-9_])?"
POST_ID_PATTERN = r"[0-9]{1,20}"     # a Mastodon snowflake id (64-bit), in decimal
# https only, except plain http to a loopback server (the tests' fake).
LINK_PATTERN = (rf"(?:https://{_HOST}|http://(?:127\.0\.0\.1|localhost)){_PORT}"
                rf"/@(?P<username>{_USERNAME})/(?P<post_id>{POST_ID_PATTERN})")

CAPABILITIES = Capabilities(
    name="mastodon", label="Mastodon", metrics_batch=METRICS_BATCH,
    metric_names=("favourites", "boosts", "replies"),
    post_url="",
    link_pattern=LINK_PATTERN,
    post_credentials=POST_CREDENTIALS,
    read_credentials=(POST_CREDENTIALS,),
    post_id_pattern=POST_ID_PATTERN,
    post_id_form="1-20 digits",
    length_rule="Mastodon's count: characters as a reader sees them, a link counts 23",
)

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
