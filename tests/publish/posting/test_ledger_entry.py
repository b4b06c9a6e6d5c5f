"""publish/posting/ledger_entry.py: a ledger entry is typed once it is loaded, and saving it
gives back the file it came from, byte for byte (fields it does not know included)."""

import json

import pytest

from publish.posting.ledger import LedgerError, dumps, loads
from publish.posting.ledger_entry import Entry, EntryError, LedgerState, WaitingFor

ITEMS = {
    "en/a/social-1/x": {
        "state": "sent", "network": "x", "text": "Hi https://a.example/", "attempts": 2,
        "link": "https://a.example/", "source": "posts/a.md", "post_id": "1849203",
        "url": "https://x.com/i/web/status/1849203", "sent_at": "2026-11-22T15:00:00Z",
        "attempted_at": "2026-11-22T14:59:59Z", "confirmed_by": "api",
        "metrics": {"likes": 3, "impressions": 40}, "metrics_at": "2026-11-22T16:00:00Z",
        "checked_at": "2026-11-22T16:00:00Z", "note": {"kept": ["as", "it", "is"]},
        "error": {"kind": "server", "message": "503", "at": "2026-11-22T14:00:00Z",
                  "retry": 1},
    },
    "en/a/social-1/mastodon": {
        "state": "missed", "network": "mastodon", "due": "2026-11-20T09:00:00Z",
        "missed_at": "2026-11-22T15:00:00Z", "waiting_since": "2026-11-20T09:00:00Z",
        "waiting_reason": "MASTODON_ACCESS_TOKEN not set", "waiting_for": "credentials",
    },
}


def ledger_bytes(items) -> bytes:
    doc = {"schema": "publish-ledger/1", "items": items}
    return (json.dumps(doc, indent=2, sort_keys=True, ensure_ascii=False) + "\n").encode()


def test_a_loaded_entry_is_typed_and_saves_as_it_was():
    raw = ledger_bytes(ITEMS)
    ledger = loads(raw)
    sent = ledger.get("en/a/social-1/x")
    assert isinstance(sent, Entry) and sent.state is LedgerState.SENT
    assert sent.attempts == 2 and sent.metrics == {"likes": 3, "impressions": 40}
    assert sent.error == EntryError("server", "503", "2026-11-22T14:00:00Z", {"retry": 1})
    assert sent.extra == {"note": {"kept": ["as", "it", "is"]}}
    assert ledger.get("en/a/social-1/mastodon").waiting_for is WaitingFor.CREDENTIALS
    assert dumps(ledger) == raw


def test_a_field_not_set_is_left_out():
    entry = Entry(LedgerState.WAITING, "x", waiting_since="2026-11-22T15:00:00Z",
                  waiting_reason="404")
    assert entry.to_json() == {"state": "waiting", "network": "x",
                               "waiting_since": "2026-11-22T15:00:00Z", "waiting_reason": "404"}


def test_a_source_that_is_not_text_is_refused_where_it_enters():
    items = {"en/a/social-1/x": {**ITEMS["en/a/social-1/x"], "source": ["posts/a.md"]}}
    with pytest.raises(LedgerError, match=r'\.source: expected a string, got \["posts/a.md"\]'):
        loads(ledger_bytes(items))
