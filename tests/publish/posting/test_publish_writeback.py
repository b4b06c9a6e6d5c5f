"""The header write-back: pure, byte-exact (golden files), atomic, and silent when nothing
changes."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from publish.posting.writeback import HeaderError, set_header_lines, split_lines, update_file

GOLDEN = Path(__file__).parent / "golden"
CASES = sorted(p.name.removesuffix(".in.md") for p in GOLDEN.glob("*.in.md"))
VALUES = [
    ("Engagement_X", "likes 12, reposts 3, replies 1, quotes 0, bookmarks 2, impressions 1400"),
    ("Engagement_X_As_Of", "2026-11-22T15:00:00Z"),
    ("Engagement_X_Posts",
     "https://x.com/i/web/status/1849203, https://x.com/i/web/status/1849377"),
]


def test_there_are_golden_cases():
    assert {"crlf-icelandic-insert", "bom-insert", "fenced-insert", "lf-replace"} <= set(CASES)


@pytest.mark.parametrize("case", CASES)
def test_golden_byte_exact(case):
    old = (GOLDEN / f"{case}.in.md").read_bytes()
    want = (GOLDEN / f"{case}.out.md").read_bytes()
    got = set_header_lines(old.decode("utf-8"), VALUES).encode("utf-8")
    assert got == want


@pytest.mark.parametrize("case", CASES)
def test_applying_twice_changes_nothing(case):
    want = (GOLDEN / f"{case}.out.md").read_bytes().decode("utf-8")
    assert set_header_lines(want, VALUES) == want


@pytest.mark.parametrize("case", CASES)
def test_update_file_writes_golden_bytes(tmp_path, case):
    path = tmp_path / "post.md"
    path.write_bytes((GOLDEN / f"{case}.in.md").read_bytes())
    assert update_file(path, VALUES) is True
    assert path.read_bytes() == (GOLDEN / f"{case}.out.md").read_bytes()
    assert [p.name for p in tmp_path.iterdir()] == ["post.md"]   # no temp file left


def test_unchanged_file_is_not_touched(tmp_path):
    path = tmp_path / "post.md"
    path.write_bytes((GOLDEN / "lf-replace.out.md").read_bytes())
    os.utime(path, ns=(1_000_000_000, 1_000_000_000))
    inode = path.stat().st_ino
    assert update_file(path, VALUES) is False
    assert path.stat().st_mtime_ns == 1_000_000_000
    assert path.stat().st_ino == inode


def test_dry_run_reports_but_does_not_write(tmp_path):
    path = tmp_path / "post.md"
    path.write_bytes(b"Title: A\n\nBody\n")
    assert update_file(path, VALUES, dry_run=True) is True
    assert path.read_bytes() == b"Title: A\n\nBody\n"


def test_keeps_file_mode(tmp_path):
    path = tmp_path / "post.md"
    path.write_bytes(b"Title: A\n\nBody\n")
    path.chmod(0o640)
    update_file(path, VALUES)
    assert path.stat().st_mode & 0o777 == 0o640


@pytest.mark.parametrize("text", ["", "\nBody only\n", "just prose without a header\n"])
def test_no_header_is_an_error(text):
    with pytest.raises(HeaderError):
        set_header_lines(text, VALUES)


def test_not_utf8_is_an_error(tmp_path):
    path = tmp_path / "post.md"
    path.write_bytes("Title: Hlustað\n\n".encode("latin-1"))
    with pytest.raises(HeaderError, match="not UTF-8"):
        update_file(path, VALUES)


def test_duplicate_managed_key_is_an_error():
    with pytest.raises(HeaderError, match="twice"):
        set_header_lines("Title: A\nEngagement_X: 1\nEngagement_X: 2\n\n", VALUES)


def test_split_lines_round_trips_every_ending():
    text = "a\r\nb\nc\rd\u2028e\x0cf"
    assert "".join(split_lines(text)) == text
    assert split_lines(text)[:3] == ["a\r\n", "b\n", "c\r"]
