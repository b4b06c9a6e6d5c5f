"""`publish metrics`: cadence, batching, deleted posts, write-back into headers, history."""

from __future__ import annotations

import json

from publish.networks.x.x_adapter import from_env
from tests.publish.conftest import ANSWERING, DUE_IDS, ICELANDIC

SOCIAL1 = f"en/{ANSWERING}/social-1/x"
COUPON = f"en/{ANSWERING}/coupon/x"
ICE = f"is/{ICELANDIC}/social-1/x"


def _posted(project, fake_x):
    assert project.cli("run", env=fake_x.env()).code == 0
    items = project.ledger_items()
    return {i: items[i]["post_id"] for i in DUE_IDS}


def test_happy_path_header_updated_then_untouched(project, fake_x):
    ids = _posted(project, fake_x)
    fake_x.set_metrics(ids[SOCIAL1], likes=12, reposts=3, replies=1, bookmarks=2,
                       impressions=1400)
    fake_x.set_metrics(ids[COUPON], likes=1, impressions=100)
    fake_x.set_metrics(ids[ICE], likes=7, quotes=2, impressions=90)
    marker = project.root / "state" / ".metadata-changed"
    before_old = project.post("old-news").read_bytes()

    result = project.cli("metrics", "--changed-marker", str(marker), env=fake_x.env(),
                         now="2026-11-22T16:00:00Z")
    assert result.code == 0, result.text
    assert "metrics: 3 refreshed, 0 not found, 0 not due for a refresh" in result.out
    assert "metadata changed: 2 files" in result.out
    assert marker.exists()
    post = project.post(ANSWERING).read_text(encoding="utf-8")
    assert post == (
        "Title: Answering customers on Twitter\n"
        "Date: 2026-11-22 09:00\n"
        "Tags: customer service, twitter\n"
        "Social: We answer every mention within an hour. Here is how {url}\n"
        "Shared_Id: en/answering-customers-on-twitter\n"  # pinned by `run`
        "Shared_Urls: 2026/answering-customers-on-twitter/\n"
        "Engagement_X: likes 13, reposts 3, replies 1, quotes 0, bookmarks 2, "
        "impressions 1500\n"
        "Engagement_X_As_Of: 2026-11-22T16:00:00Z\n"
        f"Engagement_X_Posts: https://x.com/i/web/status/{ids[SOCIAL1]}, "
        f"https://x.com/i/web/status/{ids[COUPON]}\n"
        "\n"
        "We answer every mention within an hour.  \n"
        "Engagement_X: this body line is not a header\n"
    )
    icelandic = project.post(ICELANDIC).read_bytes()
    assert icelandic == (
        "Title: Hlustað á viðskiptavini\r\n"
        "Date: 2026-11-22 12:00\r\n"
        "Lang: is\r\n"
        "Shared_Id: is/hlustad-a-vidskiptavini\r\n"
        "Shared_Urls: 2026/hlustad-a-vidskiptavini/\r\n"
        "Engagement_X: likes 7, reposts 0, replies 0, quotes 2, bookmarks 0, impressions 90\r\n"
        "Engagement_X_As_Of: 2026-11-22T16:00:00Z\r\n"
        f"Engagement_X_Posts: https://x.com/i/web/status/{ids[ICE]}\r\n"
        "\r\n"
        "Við svörum öllum \u2013 líka á sunnudögum. Þökk fyrir!\r\n"
    ).encode()
    assert project.post("old-news").read_bytes() == before_old

    history = [json.loads(line) for line in project.history.read_text().splitlines()]
    assert len(history) == 3
    assert history[0] == {"id": SOCIAL1, "network": "x", "post_id": ids[SOCIAL1],
                          "fetched_at": "2026-11-22T16:00:00Z", "likes": 12, "reposts": 3,
                          "replies": 1, "quotes": 0, "bookmarks": 2, "impressions": 1400}
    entry = project.ledger_items()[SOCIAL1]
    assert entry["metrics"]["likes"] == 12 and entry["metrics_at"] == "2026-11-22T16:00:00Z"

    # Rerun: nothing due a refresh → no request, no file touched, no marker.
    marker.unlink()
    files = {p: (p.read_bytes(), p.stat().st_mtime_ns) for p in project.content.rglob("*.md")}
    gets = fake_x.count("GET", "/2/tweets")
    again = project.cli("metrics", "--changed-marker", str(marker), env=fake_x.env(),
                        now="2026-11-22T16:30:00Z")
    assert again.code == 0
    assert "metadata changed: 0 files" in again.out
    assert "0 refreshed, 0 not found, 3 not due" in again.out
    assert not marker.exists()
    assert fake_x.count("GET", "/2/tweets") == gets
    assert files == {p: (p.read_bytes(), p.stat().st_mtime_ns)
                     for p in project.content.rglob("*.md")}
    assert len(project.history.read_text().splitlines()) == 3


