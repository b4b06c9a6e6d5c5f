"""Write the private report only when it would come out different: the report's stamp.

A cycle runs every 15 minutes and most find nothing new; rendering the report of a
thousand posts (about 4,000 items, a calendar file of every one) costs far more than the
rest of such a cycle. The report is made from the plan, the ledger, the history, the built
site (the link cards of the previews: its build manifest), the publisher's own code and
templates, the installed packages and the options (`--max-lateness`); and from the time,
through each item's state and each offer's. So after every report written, a stamp beside
the folder (`report.stamp.json`, never inside it: the folder is swapped whole) records a
hash of those inputs, the time it was made, the first time after it at which a state
changes (an item falling due or passing --max-lateness, an offer starting or ending) and
every file of the report (size, mtime, SHA-256). The next run keeps the report when the
hash is the same, `now` is between the two times and the folder holds exactly those files.
Anything missing, unreadable or different means writing it: never keep on doubt.

`boundary` and `decide` are pure; `inputs_digest`, `read` and `write` are the file edges.
Details: docs/report.md, "Kept when nothing changed"."""

from __future__ import annotations

import json
import stat
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

import publish
from publish.atomic import write_atomic
from publish.clock import TimeFormatError, format_time, parse_time
from publish.site import fingerprint

SCHEMA = "publish-report-stamp/1"
MAX_BYTES = 16 * 1024 * 1024
# What the report's code reads besides the publisher: the shared rules (shown texts).
CODE = (Path(publish.__file__).parent, Path(publish.__file__).parent.parent / "contract")


@dataclass(frozen=True)
class ReportStamp:
    inputs: str                     # inputs_digest()
    made_at: datetime               # the report's `now`
    until: datetime | None          # the first state change after it (None: none)
    summary: str                    # the report's summary line when it was written
    files: dict[str, list]          # fingerprint.output_files() of the report folder


def stamp_path(out: Path) -> Path:
    """`report/` → `report.stamp.json` beside it."""
    out = Path(out).absolute()
    return out.parent / f"{out.name}.stamp.json"


# --- pure ---------------------------------------------------------------------------------

def boundary(plan: Mapping, made_at: datetime, max_lateness: timedelta) -> datetime | None:
    """The first instant after `made_at` at which a state the report shows may change: an
    item falling due or passing `max_lateness`, an offer starting or ending. A malformed
    time (never in a plan the report just read) gives `made_at`: write it next time."""
    times: list[datetime] = []
    try:
        for item in plan.get("items") or ():
            due = parse_time(str(item.get("due")))
            times += [due, due + max_lateness]
        for coupon in plan.get("coupons") or ():
            times += [parse_time(str(coupon[key])) for key in ("starts", "expires")
                      if coupon.get(key) is not None]
    except (TimeFormatError, AttributeError, TypeError):
        return made_at
    return min((t for t in times if t > made_at), default=None)


def decide(stamp: ReportStamp | None, *, inputs: str, now: datetime) -> str | None:
    """Why the report must be written, or None: keep it (if its folder is as recorded)."""
    if stamp is None:
        return "no record of an earlier report"
    if stamp.inputs != inputs:
        return "its inputs changed"
    if now < stamp.made_at:
        return f"{format_time(now)} is before the last report's time"
    if stamp.until is not None and now >= stamp.until:
        return f"{format_time(stamp.until)} passed (a state changes)"
    return None


def kept_line(stamp: ReportStamp, out: Path) -> str:
    return (f"report: kept (nothing changed since {format_time(stamp.made_at)}) → {out}/")


# --- the files ----------------------------------------------------------------------------

def inputs_digest(sources: Iterable[Path], options: Mapping[str, object]) -> str:
    """A hash of the report's inputs: the files `sources` (plan, ledger, history, the site's
    build manifest; a missing one counts as missing), the publisher's code and templates,
    the interpreter and packages, and `options`."""
    found: dict[str, str] = {}
    for path in sources:
        found[f"source:{path}"] = _hash_or_missing(path)
    for root in CODE:
        found.update(fingerprint.tree(root))
    found.update(fingerprint.interpreter())
    found.update({f"option:{key}": repr(value) for key, value in sorted(options.items())})
    return fingerprint.hash_text(json.dumps(found, sort_keys=True))


def _hash_or_missing(path: Path) -> str:
    try:
        return fingerprint.hash_file(path) if fingerprint.regular(path) else "missing"
    except OSError:
        return "unreadable"


def to_json(stamp: ReportStamp) -> str:
    return json.dumps({"schema": SCHEMA, "inputs": stamp.inputs,
                       "made_at": format_time(stamp.made_at),
                       "until": format_time(stamp.until) if stamp.until else None,
                       "summary": stamp.summary, "files": stamp.files},
                      indent=1, sort_keys=True) + "\n"


def from_json(text: str) -> ReportStamp:
    """Raises ValueError (or KeyError, TypeError) when it is not a stamp of ours."""
    data = json.loads(text)
    if not isinstance(data, dict) or data.get("schema") != SCHEMA:
        raise ValueError(f"not a report stamp ({SCHEMA})")
    files = data["files"]
    if not isinstance(files, dict) or not all(
            isinstance(v, list) and len(v) == 3 for v in files.values()):
        raise TypeError("files: want an object of [size, mtime_ns, sha256]")
    return ReportStamp(inputs=str(data["inputs"]), made_at=parse_time(data["made_at"]),
                       until=parse_time(data["until"]) if data["until"] else None,
                       summary=str(data["summary"]), files=files)


def read(path: Path) -> ReportStamp | None:
    """The stamp, or None when there is none or it is not usable (then: write)."""
    try:
        info = path.stat()
        if not stat.S_ISREG(info.st_mode) or info.st_size > MAX_BYTES:
            return None
        return from_json(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError, KeyError, TypeError):
        return None


def forget(out: Path) -> None:
    """Before writing the report: a run killed halfway leaves no stamp."""
    stamp_path(out).unlink(missing_ok=True)


def write(out: Path, stamp: ReportStamp) -> None:
    write_atomic(stamp_path(out), to_json(stamp).encode("utf-8"))


class Keeper:
    """The report folder `out` and what it is made from: keep it, or write it and record."""

    def __init__(self, out: Path, *, plan: Path, sources: Iterable[Path],
                 options: Mapping[str, object]):
        self.out, self.plan = Path(out), Path(plan)
        self.inputs = inputs_digest([self.plan, *sources], options)

    def kept_line(self, now: datetime) -> str | None:
        """The step's line when the report as it is stays right at `now`; None: write."""
        stamp = read(stamp_path(self.out))
        reason = decide(stamp, inputs=self.inputs, now=now)
        if reason is None and stamp is not None and fingerprint.output_difference(
                self.out, stamp.files) is None:
            return kept_line(stamp, self.out)
        return None

    def record(self, now: datetime, max_lateness: timedelta, summary: str) -> None:
        """After the report was written (the plan it was made from is read again here, as
        JSON only: its times)."""
        try:
            plan = json.loads(self.plan.read_text(encoding="utf-8"))
            until = boundary(plan if isinstance(plan, dict) else {}, now, max_lateness)
            write(self.out, ReportStamp(self.inputs, now, until, summary,
                                        fingerprint.output_files(self.out)))
        except (OSError, ValueError):      # no stamp: the next run writes the report
            forget(self.out)
