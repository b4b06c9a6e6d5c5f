"""The pure parts of `publish diff`: comparing two plans with the ledger
(publish/report/plan_changes.py), the text and Markdown (publish/report/changes_text.py) and
the placeholder price list (contract/x_pricing.py). The command itself, with real builds in a
git clone: test_publish_diff.py."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from contract.x_pricing import estimated_cost_usd
from publish.posting.ledger import Ledger
from publish.posting.ledger_entry import Entry
from publish.posting.plan_file import parse_plan
from publish.report import changes_text
from publish.report.plan_changes import Side, compare, json_document
from publish.report.previews import LinkCard
from tests.publish.conftest import item

NOW = datetime(2026, 11, 22, 15, 0, tzinfo=UTC)
LATE = timedelta(hours=24)


def side(*items: dict, cards: dict | None = None) -> Side:
    plan = parse_plan({"schema": "campaign-plan/1", "site_url": "https://blog.example",
                       "timezone": "Atlantic/Reykjavik", "items": list(items)})
    return Side(plan, {i["id"]: i for i in items}, cards or {})


KEPT = item("kept", "social-1", "2026-11-23T09:00:00Z", "Nothing changes")
EDITED = item("edited", "social-1", "2026-11-23T09:00:00Z", "First words")
GONE = item("gone", "social-1", "2026-11-24T09:00:00Z", "Going away")
SENT = item("sent", "social-1", "2026-11-20T09:00:00Z", "Out already")
NEW = item("new", "social-1", "2026-11-25T09:00:00Z", "Brand new")


def edit(raw: dict, text: str) -> dict:
    return {**raw, "text": f"{text} {raw['link']}"}


def test_compare_sorts_every_item_and_the_ledger_decides_what_is_already_sent():
    ledger = Ledger({SENT["id"]: Entry.from_json({
        "network": "x", "state": "sent", "text": SENT["text"],
        "url": "https://x.com/i/web/status/1"})})
    before = side(KEPT, EDITED, GONE, SENT)
    after = side(KEPT, edit(EDITED, "Better words"), edit(SENT, "Reworded"), NEW)
    changes = compare(before, after, ledger, NOW, LATE)
    assert [s.item.id for s in changes.added] == [NEW["id"]]
    assert [e.id for e in changes.changed] == [EDITED["id"]]
    assert [s.item.id for s in changes.removed] == [GONE["id"]]
    assert [e.id for e in changes.already_sent] == [SENT["id"]]
    assert changes.already_sent[0].posted_text == SENT["text"]
    # +0.20 (new) -0.20 (gone) +0 (the edit keeps its link); the sent one costs nothing
    assert changes.cost == 0.0
    doc = json_document(changes, "main", NOW)
    assert set(doc) >= {"added", "changed", "removed", "already_sent",
                        "total_estimated_cost_usd"}
    assert doc["added"][0] == {**NEW, "estimated_cost_usd": 0.2, "state": "scheduled"}
    assert doc["changed"][0]["before"]["text"] == EDITED["text"]


def test_a_new_link_card_is_a_change_a_reader_sees():
    card = LinkCard(domain="blog.example", title="Old title", found=True)
    before = side(KEPT, cards={KEPT["link"]: card})
    after = side(KEPT, cards={KEPT["link"]: LinkCard(domain="blog.example",
                                                     title="New title", found=True)})
    changes = compare(before, after, Ledger(), NOW, LATE)
    assert [e.id for e in changes.changed] == [KEPT["id"]]
    assert compare(before, before, Ledger(), NOW, LATE).empty


def test_an_added_item_already_missed_costs_nothing_to_come():
    old = item("old", "social-1", "2026-11-01T09:00:00Z", "Long ago")
    changes = compare(side(), side(old), Ledger(), NOW, LATE)
    assert changes.added[0].state == "missed" and changes.cost == 0.0


@pytest.mark.parametrize("raw, shown", [
    ("<script>alert(1)</script>", "&lt;script&gt;alert\\(1\\)&lt;/script&gt;"),
    ("**bold** _it_ [x](javascript:1) `code` | ~", "\\*\\*bold\\*\\* \\_it\\_ \\[x\\]"
     "\\(javascript:1\\) \\`code\\` \\| \\~"),
    ("- a list? 1. no", "\\- a list? 1. no"),
    ("12. not a list", "12\\. not a list"),
    ("hi @someone and #12", "hi @\u2060someone and \\#\u206012"),
    ("see https://blog.example/a/?utm_source=x&b=1 now",
     "see <https://blog.example/a/?utm_source=x&b=1> now"),
    ("two\nlines", "two lines"),
])
def test_markdown_text_is_data(raw, shown):
    assert changes_text.markdown_text(raw) == shown


def test_the_comment_is_short_when_no_post_changes_and_text_says_the_totals():
    nothing = compare(side(KEPT), side(KEPT), Ledger(), NOW, LATE)
    assert changes_text.markdown(nothing, "main") == (
        "<!-- publish-diff -->\n**Social posts:** no change (compared with `main`).\n")
    assert changes_text.text(nothing, "main") == (
        "diff main → working tree: 0 added, 0 changed, 0 removed; estimated cost of what is "
        "still to be posted: $0.00\n")


def test_the_comment_groups_by_article_previews_first():
    title = {**NEW, "title": "A <title> & *more*"}
    changes = compare(side(EDITED), side(edit(EDITED, "Better"), title), Ledger(), NOW, LATE)
    body = changes_text.markdown(changes, "main")
    lines = body.splitlines()
    assert lines[0] == "<!-- publish-diff -->"
    assert lines[1] == "### Social posts: 1 added, 1 changed, 0 removed"
    assert "#### A &lt;title&gt; &amp; \\*more\\*" in lines
    assert body.index("**Before**") < body.index("**After**") < body.index("<details>")
    assert "| added | `en/new/social-1/x` | scheduled | $0.20 |" in lines


@pytest.mark.parametrize("value, sign, shown", [
    (0.2, False, "$0.20"), (0.015, False, "$0.015"), (0.0, True, "$0.00"),
    (0.4, True, "+$0.40"), (-0.185, True, "-$0.185"), (12.0, False, "$12.00")])
def test_money(value, sign, shown):
    assert changes_text.money(value, sign=sign) == shown


def test_estimated_cost_of_a_post():
    assert estimated_cost_usd({"network": "x", "text": "Read https://a.example/"}) == 0.20
    assert estimated_cost_usd({"network": "x", "text": "No link here"}) == 0.015
    assert estimated_cost_usd({"network": "mastodon", "text": "https://a.example/"}) == 0
    plan_item = parse_plan({"schema": "campaign-plan/1", "site_url": "https://blog.example",
                            "items": [NEW]}).items[0]
    assert estimated_cost_usd(plan_item) == 0.20


@pytest.mark.parametrize("url, shown", [
    ("https://x.com/i/web/status/1", "([the post](https://x.com/i/web/status/1))"),
    ("https://evil.example/a)(javascript:alert(1)", "(the post: `https://evil.example/a)"
                                                    "(javascript:alert(1)`)"),
])
def test_an_already_sent_item_links_its_post_only_when_the_url_is_plain(url, shown):
    ledger = Ledger({SENT["id"]: Entry.from_json({
        "network": "x", "state": "sent", "text": SENT["text"], "url": url})})
    changes = compare(side(SENT), side(edit(SENT, "Reworded")), ledger, NOW, LATE)
    body = changes_text.markdown(changes, "main")
    assert f"**Already sent {shown}, not posted again:**" in body
    assert "| already sent | `en/sent/social-1/x` | sent | $0.20 |" in body


def test_no_preview_shows_the_lines_as_code_whatever_they_hold():
    body = changes_text.failure_markdown(["posts/a.md: Social: has ``` and @someone"], "main")
    assert body == ("<!-- publish-diff -->\n**Social posts:** no preview (compared with "
                    "`main`): fix what is listed here, and push again.\n\n````\n"
                    "posts/a.md: Social: has ``` and @someone\n````\n")
