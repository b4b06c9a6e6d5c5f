"""Pins and the rename safety net as values (publish/posting/pins.py), and the ledger's `source`."""

from __future__ import annotations

from datetime import UTC, datetime

from publish.posting import ledger as L
from publish.posting.ledger import Ledger
from publish.posting.ledger_entry import Entry
from publish.posting.pins import (
    already_sent_as,
    pin_values,
    rename_notes,
    shared_by_source,
    site_path,
)
from publish.posting.plan_file import parse_plan
from tests.publish.conftest import SITE, item, plan_doc

NOW = datetime(2026, 11, 22, 15, 0, tzinfo=UTC)


def sent(item_id: str, link: str, source: str, at: str = "2026-11-22T15:00:00Z") -> Entry:
    return Entry.from_json({"state": "sent", "post_id": "1", "link": link, "source": source,
                            "url": "https://x.com/i/web/status/1", "sent_at": at,
                            "network": "x"})


def entry(**fields) -> Entry:
    return Entry.from_json({"network": "x", **fields})


def test_site_path_is_relative_to_the_site_and_keeps_commas_apart():
    assert site_path(f"{SITE}/2026/a/?utm_source=x", SITE) == "2026/a/"
    assert site_path(f"{SITE}/2026/a,b/", SITE) == "2026/a%2Cb/"
    assert site_path(f"{SITE}/2026/caf%C3%A9/", SITE) == "2026/caf%C3%A9/"
    assert site_path("https://blog.example/blog/2026/a/", "https://blog.example/blog") == \
        "2026/a/"
    assert site_path("https://elsewhere.example/2026/a/", SITE) is None
    assert site_path("http://blog.listening-brands.example/2026/a/", SITE) is None


def test_pins_follow_the_ledger_in_order_of_first_sharing():
    plan = parse_plan(plan_doc([item("new", "social-1", "2026-11-22T09:00:00Z", "One",
                                     source="posts/a.md"),
                                item("new", "social-2", "2026-11-25T09:00:00Z", "Two",
                                     source="posts/a.md")]))
    ledger = Ledger({
        "en/new/social-2/x": sent("en/new/social-2/x", f"{SITE}/2026/new/?u=1", "posts/a.md",
                                  "2026-11-25T09:00:00Z"),
        "en/new/social-1/x": sent("en/new/social-1/x", f"{SITE}/2025/old/?u=1", "posts/a.md",
                                  "2026-11-22T09:00:00Z"),
        "en/gone/social-1/x": sent("en/gone/social-1/x", f"{SITE}/2026/gone/",
                                   "posts/deleted.md"),
        "en/new/coupon/x": entry(state="failed", link=f"{SITE}/2024/never/"),
    })
    assert pin_values(plan, ledger) == {"posts/a.md": [
        ("Shared_Id", "en/new"), ("Shared_Urls", "2025/old/, 2026/new/")]}


def test_an_entry_whose_post_may_exist_pins_too():
    plan = parse_plan(plan_doc([item("a", "social-1", "2026-11-22T09:00:00Z", "One")]))
    for state in ("posting", "unknown"):
        ledger = Ledger({"en/a/social-1/x": entry(state=state, link=f"{SITE}/2026/a/")})
        assert pin_values(plan, ledger) == {"posts/a.md": [
            ("Shared_Id", "en/a"), ("Shared_Urls", "2026/a/")]}


def renamed_plan():
    return parse_plan(plan_doc([
        item("new-slug", "social-1", "2026-11-22T09:00:00Z", "One", source="posts/a.md"),
        item("new-slug", "social-2", "2026-11-25T09:00:00Z", "Two", source="posts/a.md"),
        item("other", "social-1", "2026-11-22T09:00:00Z", "Other", source="posts/b.md"),
    ]))


