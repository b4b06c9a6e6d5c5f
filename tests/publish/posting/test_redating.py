"""Exactly once across re-dating, on every network: an item re-dated after it went out (its
`Social_At` or the article's `Date` changed: a new due time, the same item id) is never
posted again, whether the ledger remembers the post or was restored from git to a version
from before it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from tests.fakes import FAKES
from tests.publish.conftest import ANSWERING, ITEMS, write_plan

NETWORKS = ("x", "mastodon", "bluesky")
ITEM = next(i for i in ITEMS if i["id"] == f"en/{ANSWERING}/social-1/x")
T0 = datetime(2026, 11, 22, 15, 0, tzinfo=UTC)
LATER = T0 + timedelta(days=3)             # the new due time is an hour before this


def plan_on(network: str, due: str) -> list[dict]:
    return [{**ITEM, "id": ITEM["id"].rsplit("/", 1)[0] + f"/{network}",
             "network": network, "due": due}]


@pytest.fixture(params=NETWORKS)
def network(request):
    return request.param


@pytest.fixture
def fake(network):
    with FAKES[network].serve() as running:
        yield running


def redated_run(project, network, fake, *, restore: bytes | None):
    """Post the item, maybe restore the ledger from before, re-date it three days on and
    run again then."""
    first = project.cli("run", env=fake.env())
    assert first.code == 0 and "run: 1 sent" in first.out, first.text
    (item_id,) = project.ledger_items()
    posted = project.ledger_items()[item_id]
    if restore is not None:
        project.ledger.write_bytes(restore)
    write_plan(project.plan, plan_on(network, "2026-11-25T14:00:00Z"))
    fake.now = LATER
    again = project.cli("run", env=fake.env(), now="2026-11-25T15:00:00Z")
    return posted, again, project.ledger_items().get(item_id)


@pytest.mark.slow
def test_a_redated_item_the_ledger_remembers_is_not_posted_again(project, network, fake):
    write_plan(project.plan, plan_on(network, ITEM["due"]))
    posted, again, entry = redated_run(project, network, fake, restore=None)
    assert again.code == 0, again.text
    assert "run: 0 sent" in again.out
    assert fake.posts_created == 1
    assert entry["post_id"] == posted["post_id"]


@pytest.mark.slow
def test_a_redated_item_is_not_posted_again_after_the_ledger_was_restored(project, network,
                                                                          fake):
    write_plan(project.plan, plan_on(network, ITEM["due"]))
    before = project.ledger.read_bytes()            # the ledger as committed before the post
    posted, again, entry = redated_run(project, network, fake, restore=before)
    assert fake.posts_created == 1, again.text
    assert again.code == 0, again.text
    assert (entry["state"], entry["post_id"], entry["url"]) == \
        ("sent", posted["post_id"], posted["url"])


@pytest.mark.slow
def test_without_a_redating_a_restored_ledger_posts_nothing_twice_either(project, network,
                                                                         fake):
    write_plan(project.plan, plan_on(network, ITEM["due"]))
    before = project.ledger.read_bytes()
    assert project.cli("run", env=fake.env()).code == 0
    project.ledger.write_bytes(before)
    fake.now = T0 + timedelta(hours=3)               # past Mastodon's idempotency hour
    again = project.cli("run", env=fake.env(), now="2026-11-22T18:00:00Z")
    assert fake.posts_created == 1, again.text
    assert again.code == 0, again.text




# --- what the look costs, and when it cannot settle the question -------------------------

SOCIAL_2 = next(i for i in ITEMS if i["id"] == f"en/{ANSWERING}/social-2/x")


def both_on(network: str, social_2_due: str) -> list[dict]:
    second = {**SOCIAL_2, "id": SOCIAL_2["id"].rsplit("/", 1)[0] + f"/{network}",
              "network": network, "due": social_2_due}
    return [*plan_on(network, ITEM["due"]), second]


@pytest.mark.slow
def test_a_later_item_of_a_shared_article_costs_no_search(project):
    """The ledger holds everything the header names: the article's next item is posted
    without reading the account's posts first."""
    with FAKES["mastodon"].serve() as fake:
        write_plan(project.plan, both_on("mastodon", SOCIAL_2["due"]))
        assert project.cli("run", env=fake.env()).code == 0
        assert "Shared_Id: " in project.post(ANSWERING).read_text(encoding="utf-8")
        fake.now = datetime(2026, 11, 25, 10, 0, tzinfo=UTC)
        later = project.cli("run", env=fake.env(), now="2026-11-25T10:00:00Z")
        assert "run: 1 sent" in later.out and fake.posts_created == 2
        assert fake.count("GET", "/api/v1/accounts/:id/statuses") == 0


