"""A post's Markdown header, read strictly. Pure: bytes or text in, fields and problems out.

- The header is every line from the top of the file up to the first blank line. A `---`
  line may open it; then a `---` or `...` line closes it and the body starts after that line.
- Each header line is `Key: value` (an ASCII key, the colon right after it) or a
  continuation: an indented line whose text is added to the value after one space. A
  continuation that reads `Key: value` is noted on its field (`indented_keys`): whether that
  key is one the header knows is fields.py's call.
- Keys are case-insensitive and may appear once. Values hold no control characters and no
  bidi overrides or isolates.

Problems come back as values, never as exceptions; the caller adds the file name.
"""

import re
import sys
import unicodedata
from dataclasses import dataclass, field

from ..problems import Problem
from .keys import KEY_RE, display_key

BOM = "\ufeff"
# Lines with their endings (`\r\n`, `\r` or `\n`, as Python-Markdown splits them);
# "".join(lines) == text.
LINE_RE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+\Z")
OPENER, CLOSERS = "---", ("---", "...")
# C0 controls except tab, DEL, C1 controls, bidi embeddings/overrides and isolates.
FORBIDDEN_RE = re.compile("[\x00-\x08\x0a-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
_KEY_LINE_RE = re.compile(rf"({KEY_RE.pattern}):(.*)", re.DOTALL)
_KEY_CHAR_RE = re.compile(r"[A-Za-z0-9_-]")
NO_HEADER = (
    "no header: a post starts with Key: value lines (Title: …, Date: …), "
    "then a blank line, then the text"
)
_LINE_HELP = "write Key: value, indent a continued value, or leave a blank line before the text"


@dataclass(frozen=True)
class Field:
    key: str  # lowercased
    value: str  # stripped; continuation lines joined with one space
    line: int  # 1-based line of the key
    # Continuation lines that read `Key: value` once unindented: (lowercased key, line).
    indented_keys: tuple[tuple[str, int], ...] = field(default=(), compare=False)


@dataclass(frozen=True)
class Header:
    fields: tuple[Field, ...]  # in file order; a repeated or unusable key is left out
    body: str  # exactly the text after the header (and its blank line or closing fence)
    problems: tuple[Problem, ...]


def char_name(char: str) -> str:
    """`U+200B ZERO WIDTH SPACE`."""
    return f"U+{ord(char):04X} {unicodedata.name(char, '')}".rstrip()


def decode(data: bytes) -> tuple[str | None, Problem | None]:
    """UTF-8 text (a leading BOM is dropped), or the problem naming the first bad byte."""
    try:
        return data.decode("utf-8").removeprefix(BOM), None
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        byte = data[error.start]
        return None, Problem(f"not UTF-8 (invalid byte 0x{byte:02x} on line {line}): "
                             "save the file as UTF-8")


def _content(line: str) -> str:
    return line.rstrip("\r\n")


def _key_attempt(line: str) -> str | None:
    """The word before the colon when `line` tries to be `Key: value`, else None."""
    name, colon, _ = line.partition(":")
    word = name.rstrip()
    if colon and word and line[:1] not in " \t" and not any(c.isspace() for c in word):
        return word
    return None


def _attempted_key(line: str) -> str | None:
    """The lowercased key a bad line was meant as: `Date :` and `Da\u200bte:` are attempts
    at Date. None when the word before the colon is no key even without invisible
    characters (format characters such as zero-width spaces)."""
    word = _key_attempt(line)
    if word is None:
        return None
    visible = "".join(c for c in word if unicodedata.category(c) != "Cf")
    return visible.lower() if KEY_RE.fullmatch(visible) else None


def _bad_line_reason(line: str) -> str:
    word = _key_attempt(line)
    if word is None:
        text = line.strip()
        start = text[:40] + ("…" if len(text) > 40 else "")
        return f"not a header line: {start!r} ({_LINE_HELP})"
    if KEY_RE.fullmatch(word):
        return f"no space allowed before the colon in {word + ' :'!r} (write {word}: value)"
    bad = next((c for c in word if not _KEY_CHAR_RE.match(c)), None)
    if bad is not None:
        return (f"key {word!r} contains {char_name(bad)}: keys are ASCII letters, "
                "digits, _ and -")
    return f"key {word!r} must start with a letter A-Z"


def parse(text: str) -> Header:
    """The header's fields, the body and every problem. Never raises."""
    text = text.removeprefix(BOM)
    lines = LINE_RE.findall(text)
    fenced = bool(lines) and _content(lines[0]).strip() == OPENER
    index = 1 if fenced else 0
    if index >= len(lines) or _key_attempt(_content(lines[index])) is None:
        return Header((), text, (Problem(NO_HEADER),))
    found: dict[str, tuple[int, list[str], list[tuple[str, int]]]] = {}
    problems: list[Problem] = []
    parts: list[str] | None = None  # the value being continued
    indented: list[tuple[str, int]] = []  # its continuations that read `Key: value`
    closed = not fenced
    while index < len(lines):
        line, number = _content(lines[index]), index + 1
        index += 1
        if fenced and line.strip() in CLOSERS:
            closed = True
            break
        if not line.strip():
            if fenced:
                problems.append(Problem("blank line inside the header that --- opened on "
                                        "line 1: close the header with --- first", line=number))
                closed = True
            break
        if line[0] in " \t":
            if parts is not None:
                parts.append(line.strip())
                if looks := _KEY_LINE_RE.fullmatch(line.strip()):
                    indented.append((looks.group(1).lower(), number))
            continue
        match = _KEY_LINE_RE.fullmatch(line)
        parts = None
        if not match:
            problems.append(Problem(_bad_line_reason(line), line=number,
                                    attempted=_attempted_key(line)))
            continue
        # Interned: every post's metadata keeps its keys, and most posts have the same
        # ones (one string each instead of one per post: about 0.5 MB at 1000 posts).
        key = sys.intern(match.group(1).lower())
        if key in found:
            problems.append(Problem(f"given more than once (lines {found[key][0]} and {number})",
                                    key=display_key(key), line=number))
            continue
        parts, indented = [match.group(2).strip()], []
        found[key] = (number, parts, indented)
    if not closed:
        problems.append(Problem("the header that --- opened is never closed: end it with a "
                                "--- line", line=1))
    fields = []
    for key, (number, value_parts, indented_keys) in found.items():
        value = " ".join(part for part in value_parts if part)
        bad = FORBIDDEN_RE.search(value)
        if bad:
            problems.append(Problem(f"contains {char_name(bad.group())}: control and bidi "
                                    "characters are not allowed in the header",
                                    key=display_key(key), line=number))
            continue
        fields.append(Field(key, value, number, tuple(indented_keys)))
    problems.sort(key=lambda problem: problem.line or 0)
    return Header(tuple(fields), "".join(lines[index:]), tuple(problems))
