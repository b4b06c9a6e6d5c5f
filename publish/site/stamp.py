"""The build stamp: what the last successful build of the cycle was made from, until when
its site stays right, and whether that site was deployed; and the decision to skip a build.

`make publish` runs every 15 minutes. When no input changed and no time boundary passed
since the last build, another build would write the same bytes: the cycle keeps the site
(and, when the last deploy of it succeeded, does not deploy it again). The stamp sits next to
the output folder (`output.stamp.json`), written atomically after every successful build.
Anything unreadable, missing or not matching means a build: never skip on doubt.

`decide` and `next_boundary` are pure; `read` and `write` are the file edges; the inputs
come from publish/site/fingerprint.py. Details: docs/publisher.md, "Skipping a build"."""

from __future__ import annotations

import json
import stat
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field, replace
from datetime import datetime
from pathlib import Path

from publish.atomic import write_atomic
from publish.clock import TimeFormatError, format_time, parse_time
from publish.errors import ConfigError

SCHEMA = "publish-build-stamp/1"
# A stamp of 1000 posts is well under 2 MB; anything far larger is not one of ours.
MAX_BYTES = 64 * 1024 * 1024


class StampError(ConfigError, ValueError):
    """The stamp cannot be used (unreadable, not ours, or of another schema)."""


@dataclass(frozen=True)
class Stamp:
    built_at: datetime                 # the build's own time (CAMPAIGN_NOW, or its clock)
    next_change: datetime | None       # the first time boundary after it (None: none)
    next_change_why: str               # what happens then, for people
    output: str                        # the output folder (absolute)
    plan: str                          # the plan file (absolute)
    plan_sha256: str
    inputs: dict[str, str]             # publish.site.fingerprint.inputs()
    output_files: dict[str, list]      # publish.site.fingerprint.output_files()
    sources: tuple[str, ...] = ()      # folders the build reported reading
    deploy: dict | None = field(default=None)   # {"target", "ok", "at"} of the last deploy

    def deployed_to(self, target: str) -> bool:
        return bool(self.deploy and self.deploy.get("target") == target
                    and self.deploy.get("ok") is True)

    def with_deploy(self, target: str, ok: bool, at: datetime) -> Stamp:
        return replace(self, deploy={"target": target, "ok": ok, "at": format_time(at)})


@dataclass(frozen=True)
class Decision:
    skip: bool
    reason: str      # skip: the step's line; build: why


def stamp_path(output: Path) -> Path:
    """`output/` → `output.stamp.json` beside it (not inside: it is never deployed)."""
    return output.parent / f"{output.name}.stamp.json"


# --- pure ---------------------------------------------------------------------------------

def next_boundary(built_at: datetime, site_next: datetime | None, site_why: str | None,
                  plan: Mapping) -> tuple[datetime | None, str]:
    """The first instant after `built_at` at which the cycle must build again: the site's
    own next change (a post going live, an offer starting or ending: the plugin's
    next-change file), an item of the plan falling due, or a coupon of the plan starting or
    ending. Malformed times in the plan count as "now" (build next time)."""
    candidates: list[tuple[datetime, str]] = []
    if site_next is not None:
        candidates.append((site_next, site_why or "the site changes"))
    for item in plan.get("items") or ():
        candidates.append((_time_or(item.get("due"), built_at), f"{item.get('id')} is due"))
    for coupon in plan.get("coupons") or ():
        for key, what in (("starts", "starts"), ("expires", "ends")):
            if coupon.get(key) is not None:
                candidates.append((_time_or(coupon.get(key), built_at),
                                   f"offer {coupon.get('code')} {what}"))
    later = [c for c in candidates if c[0] > built_at]
    if not later:
        return None, "nothing is scheduled"
    return min(later, key=lambda c: c[0])


def _time_or(text: object, fallback: datetime) -> datetime:
    try:
        return parse_time(str(text))
    except TimeFormatError:
        return fallback


def first_difference(old: Mapping[str, str], new: Mapping[str, str]) -> str | None:
    """The first input (in sorted order) that was added, removed or changed."""
    for name in sorted(set(old) | set(new)):
        if old.get(name) != new.get(name):
            what = "is new" if name not in old else (
                "was removed" if name not in new else "changed")
            return f"{name} {what}"
    return None


def decide(stamp: Stamp | None, *, now: datetime, output: Path, plan: Path,
           inputs: Mapping[str, str] | None = None, plan_sha256: str | None = None,
           output_problem: str | None = None, force: bool = False) -> Decision:
    """Skip only when everything says the site would come out the same. `inputs`,
    `plan_sha256` and `output_problem` may be left None by a caller that stops at the first
    reason (the cheap checks come first: see time_and_place)."""
    reason = time_and_place(stamp, now=now, output=output, plan=plan, force=force)
    if reason is not None:
        return Decision(False, reason)
    assert stamp is not None            # time_and_place gives a reason when there is none
    if (changed := first_difference(stamp.inputs, inputs or {})) is not None:
        reason = f"{changed} since the last build"
    elif plan_sha256 != stamp.plan_sha256:
        reason = f"{plan} changed or is missing since the last build"
    elif output_problem is not None:
        reason = output_problem
    if reason is not None:
        return Decision(False, reason)
    return Decision(True, skipped_line(stamp))