def test_the_safety_net_matches_file_slot_and_network_of_an_id_gone_from_the_plan():
    plan = renamed_plan()
    ledger = Ledger({"en/old-slug/social-1/x": sent("en/old-slug/social-1/x",
                                                    f"{SITE}/2026/old-slug/", "posts/a.md")})
    groups, ids = shared_by_source(plan, ledger), set(plan.by_id())
    by_id = plan.by_id()
    assert already_sent_as(by_id["en/new-slug/social-1/x"], ids, groups) == \
        "en/old-slug/social-1/x"
    assert already_sent_as(by_id["en/new-slug/social-2/x"], ids, groups) is None  # other slot
    assert already_sent_as(by_id["en/other/social-1/x"], ids, groups) is None  # other file
    assert pin_values(plan, ledger)["posts/a.md"][0] == ("Shared_Id", "en/old-slug")
    notes = rename_notes(plan, ledger)
    assert notes["en/new-slug/social-1/x"] == ("renamed: already sent as "
                                               "en/old-slug/social-1/x; not posted again")
    assert notes["en/new-slug/social-2/x"] == "renamed: shared as 2026/old-slug/ (redirects)"
    assert "en/other/social-1/x" not in notes


def test_the_safety_net_ignores_an_id_still_in_the_plan_and_files_gone():
    plan = renamed_plan()
    still = Ledger({"en/other/social-1/x": sent("en/other/social-1/x", f"{SITE}/2026/other/",
                                                "posts/a.md")})  # id in the plan: its file
    deleted = Ledger({"en/old/social-1/x": sent("en/old/social-1/x", f"{SITE}/2026/old/",
                                                "posts/deleted.md")})
    for ledger in (still, deleted):
        groups, ids = shared_by_source(plan, ledger), set(plan.by_id())
        assert already_sent_as(plan.by_id()["en/new-slug/social-1/x"], ids, groups) is None


def test_posting_records_the_source():
    posting = L.mark_posting(None, network="x", text="t", link="l", now=NOW,
                             source="posts/a.md")
    assert posting.source == "posts/a.md"
    assert L.with_source(posting, "posts/b.md").source == "posts/b.md"
    assert posting.source == "posts/a.md"  # a new entry, not a change in place


# --- the publisher keeps `source` and the pins up to date (in-process CLI, loopback fake) ---

SOCIAL1 = "en/answering-customers-on-twitter/social-1/x"


def test_an_older_ledger_gets_sources_and_the_posts_their_pins(project, fake_x):
    import json

    ledger = {"schema": "publish-ledger/1", "items": {SOCIAL1: {
        "state": "sent", "post_id": "7", "url": "https://x.com/i/web/status/7",
        "sent_at": "2026-11-22T09:00:00Z", "network": "x",
        "link": f"{SITE}/2026/answering-customers-on-twitter/?utm_source=x"}}}
    project.ledger.parent.mkdir(parents=True, exist_ok=True)
    project.ledger.write_text(json.dumps(ledger))
    result = project.cli("run", "--dry-run", env=fake_x.env())
    assert "would update" in result.out and '"source"' not in project.ledger.read_text()
    result = project.cli("run", env=fake_x.env())
    assert result.code == 0, result.text
    assert project.ledger_items()[SOCIAL1]["source"] == "posts/answering-customers-on-twitter.md"
    header = project.post("answering-customers-on-twitter").read_text().split("\n\n")[0]
    assert header.endswith("Shared_Id: en/answering-customers-on-twitter\n"
                           "Shared_Urls: 2026/answering-customers-on-twitter/")


def test_resolve_posted_records_the_file_and_link_of_a_new_entry(project):
    done = project.cli("resolve", SOCIAL1, "--posted", "1849200000000000099")
    assert done.code == 0, done.text
    entry = project.ledger_items()[SOCIAL1]
    assert entry["source"] == "posts/answering-customers-on-twitter.md"
    assert entry["link"].startswith(f"{SITE}/2026/answering-customers-on-twitter/?")


def test_a_file_the_pins_cannot_be_written_to_fails_the_run_after_posting(project, fake_x):
    project.post("answering-customers-on-twitter").write_bytes(b"\xff\xfe not utf-8\n")
    result = project.cli("run", env=fake_x.env())
    assert result.code == 1
    assert fake_x.posts_created == 3  # the posts went out; only the header write failed
    assert "publish: cannot update" in result.err and "not UTF-8" in result.err
