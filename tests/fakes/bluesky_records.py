"""The records of the fake PDS (tests/fakes/fake_bluesky.py) as the reference PDS keeps
them: record keys (TIDs), CIDs, times, the lexicon check of a post record's text and facets
(`record_problem`), and a stored post (`Post`)."""

from __future__ import annotations

import base64
import hashlib
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime

import regex

COLLECTION = "app.bsky.feed.post"


TID_ALPHABET = "234567abcdefghijklmnopqrstuvwxyz"


TID = re.compile(r"[234567abcdefghij][234567abcdefghijklmnopqrstuvwxyz]{12}")


def tid_for(micros: int, clock_id: int = 0) -> str:
    value = (micros << 10) | (clock_id & 0x3FF)
    return "".join(TID_ALPHABET[(value >> (5 * i)) & 31] for i in reversed(range(13)))


def bsky_time(value: datetime) -> str:
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.") + \
        f"{value.microsecond // 1000:03d}Z"


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def fake_cid(data: bytes, prefix: str = "bafyrei") -> str:
    return prefix + base64.b32encode(hashlib.sha256(data).digest()).decode().lower().rstrip("=")


MAX_TEXT_BYTES, MAX_TEXT_GRAPHEMES = 3000, 300      # app.bsky.feed.post text


DID_SYNTAX = re.compile(r"did:[a-z]+:[a-zA-Z0-9._:%-]*[a-zA-Z0-9._-]")


FEATURES = {"app.bsky.richtext.facet#link": "uri", "app.bsky.richtext.facet#mention": "did",
            "app.bsky.richtext.facet#tag": "tag"}


def record_problem(record: dict) -> str | None:
    """What the PDS's lexicon check refuses in a post record's text and facets (its words:
    @atproto/lex-schema's IssueTooBig), or None."""
    text = record["text"]
    size = len(text.encode("utf-8"))
    if size > MAX_TEXT_BYTES:
        return f"string too big (maximum {MAX_TEXT_BYTES}, got {size}) at $.text"
    graphemes = len(regex.findall(r"\X", text))
    if graphemes > MAX_TEXT_GRAPHEMES:
        return f"grapheme too big (maximum {MAX_TEXT_GRAPHEMES}, got {graphemes}) at $.text"
    facets = record.get("facets", [])
    if not isinstance(facets, list):
        return "Expected an array at $.facets"
    for n, facet in enumerate(facets):
        index = facet.get("index") if isinstance(facet, dict) else None
        features = facet.get("features") if isinstance(facet, dict) else None
        if (not isinstance(index, dict) or not all(
                type(index.get(k)) is int and index[k] >= 0 for k in ("byteStart", "byteEnd"))
                or not isinstance(features, list) or not features):
            return f"Invalid facet at $.facets[{n}]"
        for feature in features:
            field = FEATURES.get(feature.get("$type")) if isinstance(feature, dict) else None
            value = feature.get(field) if field else None
            if not isinstance(value, str) or not value or (
                    field == "did" and not DID_SYNTAX.fullmatch(value)) or (
                    field == "tag" and len(regex.findall(r"\X", value)) > 64):
                return f"Invalid facet feature at $.facets[{n}]"
    return None


@dataclass
class Post:
    id: str                      # the AT URI
    rkey: str
    text: str
    created_at: datetime | None  # the record's createdAt (set by the client)
    record: dict
    cid: str
    indexed_at: datetime
    metrics: dict = field(default_factory=dict)

    @property
    def written(self) -> str:
        """The text with each link facet's span replaced by its URI: what the client wrote
        before the Bluesky app's rule shortened the links it shows."""
        raw, pieces, position = self.text.encode("utf-8"), [], 0
        for facet in sorted(self.record.get("facets") or [],
                            key=lambda f: f["index"]["byteStart"]):
            uris = [f["uri"] for f in facet["features"] if "uri" in f]
            start, end = facet["index"]["byteStart"], facet["index"]["byteEnd"]
            if uris and start >= position:
                pieces += [raw[position:start], uris[0].encode("utf-8")]
                position = end
        return b"".join([*pieces, raw[position:]]).decode("utf-8")


def record_uris(record: dict) -> list[str]:
    uris = [f.get("uri") for facet in record.get("facets") or []
            for f in facet.get("features") or []]
    embed = record.get("embed") or {}
    uris.append((embed.get("external") or {}).get("uri"))
    return [u for u in uris if isinstance(u, str)]
