"""state/history.jsonl survives a full disk: the torn last line never swallows the next record,
a reader skips it and says which line it was, and `metrics` reports the failed append."""

from __future__ import annotations

import errno
import functools
import os

import pytest

from publish.atomic import append_durable
from publish.report import history
from tests.publish.conftest import ANSWERING, sent_with_numbers

SOCIAL1 = f"en/{ANSWERING}/social-1/x"


def full_disk_after(limit: int):
    """An os.write that writes at most `limit` bytes in all, then fails like a full disk."""
    left = [limit]

    def write(fd: int, data) -> int:
        if left[0] <= 0:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        written = os.write(fd, bytes(data[:left[0]]))
        left[0] -= written
        return written
    return write


def record(n: int) -> dict:
    return history.snapshot(f"en/p{n}/social-1/x", "x", str(n), "2026-11-22T16:00:00Z",
                            {"likes": n})


@pytest.mark.parametrize("torn_at", [10, "newline"])
def test_history_append_after_torn_line(tmp_path, torn_at):
    path = tmp_path / "history.jsonl"
    assert history.append(path, [record(1), record(2)]) == 2
    data = history.encode([record(3)])
    limit = len(data) - 1 if torn_at == "newline" else torn_at
    with pytest.raises(OSError) as failure:
        append_durable(path, data, write=full_disk_after(limit))
    assert failure.value.errno == errno.ENOSPC
    assert not path.read_bytes().endswith(b"\n")          # the torn last line
    history.append(path, [record(4)])
    read = history.read(path)
    if torn_at == "newline":            # the whole record made it, only its newline did not
        assert [r["post_id"] for r in read.records] == ["1", "2", "3", "4"]
        assert read.skipped == []
    else:
        assert [r["post_id"] for r in read.records] == ["1", "2", "4"]
        assert read.skipped == [f"{path}:3: not a JSON object (a torn write?): skipped"]
    assert path.read_bytes().endswith(history.encode([record(4)]))


def test_full_disk_during_metrics_history_is_reported(project, fake_x, monkeypatch):
    sent_with_numbers(project, fake_x)
    monkeypatch.setattr(history, "append_durable",
                        functools.partial(append_durable, write=full_disk_after(40)))
    result = project.cli("metrics", env=fake_x.env(), now="2026-11-22T16:00:00Z")
    assert result.code == 1, result.text
    assert f"publish: cannot append to {project.history}: No space left on device" in result.err
    assert project.ledger_items()[SOCIAL1]["metrics"]["likes"] == 5   # the numbers are kept
    monkeypatch.undo()
    project.cli("metrics", "--all", env=fake_x.env(), now="2026-11-22T17:00:00Z")
    read = history.read(project.history)
    assert len(read.records) == 3 and len(read.skipped) == 1
    assert read.skipped[0].startswith(f"{project.history}:1: not a JSON object")
