"""Engagement lines in a Markdown header (docs/contract.md §3).

`set_header_lines` is pure: old text → new text, changing only the managed lines and keeping
every other character (BOM, line endings, trailing spaces, non-ASCII). `update_file` applies
it and writes atomically only when the text changes, and never to a read-only file.
"""

from __future__ import annotations

import os
import re
import stat
from collections.abc import Sequence
from pathlib import Path

from publish.atomic import write_atomic
from publish.errors import PublishError
from publish.redaction import redact
from publish.terminal import Output

_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+\Z")
# Indented lines continue the value above, even when they look like "key: …".
_KEY = re.compile(r"^([A-Za-z0-9_-]+)\s*:")
_FENCES = ("---", "...")


class HeaderError(PublishError, ValueError):
    """A Markdown header cannot be updated (that file is reported; the run fails: exit 1)."""


class ReadOnlyFile(HeaderError):
    """The Markdown file is read-only."""


def read_only(path: Path) -> bool:
    """Read-only: the owner's write bit is clear (`chmod u-w`, `chmod 444`), or the OS says
    this process may not write the file. The mode rule also holds for root, whom os.access
    allows everything (and the atomic rename would replace the file regardless)."""
    owner_may_write = Path(path).stat().st_mode & stat.S_IWUSR
    return not owner_may_write or not os.access(path, os.W_OK)


def split_lines(text: str) -> list[str]:
    """Lines with their own endings; ''.join(result) == text."""
    lines = _LINE.findall(text)
    assert "".join(lines) == text
    return lines


def _body(line: str) -> str:
    return line.rstrip("\r\n")


def _ending(line: str) -> str:
    return line[len(_body(line)):]


def header_span(lines: Sequence[str]) -> tuple[int, int]:
    """[start, end) of the metadata lines (of a text without its BOM): after an opening `---`
    fence if there is one, up to the closing fence or the first blank line."""
    if not lines:
        return 0, 0
    start = 1 if _body(lines[0]).strip() == "---" else 0
    end = start
    while end < len(lines):
        body = _body(lines[end])
        if (start == 1 and body.strip() in _FENCES) or not body.strip():
            break
        end += 1
    if end > start and _key_of(lines[start]) is None:
        return start, start          # prose, not a metadata header
    return start, end


def _key_of(line: str) -> str | None:
    match = _KEY.match(_body(line))
    return match.group(1).lower() if match else None


def _managed(lines: Sequence[str], start: int, end: int,
             wanted: dict[str, str]) -> dict[str, list[int]]:
    """Each managed key present in the header → its line and continuation lines."""
    found: dict[str, list[int]] = {}
    current = None
    for index in range(start, end):
        key = _key_of(lines[index])
        if key is None and current is not None and _body(lines[index])[:1] in (" ", "\t"):
            found[current].append(index)        # continuation of a managed key
            continue
        current = key if key in wanted else None
        if current is not None:
            if current in found:
                raise HeaderError(f"the header has {wanted[current]} twice")
            found[current] = [index]
    return found


def header_lines(text: str, keys: Sequence[str]) -> dict[str, str]:
    """The values of `keys` in the text's header (lowercased key → value, continuation lines
    joined with a space); an absent key is left out, and a header naming one twice (a build
    error) gives nothing."""
    lines = split_lines(text.removeprefix("\ufeff"))
    start, end = header_span(lines)
    try:
        found = _managed(lines, start, end, {key.lower(): key for key in keys})
    except HeaderError:
        return {}
    values = {}
    for key, indexes in found.items():
        first = _body(lines[indexes[0]]).split(":", 1)[1]
        rest = [_body(lines[i]) for i in indexes[1:]]
        values[key] = " ".join(part.strip() for part in (first, *rest) if part.strip())
    return values


