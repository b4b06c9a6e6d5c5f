"""Renaming a post after it was shared, end to end: the real Pelican build with the campaign
plugin, `python -m publish run`/`metrics`/`status` as subprocesses, and the loopback fake X.

After the first posts went out (pins written), the Title, Slug, file name and folder, or Lang
changes: a rebuild and another run post nothing again, the ledger keeps those items, and the
old address answers with a redirect page to the new one. A lost pin (header reverted) plus a
rename is caught by the publisher's safety net, which restores the pin.
"""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from pathlib import Path

import pytest

from tests.fakes.fake_x import running_fake
from tests.plugins.conftest import SITE_URL, run_build
from tests.publish.conftest import Project

FIRST = "2026-11-20T10:00:00Z"      # the launch posts (09:00) are due
LATER = "2026-11-23T10:00:00Z"      # the +3d reminder is due
POSTS = {
    # No Slug line: the slug comes from the Title (the README's own example).
    "posts/answering.md": "Title: Answering customers\nDate: 2026-11-20 09:00\n"
                          "Social: We answer every mention within an hour {url}\n"
                          "Social_2: Three days on {url}\nSocial_2_At: +3d\n",
    "posts/listening.md": "Title: Listening first\nDate: 2026-11-20 09:00\n"
                          "Slug: listening-first\nSocial: Before you post, listen {url}\n",
    "posts/notes.md": "Title: Field notes\nDate: 2026-11-20 09:00\n"
                      "Social: Five lessons from our community team {url}\n",
    "posts/loyalty.md": "Title: Loyalty\nDate: 2026-11-20 09:00\n"
                        "Social: Loyalty is a conversation {url}\n",
}
BODY = "\nThe post.\n"
FIRST_IDS = {"en/answering-customers/social-1/x", "en/listening-first/social-1/x",
             "en/field-notes/social-1/x", "en/loyalty/social-1/x"}


class Site(Project):
    """A tiny project folder: content/, state/, output/, built and published for real."""

    def write(self, rel: str, header: str) -> None:
        path = self.content / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(header + BODY, encoding="utf-8")

    def header(self, rel: str) -> str:
        return (self.content / rel).read_text(encoding="utf-8").split("\n\n", 1)[0] + "\n"

    def build(self) -> None:
        run_build(self.content, self.root)

    def publish(self, command: str, fake, now: str, *extra: str):
        result = self.subprocess(command, *extra, env=fake.env(), now=now)
        assert "Traceback" not in result.text, result.text
        return result

    def page(self, path: str) -> str:
        return (self.root / "output" / path).read_text(encoding="utf-8")

    def plan_ids(self) -> set[str]:
        return {item["id"] for item in json.loads(self.plan.read_text())["items"]}


@pytest.fixture
def fake():
    with running_fake(now=datetime(2026, 11, 20, 10, 0, tzinfo=UTC)) as server:
        yield server


@pytest.fixture
def site(tmp_path: Path, fake, live_site) -> Site:
    """Built, first posts sent, pins written (the link check asks a loopback site that
    answers every page: here the pages are live)."""
    site = Site(tmp_path / "site", env={"PUBLISH_LINK_CHECK_BASE": live_site.url})
    for rel, header in POSTS.items():
        site.write(rel, header)
    site.ledger.parent.mkdir(parents=True)
    site.ledger.write_text('{"items": {}, "schema": "publish-ledger/1"}\n')  # a new project
    site.build()
    first = site.publish("run", fake, FIRST)
    assert first.code == 0, first.text
    assert fake.posts_created == 4
    assert site.header("posts/answering.md").endswith(
        "Shared_Id: en/answering-customers\nShared_Urls: 2026/answering-customers/\n")
    return site


def sent(site: Site) -> dict[str, tuple]:
    """What matters of each sent entry: it was not posted again."""
    return {i: (e["state"], e["post_id"], e["sent_at"], e["attempts"], e["text"])
            for i, e in site.ledger_items().items() if e["state"] == "sent"}


def assert_redirects(site: Site, old: str, new: str) -> None:
    page = site.page(old + "index.html")
    assert f'<link rel="canonical" href="{SITE_URL}/{new}">' in page
    target = re.search(r'content="0; url=([^"]+)"', page).group(1)
    assert (Path("/site") / old / target).resolve() == Path("/site") / new.rstrip("/")


RENAMES = {  # change: (file, new file, edit of its header, its first id, old URL, new URL)
    "title": ("posts/answering.md", "posts/answering.md",
              lambda h: h.replace("Title: Answering customers", "Title: How we answer"),
              "en/answering-customers/social-1/x", "2026/answering-customers/",
              "2026/how-we-answer/"),
    "slug": ("posts/listening.md", "posts/listening.md",
             lambda h: h.replace("Slug: listening-first", "Slug: listen-before-you-talk"),
             "en/listening-first/social-1/x", "2026/listening-first/",
             "2026/listen-before-you-talk/"),
    "file-and-folder": ("posts/notes.md", "posts/archive/2026/community-field-notes.md",
                        lambda h: h, "en/field-notes/social-1/x", "2026/field-notes/",
                        "2026/field-notes/"),
    "lang": ("posts/loyalty.md", "posts/loyalty.md",
             lambda h: h.replace("Date:", "Lang: is\nDate:"),
             "en/loyalty/social-1/x", "2026/loyalty/", "is/2026/loyalty/"),
}


