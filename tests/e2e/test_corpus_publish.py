"""The real-style corpus (tests/corpus/, tests/corpus_content.py) through `make publish`,
in a copy of this project whose posts are the corpus, with the default three networks,
against the loopback fakes of X, Mastodon and Bluesky: each post's items go out once per
network, a rerun posts nothing more, a metrics pass brings every network's numbers back
into each post's header and onto its rebuilt, redeployed page, and the reminders two days
on go out once too."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime

import pytest

from tests.corpus_content import (
    CASES,
    LAUNCH,
    NETWORKS,
    REMINDERS,
    SLOTS,
    copy_corpus,
    item_ids,
)
from tests.e2e.conftest import (
    created,
    environment,
    ledger,
    make_publish,
    running_fakes,
    sent_ids,
    set_clocks,
)

AFTER_AN_HOUR = "2027-01-11T16:00:00Z"   # past the 1-hour metrics refresh of the launch posts
# Per post on each network; an article's header holds the sums over its posts there.
METRICS = {"x": {"likes": 3, "reposts": 1, "replies": 1, "quotes": 0, "bookmarks": 1,
                 "impressions": 500},
           "mastodon": {"favourites": 4, "boosts": 2, "replies": 1},
           "bluesky": {"likes": 5, "reposts": 1, "replies": 0, "quotes": 1}}
LABELS = {"x": "X", "mastodon": "Mastodon", "bluesky": "Bluesky"}


def at(moment: str) -> datetime:
    return datetime.fromisoformat(moment.replace("Z", "+00:00")).astimezone(UTC)


def page_of(article: str) -> str:
    """`en/slug` → the article's page in the site (pelicanconf.py ARTICLE_*_SAVE_AS)."""
    lang, slug = article.split("/")
    return f"{'' if lang == 'en' else lang + '/'}2027/{slug}/index.html"


def per_network(ids: set[str]) -> dict[str, int]:
    return dict(Counter(item_id.rsplit("/", 1)[1] for item_id in ids))


def engagement_lines(network: str, posts: int) -> str:
    numbers = ", ".join(f"{name} {value * posts}" for name, value in METRICS[network].items())
    return f"Engagement_{LABELS[network]}: {numbers}"


def run(project, env, now: str):
    result = make_publish(project, env, now)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Traceback" not in result.stdout + result.stderr
    return result


def header_of(project, name: str) -> str:
    """The header of the corpus post `name` as the project now holds it."""
    return (project / "content" / "posts" / name).read_text(
        encoding="utf-8").split("\n\n", 1)[0]


def numbers_an_hour_on(project, env, fakes) -> None:
    """Every post on a fake gets its network's METRICS; the cycle an hour after launch
    fetches them, writes them into the headers and redeploys."""
    for name, fake in fakes.items():
        for post_id in fake.posts:
            fake.set_metrics(post_id, **METRICS[name])
    set_clocks(fakes, at(AFTER_AN_HOUR))
    numbers = run(project, env, AFTER_AN_HOUR)
    assert "cycle: redeploy:" in numbers.stdout


@pytest.mark.slow
@pytest.mark.parametrize("without", CASES)
def test_the_corpus_publishes_once_per_network_and_its_numbers_come_back(
        project, www, site, without):
    posts = copy_corpus(project / "content", without)
    launch, reminders = item_ids(posts, by=LAUNCH), item_ids(posts, by=REMINDERS)
    with running_fakes(at(LAUNCH)) as fakes:
        env = environment(fakes, site, DEPLOY_TARGET=f"rsync:{www}")

        # 1. Launch day: every post's first items and the coupon announcements, once each.
        run(project, env, LAUNCH)
        assert sent_ids(project) == launch
        assert created(fakes) == per_network(launch)
        for name, fake in fakes.items():
            texts = [post.text for post in fake.posts.values()]
            assert len(texts) == len(set(texts)), name
            for text in texts:
                assert "{" not in text and "Social:" not in text, text
        assert any("WINTER-LISTEN-15 🎟️" in p.text for p in fakes["x"].posts.values())

        # 2. The same moment again: nothing more is posted.
        again = run(project, env, LAUNCH)
        assert created(fakes) == per_network(launch)
        assert "cycle: rebuild: not needed (no header changed)" in again.stdout

        # 3. Two hours on: the numbers of every network land in every post's header and
        #    on its rebuilt, redeployed page.
        numbers_an_hour_on(project, env, fakes)
        assert created(fakes) == per_network(launch)
        entries = ledger(project)
        for name in posts:
            article = SLOTS[name][0]
            header = header_of(project, name)
            mine = {i for i in launch if i.startswith(article + "/")}
            for network, count in per_network(mine).items():
                assert engagement_lines(network, count) in header, (name, network)
                assert f"Engagement_{LABELS[network]}_As_Of: 2027-01-11T16:00:00Z" in header
            for page in (project / "output" / page_of(article), www / page_of(article)):
                html = page.read_text(encoding="utf-8")
                assert 'class="engagement"' in html, page
                for network, count in per_network(mine).items():
                    for metric, value in METRICS[network].items():
                        assert f"<dt>{metric}</dt><dd>{value * count:,}</dd>" in html, page
                for item_id in mine:
                    assert f'href="{entries[item_id]["url"]}"' in html, (page, item_id)

        # 4. Two days on, the reminders go out, once on each network.
        set_clocks(fakes, at(REMINDERS))
        run(project, env, REMINDERS)
        assert sent_ids(project) == reminders
        assert created(fakes) == per_network(reminders)
        assert set(per_network(reminders)) == set(NETWORKS)
