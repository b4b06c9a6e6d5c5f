"""Helpers for end-to-end builds of tiny content folders with the campaign plugin."""

import shutil
from pathlib import Path

import pytest
from pelican import Pelican, signals
from pelican.settings import read_settings

ROOT = Path(__file__).resolve().parents[2]
DATA = Path(__file__).resolve().parent / "data"
SITE_URL = "https://blog.listening-brands.example"
NOW = "2026-11-22T12:00:00Z"


def settings_for(content: Path, tmp: Path, **overrides) -> dict:
    values = {
        "PATH": str(content),
        "OUTPUT_PATH": str(tmp / "output"),
        "THEME": "simple",
        "PLUGIN_PATHS": [str(ROOT / "plugins")],
        "PLUGINS": ["campaign"],
        "TIMEZONE": "Atlantic/Reykjavik",
        "DEFAULT_LANG": "en",
        "ARTICLE_URL": "{date:%Y}/{slug}/",
        "ARTICLE_SAVE_AS": "{date:%Y}/{slug}/index.html",
        "ARTICLE_LANG_URL": "{lang}/{date:%Y}/{slug}/",
        "ARTICLE_LANG_SAVE_AS": "{lang}/{date:%Y}/{slug}/index.html",
        "CACHE_CONTENT": False,
        "LOAD_CONTENT_CACHE": False,
        "FEED_ALL_ATOM": None,
        "CATEGORY_FEED_ATOM": None,
        "TRANSLATION_FEED_ATOM": None,
        "AUTHOR_FEED_ATOM": None,
        "AUTHOR_FEED_RSS": None,
        "CAMPAIGN_SITE_URL": SITE_URL,
        "CAMPAIGN_PLAN_PATH": str(tmp / "state" / "plan.json"),
        "CAMPAIGN_NOW": NOW,
    }
    values.update(overrides)
    return read_settings(None, override=values)


def run_build(content: Path, tmp: Path, **overrides) -> Path:
    """Build `content` into tmp/output; returns the plan path."""
    settings = settings_for(content, tmp, **overrides)
    Pelican(settings).run()
    return Path(settings["CAMPAIGN_PLAN_PATH"])


def write_posts(folder: Path, posts: dict[str, str]) -> Path:
    posts_dir = folder / "posts"
    posts_dir.mkdir(parents=True, exist_ok=True)
    for name, text in posts.items():
        (posts_dir / name).write_text(text, encoding="utf-8")
    return folder


@pytest.fixture
def data_copy(tmp_path):
    """Copy of a folder under tests/plugins/data (the build never writes into the repo)."""

    def copy(name: str) -> Path:
        target = tmp_path / "content"
        shutil.copytree(DATA / name, target)
        return target

    return copy


SEEN = {}


def remember_article(generator, content):
    """Module-level receiver (blinker holds weak references)."""
    SEEN[(content.lang, content.slug)] = content


@pytest.fixture
def seen():
    """Every article Pelican writes during the test, by (lang, slug)."""
    SEEN.clear()
    with signals.article_generator_write_article.connected_to(remember_article):
        yield SEEN
