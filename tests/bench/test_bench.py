"""The benchmark's own pure parts: synthetic content and the target verdicts."""

import json
from pathlib import Path

from bench.builds import BuildFigures
from bench.measure import Sample
from bench.synth import TAG_POOL, post, write_posts
from bench.targets import check_targets


def test_posts_are_deterministic_and_realistic():
    assert post(7) == post(7)
    assert post(7) != post(8)
    words = len(post(7).split("\n\n", 1)[1].split())
    assert 600 <= words <= 800
    assert "## " in post(7) and "\n- " in post(7) and "](https://" in post(8)


def test_a_third_carry_campaign_metadata_and_some_engagement(tmp_path):
    write_posts(tmp_path, 36)
    texts = [p.read_text(encoding="utf-8") for p in sorted((tmp_path / "posts").iterdir())]
    assert len(texts) == 36
    assert sum("\nCoupon: " in t for t in texts) == 12
    assert sum("\nSocial: " in t for t in texts) == 12
    assert sum("\nEngagement_X: " in t for t in texts) == 2
    assert len(TAG_POOL) == 60


def _row(posts, plain_s, ours_s, plain_mb=50.0, ours_mb=55.0):
    return {
        "posts": posts,
        "plain": {"seconds": plain_s, "peak_rss_mb": plain_mb},
        "ours": {"seconds": ours_s, "peak_rss_mb": ours_mb},
        "time_ratio": ours_s / plain_s,
        "memory_ratio": ours_mb / plain_mb,
    }


def test_targets_report_each_figure_met_or_missed():
    report = {
        "builds": [_row(1000, 7.0, 7.5), _row(5000, 35.0, 42.0)],
        "publisher": {
            "metrics_all": {"items": 10000, "requests": 100},
            "metrics_unchanged": {"files_rewritten": 0},
            "run_nothing_due": {"seconds_beyond_plan_load": 0.2},
        },
    }
    verdicts = {t["name"]: t["met"] for t in check_targets(report)}
    assert verdicts["time ours/plain at N=1000 <= 1.1"] is True
    assert verdicts["time ours/plain at N=5000 <= 1.1"] is False
    assert verdicts["ours at 5000 <= 5.5 x ours at 1000"] is False  # 42 / 7.5 = 5.6
    assert verdicts["metrics --all for 10000 items: requests <= 100"] is True
    assert verdicts["metrics with unchanged numbers rewrites 0 files"] is True
    assert all(verdicts[name] for name in verdicts if "memory" in name)


def test_card_figures_are_cached_against_none_and_cold_per_card():
    figures = BuildFigures(posts=100, runs=1, plain=Sample(4.0, 50), ours=Sample(5.0, 60),
                           output_files=300, cards=100, ours_cold_cards=Sample(11.0, 61),
                           ours_without_cards=Sample(4.0, 58))
    assert figures.cached_cards_ratio == 1.25
    assert figures.cold_ms_per_card == 60.0


def test_report_and_cached_card_targets():
    fast = {"posts": 1000, "ours": {"seconds": 7.0}, "time_ratio": 1.0, "memory_ratio": 1.0,
            "report_ratio": 0.04,
            "cached_cards_ratio": 1.02}
    slow = {**fast, "posts": 5000, "ours": {"seconds": 30.0}, "report_ratio": 0.2,
            "cached_cards_ratio": 1.3}
    verdicts = {t["name"]: t["met"] for t in check_targets({"builds": [fast, slow]})}
    assert verdicts["report/build at N=1000 <= 0.1"] is True
    assert verdicts["report/build at N=5000 <= 0.1"] is False
    assert verdicts["cached cards: build with/without at N=1000 <= 1.05"] is True
    assert verdicts["cached cards: build with/without at N=5000 <= 1.05"] is False


def test_the_report_bench_state_matches_the_plan(tmp_path):
    from bench.report import CADENCE, write_state
    from publish.posting.ledger import LedgerStore
    from publish.report.history import read
    from tests.publish.conftest import plan_doc

    plan = tmp_path / "plan.json"
    plan.write_text(json.dumps(plan_doc()), encoding="utf-8")
    items, shots = write_state(plan, tmp_path / "state")
    assert shots == items * len(CADENCE)
    assert len(LedgerStore(tmp_path / "state" / "ledger.json").load().items) == items
    assert len(read(tmp_path / "state" / "history.jsonl").records) == shots


