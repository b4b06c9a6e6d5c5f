"""`make bench`: what our build and publisher cost, against plain Pelican.

    python -m bench                 N = 1000 and 5000, 3 runs each, then the publisher
    python -m bench --quick         N = 200, one run: a smoke check
    python -m bench --sizes 500 --runs 5 --json /tmp/bench.json

Prints a table and writes the figures as JSON (see docs/benchmarks.md).
"""

import argparse
import json
import platform
import subprocess
import sys
import tempfile
from dataclasses import asdict
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench.builds import ROOT, BuildFigures, measure_builds
from bench.report import measure_report
from bench.synth import write_posts
from bench.targets import check_targets

DEFAULT_JSON = ROOT / "bench" / "results" / "latest.json"


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m bench",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--quick", action="store_true", help="N = 200, one run each")
    parser.add_argument("--sizes", type=int, nargs="+", help="post counts (default 1000 5000)")
    parser.add_argument("--runs", type=int, help="builds of each kind per size (default 3)")
    parser.add_argument("--skip-publisher", action="store_true", help="build figures only")
    parser.add_argument("--skip-cycle", action="store_true", help="no publish cycle figures")
    parser.add_argument("--json", type=Path, default=DEFAULT_JSON, help="where to write figures")
    args = parser.parse_args(argv)
    args.sizes = args.sizes or ([200] if args.quick else [1000, 5000])
    args.runs = args.runs or (1 if args.quick else 3)
    return args


def git_commit() -> str:
    """The commit measured, `+changes` when tracked files differ from it."""
    answer = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
    )
    if answer.returncode != 0:  # not a checkout (an exported tree): say so
        return "unknown"
    dirty = subprocess.run(["git", "diff", "--quiet", "HEAD"], cwd=ROOT,
                           capture_output=True).returncode != 0
    return answer.stdout.strip() + ("+changes" if dirty else "")


def build_row(figures: BuildFigures) -> dict:
    return {
        **asdict(figures),
        "time_ratio": round(figures.time_ratio, 3),
        "memory_ratio": round(figures.memory_ratio, 3),
        "cpu_ratio": round(figures.cpu_ratio, 3),
        "default_theme_time_ratio": round(figures.default_theme_time_ratio, 3),
        "ours_against_default_theme": round(figures.ours_against_default_theme, 3),
        "cached_cards_ratio": round(figures.cached_cards_ratio, 3),
        "cold_ms_per_card": round(figures.cold_ms_per_card, 1),
    }


def print_written(rows: list[dict]) -> None:
    for row in rows:
        written = row["written"]
        print(f"N={row['posts']} (commit {row['commit']}): plain, ours, ours without cards and "
              f"notmyidea + sitemap each wrote the same {written['articles']} article pages, "
              f"{written['pages']} pages and feeds in all; only ours: "
              f"{', '.join(written['only_ours']) or 'nothing'} and {written['other_files']} "
              "other files (cards, sitemap, static)")


def print_builds(rows: list[dict]) -> None:
    print(f"{'posts':>6} {'runs':>4} {'plain s':>8} {'ours s':>8} {'ratio':>6} "
          f"{'plain MB':>9} {'ours MB':>8} {'ratio':>6} {'files':>6} {'cpu ratio':>9}")
    for row in rows:
        plain, ours = row["plain"], row["ours"]
        print(f"{row['posts']:>6} {row['runs']:>4} {plain['seconds']:>8.2f} "
              f"{ours['seconds']:>8.2f} {row['time_ratio']:>6.3f} {plain['peak_rss_mb']:>9.1f} "
              f"{ours['peak_rss_mb']:>8.1f} {row['memory_ratio']:>6.3f} {row['output_files']:>6} "
              f"{row['cpu_ratio']:>9.3f}")
    print(f"\n{'posts':>6} {'notmyidea+sitemap s':>19} {'/plain':>6} {'MB':>6} {'/plain':>6} "
          f"{'ours/it':>7}   (the default theme with the sitemap plugin)")
    for row in rows:
        default = row["default_theme"]
        if default:
            print(f"{row['posts']:>6} {default['seconds']:>19.2f} "
                  f"{row['default_theme_time_ratio']:>6.3f} {default['peak_rss_mb']:>6.1f} "
                  f"{default['peak_rss_mb'] / row['plain']['peak_rss_mb']:>6.3f} "
                  f"{row['ours_against_default_theme']:>7.3f}")
    print(f"\n{'posts':>6} {'cards':>6} {'no cards s':>10} {'cached s':>9} {'ratio':>6} "
          f"{'cold s':>8} {'cold ms/card':>12}")
    for row in rows:
        print(f"{row['posts']:>6} {row['cards']:>6} {row['ours_without_cards']['seconds']:>10.2f} "
              f"{row['ours']['seconds']:>9.2f} {row['cached_cards_ratio']:>6.3f} "
              f"{row['ours_cold_cards']['seconds']:>8.2f} {row['cold_ms_per_card']:>12.1f}")


def print_reports(rows: list[dict]) -> None:
    print(f"\n{'posts':>6} {'items':>6} {'fetches':>8} {'report s':>9} {'build s':>8} "
          f"{'ratio':>6}")
    for row in rows:
        r = row["report"]
        print(f"{row['posts']:>6} {r['items']:>6} {r['snapshots']:>8} {r['seconds']:>9.2f} "
              f"{row['ours']['seconds']:>8.2f} {row['report_ratio']:>6.3f}")


def main(argv: list[str] | None = None) -> int:
    args = parse_args(sys.argv[1:] if argv is None else argv)
    report: dict[str, Any] = {        # the JSON document written to args.json
        "commit": git_commit(),
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "python": platform.python_version(),
        "machine": platform.machine(),
        "builds": [],
    }
    with tempfile.TemporaryDirectory(prefix="bench-") as tmp:
        for size in args.sizes:
            work = Path(tmp) / f"n{size}"
            print(f"building {size} posts, {args.runs} run(s) each…", flush=True)
            content = write_posts(work / "content", size)
            row = build_row(measure_builds(content, work, size, args.runs))
            row["commit"] = report["commit"]
            row["report"] = measure_report(work / "plan.json", work / "ours", work / "report",
                                           args.runs)
            row["report_ratio"] = round(row["report"]["seconds"] / row["ours"]["seconds"], 3)
            report["builds"].append(row)
        print_written(report["builds"])
        print_builds(report["builds"])
        print_reports(report["builds"])
        if not args.skip_publisher:
            from bench.publisher import measure_publisher, print_publisher

            report["publisher"] = measure_publisher(Path(tmp) / "publisher", args.quick)
            report["publisher"]["commit"] = report["commit"]
            print_publisher(report["publisher"])
        if not args.skip_cycle:
            from bench.publish_cycle import measure_cycle, print_cycle

            print(f"publish cycle at {100 if args.quick else 1000} posts…", flush=True)
            report["cycle"] = measure_cycle(Path(tmp) / "cycle", 100 if args.quick else 1000,
                                            args.runs)
            report["cycle"]["commit"] = report["commit"]
            print_cycle(report["cycle"])
    report["targets"] = check_targets(report)
    if "cycle" in report:
        from bench.publish_cycle import cycle_targets

        report["targets"] += cycle_targets(report["cycle"])
    for target in report["targets"]:
        print(f"{'met ' if target['met'] else 'MISS'}  {target['name']}: {target['figure']}")
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    print(f"figures written to {args.json}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
