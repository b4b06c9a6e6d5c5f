"""state/history.jsonl: one JSON object per line per metric refresh, append-only.

An append interrupted by a full disk (or a crash) can leave a torn last line: the next append
starts on a fresh line (publish.atomic.append_durable), and `read` skips such a line and says
which one it was.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from publish.atomic import append_durable, create_exclusive
from publish.redaction import redact_all


def snapshot(item_id: str, network: str, post_id: str, fetched_at: str,
             numbers: Mapping[str, int]) -> dict[str, Any]:
    return {"id": item_id, "network": network, "post_id": post_id,
            "fetched_at": fetched_at, **numbers}


def encode(records: Iterable[Mapping[str, Any]], secrets: Sequence[str] = ()) -> bytes:
    """JSON lines; every credential value in `secrets` redacted."""
    return "".join(json.dumps(redact_all(dict(r), secrets), sort_keys=True,
                              ensure_ascii=False) + "\n"
                   for r in records).encode("utf-8")


def create(path: Path) -> bool:
    """An empty history file; False (and nothing changed) when one is already there."""
    try:
        create_exclusive(Path(path), b"")
    except FileExistsError:
        return False
    return True


def append(path: Path, records: Iterable[Mapping[str, Any]],
           secrets: Sequence[str] = ()) -> int:
    data = encode(records, secrets)
    if data:
        append_durable(Path(path), data)
    return data.count(b"\n")


@dataclass
class History:
    records: list[dict[str, Any]] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)   # "PATH:LINE: why", one per bad line


def read(path: Path) -> History:
    """Every record in order; a line that is not a JSON object (a torn write) is skipped and
    reported with its line number. A missing file is an empty history."""
    history = History()
    try:
        raw = Path(path).read_bytes()
    except FileNotFoundError:
        return history
    for number, line in enumerate(raw.split(b"\n"), start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line.decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError):
            record = None
        if isinstance(record, dict):
            history.records.append(record)
        else:
            history.skipped.append(f"{path}:{number}: not a JSON object (a torn write?): "
                                   "skipped")
    return history