def test_the_default_theme_figures_sit_beside_plain_and_ours():
    from bench.builds import default_theme_overrides, plain_overrides

    figures = BuildFigures(posts=100, runs=1, plain=Sample(4.0, 50, 3.0), ours=Sample(5.0, 60, 4.5),
                           output_files=300, cards=100, ours_cold_cards=Sample(11.0, 61),
                           ours_without_cards=Sample(4.0, 58), default_theme=Sample(4.4, 51))
    assert figures.default_theme_time_ratio == 1.1
    assert round(figures.ours_against_default_theme, 3) == 1.136
    assert figures.cpu_ratio == 1.5
    overrides = default_theme_overrides()
    assert overrides["THEME"] == "notmyidea" and overrides["PLUGINS"] == ["sitemap"]
    assert overrides["DIRECT_TEMPLATES"] == plain_overrides()["DIRECT_TEMPLATES"]


def test_every_post_is_live_at_the_bench_clock():
    from bench.builds import our_overrides
    from bench.synth import date_of, every_post_live

    assert f"Date: {date_of(36):%Y-%m-%d %H:%M}" in post(36)
    now = our_overrides(Path("/w"), 1000)["CAMPAIGN_NOW"]
    assert now == every_post_live(1000) == "2022-01-15T09:00:00Z"
    assert f"{date_of(1000):%Y-%m-%dT%H:%M:%SZ}" < now


def _site(root, pages):
    for page in pages:
        (root / page).parent.mkdir(parents=True, exist_ok=True)
        (root / page).write_text("x", encoding="utf-8")
    return root


def test_equal_work_names_the_pages_only_ours_writes(tmp_path):
    from bench.written import equal_work

    both = ["index.html", "2021/post-1/index.html", "2021/post-2/index.html",
            "feeds/all.atom.xml"]
    plain = _site(tmp_path / "plain", both)
    ours = _site(tmp_path / "ours", [*both, "404.html", "offers/index.html", "sitemap.xml",
                                     "images/cards/post-1.png"])
    other = _site(tmp_path / "other", both)
    written = equal_work(plain, ours, {"other": other}, posts=2)
    assert written.articles == 2 and written.pages == 4
    assert written.only_ours == ("404.html", "offers/index.html")
    assert written.other_files == 2


def test_unequal_work_stops_the_bench_naming_every_page(tmp_path):
    import pytest

    from bench.written import UnequalWork, equal_work

    plain = _site(tmp_path / "plain", ["2021/post-1/index.html", "2021/post-2/index.html"])
    ours = _site(tmp_path / "ours", ["2021/post-1/index.html", "extra/index.html"])
    with pytest.raises(UnequalWork) as error:
        equal_work(plain, ours, {}, posts=2)
    assert "only plain writes 2021/post-2/index.html" in str(error.value)
    assert "only ours writes extra/index.html" in str(error.value)
    hidden = _site(tmp_path / "hidden", ["2021/post-1/index.html"])
    with pytest.raises(UnequalWork, match="1 article pages for 2 posts"):
        equal_work(hidden, hidden, {}, posts=2)


def test_every_build_writes_into_an_empty_folder(tmp_path):
    from bench.builds import into_empty, pelican_argv, plain_overrides

    output = _site(tmp_path / "out", ["index.html", "2021/post-1/index.html"])
    argv = pelican_argv(tmp_path / "content", output, plain_overrides())
    assert into_empty(argv) == argv
    assert not output.exists()


def test_cpu_time_is_judged_beside_wall_time():
    row = {**_row(1000, 10.0, 9.0), "cpu_ratio": 1.37}
    verdicts = {t["name"]: t["met"] for t in check_targets({"builds": [row]})}
    assert verdicts["time ours/plain at N=1000 <= 1.1"] is True
    assert verdicts["CPU time ours/plain at N=1000 <= 1.1"] is False
