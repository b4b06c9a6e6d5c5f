"""Bluesky posts as records (pure): the record key of a plan item, a post's AT URI and link,
its text as the plan wrote it (links in full, from its facets), Bluesky's limits on the text
readers see, the createdAt form, a post record or view read back (FoundPost, counts), and a
link card's image from an answer.
No network library imported; the adapter (bluesky_adapter.py) sends and reads them.

A post is created with an explicit record key derived from the plan item's id alone
(`record_key`): the same item always gets the same key, whenever it is due. Posts made
before under the older key, made from the id and the due time (`due_record_key`), are still
found by the reconcile.
"""

from __future__ import annotations

import contextlib
import hashlib
import math
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from contract import bluesky_text
from publish.clock import TimeFormatError, parse_time
from publish.networks import FoundPost
from publish.networks.bluesky.bluesky_capabilities import CAPABILITIES, COLLECTION

if TYPE_CHECKING:
    import httpx


# --- the record key of an item (pure) ----------------------------------------------------

TID_ALPHABET = "234567abcdefghijklmnopqrstuvwxyz"   # base32-sortable


KEY_TIME_BITS = 50   # a record key's time: 2**50 µs after 1970 is 2005, never the future


def _tid(micros: int, clock_id: int) -> str:
    value = (micros << 10) | clock_id             # 63 bits: the top bit of 64 stays 0
    chars = []
    for _ in range(13):
        chars.append(TID_ALPHABET[value & 31])
        value >>= 5
    return "".join(reversed(chars))


def _digest(key: str) -> int:
    return int.from_bytes(hashlib.sha256(key.encode("utf-8")).digest(), "big")


def record_key(key: str) -> str:
    """The record key of a plan item, from its id alone: a TID (13 base32-sortable
    characters, the top bit zero, as the PDS requires of an app.bsky.feed.post key) whose 50
    bits of time and 10 bits of clock id are 60 bits of a SHA-256 of the id. The same for an
    item whenever it is due, so a re-dated item cannot be posted twice; its time lies before
    2006, never in the future."""
    digest = _digest(key)
    return _tid(digest & ((1 << KEY_TIME_BITS) - 1), (digest >> 64) & 0x3FF)


def due_record_key(key: str, due: datetime | None) -> str:
    """The older record key (until issue 17), still read by the reconcile: the item's due
    time in whole seconds plus its id's hash mod 1,000,000 as microseconds, and 10 bits of
    clock id from further bits of that hash. It changed when the item was re-dated."""
    digest = _digest(key)
    seconds = math.floor(due.timestamp()) if due is not None else 0
    micros = (seconds * 1_000_000 + digest % 1_000_000) & ((1 << 53) - 1)
    return _tid(micros, (digest >> 64) & 0x3FF)


def tid_parts(tid: str) -> tuple[int, int]:
    """(microseconds since the epoch, clock id) of a TID."""
    value = 0
    for char in tid:
        value = (value << 5) | TID_ALPHABET.index(char)
    return value >> 10, value & 0x3FF


# --- posts and records (pure) -------------------------------------------------------------

def post_url(post_id: str) -> str:
    url = CAPABILITIES.url_for(post_id)
    assert url is not None          # Bluesky's capabilities form every post's link
    return url


def post_uri(did: str, rkey: str) -> str:
    return f"at://{did}/{COLLECTION}/{rkey}"


def full_text(text: str, facets: Any) -> str:
    """A post's text with each link facet's span replaced by its full URI: the text as the
    plan wrote it (the Bluesky app shows links shortened), so a found post compares with
    the text the ledger holds. Facets that do not fit the text are ignored."""
    data = text.encode("utf-8")
    spans = []
    for facet in _list(facets):
        index = facet.get("index") if isinstance(facet, dict) else None
        uris = [f["uri"] for f in _list(facet.get("features") if isinstance(facet, dict)
                                        else None)
                if isinstance(f, dict) and isinstance(f.get("uri"), str)]
        if not isinstance(index, dict) or not uris:
            continue
        start, end = index.get("byteStart"), index.get("byteEnd")
        if (isinstance(start, int) and isinstance(end, int) and not isinstance(start, bool)
                and not isinstance(end, bool) and 0 <= start <= end <= len(data)):
            spans.append((start, end, uris[0]))
    pieces, position = [], 0
    for start, end, uri in sorted(spans):
        if start < position:
            continue
        pieces += [data[position:start], uri.encode("utf-8")]
        position = end
    return b"".join([*pieces, data[position:]]).decode("utf-8", errors="replace")


