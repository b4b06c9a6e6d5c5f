"""What a person or a CI log reads: one line per item acted on, a summary line, tables, and a
rich progress bar only when stdout is a terminal. Every string passes through `redact`, so a
credential value can never be printed, whatever message carries it."""

from __future__ import annotations

import contextlib
import json
import re
import sys
from collections.abc import Iterable, Iterator, Sequence
from typing import Any, TextIO
from urllib.parse import urlsplit

from publish.redaction import redact, redact_all

__all__ = ["Output", "redact", "redact_all"]

VERB_WIDTH = 8
SHORT_LINK_WIDTH = 80
SHORT_CELL = 20     # a rich table never folds a column whose values are all this short
_LINK = re.compile(r"https?://\S+")


def short_link(url: str, width: int = SHORT_LINK_WIDTH) -> str:
    """'https://blog.example/2026/slug/?utm_source=x…' → 'blog.example/2026/slug/…': host and
    path, and '…' where something (query, fragment, the rest of a long path) was left out."""
    parts = urlsplit(url)
    if not parts.netloc:
        return url
    short = parts.netloc + parts.path
    cut = bool(parts.query or parts.fragment)
    if len(short) > width:
        short, cut = short[:width - 1], True
    return short + "…" if cut else short


def shorten_links(text: str) -> str:
    """Every http(s) link in `text` as `short_link` (for a table; JSON keeps them whole)."""
    return _LINK.sub(lambda m: short_link(m.group(0)), text)


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

    def _cell(self, text: str) -> str:
        """One line: a table row is one line (a note from a ledger edited by hand may not be)."""
        return " ".join(self._clean(text).split())

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

    def notice(self, text: str) -> None:
        """Progress for a person, on stderr: stdout stays the result (e.g. `--json`)."""
        self.error(text)

    def json(self, document: Any) -> None:
        """One JSON document on stdout, every string redacted; never rich-formatted."""
        clean = redact_all(document, self.secrets)
        self.stdout.write(json.dumps(clean, indent=2, ensure_ascii=False) + "\n")
        self.stdout.flush()

    def write(self, text: str) -> None:
        """Text as it is on stdout (e.g. CSV), redacted; never rich-formatted."""
        self.stdout.write(self._clean(text))
        self.stdout.flush()

    def banner(self, text: str) -> None:
        """A loud line that stands out in a CI log."""
        line = "!" * min(len(text) + 4, 100)
        self.say(line)
        self.say(f"! {text} !")
        self.say(line)

    def table(self, headers: Sequence[str], rows: Sequence[Sequence[str]],
              title: str | None = None, notes: Sequence[Sequence[str]] | None = None,
              notes_header: str = "warnings") -> None:
        """`notes`: lines that belong to one row (warnings): a column of their own in a rich
        table when any row has one, `    ! note` lines under the row in plain text."""
        rows = [[self._cell(c) for c in r] for r in rows]
        notes = [[self._cell(x) for x in n] for n in notes] if notes is not None \
            else [[] for _ in rows]
        if self._console is not None:
            from rich.table import Table

            with_notes = any(notes)
            table = Table(title=title, show_lines=False)
            for i, h in enumerate(headers):   # short values stay whole; long ones fold
                widest = max((len(r[i]) for r in rows), default=0)
                table.add_column(h, overflow="fold",
                                 min_width=widest if widest <= SHORT_CELL else None)
            if with_notes:
                table.add_column(notes_header, overflow="fold")
            for r, n in zip(rows, notes, strict=True):
                table.add_row(*r, *(["\n".join(n)] if with_notes else []))
            self._console.print(table)
            return
        if title:
            self.say(title)
        lines = plain_table(headers, rows).split("\n")
        self.say(lines[0])
        for line, row_notes in zip(lines[1:], notes, strict=True):
            self.say(line)
            for note in row_notes:
                self.say(f"    ! {note}")

    @contextlib.contextmanager
    def progress(self, total: int, label: str) -> Iterator[_NoProgress | _RichProgress]:
        if self._console is None or total <= 1:
            yield _NoProgress()
            return
        from rich.progress import Progress

        with Progress(console=self._console, transient=True) as progress:
            task = progress.add_task(label, total=total)
            yield _RichProgress(progress, task)