def time_and_place(stamp: Stamp | None, *, now: datetime, output: Path, plan: Path,
                   force: bool = False) -> str | None:
    """The reasons to build that need no file read: forced, no stamp, another output or plan,
    a clock before the build, a time boundary passed."""
    if force:
        return "forced (--force-build or FORCE_BUILD)"
    if stamp is None:
        return "no record of an earlier build"
    if stamp.output != str(output) or stamp.plan != str(plan):
        return (f"the stamp describes another build ({stamp.output}, {stamp.plan}); "
                f"this one is {output}, {plan}")
    if now < stamp.built_at:
        return (f"{format_time(now)} is before the last build's time "
                f"({format_time(stamp.built_at)})")
    if stamp.next_change is not None and now >= stamp.next_change:
        return f"{format_time(stamp.next_change)} passed: {stamp.next_change_why}"
    return None


def skipped_line(stamp: Stamp) -> str:
    due = (f"next change due {format_time(stamp.next_change)}: {stamp.next_change_why}"
           if stamp.next_change else "no change due by time")
    return f"skipped (nothing changed since {format_time(stamp.built_at)}; {due})"


# --- the file -----------------------------------------------------------------------------

def to_json(stamp: Stamp) -> str:
    data = asdict(stamp)
    data["built_at"] = format_time(stamp.built_at)
    data["next_change"] = format_time(stamp.next_change) if stamp.next_change else None
    data["sources"] = list(stamp.sources)
    return json.dumps({"schema": SCHEMA, **data}, indent=1, sort_keys=True) + "\n"


def from_json(text: str) -> Stamp:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise StampError(f"not JSON ({exc.msg} at line {exc.lineno})") from None
    if not isinstance(data, dict) or data.get("schema") != SCHEMA:
        schema = data.get("schema") if isinstance(data, dict) else None
        raise StampError(f"not a build stamp of this publisher (schema {schema!r}, "
                         f"want {SCHEMA!r})")
    try:
        stamp = Stamp(
            built_at=parse_time(data["built_at"]),
            next_change=parse_time(data["next_change"]) if data["next_change"] else None,
            next_change_why=str(data["next_change_why"]), output=str(data["output"]),
            plan=str(data["plan"]), plan_sha256=str(data["plan_sha256"]),
            inputs=_str_map(data["inputs"]), output_files=_files_map(data["output_files"]),
            sources=tuple(str(s) for s in data.get("sources") or ()),
            deploy=data.get("deploy") if isinstance(data.get("deploy"), dict) else None)
    except (KeyError, TypeError, ValueError) as exc:
        raise StampError(f"a field is missing or malformed ({type(exc).__name__}: {exc})") \
            from None
    return stamp


def _str_map(value: object) -> dict[str, str]:
    if not isinstance(value, dict) or not all(isinstance(v, str) for v in value.values()):
        raise TypeError("inputs: want an object of strings")
    return dict(value)


def _files_map(value: object) -> dict[str, list]:
    if not isinstance(value, dict) or not all(
            isinstance(v, list) and len(v) == 3 for v in value.values()):
        raise TypeError("output_files: want an object of [size, mtime_ns, sha256]")
    return dict(value)


def read(path: Path) -> tuple[Stamp | None, str | None]:
    """(the stamp, None); (None, None) when there is none; (None, a note) when it is
    unusable (not a regular file, larger than MAX_BYTES, unreadable, not ours): the caller
    builds and says why."""
    try:
        info = path.stat()
        if not stat.S_ISREG(info.st_mode):
            return None, f"{path} is not a regular file; building"
        if info.st_size > MAX_BYTES:
            return None, f"{path} is larger than {MAX_BYTES} bytes; building"
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None, None
    except (OSError, UnicodeDecodeError) as exc:
        return None, f"{path} cannot be read ({exc}); building"
    try:
        return from_json(text), None
    except StampError as exc:
        return None, f"{path} is not usable: {exc}; building"


def write(path: Path, stamp: Stamp) -> None:
    write_atomic(path, to_json(stamp).encode("utf-8"))


def roots(stamp: Stamp | None, fixed: Iterable[Path], project: Path
          ) -> tuple[list[Path], list[str]]:
    """The folders to fingerprint: the fixed ones and those the last build reported, and a
    note for each reported one that is refused (`source_problem`): it is not read."""
    found, notes = set(map(Path, fixed)), []
    for source in stamp.sources if stamp else ():
        problem = source_problem(source, project)
        if problem is None:
            found.add(Path(source))
        else:
            notes.append(f"the stamp's source {source!r} {problem}: ignored")
    return sorted(found), notes


def source_problem(source: str, project: Path) -> str | None:
    """Why a folder the stamp names may not be read (it is data from a file: `/dev` would be
    hashed forever), or None: it must be an absolute path to a folder inside the project
    (the settings file's folder), also after following links."""
    path = Path(source)
    if not path.is_absolute():
        return "is not an absolute path"
    root = project.resolve()
    try:
        real = path.resolve()
    except (OSError, RuntimeError):
        return "cannot be resolved"
    if real != root and root not in real.parents:
        return f"is outside the project folder {root}"
    if not real.is_dir():
        return "is not a folder"
    return None
