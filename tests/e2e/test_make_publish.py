"""`make publish` end to end, in a copy of this project, against the loopback fakes of X,
Mastodon and Bluesky.

One cycle per call (`python -m publish cycle`): the real build of the real sample content,
a deploy into a folder (`rsync:`) that a loopback web site serves, posting (each item once
its page answers there), metrics, and a rebuild and redeploy when a header changed. Repeated
and interrupted: every due item is posted exactly once, only after its page is live, and the
numbers the fake reports land in the headers and on the deployed pages. Then the exit codes
as make shows them, and the link check holding back an item whose page is not deployed.
"""

from __future__ import annotations

import shutil
from datetime import UTC, datetime

import pytest

from publish.posting.lock import publisher_lock
from tests.e2e.conftest import (
    created,
    environment,
    ledger,
    make_publish,
    on_networks,
    running_fakes,
    sent_ids,
    set_clocks,
    states,
)

ARTICLE = "content/posts/answering-customers-on-twitter.md"
PAGE = "2026/answering-customers-on-twitter/index.html"
ICELANDIC_PAGE = "is/2026/answering-customers-on-twitter/index.html"
# Launch posts of 2026-11-20 09:00-09:30 UTC are due, on each of the three networks; older
# ones are past the 24 h lateness.
FIRST = "2026-11-20T10:00:00Z"
DUE_FIRST = on_networks({
    "en/answering-customers-on-twitter/social-1/x",
    "en/answering-customers-on-twitter/coupon/x",
    "is/answering-customers-on-twitter/social-1/x",
})
EACH = {"x": 3, "mastodon": 3, "bluesky": 3}
ICELANDIC = on_networks({"is/answering-customers-on-twitter/social-1/x"})
REMINDER = on_networks({"en/answering-customers-on-twitter/social-2/x"})  # +3 days
CREDENTIAL_NAMES = ("X_API_KEY", "X_API_SECRET", "X_ACCESS_TOKEN", "X_ACCESS_TOKEN_SECRET")


def step_names(stdout: str) -> list[str]:
    """'cycle: deploy: …' → 'deploy', for every cycle line on stdout, in order."""
    return [line.split(":")[1].strip() for line in stdout.splitlines()
            if line.startswith("cycle: ")]


