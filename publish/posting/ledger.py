"""The ledger: what the publisher did for each plan item (state/ledger.json).

Pretty JSON, sorted keys, one final newline: diffs in git stay small and readable. Written
atomically (publish.atomic) before and after every POST. Transitions are pure functions that
return a new `Entry`; `LedgerStore` does the file I/O.

Each item's record is an `Entry` (publish/posting/ledger_entry.py), its state a
`LedgerState`: posting (a POST may be in flight or may have happened: outcome unknown until
reconciled), sent, failed (the API definitively refused; no post exists; tried again next run),
unknown (a person must settle it with `publish resolve`), missed (too late, not posted),
waiting (due, but not posted: its page was not live, or its network had no posting
credentials, at the last run; checked again next run).

Loading checks every known field's type (`validate`), names each bad field, and refuses a
missing or empty file: a lost ledger must never read as "nothing was posted yet" by a command
that posts. `python -m publish init` (LedgerStore.create) starts a new one, never over an old.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from enum import StrEnum
from pathlib import Path
from typing import Any

from publish import networks as registry
from publish.atomic import create_exclusive, write_atomic
from publish.clock import TimeFormatError, format_time, parse_time
from publish.errors import ConfigError
from publish.posting.ledger_entry import Entry, EntryError, LedgerState, WaitingFor
from publish.redaction import mentions_any, redact_all

SCHEMA = "publish-ledger/1"
DEFAULT_PATH = Path("state/ledger.json")
WAITING_FIELDS = ("waiting_since", "waiting_reason")


class LedgerError(ConfigError):
    """The ledger file is unreadable or not in the expected format (one problem a line)."""


class LedgerMissing(LedgerError):
    """There is no ledger file at all."""


@dataclass
class Ledger:
    items: dict[str, Entry] = field(default_factory=dict)

    def get(self, item_id: str) -> Entry | None:
        return self.items.get(item_id)

    def put(self, item_id: str, entry: Entry) -> None:
        self.items[item_id] = entry

    def remove(self, item_id: str) -> None:
        self.items.pop(item_id, None)

    def claimed_post_ids(self, except_id: str | None = None) -> set[str]:
        return {e.post_id for i, e in self.items.items() if i != except_id and e.post_id}


# --- pure transitions -------------------------------------------------------------------

def mark_posting(old: Entry | None, *, network: str, text: str, link: str,
                 now: datetime, source: str | None = None,
                 cost_usd: float | None = None) -> Entry:
    """`cost_usd`: what the post is estimated to cost (X): the monthly budget counts it."""
    base = old or Entry(LedgerState.POSTING, network)
    return replace(base, state=LedgerState.POSTING, network=network, text=text, link=link,
                   attempted_at=format_time(now), attempts=(base.attempts or 0) + 1,
                   source=source or base.source, error=None, waiting_since=None,
                   waiting_reason=None, waiting_for=None,
                   cost_usd=cost_usd or base.cost_usd)


def with_source(old: Entry, source: str) -> Entry:
    """The article file the item belongs to now (the publisher's safety net for renames
    needs it once the item's id has left the plan)."""
    return replace(old, source=source)


def mark_sent(old: Entry, *, post_id: str, url: str, now: datetime, how: str) -> Entry:
    return replace(old, state=LedgerState.SENT, post_id=post_id, url=url,
                   sent_at=format_time(now), confirmed_by=how, error=None)


def mark_failed(old: Entry, *, kind: str, message: str, now: datetime) -> Entry:
    """The API refused and certainly created no post: tried again on the next run."""
    return replace(old, state=LedgerState.FAILED,
                   error=EntryError(kind, message, format_time(now)))


def mark_unknown(old: Entry, *, reason: str, now: datetime) -> Entry:
    """Nobody can tell whether the post exists: parked until a person runs `resolve`."""
    return replace(old, state=LedgerState.UNKNOWN,
                   error=EntryError("unknown", reason, format_time(now)))


def mark_missed(old: Entry | None, *, network: str, due: datetime, now: datetime) -> Entry:
    """Too late to post (beyond --max-lateness); `run --post-late` still posts it."""
    return replace(old or Entry(LedgerState.MISSED, network), state=LedgerState.MISSED,
                   network=network, due=format_time(due), missed_at=format_time(now))


def mark_waiting(old: Entry | None, *, network: str, reason: str, now: datetime,
                 waiting_for: WaitingFor = WaitingFor.PAGE) -> Entry:
    """Due, but not posted: its page is not live, or (`waiting_for=CREDENTIALS`) its
    network had no posting credentials. Checked again on the next run. The time it started
    waiting is kept across runs; `reason` is the last run's answer. A later `missed` keeps
    these fields: they say why it was never posted."""
    base = old or Entry(LedgerState.WAITING, network)
    since = base.waiting_since
    if base.state is not LedgerState.WAITING or since is None:
        since = format_time(now)
    return replace(base, state=LedgerState.WAITING, network=network, error=None,
                   waiting_since=since, waiting_reason=reason,
                   waiting_for=None if waiting_for is WaitingFor.PAGE else waiting_for)


def record_metrics(old: Entry, *, numbers: dict[str, int] | None, now: datetime,
                   missing: str | None = None) -> Entry:
    """A refresh happened at `now`: store the numbers, or note that the post was not found."""
    if numbers is not None:
        return replace(old, checked_at=format_time(now), metrics=dict(numbers),
                       metrics_at=format_time(now), metrics_missing=None)
    return replace(old, checked_at=format_time(now),
                   metrics_missing=missing or old.metrics_missing)


# --- file I/O ---------------------------------------------------------------------------

def dumps(ledger: Ledger, secrets: Sequence[str] = ()) -> bytes:
    """The ledger file's bytes; every credential value in `secrets` redacted (an error text
    that repeats a request's credentials is stored, and CI commits the file)."""
    def text(items: dict) -> str:
        doc = {"schema": SCHEMA, "items": items}
        return json.dumps(doc, indent=2, sort_keys=True, ensure_ascii=False) + "\n"

    items = {item_id: entry.to_json() for item_id, entry in ledger.items.items()}
    plain = text(items)
    if mentions_any(plain, secrets):       # rare: walk the entries only then
        plain = text(redact_all(items, secrets))
    return plain.encode()


# --- validation -------------------------------------------------------------------------

MAX_PROBLEMS = 20       # a ledger mangled throughout is reported by its first problems
_URL = re.compile(r"https?://[^\s\x00-\x1f\x7f]+")


def _shown(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= 60 else text[:59] + "…"


def _string(value: Any) -> str | None:
    return None if isinstance(value, str) else "a string"


def _word(value: Any) -> str | None:
    return None if isinstance(value, str) and value.strip() else "a non-empty string"


def _count(value: Any) -> str | None:
    whole = isinstance(value, int) and not isinstance(value, bool) and value >= 0
    return None if whole else "a whole number"


def _time(value: Any) -> str | None:
    try:
        parse_time(value)
    except (TimeFormatError, AttributeError, TypeError):
        return "a time like 2026-11-22T15:00:00Z"
    return None


def _url(value: Any) -> str | None:
    good = isinstance(value, str) and _URL.fullmatch(value)
    return None if good else "an http(s) URL without spaces or line breaks"


def _price(value: Any) -> str | None:
    number = isinstance(value, int | float) and not isinstance(value, bool)
    return None if number and 0 <= value < 1000 else "a price in US dollars"


Check = Callable[[Any], str | None]


def _one_of(values: type[StrEnum]) -> Check:
    def check(value: Any) -> str | None:
        known = [member.value for member in values]
        return None if value in known else "one of " + ", ".join(known)
    return check


# `url` goes into the Engagement_X_Posts header line, hence its strict form; `text` and `link`
# are copied from the plan and only compared, so nothing a plan holds can lock the ledger.
FIELDS: dict[str, Check] = {
    "state": _one_of(LedgerState), "network": _word, "text": _string, "link": _string,
    "source": _string, "url": _url,
    "attempts": _count, "attempted_at": _time, "sent_at": _time, "due": _time,
    "missed_at": _time, "checked_at": _time, "metrics_at": _time, "confirmed_by": _string,
    "metrics_missing": _string, "waiting_since": _time, "waiting_reason": _string,
    "waiting_for": _one_of(WaitingFor), "cost_usd": _price,
}
ERROR_FIELDS: dict[str, Check] = {"kind": _word, "message": _string, "at": _time}
REQUIRED = ("state", "network")
REQUIRED_WHEN_SENT = ("post_id", "url", "sent_at")


def _entry_problems(entry: Any) -> Iterator[tuple[str, str]]:
    """(field path, problem) for one ledger entry; unknown extra fields are left alone."""
    if not isinstance(entry, dict):
        yield "", f"expected an object, got {_shown(entry)}"
        return
    state = entry.get("state")
    required = REQUIRED + (REQUIRED_WHEN_SENT if state == LedgerState.SENT else ())
    required += WAITING_FIELDS if state == LedgerState.WAITING else ()
    required += ("metrics_at",) if "metrics" in entry else ()
    for name in required:
        if name not in entry:
            yield f".{name}", "missing"
    for name, check in FIELDS.items():
        if name in entry and (expected := check(entry[name])):
            yield f".{name}", f"expected {expected}, got {_shown(entry[name])}"
    if "post_id" in entry and isinstance(entry.get("network"), str):
        rule = registry.post_id_rule(entry["network"])
        if not rule.valid_post_id(entry["post_id"]):
            yield (".post_id", f"expected a post id for {rule.label} ({rule.post_id_form}), "
                   f"got {_shown(entry['post_id'])}")
    metrics = entry.get("metrics")
    if "metrics" in entry and not isinstance(metrics, dict):
        yield ".metrics", f"expected an object of whole numbers, got {_shown(metrics)}"
    for name, value in (metrics.items() if isinstance(metrics, dict) else ()):
        if _count(value):
            yield f".metrics.{name}", f"expected a whole number, got {_shown(value)}"
    error = entry.get("error")
    if "error" in entry and not isinstance(error, dict):
        yield ".error", f"expected an object (kind, message, at), got {_shown(error)}"
    if isinstance(error, dict):
        for name, check in ERROR_FIELDS.items():
            if name in error and (expected := check(error[name])):
                yield f".error.{name}", f"expected {expected}, got {_shown(error[name])}"


def validate(items: dict[str, Any]) -> list[str]:
    """Every problem in the ledger's items, as `items["ID"].field: what is wrong`."""
    return [f"items[{json.dumps(item_id, ensure_ascii=False)}]{path}: {problem}"
            for item_id, entry in items.items()
            for path, problem in _entry_problems(entry)]


def _restore_hint(where: str) -> str:
    return f"restore it from git (git checkout -- {where})"


def init_command(where: str) -> str:
    extra = "" if Path(where) == DEFAULT_PATH else f" --ledger {where}"
    return f"`python -m publish init{extra}`"


def loads(raw: bytes, where: str = "ledger") -> Ledger:
    if not raw.strip():
        raise LedgerError(f"{where} is empty (a ledger holds at least its schema): "
                          f"{_restore_hint(where)}; if this project never had a ledger, "
                          f"delete the file and run {init_command(where)}")
    try:
        doc = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise LedgerError(f"{where} is not valid JSON ({exc}); restore it from git") from None
    if not isinstance(doc, dict) or doc.get("schema") != SCHEMA:
        raise LedgerError(f"{where}: expected schema {SCHEMA!r}")
    items = doc.get("items")
    if not isinstance(items, dict):
        raise LedgerError(f"{where}: 'items' must be an object")
    problems = validate(items)
    if problems:
        more = len(problems) - MAX_PROBLEMS
        lines = [f"{where}: {p}" for p in problems[:MAX_PROBLEMS]]
        lines += [f"{where}: … and {more} more problems"] if more > 0 else []
        raise LedgerError("\n".join(lines))
    return Ledger(items={item_id: Entry.from_json(entry) for item_id, entry in items.items()})


@dataclass(frozen=True)
class LedgerStore:
    path: Path
    secrets: tuple[str, ...] = ()     # redacted from every save (publish.redaction)

    def exists(self) -> bool:
        return Path(self.path).exists()

    def load(self, *, missing_ok: bool = False) -> Ledger:
        """The ledger. A missing file is an error (LedgerMissing) unless `missing_ok`, which
        only read-only commands pass; then it reads as empty."""
        try:
            raw = Path(self.path).read_bytes()
        except FileNotFoundError:
            if missing_ok:
                return Ledger()
            raise LedgerMissing(self.missing_message() + " (nothing is posted without a "
                                "ledger, so a lost one never causes posts twice)") from None
        except OSError as exc:
            raise LedgerError(f"cannot read the ledger {self.path}: {exc.strerror}") from None
        return loads(raw, str(self.path))

    def missing_message(self) -> str:
        return (f"no ledger at {self.path}: {_restore_hint(str(self.path))}, or start a new "
                f"one with {init_command(str(self.path))}")

    def save(self, ledger: Ledger) -> None:
        write_atomic(Path(self.path), dumps(ledger, self.secrets))

    def create(self, *, dry_run: bool = False) -> None:
        """A new, empty ledger; LedgerError when a file (even an empty one) is there. A dry
        run only checks."""
        try:
            if dry_run and self.exists():
                raise FileExistsError(self.path)
            if not dry_run:
                create_exclusive(Path(self.path), dumps(Ledger()))
        except FileExistsError:
            raise LedgerError(f"{self.path} already exists: init never overwrites a ledger "
                              "(a damaged one: restore it from git)") from None