def set_header_lines(text: str, values: Sequence[tuple[str, str]]) -> str:
    """Set the header keys in `values`: the managed lines present (with their continuation
    lines) are taken out, and the new lines, in the order of `values`, go where the first of
    them was when every key is present (an update in place), else after the last header
    line. Nothing else changes; a leading BOM stays where it is."""
    bom = "\ufeff" if text.startswith("\ufeff") else ""
    lines = split_lines(text[len(bom):])
    start, end = header_span(lines)
    if start == end == 0:
        raise HeaderError("no metadata header at the top of the file")
    found = _managed(lines, start, end, {key.lower(): key for key, _ in values})
    gone = {i for indexes in found.values() for i in indexes}
    kept_header = [i for i in range(start, end) if i not in gone]
    if len(found) == len(values):
        at = min(gone)                            # in place: before the first managed line
    elif kept_header:
        at = kept_header[-1] + 1                  # after the last header line
    elif start == 1:
        at = 1                                    # right after the opening fence
    else:
        raise HeaderError("no metadata header at the top of the file")
    before = [line for i, line in enumerate(lines[:at]) if i not in gone]
    after = [line for i, line in enumerate(lines[at:], at) if i not in gone]
    newline = _ending(before[-1]) if before and _ending(before[-1]) else _dominant_ending(lines)
    if before and not _ending(before[-1]):        # the header was the last line, unended
        before[-1] += newline
    new = [f"{name}: {value}{newline}" for name, value in values]
    if not after and not (lines and _ending(lines[-1])):
        new[-1] = _body(new[-1])                   # the file did not end with a line end
    return bom + "".join(before + new + after)


def _dominant_ending(lines: Sequence[str]) -> str:
    endings = [_ending(line) for line in lines if _ending(line)]
    return max(set(endings), key=endings.count) if endings else "\n"


def update_file(path: Path, values: Sequence[tuple[str, str]], *, dry_run: bool = False
                ) -> bool:
    """Rewrite `path` with the header values. True when the bytes changed (and, unless dry
    run, were written). An unchanged file is not touched at all; a read-only one that would
    change raises ReadOnlyFile (also in a dry run) and is left as it is."""
    raw = Path(path).read_bytes()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise HeaderError(f"not UTF-8 ({exc.reason} at byte {exc.start})") from None
    new = set_header_lines(text, values)
    if new == text:
        return False
    if read_only(path):
        raise ReadOnlyFile("read-only: engagement lines not written")
    if not dry_run:
        write_atomic(Path(path), new.encode("utf-8"))
    return True


def content_file(content: Path, source: str) -> Path:
    """The file a plan `source` names, resolved (symlinks included). ValueError when it lies
    outside the resolved content folder: the write-back never writes anywhere else."""
    root = Path(content).resolve()
    path = (root / source).resolve()
    if path == root or not path.is_relative_to(root):
        raise ValueError(f"resolves to {path}, outside the content folder {root}")
    return path


def update_header(content: Path, source: str, values: Sequence[tuple[str, str]], *,
                  owner: str, dry_run: bool, out: Output, report,
                  what: str | None = None) -> None:
    """`update_file` on the plan `source` (only inside the content folder) for the commands:
    a changed file is said (as `what`, default: the keys) and added to
    `report.changed_files`; a problem goes to `report.file_errors`. `owner`: an item id of
    that file, for messages. Every credential value the output redacts is redacted from
    the values written too."""
    path = Path(content) / source
    values = [(key, redact(value, out.secrets)) for key, value in values]
    shown = what or ", ".join(key for key, _ in values)
    try:
        target = content_file(content, source)
    except ValueError as exc:
        lines = "engagement lines" if shown.startswith("Engagement_") else shown
        report.file_errors.append(f"item {owner}: source {source!r} {exc}: {lines} not "
                                  "written")
        return
    try:
        changed = update_file(target, values, dry_run=dry_run)
    except FileNotFoundError:
        report.file_errors.append(f"{path}: file not found")
        return
    except (HeaderError, OSError) as exc:
        report.file_errors.append(f"{path}: {exc}")
        return
    if changed:
        if str(path) not in report.changed_files:
            report.changed_files.append(str(path))
        out.item("would update" if dry_run else "updated", str(path), shown)
