"""What every adapter needs the same way: the HTTP timeout setting, checks of credential
variables (naming the variable, never its value) and error texts made safe to print."""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from publish.networks import ErrorKind, NetworkError

DEFAULT_TIMEOUT = (5.0, 30.0)
READ_BACKOFF = (1.0, 4.0)          # seconds before the 2nd and 3rd attempt of a read
RETRYABLE_READ = frozenset({ErrorKind.NETWORK, ErrorKind.SERVER, ErrorKind.MALFORMED})


def read_with_retries(call: Callable[[], Any], sleep: Callable[[float], None]) -> Any:
    """A read request (never a create): tried again after READ_BACKOFF on a network error,
    a 5xx or an unreadable answer, through the injected `sleep`; any other failure, or the
    last one, is raised."""
    for attempt in range(len(READ_BACKOFF) + 1):
        try:
            return call()
        except NetworkError as exc:
            if exc.kind not in RETRYABLE_READ or attempt == len(READ_BACKOFF):
                raise
            sleep(READ_BACKOFF[attempt])
    raise AssertionError("unreachable")  # pragma: no cover


def parse_timeout(text: str | None) -> tuple[float, float]:
    """PUBLISH_HTTP_TIMEOUT: 'SECONDS' or 'CONNECT,READ', each a positive finite number."""
    if not text:
        return DEFAULT_TIMEOUT
    try:
        parts = [float(p) for p in text.split(",")]
    except ValueError:
        parts = []
    if len(parts) == 1:
        parts *= 2
    if len(parts) != 2 or not all(math.isfinite(p) and p > 0 for p in parts):
        raise ValueError(f"PUBLISH_HTTP_TIMEOUT: {text!r} is not a number of seconds "
                         "(expected 5 or 5,30)")
    return parts[0], parts[1]


def timeout_problems(env: Mapping[str, str]) -> list[str]:
    try:
        parse_timeout(env.get("PUBLISH_HTTP_TIMEOUT"))
    except ValueError as exc:
        return [str(exc)]
    return []


def credential_problems(env: Mapping[str, str], names: Iterable[str]) -> list[str]:
    """What is wrong with the credential variables among `names` that are set, naming each
    variable and never its value: a pasted line end or space is the usual mistake."""
    problems = []
    for name in names:
        value = env.get(name)
        if not value:
            continue
        if value.endswith(("\n", "\r")):
            problems.append(f"{name}: ends with a newline (pasted with the line end?)")
        elif value != value.strip():
            where = "starts" if value[0].isspace() else "ends"
            problems.append(f"{name}: {where} with a space (pasted with it?)")
        elif any(c.isspace() or not c.isprintable() for c in value):
            problems.append(f"{name}: contains a space, line break or control character")
    return problems


def incomplete_credentials(env: Mapping[str, str], names: Sequence[str], label: str,
                           why: str) -> list[str]:
    """One problem when some but not all of `names` are set: which are missing, and `why`
    all of them are needed (e.g. "all four are needed to post")."""
    absent = [name for name in names if not env.get(name)]
    if not absent or len(absent) == len(names):
        return []
    return [f"incomplete {label} credentials: {', '.join(absent)} missing ({why})"]


# Control characters and bidi overrides: an error text from the network is printed on a
# terminal and stored in the ledger as one line of plain text.
_UNPRINTABLE = re.compile(r"[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]+")


def one_line(text: str, width: int = 200) -> str:
    """A network's text as one printable line of at most `width` characters."""
    text = " ".join(_UNPRINTABLE.sub(" ", text).split())
    return (text if len(text) <= width else text[:width] + "…") or "error without detail"
