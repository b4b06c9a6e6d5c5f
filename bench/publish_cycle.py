"""The publish cycle (`python -m publish cycle`, what `make publish` runs) at N posts:
a full cycle (the build forced), a no-op cycle (nothing changed, nothing due: the build and
deploy are skipped, issue 12) and a cycle after one post changed.

Each cycle is a child process, timed from the parent, in a throwaway copy of the project's
settings, theme and plugins (so the card cache stays in the bench's folder), with an
injected clock and no posting credentials (posting is a dry run: nothing due is sent) and no
deploy target. Interpreter start (`python -c pass`) is measured too: the no-op target is
about the time beyond it.
"""

import os
import shutil
import statistics
import sys
import time
from pathlib import Path

from bench.measure import run_once
from bench.synth import every_post_live, write_posts

ROOT = Path(__file__).resolve().parent.parent
NOOP_BEYOND_START_MAX = 1.0       # seconds, issue 12
ONE_CHANGED_RATIO_MAX = 0.15      # of a full cycle, issue 20 (issue 12 asked for 0.30)


def project(work: Path, posts: int) -> Path:
    """A project folder: the real settings, theme and plugins; `posts` synthetic posts."""
    root = work / "project"
    root.mkdir(parents=True)
    for name in ("pelicanconf.py", "publishconf.py"):
        shutil.copy2(ROOT / name, root / name)
    for name in ("theme", "plugins"):
        shutil.copytree(ROOT / name, root / name,
                        ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    write_posts(root / "content", posts)
    return root


def environment() -> dict[str, str]:
    """No credentials of any kind, the repository importable (`python -m publish`)."""
    return {"PATH": os.environ.get("PATH", ""), "HOME": os.environ.get("HOME", "/tmp"),
            "LANG": "C.UTF-8", "PYTHONPATH": str(ROOT)}


def cycle_argv(root: Path, posts: int, *extra: str) -> list[str]:
    """A cycle with its clock fixed a day after the last post: every post live, and no time
    boundary passes between the runs."""
    return [sys.executable, "-m", "publish", "cycle", "--settings", str(root / "publishconf.py"),
            "--content", str(root / "content"), "--output", str(root / "output"),
            "--plan", str(root / "state" / "plan.json"),
            "--ledger", str(root / "state" / "ledger.json"),
            "--history", str(root / "state" / "history.jsonl"),
            "--now", every_post_live(posts), "--no-link-check", *extra]


def touch_one_post(root: Path, posts: int, run: int) -> None:
    """A real edit of one post's body (a new sentence each run), halfway through."""
    post = root / "content" / "posts" / f"post-{posts // 2:05d}.md"
    post.write_text(post.read_text(encoding="utf-8") + f"\nEdit number {run}.\n",
                    encoding="utf-8")


def seconds(argv: list[str], env: dict[str, str]) -> float:
    return run_once(argv, env=env).seconds


def measure_cycle(work: Path, posts: int, runs: int) -> dict:
    root = project(work, posts)
    env = environment()
    init = [sys.executable, "-m", "publish", "init",
            "--ledger", str(root / "state" / "ledger.json"),
            "--history", str(root / "state" / "history.jsonl")]
    run_once(init, env=env)
    seconds(cycle_argv(root, posts, "--force-build"), env)      # fills the card cache
    full, noop, one, start = [], [], [], []
    for run in range(runs):
        full.append(seconds(cycle_argv(root, posts, "--force-build"), env))
        noop.append(seconds(cycle_argv(root, posts), env))
        touch_one_post(root, posts, run)
        one.append(seconds(cycle_argv(root, posts), env))
        started = time.perf_counter()
        run_once([sys.executable, "-c", "pass"], env=env)
        start.append(time.perf_counter() - started)
    figures = {"posts": posts, "runs": runs,
               "full_seconds": statistics.median(full),
               "noop_seconds": statistics.median(noop),
               "one_changed_seconds": statistics.median(one),
               "interpreter_start_seconds": statistics.median(start)}
    figures["noop_beyond_start_seconds"] = (figures["noop_seconds"]
                                            - figures["interpreter_start_seconds"])
    figures["one_changed_ratio"] = figures["one_changed_seconds"] / figures["full_seconds"]
    return {key: round(value, 3) if isinstance(value, float) else value
            for key, value in figures.items()}


def cycle_targets(figures: dict) -> list[dict]:
    noop = figures["noop_beyond_start_seconds"]
    ratio = figures["one_changed_ratio"]
    n = figures["posts"]
    return [
        {"name": f"no-op cycle at N={n}: <= {NOOP_BEYOND_START_MAX} s beyond interpreter "
                 "start", "figure": noop, "met": noop <= NOOP_BEYOND_START_MAX},
        {"name": f"one post changed at N={n}: <= {ONE_CHANGED_RATIO_MAX} of a full cycle",
         "figure": ratio, "met": ratio <= ONE_CHANGED_RATIO_MAX},
    ]


def print_cycle(figures: dict) -> None:
    print(f"\n{'posts':>6} {'runs':>4} {'full s':>7} {'no-op s':>8} {'start s':>8} "
          f"{'one post s':>10} {'ratio':>6}")
    print(f"{figures['posts']:>6} {figures['runs']:>4} {figures['full_seconds']:>7.2f} "
          f"{figures['noop_seconds']:>8.2f} {figures['interpreter_start_seconds']:>8.2f} "
          f"{figures['one_changed_seconds']:>10.2f} {figures['one_changed_ratio']:>6.3f}")
