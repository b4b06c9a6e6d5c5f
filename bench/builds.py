"""Plain Pelican against our site, on the same synthetic content.

Plain: Pelican's built-in `simple` theme, no plugins, otherwise the production settings
(same URLs, pagination, feeds). Ours: our theme, the campaign and sitemap plugins,
publishconf.py as `make publish` uses it.
"""

import json
import sys
from dataclasses import dataclass
from pathlib import Path

from bench.measure import Sample, median_of, run_once

ROOT = Path(__file__).resolve().parent.parent
PUBLISHCONF = ROOT / "publishconf.py"
# Offers are judged "live" against this instant so every run renders the same pages.
BUILD_NOW = "2021-06-01T00:00:00Z"


def pelican_argv(content: Path, output: Path, overrides: dict) -> list[str]:
    argv = [sys.executable, "-m", "pelican", str(content), "-o", str(output)]
    argv += ["-s", str(PUBLISHCONF), "--fatal", "errors", "-q", "-e"]
    return argv + [f"{key}={json.dumps(value)}" for key, value in overrides.items()]


def plain_overrides() -> dict:
    return {
        "THEME": "simple",
        "PLUGINS": [],
        "DIRECT_TEMPLATES": ["index", "tags", "categories", "authors", "archives"],
    }


def our_overrides(work: Path) -> dict:
    return {"CAMPAIGN_PLAN_PATH": str(work / "plan.json"), "CAMPAIGN_NOW": BUILD_NOW}


@dataclass(frozen=True)
class BuildFigures:
    posts: int
    runs: int
    plain: Sample
    ours: Sample
    output_files: int

    @property
    def time_ratio(self) -> float:
        return self.ours.seconds / self.plain.seconds

    @property
    def memory_ratio(self) -> float:
        return self.ours.peak_rss_mb / self.plain.peak_rss_mb


def measure_builds(content: Path, work: Path, posts: int, runs: int) -> BuildFigures:
    """Alternate plain and ours so that drift in the machine's speed hits both alike."""
    plain, ours = [], []
    for _ in range(runs):
        plain.append(run_once(pelican_argv(content, work / "plain", plain_overrides())))
        ours.append(run_once(pelican_argv(content, work / "ours", our_overrides(work))))
    files = sum(1 for path in (work / "ours").rglob("*") if path.is_file())
    return BuildFigures(posts, runs, median_of(plain), median_of(ours), files)