@pytest.mark.slow
def test_make_publish_deploys_then_posts_once_and_brings_numbers_back(project, www, site):
    clock = datetime(2026, 11, 20, 10, 0, tzinfo=UTC)
    with running_fakes(clock) as fakes:
        env = environment(fakes, site, DEPLOY_TARGET=f"rsync:{www}")
        # 1. Interrupted: X creates the first post, then the connection drops (a network
        #    error). The site was deployed first, so the pages answered before any post.
        #    Mastodon and Bluesky post all theirs meanwhile.
        fakes["x"].fail("POST /2/tweets", "drop-after-create")
        first = make_publish(project, env, FIRST)
        assert first.returncode == 2, first.stdout + first.stderr   # make's own status
        assert "publish] Error 1" in first.stderr                    # the publisher's
        assert "cycle: exit 1 (post: something failed; the next run tries again" in first.stderr
        assert step_names(first.stdout)[:2] == ["build", "deploy"]
        assert "the next run checks before doing anything else" in first.stdout
        assert (www / PAGE).is_file() and "/2026/answering-customers-on-twitter/" in \
            site.requests
        assert created(fakes) == {"x": 1, "mastodon": 3, "bluesky": 3}
        assert "Traceback" not in first.stdout + first.stderr

        # 2. Rerun at the same moment: the dropped one is found on the timeline, not re-posted.
        second = make_publish(project, env, FIRST)
        assert second.returncode == 0, second.stdout + second.stderr
        # The identity pins (Shared_Id, Shared_Urls) were written by the first cycle, when
        # Mastodon and Bluesky posted: no header changes now, so no rebuild.
        assert step_names(second.stdout) == ["build", "deploy", "post", "metrics", "rebuild",
                                             "report", "done (exit 0)"], second.stdout
        assert "cycle: rebuild: not needed (no header changed)" in second.stdout
        assert created(fakes) == EACH
        assert sent_ids(project) == DUE_FIRST
        for fake in fakes.values():
            texts = [p.text for p in fake.posts.values()]
            assert sorted(texts) == sorted(set(texts))              # no text twice
        # Bluesky's own text, with the link as a facet and the page's card as an embed.
        bluesky = next(p for p in fakes["bluesky"].posts.values()
                       if p.text.startswith("Every mention answered within the hour"))
        card = bluesky.record["embed"]["external"]
        assert card["title"] == "Answering customers on Twitter"
        assert card["thumb"]["mimeType"] == "image/png"    # the page's social card, uploaded
        assert bluesky.record["facets"][0]["features"][0]["uri"].startswith(
            "https://blog.listening-brands.example/2026/answering-customers-on-twitter/")
        untouched = (project / ARTICLE).read_bytes()
        assert b"Engagement_" not in untouched  # nothing fetched before the first cadence step

        # 3. Two hours later: nothing new to post; the +1 h refresh brings the numbers of all
        #    three networks back, and the rebuilt site is deployed again.
        for number, post_id in enumerate(sorted(fakes["x"].posts), start=1):
            fakes["x"].set_metrics(post_id, likes=10 * number, reposts=number, replies=1,
                                   quotes=0, bookmarks=2, impressions=1000 * number)
        for post_id in fakes["mastodon"].posts:
            fakes["mastodon"].set_metrics(post_id, favourites=7, boosts=2, replies=1)
        for post_id in fakes["bluesky"].posts:
            fakes["bluesky"].set_metrics(post_id, likes=5, reposts=1, replies=0, quotes=1)
        set_clocks(fakes, datetime(2026, 11, 20, 12, 0, tzinfo=UTC))
        third = make_publish(project, env, "2026-11-20T12:00:00Z")
        assert third.returncode == 0, third.stdout + third.stderr
        assert created(fakes) == EACH
        assert step_names(third.stdout)[-4:] == ["rebuild", "redeploy", "report",
                                                 "done (exit 0)"]
        # The private report is refreshed by every cycle, next to output/, never deployed.
        assert "snapshots → report/" in third.stdout
        report = (project / "report" / "performance-by-likes.html").read_text(encoding="utf-8")
        assert 'aria-sort="descending">Likes' in report
        assert (project / "report" / "calendar.ics").is_file()
        assert not (www / "report").exists() and not (project / "output" / "report").exists()
        header = (project / ARTICLE).read_text(encoding="utf-8").split("\n\n", 1)[0]
        assert "Engagement_X: likes " in header and "Engagement_X_As_Of: 2026-11-20T12:00:00Z" \
            in header
        # Two posts of the English article on each network (its launch post and the coupon).
        assert "Engagement_Mastodon: favourites 14, boosts 4, replies 2" in header
        assert "Engagement_Bluesky: likes 10, reposts 2, replies 0, quotes 2" in header
        english = [ledger(project)[key]["url"] for key in sorted(DUE_FIRST)
                   if key.startswith("en/")]
        assert len(english) == 6
        for page in (project / "output" / PAGE, www / PAGE):     # built, and deployed
            text = page.read_text(encoding="utf-8")
            for url in english:
                assert f'href="{url}"' in text, url
            for label in ("impressions", "favourites", "boosts", "quotes"):
                assert label in text.lower()

        # 4. Same moment again: nothing posted, no header rewritten, no rebuild.
        before = {p: p.read_bytes() for p in (project / "content").rglob("*.md")}
        fourth = make_publish(project, env, "2026-11-20T12:00:00Z")
        assert fourth.returncode == 0, fourth.stdout + fourth.stderr
        assert created(fakes) == EACH
        assert "cycle: rebuild: not needed (no header changed)" in fourth.stdout
        assert before == {p: p.read_bytes() for p in (project / "content").rglob("*.md")}

        # 5. Three days on, the reminder goes out, once on each network.
        set_clocks(fakes, datetime(2026, 11, 23, 10, 0, tzinfo=UTC))
        fifth = make_publish(project, env, "2026-11-23T10:00:00Z")
        assert fifth.returncode == 0, fifth.stdout + fifth.stderr
        assert created(fakes) == {name: count + 1 for name, count in EACH.items()}
        assert sent_ids(project) == DUE_FIRST | REMINDER