def limit_problem(shown: str) -> str | None:
    """What is over Bluesky's limits in the text readers will see, or None."""
    size, length = bluesky_text.utf8_length(shown), bluesky_text.graphemes(shown)
    if size > bluesky_text.MAX_BYTES:
        return f"the text is {size} bytes, Bluesky's limit is {bluesky_text.MAX_BYTES}"
    if length > bluesky_text.MAX_GRAPHEMES:
        return (f"the text is {length} characters, Bluesky's limit is "
                f"{bluesky_text.MAX_GRAPHEMES}")
    return None


def iso_z(value: datetime) -> str:
    """'2026-11-22T15:00:00.123Z': the createdAt form of the Bluesky app."""
    value = value.astimezone(UTC)
    return value.strftime("%Y-%m-%dT%H:%M:%S.") + f"{value.microsecond // 1000:03d}Z"

def map_counts(raw: Any) -> dict[str, int] | None:
    """An app.bsky.feed.defs#postView's counts → our metric names (an absent count is 0)."""
    if not isinstance(raw, dict):
        return None
    out = {}
    for name, field in (("likes", "likeCount"), ("reposts", "repostCount"),
                        ("replies", "replyCount"), ("quotes", "quoteCount")):
        value = raw.get(field, 0)
        if not isinstance(value, int) or isinstance(value, bool) or value < 0:
            return None
        out[name] = value
    return out


def _list(value: Any) -> list:
    return value if isinstance(value, list) else []


def found_post(uri: Any, record: Any, indexed_at: Any = None) -> FoundPost | None:
    """A post record (its AT URI and value) → FoundPost; None when the id or the text is
    unusable. expanded_urls: the link facets' and the external card's URIs."""
    if CAPABILITIES.post_id_problem(uri) or not isinstance(record, dict):
        return None
    text = record.get("text")
    if not isinstance(text, str):
        return None
    text = full_text(text, record.get("facets"))
    created = None
    for value in (record.get("createdAt"), indexed_at):
        if isinstance(value, str):
            try:
                created = parse_time(value)
                break
            except TimeFormatError:
                continue
    urls = [feature["uri"]
            for facet in _list(record.get("facets")) if isinstance(facet, dict)
            for feature in _list(facet.get("features"))
            if isinstance(feature, dict) and isinstance(feature.get("uri"), str)]
    embed = record.get("embed")
    external = embed.get("external") if isinstance(embed, dict) else None
    if isinstance(external, dict) and isinstance(external.get("uri"), str):
        urls.append(external["uri"])
    return FoundPost(post_id=uri, url=post_url(uri), text=text, created_at=created,
                     expanded_urls=tuple(dict.fromkeys(urls)))


def contains_link(post: FoundPost, link: str) -> bool:
    return link in post.expanded_urls or link in post.text


def sort_time(view: dict, post: FoundPost) -> datetime | None:
    """When a feed item sorts: the earlier of its createdAt and indexedAt (as the AppView)."""
    times = [post.created_at] if post.created_at else []
    indexed = view.get("indexedAt")
    if isinstance(indexed, str):
        with contextlib.suppress(TimeFormatError):
            times.append(parse_time(indexed))
    return min(times, default=None)


# --- a link card's image (pure) ------------------------------------------------------------

MAX_IMAGE_BYTES = 1_000_000        # app.bsky.embed.external thumb maxSize
IMAGE_TYPES = frozenset({"image/jpeg", "image/png", "image/webp", "image/gif"})


def image_body(answer: httpx.Response) -> tuple[bytes, str] | None:
    """A 200 image answer's bytes (at most MAX_IMAGE_BYTES) and type, else None."""
    kind = answer.headers.get("content-type", "").split(";")[0].strip().lower()
    if answer.status_code != 200 or kind not in IMAGE_TYPES:
        return None
    length = answer.headers.get("content-length", "")
    if length.isdigit() and int(length) > MAX_IMAGE_BYTES:
        return None
    body = bytearray()
    for chunk in answer.iter_bytes():
        body += chunk
        if len(body) > MAX_IMAGE_BYTES:
            return None
    return (bytes(body), kind) if body else None