@pytest.mark.slow
@pytest.mark.parametrize("change", list(RENAMES))
def test_a_rename_after_sharing_posts_nothing_again_and_keeps_the_old_link(site, fake, change):
    old_rel, new_rel, edit, item_id, old_url, new_url = RENAMES[change]
    before = sent(site)
    header = site.header(old_rel)
    (site.content / old_rel).unlink()
    site.write(new_rel, edit(header))
    site.build()
    assert site.plan_ids() >= FIRST_IDS  # the pinned ids survived the rename

    again = site.publish("run", fake, FIRST)
    assert again.code == 0, again.text
    assert fake.posts_created == 4 and fake.count("POST", "/2/tweets") == 4
    assert sent(site) == before
    assert site.ledger_items()[item_id]["source"] == new_rel  # follows the file

    if old_url != new_url:
        assert_redirects(site, old_url, new_url)
        status = site.publish("status", fake, FIRST)
        assert f"renamed: shared as {old_url} (redirects)" in status.out
        plan = site.publish("plan", fake, FIRST)
        assert f"    ! renamed: shared as {old_url} (redirects)" in plan.out
    else:  # a new file name or folder keeps the address: the article still answers there
        assert "Field notes" in site.page(old_url + "index.html")
    metrics = site.publish("metrics", fake, "2026-11-20T11:00:00Z")
    assert metrics.code == 0, metrics.text
    assert fake.posts_created == 4


@pytest.mark.slow
def test_a_later_item_goes_out_once_with_the_new_address(site, fake):
    site.write("posts/answering.md", site.header("posts/answering.md").replace(
        "Title: Answering customers", "Title: How we answer"))
    site.build()
    fake.now = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)
    result = site.publish("run", fake, LATER)
    assert result.code == 0, result.text
    assert fake.posts_created == 5  # only the reminder
    reminder = site.ledger_items()["en/answering-customers/social-2/x"]
    assert reminder["link"].startswith(f"{SITE_URL}/2026/how-we-answer/?")
    assert site.header("posts/answering.md").endswith(
        "Shared_Id: en/answering-customers\n"
        "Shared_Urls: 2026/answering-customers/, 2026/how-we-answer/\n")
    site.build()
    assert_redirects(site, "2026/answering-customers/", "2026/how-we-answer/")
    assert site.publish("run", fake, LATER).code == 0
    assert fake.posts_created == 5


@pytest.mark.slow
def test_a_lost_pin_and_a_rename_together_are_caught_and_the_pin_restored(site, fake):
    rel = "posts/answering.md"
    pinned = site.header(rel)
    unpinned = "".join(line for line in pinned.splitlines(keepends=True)
                       if not line.startswith("Shared_"))
    site.write(rel, unpinned.replace("Title: Answering customers", "Title: How we answer"))
    site.build()
    assert "en/how-we-answer/social-1/x" in site.plan_ids()
    before = sent(site)

    status = site.publish("status", fake, FIRST)
    assert ("renamed: already sent as en/answering-customers/social-1/x; not posted again"
            in status.out)
    marker = site.root / "state" / ".metadata-changed"
    result = site.publish("run", fake, FIRST, "--changed-marker", str(marker))
    assert result.code == 0, result.text
    assert ("renamed en/how-we-answer/social-1/x  was already sent as "
            "en/answering-customers/social-1/x; pin restored") in result.out
    assert "1 renamed (not posted again)" in result.out
    assert fake.posts_created == 4
    assert sent(site) == before
    assert "en/how-we-answer/social-1/x" not in site.ledger_items()
    assert site.header(rel).endswith(
        "Shared_Id: en/answering-customers\nShared_Urls: 2026/answering-customers/\n")
    assert marker.exists()  # `make publish` rebuilds, so the redirect page appears

    site.build()
    assert "en/how-we-answer/social-1/x" not in site.plan_ids()
    assert_redirects(site, "2026/answering-customers/", "2026/how-we-answer/")
    again = site.publish("run", fake, FIRST)
    assert again.code == 0 and "renamed" not in again.out
    assert fake.posts_created == 4


@pytest.mark.slow
def test_a_dry_run_says_it_but_changes_nothing(site, fake):
    rel = "posts/answering.md"
    site.write(rel, "".join(line for line in site.header(rel).splitlines(keepends=True)
                            if not line.startswith("Shared_")))
    site.build()
    text = (site.content / rel).read_bytes()
    ledger = site.ledger.read_bytes()
    result = site.publish("run", fake, FIRST, "--dry-run")
    assert result.code == 0, result.text
    assert f"would update content/{rel}  Shared_Id, Shared_Urls" in result.out
    assert (site.content / rel).read_bytes() == text and site.ledger.read_bytes() == ledger
    assert fake.posts_created == 4