def test_cadence_refreshes_only_what_is_due(project, fake_x):
    _posted(project, fake_x)      # sent at 15:00
    def refreshed(now, *extra):
        out = project.cli("metrics", *extra, env=fake_x.env(), now=now).out
        return int(out.split("metrics: ")[1].split(" refreshed")[0])
    assert refreshed("2026-11-22T15:30:00Z") == 0
    assert refreshed("2026-11-22T16:00:00Z") == 3     # +1h
    assert refreshed("2026-11-22T18:00:00Z") == 0
    assert refreshed("2026-11-23T15:00:00Z") == 3     # +1d
    assert refreshed("2026-11-23T16:00:00Z", "--all") == 3
    assert refreshed("2026-12-30T00:00:00Z") == 3     # +7d (missed runs catch up once)
    assert refreshed("2026-12-31T00:00:00Z") == 0     # +30d already passed at last check
    assert refreshed("2027-06-01T00:00:00Z") == 0     # frozen
    assert refreshed("2026-11-23T16:00:00Z", "--cadence", "1h") == 0


def test_deleted_post_is_reported_not_a_crash(project, fake_x):
    ids = _posted(project, fake_x)
    fake_x.set_metrics(ids[SOCIAL1], likes=4)
    project.cli("metrics", env=fake_x.env(), now="2026-11-22T16:00:00Z")
    del fake_x.posts[ids[SOCIAL1]]
    result = project.cli("metrics", "--all", env=fake_x.env(), now="2026-11-22T17:00:00Z")
    assert result.code == 0, result.text
    assert f"gone    {SOCIAL1}  post {ids[SOCIAL1]} not found on x (Not Found Error)" \
        in result.out
    entry = project.ledger_items()[SOCIAL1]
    assert entry["metrics"]["likes"] == 4 and entry["metrics_missing"] == "Not Found Error"
    # every id gone: X answers 200 with only "errors"
    fake_x.posts.clear()
    result = project.cli("metrics", "--all", env=fake_x.env(), now="2026-11-22T18:00:00Z")
    assert result.code == 0 and "0 refreshed, 3 not found" in result.out


def test_repost_count_spelling_and_bearer_only(project, fake_x):
    ids = _posted(project, fake_x)
    fake_x.repost_spelling = True
    fake_x.set_metrics(ids[SOCIAL1], reposts=9)
    bearer_only = {"X_BEARER_TOKEN": fake_x.credentials["X_BEARER_TOKEN"],
                   "X_API_BASE_URL": fake_x.url}
    result = project.cli("metrics", "--all", env=bearer_only)
    assert result.code == 0, result.text
    assert project.ledger_items()[SOCIAL1]["metrics"]["reposts"] == 9


def test_batches_of_at_most_100_ids(fake_x):
    ids = [fake_x.add_post(f"post {n}") for n in range(150)]
    network = from_env(fake_x.env(), sleep=lambda s: None)
    result = network.fetch_metrics([*ids, "1"])
    assert fake_x.count("GET", "/2/tweets") == 2
    assert len(result.numbers) == 150 and result.missing == {"1": "Not Found Error"}


def test_rate_limited_metrics_changes_nothing_and_exits_0(project, fake_x):
    _posted(project, fake_x)
    fake_x.fail("GET /2/tweets", "429")
    result = project.cli("metrics", env=fake_x.env(), now="2026-11-22T16:00:00Z")
    assert result.code == 0
    assert "x: numbers not refreshed: rate_limited: HTTP 429" in result.out
    assert fake_x.count("GET", "/2/tweets") == 1          # a 429 is not retried
    assert "metrics" not in project.ledger_items()[SOCIAL1]


def test_unauthorized_metrics_exit_1(project, fake_x):
    _posted(project, fake_x)
    fake_x.fail("GET /2/tweets", "401")
    result = project.cli("metrics", env=fake_x.env(), now="2026-11-22T16:00:00Z")
    assert result.code == 1 and "unauthorized" in result.out


def test_no_credentials_still_syncs_headers_from_ledger(project, fake_x):
    ids = _posted(project, fake_x)
    fake_x.set_metrics(ids[SOCIAL1], likes=2)
    project.cli("metrics", env=fake_x.env(), now="2026-11-22T16:00:00Z")
    project.post(ANSWERING).write_text("Title: Reset\n\nBody\n", encoding="utf-8")
    result = project.cli("metrics", env={}, now="2026-11-23T16:00:00Z")
    assert result.code == 0, result.text
    assert "NO X CREDENTIALS" in result.out
    assert "metadata changed: 1 files" in result.out
    assert "Engagement_X: likes 2," in project.post(ANSWERING).read_text()


def test_dry_run_metrics_changes_nothing(project, fake_x):
    _posted(project, fake_x)
    ledger = project.ledger.read_bytes()
    gets = fake_x.count("GET", "/2/tweets")
    result = project.cli("metrics", "--all", "--dry-run", env=fake_x.env())
    assert result.code == 0 and "would   " in result.out
    assert project.ledger.read_bytes() == ledger
    assert fake_x.count("GET", "/2/tweets") == gets
    assert project.history.read_bytes() == b""


def test_missing_content_file_is_reported(project, fake_x):
    ids = _posted(project, fake_x)
    fake_x.set_metrics(ids[ICE], likes=1)
    project.post(ICELANDIC).unlink()
    result = project.cli("metrics", env=fake_x.env(), now="2026-11-22T16:00:00Z")
    assert result.code == 1
    assert "cannot update" in result.err and "file not found" in result.err
    assert "metadata changed: 1 files" in result.out
