"""Credential values out of every text a person reads or a file keeps.

`secret_values(env)` is every credential value this process knows (the posting and deploy
secrets of SECRET_VARS, the token in DEPLOY_GITHUB_REMOTE), in each form a request carries
it (as it is, without a pasted line end, percent-encoded as an OAuth header or a query
string has it). `redact` replaces each with `[redacted]`; `redact_all` does it inside a
JSON-like value. The CLI hands the one tuple to its Output (what is printed), the ledger
store, the history, the header write-back and the report (what is stored): a server that
repeats the request's `Authorization` in its error text puts no credential anywhere.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from html import escape
from typing import Any
from urllib.parse import quote, urlsplit

from contract import networks as contract_networks

# Credentials: redacted from every message and stored text (here) and, with every other
# variable of a network or of AWS and a push URL that may carry a token, kept out of the
# build's environment (publish.site.build.build_env). Each network's are in its contract
# entry (contract/networks.py); the deploy's own are here.
DEPLOY_SECRET_VARS = ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN")
DEPLOY_ENV_PREFIXES = ("AWS_",)
SECRET_VARS = (*contract_networks.secret_names(), *DEPLOY_SECRET_VARS)
SECRET_URL_VARS = ("DEPLOY_GITHUB_REMOTE",)   # https://USER:TOKEN@host/…: the userinfo
# Every variable of a network or of the deploy starts with one of these.
SECRET_ENV_PREFIXES = (*contract_networks.env_prefixes(), *DEPLOY_ENV_PREFIXES)
SHORTEST = 4            # a shorter value would redact ordinary words: never a real secret
REDACTED = "[redacted]"


def _forms(value: str) -> set[str]:
    """`value` as it is, stripped (a pasted line end or space), percent-encoded (an OAuth
    1.0a header, a form or query string) and HTML-escaped (a rendered page)."""
    stripped = value.strip()
    return {value, stripped, quote(stripped, safe=""), quote(stripped, safe="~-._"),
            escape(stripped)}


def _url_secrets(url: str) -> list[str]:
    try:
        parts = urlsplit(url.strip())
        return [v for v in (parts.password, parts.username) if v]
    except ValueError:
        return []


def secret_values(env: Mapping[str, str]) -> tuple[str, ...]:
    """Every credential value in `env`, in every form redacted, longest first (a secret
    that holds another is replaced whole)."""
    values = [env.get(name) or "" for name in SECRET_VARS]
    for name in SECRET_URL_VARS:
        values += _url_secrets(env.get(name) or "")
    forms = {form for value in values if value for form in _forms(value)}
    return tuple(sorted((f for f in forms if len(f) >= SHORTEST), key=lambda f: (-len(f), f)))


def redact(text: str, secrets: Iterable[str]) -> str:
    for secret in secrets:
        if secret and len(secret) >= SHORTEST:
            text = text.replace(secret, REDACTED)
    return text


def redact_all(value: Any, secrets: Iterable[str]) -> Any:
    """`redact` on every string inside a JSON-like value (keys too)."""
    secrets = tuple(secrets)
    if not secrets:
        return value
    if isinstance(value, str):
        return redact(value, secrets)
    if isinstance(value, dict):
        return {redact_all(k, secrets): redact_all(v, secrets) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [redact_all(v, secrets) for v in value]
    return value


def mentions_any(serialized: str, secrets: Iterable[str]) -> bool:
    """Whether JSON text may hold one of `secrets` (as it is, or escaped as JSON escapes
    it): a quick look before `redact_all` walks a large document."""
    for secret in secrets:
        if len(secret) >= SHORTEST and (secret in serialized
                                         or json.dumps(secret)[1:-1] in serialized):
            return True
    return False


def redact_bytes(data: bytes, secrets: Iterable[str]) -> bytes:
    """`redact` on UTF-8 text kept as bytes (a rendered page)."""
    for secret in secrets:
        if secret and len(secret) >= SHORTEST:
            data = data.replace(secret.encode("utf-8"), REDACTED.encode("utf-8"))
    return data
