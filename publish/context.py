"""What every command runs with (`Ctx`): its parsed options, the environment, the output,
the moment it acts at (the wall clock read once, or --now) and the sleep it may use.
publish.cli builds it; the commands (publish/commands/) read it."""

from __future__ import annotations

import argparse
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from publish.clock import parse_duration
from publish.posting.ledger import Ledger, LedgerStore
from publish.terminal import Output


@dataclass
class Ctx:
    args: argparse.Namespace
    env: Mapping[str, str]
    out: Output
    now: datetime
    sleep: Callable[[float], None]

    @property
    def store(self) -> LedgerStore:
        return LedgerStore(self.args.ledger, secrets=self.out.secrets)

    @property
    def lock_path(self) -> Path:
        return Path(self.args.ledger).parent / "publish.posting.lock"

    def max_lateness(self) -> timedelta:
        return parse_duration(self.args.max_lateness)

    def read_ledger(self) -> Ledger:
        """For the read-only commands: a missing ledger reads as empty, with a warning."""
        if not self.store.exists():
            self.out.error(f"publish: warning: {self.store.missing_message()}; "
                           "states below assume nothing was posted")
        return self.store.load(missing_ok=True)
