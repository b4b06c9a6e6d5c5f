"""The targets of issues 5 and 20, checked against a report: pure, so the verdicts are
testable. Time is judged twice: wall time, and CPU time (user + system of the build), which
other work on a shared machine moves far less."""

TIME_RATIO_MAX = 1.10
MEMORY_RATIO_MAX = 1.2
SCALING_MAX = 5.5  # 5000 posts may cost at most 5.5 x 1000 posts
METRICS_REQUESTS_MAX = 100
IDLE_RUN_SECONDS_MAX = 1.0
REPORT_RATIO_MAX = 0.10      # the report for N posts with 30 days of history, of a full build
CACHED_CARDS_RATIO_MAX = 1.05


def check_targets(report: dict) -> list[dict]:
    targets = []
    builds = {row["posts"]: row for row in report["builds"]}
    for posts, row in sorted(builds.items()):
        targets.append(_target(f"time ours/plain at N={posts} <= {TIME_RATIO_MAX}",
                               row["time_ratio"], row["time_ratio"] <= TIME_RATIO_MAX))
        if "cpu_ratio" in row:  # steadier than wall time on a shared machine
            targets.append(_target(f"CPU time ours/plain at N={posts} <= {TIME_RATIO_MAX}",
                                   row["cpu_ratio"], row["cpu_ratio"] <= TIME_RATIO_MAX))
        targets.append(_target(f"memory ours/plain at N={posts} <= {MEMORY_RATIO_MAX}",
                               row["memory_ratio"], row["memory_ratio"] <= MEMORY_RATIO_MAX))
    for posts, row in sorted(builds.items()):
        if "report_ratio" in row:
            targets.append(_target(f"report/build at N={posts} <= {REPORT_RATIO_MAX}",
                                   row["report_ratio"], row["report_ratio"] <= REPORT_RATIO_MAX))
        if "cached_cards_ratio" in row:
            targets.append(_target(f"cached cards: build with/without at N={posts} <= "
                                   f"{CACHED_CARDS_RATIO_MAX}", row["cached_cards_ratio"],
                                   row["cached_cards_ratio"] <= CACHED_CARDS_RATIO_MAX))
    if 1000 in builds and 5000 in builds:
        scaling = builds[5000]["ours"]["seconds"] / builds[1000]["ours"]["seconds"]
        targets.append(_target(f"ours at 5000 <= {SCALING_MAX} x ours at 1000",
                               round(scaling, 2), scaling <= SCALING_MAX))
    publisher = report.get("publisher")
    if publisher:
        first = publisher["metrics_all"]
        targets.append(_target(f"metrics --all for {first['items']} items: requests <= "
                               f"{METRICS_REQUESTS_MAX}", first["requests"],
                               first["requests"] <= METRICS_REQUESTS_MAX))
        again = publisher["metrics_unchanged"]
        targets.append(_target("metrics with unchanged numbers rewrites 0 files",
                               again["files_rewritten"], again["files_rewritten"] == 0))
        idle = publisher["run_nothing_due"]["seconds_beyond_plan_load"]
        targets.append(_target(f"run with nothing due: <= {IDLE_RUN_SECONDS_MAX} s beyond "
                               "reading the plan", round(idle, 3), idle <= IDLE_RUN_SECONDS_MAX))
    return targets


def _target(name: str, figure, met: bool) -> dict:
    return {"name": name, "figure": figure, "met": bool(met)}
