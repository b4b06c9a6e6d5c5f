"""Plain tables and redaction in what the publisher prints (publish.terminal)."""

from __future__ import annotations

import io

from publish.terminal import Output, plain_table, redact


def test_a_multi_line_note_keeps_the_plain_table_one_row_per_line():
    out = io.StringIO()
    Output(out, io.StringIO(), tty=False).table(
        ["state", "note"], [["failed", "a note\nwritten by hand"], ["sent", "fine"]])
    assert out.getvalue().splitlines() == [
        "state   note", "failed  a note written by hand", "sent    fine"]


def test_redact_and_plain_table():
    assert redact("token abcd1234 leaked", ["abcd1234", ""]) == "token [redacted] leaked"
    assert plain_table(["a", "bb", "c"], [["1", "2", "long text"]]) == \
        "a  bb  c\n1  2   long text"