@pytest.mark.slow
def test_make_publish_waits_for_a_page_that_is_not_deployed(project, www, site):
    """No DEPLOY_TARGET: the pages are deployed by hand here. An item whose page answers 404
    waits (exit 0) and is posted by the first cycle that finds its page."""
    with running_fakes(datetime(2026, 11, 20, 10, 0, tzinfo=UTC)) as fakes:
        env = environment(fakes, site)
        nothing_live = make_publish(project, env, FIRST)
        assert nothing_live.returncode == 0, nothing_live.stdout + nothing_live.stderr
        assert sum(created(fakes).values()) == 0
        assert {states(project)[key] for key in DUE_FIRST} == {"waiting"}
        assert (f"page not live: {site.url}/2026/answering-customers-on-twitter/ answered 404 "
                "File not found; not posted, checked again on the next run") in \
            nothing_live.stdout

        for page in ("index.html", PAGE):          # the English post goes live
            (www / page).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(project / "output" / page, www / page)
        english = make_publish(project, env, "2026-11-20T10:15:00Z")
        assert english.returncode == 0, english.stdout + english.stderr
        assert created(fakes) == {"x": 2, "mastodon": 2, "bluesky": 2}
        assert sent_ids(project) == DUE_FIRST - ICELANDIC
        assert {states(project)[key] for key in ICELANDIC} == {"waiting"}
        assert "cycle: post: 6 sent, 0 failed, 18 missed, 0 unknown, 9 not yet due, 3 " \
            "waiting for their page" in english.stdout

        (www / ICELANDIC_PAGE).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(project / "output" / ICELANDIC_PAGE, www / ICELANDIC_PAGE)
        icelandic = make_publish(project, env, "2026-11-20T10:30:00Z")
        assert icelandic.returncode == 0, icelandic.stdout + icelandic.stderr
        assert created(fakes) == EACH and sent_ids(project) == DUE_FIRST


SCHEDULED = on_networks({"en/saying-sorry-in-public/social-1/x"})  # dated 2026-12-14 09:00
SCHEDULED_PAGE = "2026/saying-sorry-in-public/index.html"


@pytest.mark.slow
def test_a_future_dated_post_goes_live_with_its_posts_in_one_cycle(project, www, site):
    """The production build leaves a future-dated post out of the site until its date; the
    first cycle at or after it deploys the page, then posts what is due, in that order."""
    with running_fakes(datetime(2026, 12, 14, 8, 0, tzinfo=UTC)) as fakes:
        env = environment(fakes, site, DEPLOY_TARGET=f"rsync:{www}")
        fake = fakes["x"]
        before = make_publish(project, env, "2026-12-14T08:00:00Z")
        assert before.returncode == 0, before.stdout + before.stderr
        assert not (www / SCHEDULED_PAGE).exists()
        deployed = "\n".join(p.read_text(encoding="utf-8") for p in www.rglob("*")
                             if p.suffix in {".html", ".xml"})
        assert "saying-sorry-in-public" not in deployed          # no listing, feed, sitemap
        assert sum(created(fakes).values()) == 0 and not SCHEDULED & set(ledger(project))

        set_clocks(fakes, datetime(2026, 12, 14, 9, 5, tzinfo=UTC))
        live = make_publish(project, env, "2026-12-14T09:05:00Z")
        assert live.returncode == 0, live.stdout + live.stderr
        assert step_names(live.stdout)[:3] == ["build", "deploy", "post"]
        assert (www / SCHEDULED_PAGE).is_file()
        assert "saying-sorry-in-public" in (www / "index.html").read_text(encoding="utf-8")
        assert "/2026/saying-sorry-in-public/" in site.requests   # checked live, then posted
        assert created(fakes) == {"x": 1, "mastodon": 1, "bluesky": 1}
        assert sent_ids(project) == SCHEDULED
        (post,) = fake.posts.values()
        assert [u["expanded_url"].split("?")[0] for u in post.urls] == [
            "https://blog.listening-brands.example/2026/saying-sorry-in-public/"]
        assert "Traceback" not in live.stdout + live.stderr


