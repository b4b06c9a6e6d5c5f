"""state/history.jsonl: one JSON object per line per metric refresh, append-only."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from publish.atomic import append_durable, create_exclusive


def snapshot(item_id: str, network: str, post_id: str, fetched_at: str,
             numbers: Mapping[str, int]) -> dict[str, Any]:
    return {"id": item_id, "network": network, "post_id": post_id,
            "fetched_at": fetched_at, **numbers}


def encode(records: Iterable[Mapping[str, Any]]) -> bytes:
    return "".join(json.dumps(r, sort_keys=True, ensure_ascii=False) + "\n"
                   for r in records).encode("utf-8")


def create(path: Path) -> bool:
    """An empty history file; False (and nothing changed) when one is already there."""
    try:
        create_exclusive(Path(path), b"")
    except FileExistsError:
        return False
    return True


def append(path: Path, records: Iterable[Mapping[str, Any]]) -> int:
    data = encode(records)
    if data:
        append_durable(Path(path), data)
    return data.count(b"\n")


def read(path: Path) -> list[dict[str, Any]]:
    try:
        text = Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        return []
    return [json.loads(line) for line in text.splitlines() if line.strip()]
