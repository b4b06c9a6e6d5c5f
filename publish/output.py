"""What a person or a CI log reads: one line per item acted on, a summary line, tables, and a
rich progress bar only when stdout is a terminal. Every string passes through `redact`, so a
credential value can never be printed, whatever message carries it."""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Iterable, Iterator, Sequence
from typing import TextIO

VERB_WIDTH = 8


def redact(text: str, secrets: Iterable[str]) -> str:
    for secret in secrets:
        if secret and len(secret) >= 4:
            text = text.replace(secret, "[redacted]")
    return text


def item_line(verb: str, item_id: str, detail: str = "") -> str:
    head = f"{verb:<{VERB_WIDTH - 1}} {item_id}"
    return f"{head}  {detail}" if detail else head


def plain_table(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """Aligned columns; the last column is left free (long texts)."""
    widths = [len(h) for h in headers]
    for row in rows:
        for i, cell in enumerate(row[:-1]):
            widths[i] = max(widths[i], len(cell))
    def fmt(cells: Sequence[str]) -> str:
        parts = [c.ljust(widths[i]) for i, c in enumerate(cells[:-1])]
        return "  ".join([*parts, cells[-1]]).rstrip()
    return "\n".join([fmt(headers), *(fmt(r) for r in rows)])


class _NoProgress:
    def advance(self, step: int = 1) -> None:
        return None


class _RichProgress:
    def __init__(self, progress, task):
        self._progress = progress
        self._task = task

    def advance(self, step: int = 1) -> None:
        self._progress.advance(self._task, step)


class Output:
    def __init__(self, stdout: TextIO | None = None, stderr: TextIO | None = None,
                 secrets: Iterable[str] = (), tty: bool | None = None):
        self.stdout = stdout or sys.stdout
        self.stderr = stderr or sys.stderr
        self.secrets = tuple(s for s in secrets if s)
        if tty is None:
            isatty = getattr(self.stdout, "isatty", None)
            tty = bool(isatty and isatty())
        self.tty = tty
        self._console = None
        if tty:
            from rich.console import Console

            self._console = Console(file=self.stdout, highlight=False, soft_wrap=True)

    def _clean(self, text: str) -> str:
        return redact(text, self.secrets)

    def say(self, text: str) -> None:
        text = self._clean(text)
        if self._console is not None:
            self._console.print(text, markup=False, highlight=False)
        else:
            self.stdout.write(text + "\n")
            self.stdout.flush()

    def item(self, verb: str, item_id: str, detail: str = "") -> None:
        self.say(item_line(verb, item_id, detail))

    def error(self, text: str) -> None:
        self.stdout.flush()
        self.stderr.write(self._clean(text) + "\n")
        self.stderr.flush()

    def banner(self, text: str) -> None:
        """A loud line that stands out in a CI log."""
        line = "!" * min(len(text) + 4, 100)
        self.say(line)
        self.say(f"! {text} !")
        self.say(line)

    def table(self, headers: Sequence[str], rows: Sequence[Sequence[str]],
              title: str | None = None) -> None:
        rows = [[self._clean(c) for c in r] for r in rows]
        if self._console is not None:
            from rich.table import Table

            table = Table(title=title, show_lines=False)
            for h in headers:
                table.add_column(h, overflow="fold")
            for r in rows:
                table.add_row(*r)
            self._console.print(table)
            return
        if title:
            self.say(title)
        self.say(plain_table(headers, rows))

    @contextlib.contextmanager
    def progress(self, total: int, label: str) -> Iterator[_NoProgress | _RichProgress]:
        if self._console is None or total <= 1:
            yield _NoProgress()
            return
        from rich.progress import Progress

        with Progress(console=self._console, transient=True) as progress:
            task = progress.add_task(label, total=total)
            yield _RichProgress(progress, task)
