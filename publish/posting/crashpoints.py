"""Injected crash points for the exactly-once tests.

`PUBLISH_CRASH_AT=<step>:<n>` makes the process die with `os._exit(137)` (like SIGKILL: no
cleanup, no flush) the n-th time it reaches `crashpoint(step)`. Unset in normal use, where a
crash point is a dictionary lookup and nothing else.
"""

from __future__ import annotations

import os
import sys
from collections import Counter

ENV = "PUBLISH_CRASH_AT"
_hits: Counter[str] = Counter()


def parse_spec(spec: str | None) -> tuple[str, int] | None:
    if not spec:
        return None
    step, _, count = spec.partition(":")
    return step.strip(), int(count or "1")


def crashpoint(step: str) -> None:
    target = parse_spec(os.environ.get(ENV))
    if target is None or target[0] != step:
        return
    _hits[step] += 1
    if _hits[step] == target[1]:
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(137)
