"""Something a test session makes once and only reads afterwards (a built sample site),
made once per test run even when pytest-xdist runs the tests on several workers: the first
worker to ask makes it in a folder of the run's shared temporary folder, under a lock, and
the others wait for it and then read the same folder."""

from __future__ import annotations

import fcntl
import json
import os
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest


def run_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The run's temporary folder: under xdist, the one that holds every worker's."""
    base = tmp_path_factory.getbasetemp()
    return base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base


def once_per_run(tmp_path_factory: pytest.TempPathFactory, name: str,
                 make: Callable[[Path], dict[str, str]]) -> dict[str, str]:
    """`make(folder)` → what to remember of it (JSON: paths as strings), once per run.
    A `make` that fails leaves nothing behind, so the next worker tries again (and fails
    with its own message)."""
    root = run_folder(tmp_path_factory)
    folder, made = root / f"once-{name}", root / f"once-{name}.json"
    with open(root / f"once-{name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not made.exists():
            shutil.rmtree(folder, ignore_errors=True)
            folder.mkdir()
            made.write_text(json.dumps(make(folder)), encoding="utf-8")
        return json.loads(made.read_text(encoding="utf-8"))
