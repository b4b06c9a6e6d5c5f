"""Plain Pelican against our site, on the same synthetic content.

Plain: Pelican's built-in `simple` theme, no plugins, otherwise the production settings
(same URLs, pagination, feeds). Ours: our theme, the campaign and sitemap plugins,
publishconf.py as `make publish` uses it, with its social cards already in the cache (the
usual case: only new or retitled articles render one), and its clock a day after the last post
so that every post is live, as plain Pelican writes every post (bench/written.py asserts that
all sides wrote the same pages). Besides: ours with an empty card cache
(every card rendered: the cold cost per card), ours without the social_cards plugin (what
the cached cards cost), and what a user would pick instead of ours: Pelican's default theme
(`notmyidea`) with the sitemap plugin, otherwise the same settings as plain.
"""

import json
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path

from bench.measure import Sample, median_of, run_once
from bench.synth import every_post_live
from bench.written import Written, equal_work

ROOT = Path(__file__).resolve().parent.parent
PUBLISHCONF = ROOT / "publishconf.py"


def pelican_argv(content: Path, output: Path, overrides: dict) -> list[str]:
    argv = [sys.executable, "-m", "pelican", str(content), "-o", str(output)]
    argv += ["-s", str(PUBLISHCONF), "--fatal", "errors", "-q", "-e"]
    return argv + [f"{key}={json.dumps(value)}" for key, value in overrides.items()]


def into_empty(argv: list[str]) -> list[str]:
    """`argv` after emptying its output folder (-o): every build writes a fresh folder, as
    `python -m publish build` does. Overwriting the last build's files instead costs some
    builds seconds of writeback (ext4 flushes a file truncated and written again on close),
    a cost of the machine's disk, not of the build."""
    shutil.rmtree(argv[argv.index("-o") + 1], ignore_errors=True)
    return argv


def plain_overrides() -> dict:
    return {
        "THEME": "simple",
        "PLUGINS": [],
        "DIRECT_TEMPLATES": ["index", "tags", "categories", "authors", "archives"],
    }


def default_theme_overrides() -> dict:
    """Pelican's default theme with pelican-sitemap (publishconf's SITEMAP settings)."""
    return {**plain_overrides(), "THEME": "notmyidea", "PLUGINS": ["sitemap"]}


def our_overrides(work: Path, posts: int) -> dict:
    """publishconf.py, its clock fixed a day after the last post (every post live, the same
    pages every run); the card cache in the work folder, never the project's cache/."""
    return {"CAMPAIGN_PLAN_PATH": str(work / "plan.json"), "CAMPAIGN_NOW": every_post_live(posts),
            "SOCIAL_CARDS_CACHE_PATH": str(work / "cards-cache")}


def without_cards_overrides(work: Path, posts: int) -> dict:
    from pelican.settings import read_settings

    plugins = [p for p in read_settings(str(PUBLISHCONF))["PLUGINS"] if p != "social_cards"]
    return {**our_overrides(work, posts), "PLUGINS": plugins}


@dataclass(frozen=True)
class BuildFigures:
    posts: int
    runs: int
    plain: Sample
    ours: Sample
    output_files: int
    cards: int  # cards written by ours
    ours_cold_cards: Sample  # ours, every card rendered (empty cache), one run
    ours_without_cards: Sample  # ours without the social_cards plugin
    default_theme: Sample | None = None  # notmyidea + sitemap: the usual alternative to ours
    written: Written | None = None  # what every side wrote: the same pages (bench/written.py)

    @property
    def time_ratio(self) -> float:
        return self.ours.seconds / self.plain.seconds

    @property
    def memory_ratio(self) -> float:
        return self.ours.peak_rss_mb / self.plain.peak_rss_mb

    @property
    def cpu_ratio(self) -> float:
        return self.ours.cpu_seconds / self.plain.cpu_seconds if self.plain.cpu_seconds else 0.0

    @property
    def default_theme_time_ratio(self) -> float:
        """notmyidea + sitemap against plain."""
        return self.default_theme.seconds / self.plain.seconds if self.default_theme else 0.0

    @property
    def ours_against_default_theme(self) -> float:
        """Ours against notmyidea + sitemap: what our site costs over the usual choice."""
        return self.ours.seconds / self.default_theme.seconds if self.default_theme else 0.0

    @property
    def cached_cards_ratio(self) -> float:
        """Ours with every card from the cache against ours without the plugin."""
        return self.ours.seconds / self.ours_without_cards.seconds

    @property
    def cold_ms_per_card(self) -> float:
        return 1000 * (self.ours_cold_cards.seconds - self.ours.seconds) / max(1, self.cards)


def measure_builds(content: Path, work: Path, posts: int, runs: int) -> BuildFigures:
    """Alternate plain, ours, ours without cards and notmyidea + sitemap so that drift in the
    machine's speed hits all alike. The first build of ours, with an empty card cache, fills
    it and is the cold figure; every later one reads the cards from the cache."""
    ours_argv = pelican_argv(content, work / "ours", our_overrides(work, posts))
    cold = run_once(into_empty(ours_argv))
    plain, ours, without, default = [], [], [], []
    for _ in range(runs):
        plain.append(run_once(into_empty(pelican_argv(content, work / "plain",
                                                      plain_overrides()))))
        ours.append(run_once(into_empty(ours_argv)))
        without.append(run_once(into_empty(pelican_argv(content, work / "no-cards",
                                                        without_cards_overrides(work, posts)))))
        default.append(run_once(into_empty(pelican_argv(content, work / "default-theme",
                                                        default_theme_overrides()))))
    written = equal_work(work / "plain", work / "ours",
                         {"ours without cards": work / "no-cards",
                          "notmyidea + sitemap": work / "default-theme"}, posts)
    files = sum(1 for path in (work / "ours").rglob("*") if path.is_file())
    cards = sum(1 for _ in (work / "ours" / "images" / "cards").glob("*.png"))
    return BuildFigures(posts, runs, median_of(plain), median_of(ours), files, cards, cold,
                        median_of(without), median_of(default), written)
