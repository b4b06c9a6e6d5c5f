"""`make publish` end to end, in a copy of this project, against the loopback fake X.

Build (the real plugin on the real sample content) → run → metrics → rebuild, repeated and
interrupted: every due item is posted exactly once, and the numbers the fake reports land in
the Markdown headers and on the rebuilt pages.
"""

import json
import os
import shutil
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest

from tests.fake_x import running_fake

REPO = Path(__file__).resolve().parents[2]
ARTICLE = "content/posts/answering-customers-on-twitter.md"
ARTICLE_PAGE = "output/2026/answering-customers-on-twitter/index.html"
# Launch posts of 2026-11-20 09:00-09:30 UTC are due; older ones are past the 24 h lateness.
FIRST = "2026-11-20T10:00:00Z"
DUE_FIRST = {
    "en/answering-customers-on-twitter/social-1/x",
    "en/answering-customers-on-twitter/coupon/x",
    "is/answering-customers-on-twitter/social-1/x",
}
REMINDER = "en/answering-customers-on-twitter/social-2/x"  # +3 days


def tracked_files() -> list[str]:
    listing = subprocess.run(["git", "ls-files", "-z"], cwd=REPO, capture_output=True,
                             check=True)
    return [name for name in listing.stdout.decode().split("\0") if name]


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """The committed project as a fresh clone would have it, sharing this checkout's .venv."""
    root = tmp_path / "project"
    for name in tracked_files():
        if (REPO / name).is_file():
            (root / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(REPO / name, root / name)
    return root


def make_publish(root: Path, fake, now: str) -> subprocess.CompletedProcess:
    env = {
        "PATH": os.environ["PATH"], "HOME": os.environ.get("HOME", "/tmp"), "LANG": "C.UTF-8",
        **fake.env(PUBLISH_HTTP_TIMEOUT="2,2"),
    }
    venv = Path(sys.executable).parent.parent
    return subprocess.run(
        ["make", "-s", "publish", f"VENV={venv}", f"PUBLISH_OPTS=--now {now}"],
        cwd=root, env=env, capture_output=True, text=True, timeout=300,
    )


def ledger(root: Path) -> dict:
    return json.loads((root / "state" / "ledger.json").read_text(encoding="utf-8"))["items"]


def sent_ids(root: Path) -> set[str]:
    return {key for key, record in ledger(root).items() if record["state"] == "sent"}


def test_make_publish_posts_once_and_brings_numbers_back(project):
    clock = datetime(2026, 11, 20, 10, 0, tzinfo=UTC)
    with running_fake(now=clock) as fake:
        # 1. Interrupted: X creates the first post, then the connection drops.
        fake.fail("POST /2/tweets", "drop-after-create")
        first = make_publish(project, fake, FIRST)
        # make exits 2 on any failed recipe and names the recipe's own status (1: a failure).
        assert first.returncode == 2 and "Error 1" in first.stderr, first.stdout + first.stderr
        assert "the next run checks before doing anything else" in first.stdout
        assert fake.posts_created == 1
        assert "Traceback" not in first.stdout + first.stderr

        # 2. Rerun at the same moment: the dropped one is found on the timeline, not re-posted.
        second = make_publish(project, fake, FIRST)
        assert second.returncode == 0, second.stdout + second.stderr
        assert fake.posts_created == len(DUE_FIRST)
        assert sent_ids(project) == DUE_FIRST
        assert sorted(p.text for p in fake.posts.values()) == sorted(
            {p.text for p in fake.posts.values()})  # no text twice
        untouched = (project / ARTICLE).read_bytes()
        assert b"Engagement_X" not in untouched  # nothing fetched before the first cadence step

        # 3. Two hours later: nothing new to post; the +1 h refresh brings the numbers back.
        for number, post_id in enumerate(sorted(fake.posts), start=1):
            fake.set_metrics(post_id, likes=10 * number, reposts=number, replies=1,
                             quotes=0, bookmarks=2, impressions=1000 * number)
        fake.now = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
        third = make_publish(project, fake, "2026-11-20T12:00:00Z")
        assert third.returncode == 0, third.stdout + third.stderr
        assert fake.posts_created == len(DUE_FIRST)
        assert "rebuilding the site" in third.stdout
        header = (project / ARTICLE).read_text(encoding="utf-8").split("\n\n", 1)[0]
        assert "Engagement_X: likes " in header and "Engagement_X_As_Of: 2026-11-20T12:00:00Z" \
            in header
        page = (project / ARTICLE_PAGE).read_text(encoding="utf-8")
        english = [ledger(project)[key]["post_id"] for key in sorted(DUE_FIRST)
                   if key.startswith("en/")]
        for post_id in english:
            assert f"https://x.com/i/web/status/{post_id}" in page
        assert "impressions" in page.lower()

        # 4. Same moment again: nothing posted, no header rewritten, no rebuild.
        before = {p: p.read_bytes() for p in (project / "content").rglob("*.md")}
        fourth = make_publish(project, fake, "2026-11-20T12:00:00Z")
        assert fourth.returncode == 0, fourth.stdout + fourth.stderr
        assert fake.posts_created == len(DUE_FIRST)
        assert "rebuilding the site" not in fourth.stdout
        assert before == {p: p.read_bytes() for p in (project / "content").rglob("*.md")}

        # 5. Three days on, the reminder goes out, once.
        fake.now = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)
        fifth = make_publish(project, fake, "2026-11-23T10:00:00Z")
        assert fifth.returncode == 0, fifth.stdout + fifth.stderr
        assert fake.posts_created == len(DUE_FIRST) + 1
        assert sent_ids(project) == DUE_FIRST | {REMINDER}
