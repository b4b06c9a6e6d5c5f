"""The cycle writes the private report only when it would come out different
(publish/report/report_stamp.py): same inputs, a time between the report's and the next
state change, the folder as it was written."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from publish.report import report_stamp
from publish.report.report_stamp import Keeper, ReportStamp, boundary, decide

T0 = datetime(2026, 11, 22, 10, tzinfo=UTC)
LATE = timedelta(hours=24)
PLAN = {"items": [{"id": "a", "due": "2026-11-22T09:00:00Z"},
                  {"id": "b", "due": "2026-11-23T09:00:00Z"}],
        "coupons": [{"code": "SAVE10", "starts": "2026-11-22T12:00:00Z", "expires": None}]}


def test_the_boundary_is_the_first_state_change_after_the_report():
    assert boundary(PLAN, T0, LATE) == datetime(2026, 11, 22, 12, tzinfo=UTC)   # offer
    assert boundary(PLAN, datetime(2026, 11, 22, 13, tzinfo=UTC), LATE) == \
        datetime(2026, 11, 23, 9, tzinfo=UTC)       # a missed, b due: the same instant
    assert boundary(PLAN, datetime(2026, 11, 23, 10, tzinfo=UTC), LATE) == \
        datetime(2026, 11, 24, 9, tzinfo=UTC)       # b passes --max-lateness
    assert boundary(PLAN, datetime(2026, 12, 1, tzinfo=UTC), LATE) is None
    assert boundary({"items": [{"due": "soon"}]}, T0, LATE) == T0   # written next time


def test_decide_keeps_only_the_same_inputs_between_the_two_times():
    stamp = ReportStamp("abc", T0, T0 + timedelta(hours=2), "report: …", {})
    assert decide(stamp, inputs="abc", now=T0 + timedelta(hours=1)) is None
    assert decide(None, inputs="abc", now=T0) == "no record of an earlier report"
    assert decide(stamp, inputs="abd", now=T0) == "its inputs changed"
    assert "passed" in decide(stamp, inputs="abc", now=T0 + timedelta(hours=2))
    assert "before" in decide(stamp, inputs="abc", now=T0 - timedelta(seconds=1))


@pytest.fixture
def state(tmp_path) -> dict[str, Path]:
    paths = {name: tmp_path / name for name in ("plan.json", "ledger.json", "history.jsonl")}
    paths["plan.json"].write_text(json.dumps(PLAN), encoding="utf-8")
    paths["ledger.json"].write_text("{}", encoding="utf-8")
    paths["history.jsonl"].write_text("", encoding="utf-8")
    return paths


def keeper(state, out: Path, **options) -> Keeper:
    return Keeper(out, plan=state["plan.json"],
                  sources=[state["ledger.json"], state["history.jsonl"]],
                  options={"max_lateness": LATE, **options})


def written(state, out: Path) -> Keeper:
    out.mkdir(exist_ok=True)
    (out / "index.html").write_text("<p>report</p>\n", encoding="utf-8")
    made = keeper(state, out)
    made.record(T0, LATE, "report: 1 pages, 2 items, 0 snapshots → out/")
    return made


@pytest.mark.parametrize("change", [
    lambda s, out: s["ledger.json"].write_text('{"x": 1}', encoding="utf-8"),
    lambda s, out: s["history.jsonl"].write_text("{}\n", encoding="utf-8"),
    lambda s, out: s["plan.json"].write_text(json.dumps({**PLAN, "items": []}),
                                             encoding="utf-8"),
    lambda s, out: (out / "index.html").write_text("<p>edited</p>\n", encoding="utf-8"),
    lambda s, out: (out / "extra.html").write_text("", encoding="utf-8"),
    lambda s, out: (out / "index.html").unlink(),
    lambda s, out: report_stamp.stamp_path(out).write_text("{", encoding="utf-8"),
])
def test_any_change_to_an_input_or_the_folder_writes_it_again(state, tmp_path, change):
    out = tmp_path / "report"
    written(state, out)
    assert keeper(state, out).kept_line(T0 + timedelta(minutes=15)) == \
        f"report: kept (nothing changed since 2026-11-22T10:00:00Z) → {out}/"
    change(state, out)
    assert keeper(state, out).kept_line(T0 + timedelta(minutes=15)) is None


def test_another_option_or_a_state_change_writes_it_again(state, tmp_path):
    out = tmp_path / "report"
    written(state, out)
    assert keeper(state, out, max_lateness=timedelta(hours=2)).kept_line(T0) is None
    assert keeper(state, out).kept_line(T0 + timedelta(hours=2)) is None   # offer starts
