"""Pins: the `Shared_Id` and `Shared_Urls` header lines (docs/contract.md §3) that keep an
article's item ids and old addresses once one of its items went out.

Pure part: which ledger entries belong to which article (`shared_by_source`), the lines they
imply (`pin_values`), whether a plan item is one that already went out under an older id
(`already_sent_as`), which articles' headers name a share the ledger does not hold
(`unrecorded_shares`: a ledger restored from an older commit) and the notes `status`/`plan`
show (`rename_notes`). `sync_pins` writes the lines, re-derived from the ledger on every run,
so a lost or stale line heals; `read_headers` reads them back.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from contract.header_lines import SEPARATOR, SHARED_ID_KEY, SHARED_URLS_KEY, posts_key
from publish.posting.ledger import Ledger
from publish.posting.ledger_entry import Entry, LedgerState
from publish.posting.plan_file import Plan, PlanItem
from publish.posting.writeback import content_file, header_lines, update_header
from publish.terminal import Output

# A post may exist for an entry in these states: its link may be out.
MAY_BE_OUT = frozenset({LedgerState.POSTING, LedgerState.SENT, LedgerState.UNKNOWN})


def id_base(item_id: str) -> str:
    """`en/my-post/social-1/x` → `en/my-post` (what Shared_Id pins)."""
    return item_id.rsplit("/", 2)[0]


def id_tail(item_id: str) -> str:
    """`en/my-post/social-1/x` → `social-1/x` (slot and network)."""
    return "/".join(item_id.rsplit("/", 2)[1:])


def site_path(link: str, site_url: str) -> str | None:
    """The path of a shared link relative to the site, as Shared_Urls writes it (a comma
    as %2C), or None when the link is not on the site."""
    base, parts = urlsplit(site_url), urlsplit(link)
    prefix = base.path.rstrip("/") + "/"
    if (parts.scheme, parts.netloc) != (base.scheme, base.netloc) or \
            not parts.path.startswith(prefix):
        return None
    return parts.path[len(prefix):].replace(",", "%2C")


def _shared_at(pair: tuple[str, Entry]) -> tuple[str, str]:
    item_id, entry = pair
    return (entry.sent_at or entry.attempted_at or "", item_id)


def shared_by_source(plan: Plan, ledger: Ledger) -> dict[str, list[tuple[str, Entry]]]:
    """Article file → its ledger entries whose post may be out, in order of first sharing.
    An id in the plan belongs to the plan's file; an id no longer in the plan (renamed
    without a pin) to the file it was recorded for, if that file is still in the plan."""
    by_id = plan.by_id()
    sources = {item.source for item in plan.items}
    groups: dict[str, list[tuple[str, Entry]]] = {}
    for item_id, entry in ledger.items.items():
        if entry.state not in MAY_BE_OUT:
            continue
        source = by_id[item_id].source if item_id in by_id else entry.source
        if source in sources:
            groups.setdefault(source, []).append((item_id, entry))
    for entries in groups.values():
        entries.sort(key=_shared_at)
    return groups


def shared_paths(entries: Iterable[tuple[str, Entry]], site_url: str) -> list[str]:
    paths = (site_path(entry.link or "", site_url) for _, entry in entries)
    return list(dict.fromkeys(p for p in paths if p is not None))


def pin_values(plan: Plan, ledger: Ledger) -> dict[str, list[tuple[str, str]]]:
    """Article file → its pin lines: the id base of its first shared item, and every path
    its links were shared at."""
    result = {}
    for source, entries in shared_by_source(plan, ledger).items():
        values = [(SHARED_ID_KEY, id_base(entries[0][0]))]
        paths = shared_paths(entries, plan.site_url)
        if paths:
            values.append((SHARED_URLS_KEY, SEPARATOR.join(paths)))
        result[source] = values
    return result


def already_sent_as(item: PlanItem, plan_ids: set[str],
                    groups: dict[str, list[tuple[str, Entry]]]) -> str | None:
    """The older id under which this item (same file, slot and network) went out, when the
    article was renamed and lost its pin; else None."""
    for other, _ in groups.get(item.source, ()):
        if other != item.id and other not in plan_ids and id_tail(other) == id_tail(item.id):
            return other
    return None


def unrecorded_shares(plan: Plan, ledger: Ledger, headers: Mapping[str, Mapping[str, str]],
                      labels: Mapping[str, str]) -> set[tuple[str, str]]:
    """(article file, network) pairs whose header says a post went out that the ledger does
    not hold: the file has a `Shared_Id` but the ledger no entry of it whose post may be out
    (every network of the article), or its `Engagement_<Label>_Posts` names a link that no
    ledger entry has. The ledger was restored from a commit older than the header, so a due
    item there may be out already, even under another due time. `headers`: file → its
    header lines (lowercased keys, `read_headers`); `labels`: network → label."""
    groups = shared_by_source(plan, ledger)
    known = {entry.url for entry in ledger.items.values() if entry.url}
    doubted = set()
    for item in plan.items:
        header = headers.get(item.source) or {}
        if SHARED_ID_KEY.lower() in header and not groups.get(item.source):
            doubted.add((item.source, item.network))
        label = labels.get(item.network)
        listed = header.get(posts_key(label).lower(), "") if label else ""
        if any(link.strip() not in known for link in listed.split(",") if link.strip()):
            doubted.add((item.source, item.network))
    return doubted


def read_headers(content: Path, sources: Iterable[str],
                 labels: Iterable[str]) -> dict[str, dict[str, str]]:
    """Each article file's pin and post lines (`header_lines`); a file that cannot be read
    has none (the build reports it)."""
    keys = [SHARED_ID_KEY, *(posts_key(label) for label in labels)]
    headers = {}
    for source in dict.fromkeys(sources):
        try:
            text = content_file(content, source).read_text(encoding="utf-8")
        except (OSError, ValueError):
            continue
        headers[source] = header_lines(text, keys)
    return headers


def rename_notes(plan: Plan, ledger: Ledger) -> dict[str, str]:
    """Item id → a note for `status` and `plan` when its article moved after sharing."""
    groups = shared_by_source(plan, ledger)
    plan_ids = set(plan.by_id())
    notes = {}
    for item in plan.items:
        entry = ledger.get(item.id)
        old = already_sent_as(item, plan_ids, groups)
        if old and (entry is None or entry.state not in MAY_BE_OUT):
            notes[item.id] = f"renamed: already sent as {old}; not posted again"
            continue
        here = site_path(item.link, plan.site_url)
        moved = [p for p in shared_paths(groups.get(item.source, ()), plan.site_url)
                 if p != here]
        if moved:
            notes[item.id] = f"renamed: shared as {', '.join(moved)} (redirects)"
    return notes


@dataclass
class FileReport:
    """Markdown files a command rewrote, and those it could not."""

    changed_files: list[str] = field(default_factory=list)
    file_errors: list[str] = field(default_factory=list)


def sync_pins(plan: Plan, ledger: Ledger, content: Path, dry_run: bool, out: Output,
              report: FileReport) -> None:
    """Write each shared article's pin lines; a file whose lines are right is not touched."""
    owners = {i.source: i.id for i in reversed(plan.items)}
    for source, values in sorted(pin_values(plan, ledger).items()):
        update_header(content, source, values, owner=owners[source], dry_run=dry_run, out=out,
                      report=report)
