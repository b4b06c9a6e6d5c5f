"""The ledger's text: sorted and stable (publish.posting.ledger)."""

from __future__ import annotations

from publish.posting.ledger import Ledger, dumps, loads
from publish.posting.ledger_entry import Entry


def test_ledger_round_trip_is_sorted_and_stable():
    sent = {"state": "sent", "network": "x", "post_id": "1", "z": 1, "a": "é",
            "url": "https://x.com/i/web/status/1", "sent_at": "2026-11-22T15:00:00Z"}
    ledger = Ledger({"b": Entry.from_json(sent),
                     "a": Entry.from_json({"state": "missed", "network": "x"})})
    raw = dumps(ledger)
    assert raw.decode().index('"a": {') < raw.decode().index('"b": {')
    assert "é" in raw.decode()
    assert dumps(loads(raw)) == raw