def test_a_post_the_header_lists_and_the_restored_ledger_lacks_is_looked_for(project):
    """The ledger restored to a commit that has the article's first post but not its second
    (whose link the metrics run wrote into the header): the second, re-dated, is found."""
    with FAKES["mastodon"].serve() as fake:
        write_plan(project.plan, plan_on("mastodon", ITEM["due"]))
        assert project.cli("run", env=fake.env()).code == 0
        after_first = project.ledger.read_bytes()
        write_plan(project.plan, both_on("mastodon", "2026-11-22T14:00:00Z"))
        assert "run: 1 sent" in project.cli("run", env=fake.env()).out
        assert project.cli("metrics", "--all", env=fake.env()).code == 0
        header = project.post(ANSWERING).read_text(encoding="utf-8")
        assert header.count(fake.url) == 2          # Engagement_Mastodon_Posts: both links
        project.ledger.write_bytes(after_first)
        write_plan(project.plan, both_on("mastodon", "2026-11-25T14:00:00Z"))
        fake.now = LATER
        again = project.cli("run", env=fake.env(), now="2026-11-25T15:00:00Z")
        assert again.code == 0, again.text
        assert fake.posts_created == 2
        assert "found   en/answering-customers-on-twitter/social-2/mastodon  → " in again.out
        assert ("(already on mastodon: a share the ledger does not hold; not posted again)"
                in again.out)
        assert again.out.splitlines()[-1] == ("run: 0 sent, 0 failed, 0 missed, 0 unknown, "
                                              "0 not yet due, 1 found already posted (not "
                                              "posted again)")


@pytest.mark.slow
def test_a_search_that_cannot_rule_the_item_out_parks_it(project, monkeypatch):
    import publish.networks.mastodon.mastodon_adapter as adapter

    monkeypatch.setattr(adapter, "PAGE_SIZE", 1)      # 25 pages of one status each
    with FAKES["mastodon"].serve() as fake:
        write_plan(project.plan, plan_on("mastodon", ITEM["due"]))
        before = project.ledger.read_bytes()
        assert project.cli("run", env=fake.env()).code == 0
        project.ledger.write_bytes(before)
        for n in range(30):
            fake.add_post(f"Another post {n}", LATER - timedelta(hours=n + 1))
        write_plan(project.plan, plan_on("mastodon", "2026-11-25T14:00:00Z"))
        fake.now = LATER
        again = project.cli("run", env=fake.env(), now="2026-11-25T15:00:00Z")
        assert again.code == 3, again.text               # a person settles it
        assert fake.posts_created == 31
        (entry,) = project.ledger_items().values()
        assert entry["state"] == "unknown"
        assert "did not reach back far enough" in entry["error"]["message"]


def test_a_search_that_fails_posts_nothing_and_is_tried_again(project):
    with FAKES["mastodon"].serve() as fake:
        write_plan(project.plan, plan_on("mastodon", ITEM["due"]))
        before = project.ledger.read_bytes()
        assert project.cli("run", env=fake.env()).code == 0
        project.ledger.write_bytes(before)
        fake.fail("GET /api/v1/accounts/:id/statuses", "500", times=3)
        write_plan(project.plan, plan_on("mastodon", "2026-11-25T14:00:00Z"))
        fake.now = LATER
        again = project.cli("run", env=fake.env(), now="2026-11-25T15:00:00Z")
        assert fake.posts_created == 1, again.text
        assert "could not be searched" in again.out and "1 deferred" in again.out
        assert project.ledger_items() == {}
        retry = project.cli("run", env=fake.env(), now="2026-11-25T15:05:00Z")
        assert fake.posts_created == 1 and "1 found already posted" in retry.out


# --- the pure parts ------------------------------------------------------------------------

def test_header_lines_reads_pins_and_post_lines_only_from_the_header():
    from publish.posting.writeback import header_lines

    text = ("\ufeffTitle: A\r\nShared_Id: en/a\r\nEngagement_X_Posts: "
            "https://x.com/i/web/status/1,\r\n  https://x.com/i/web/status/2\r\n\r\n"
            "Engagement_Mastodon_Posts: in the body\r\n")
    keys = ["Shared_Id", "Engagement_X_Posts", "Engagement_Mastodon_Posts"]
    assert header_lines(text, keys) == {
        "shared_id": "en/a",
        "engagement_x_posts": "https://x.com/i/web/status/1, https://x.com/i/web/status/2"}
    assert header_lines("Title: A\nShared_Id: a\nShared_Id: b\n", keys) == {}
    assert header_lines("No header here.\n", keys) == {}


def test_unrecorded_shares_names_only_what_the_header_knows_and_the_ledger_lacks():
    from publish.posting.ledger import Ledger
    from publish.posting.ledger_entry import Entry
    from publish.posting.pins import unrecorded_shares
    from publish.posting.plan_file import parse_plan
    from tests.publish.conftest import plan_doc

    plan = parse_plan(plan_doc([*plan_on("x", ITEM["due"]),
                                *plan_on("mastodon", ITEM["due"])]))
    x_item = next(i for i in plan.items if i.network == "x")
    labels = {"x": "X", "mastodon": "Mastodon"}
    source = ITEM["source"]
    sent = Entry.from_json({"state": "sent", "network": "x", "post_id": "1", "source": source,
                            "url": "https://x.com/i/web/status/1",
                            "sent_at": "2026-11-22T09:00:00Z"})
    empty, knows_x = Ledger({}), Ledger({x_item.id: sent})
    pinned = {source: {"shared_id": "en/answering-customers-on-twitter"}}
    assert unrecorded_shares(plan, empty, pinned, labels) == {(source, "x"),
                                                               (source, "mastodon")}
    assert unrecorded_shares(plan, knows_x, pinned, labels) == set()
    listed = {source: {"shared_id": "en/a",
                       "engagement_x_posts": "https://x.com/i/web/status/1",
                       "engagement_mastodon_posts": "https://m.example/@brand/7"}}
    assert unrecorded_shares(plan, knows_x, listed, labels) == {(source, "mastodon")}
    assert unrecorded_shares(plan, empty, {}, labels) == set()