@pytest.mark.slow
def test_make_publish_exit_codes(project, www, site, tmp_path):
    """Make exits 2 for any failure; its `Error N` line carries the publisher's code."""
    with running_fakes(datetime(2026, 11, 20, 10, 0, tzinfo=UTC)) as fakes:
        env = environment(fakes, site, DEPLOY_TARGET=f"rsync:{www}")

        # Another publisher holds the lock: exit 4, nothing built, deployed or posted.
        with publisher_lock(project / "state" / "publish.posting.lock", "test"):
            locked = make_publish(project, env, FIRST)
        assert locked.returncode == 2 and "publish] Error 4" in locked.stderr
        assert "publish: another publisher holds" in locked.stderr
        assert not (project / "output").exists() and not any(www.iterdir())

        # CI=true without posting credentials: exit 2, one line naming the variables; built,
        # but nothing deployed or posted.
        no_secrets = {k: v for k, v in env.items() if k not in CREDENTIAL_NAMES}
        ci = make_publish(project, {**no_secrets, "CI": "true"}, FIRST)
        assert ci.returncode == 2 and "publish] Error 2" in ci.stderr
        assert ("cycle: check: no posting credentials for X: set X_API_KEY, X_API_SECRET, "
                "X_ACCESS_TOKEN, X_ACCESS_TOKEN_SECRET (required under CI=true; --dry-run "
                "runs without them)") in ci.stderr.splitlines()
        assert "cycle: exit 2 (check: bad input or configuration: fix it (see the lines " \
            "above))" in ci.stderr.splitlines()
        assert not any(www.iterdir()) and sum(created(fakes).values()) == 0

        # A dry run builds, but neither deploys nor posts: exit 0.
        dry = make_publish(project, env, FIRST, "--dry-run")
        assert dry.returncode == 0, dry.stdout + dry.stderr
        assert f"cycle: deploy: dry run: would deploy to rsync:{www}" in dry.stdout
        assert not any(www.iterdir()) and sum(created(fakes).values()) == 0

        # A deploy that fails: exit 1, nothing posted (the pages are not live).
        broken = {**env, "DEPLOY_TARGET": f"rsync:{tmp_path}/missing/parent/www"}
        undeployed = make_publish(project, broken, FIRST)
        assert undeployed.returncode == 2 and "publish] Error 1" in undeployed.stderr
        assert "cycle: stopped: nothing posted (the new pages are not live)" in \
            undeployed.stderr
        assert sum(created(fakes).values()) == 0

        # A header mistake fails the build: exit 2, nothing deployed or posted.
        article = project / ARTICLE
        good = article.read_text(encoding="utf-8")
        article.write_text(good.replace("\n", "\nCoupon_Expiers: 2027-01-01\n", 1),
                           encoding="utf-8")
        unbuilt = make_publish(project, env, FIRST)
        assert unbuilt.returncode == 2 and "publish] Error 2" in unbuilt.stderr
        assert "Coupon_Expiers: unknown key" in unbuilt.stdout + unbuilt.stderr
        assert "cycle: stopped: nothing deployed, nothing posted" in unbuilt.stderr
        assert not any(www.iterdir()) and sum(created(fakes).values()) == 0

        # Fixed: success, exit 0.
        article.write_text(good, encoding="utf-8")
        fine = make_publish(project, env, FIRST)
        assert fine.returncode == 0, fine.stdout + fine.stderr
        assert created(fakes) == EACH
