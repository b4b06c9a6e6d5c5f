"""Builds the sample site once per test session (production and development settings).

The builds run Pelican in a subprocess exactly as `make publish` / `make html` do, into
temporary folders; the plan the campaign plugin writes goes to a temporary file too, so the
tests never touch output/ or state/ of the checkout.
"""

import json
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CONTENT = ROOT / "content"
PRODUCTION_URL = "https://blog.listening-brands.example"


@dataclass(frozen=True)
class Entry:
    """One Markdown source file as the site should publish it."""

    source: Path
    kind: str  # "article" or "page"
    title: str
    slug: str
    lang: str
    url: str  # site-relative, folder style: "2026/slug/", "is/2026/slug/", "about/"
    meta: dict

    @property
    def output(self) -> str:
        return self.url + "index.html"


def read_header(path: Path) -> dict:
    """The Markdown header (`Key: value` lines up to the first blank line), keys lowercased."""
    meta = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            break
        key, _, value = line.partition(":")
        meta[key.strip().lower()] = value.strip()
    return meta


def slugify(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def content_entries() -> list[Entry]:
    entries = []
    for kind, folder in (("article", "posts"), ("page", "pages")):
        for path in sorted((CONTENT / folder).glob("*.md")):
            meta = read_header(path)
            lang = meta.get("lang", "en")
            slug = meta.get("slug") or slugify(meta["title"])
            url = f"{meta['date'][:4]}/{slug}/" if kind == "article" else f"{slug}/"
            if lang != "en":
                url = f"{lang}/{url}"
            entries.append(Entry(path, kind, meta["title"], slug, lang, url, meta))
    return entries


def campaign_plugin_ready() -> bool:
    """True once plugins/campaign exposes register(); until then builds use sitemap only."""
    sys.path.insert(0, str(ROOT / "plugins"))
    try:
        import campaign
    except ImportError:
        return False
    finally:
        sys.path.remove(str(ROOT / "plugins"))
    return callable(getattr(campaign, "register", None))


@dataclass(frozen=True)
class Build:
    output: Path
    plan: Path
    seconds: float
    plugins: list

    def html(self, rel: str) -> str:
        return (self.output / rel).read_text(encoding="utf-8")


def build_site(settings: str, workdir: Path, content: Path = CONTENT) -> Build:
    import time

    output = workdir / "output"
    plan = workdir / "plan.json"
    overrides = [f"CAMPAIGN_PLAN_PATH={json.dumps(str(plan))}"]
    plugins = ["campaign", "sitemap"]
    if not campaign_plugin_ready():
        plugins = ["sitemap"]
        overrides.append(f"PLUGINS={json.dumps(plugins)}")
    command = [
        sys.executable,
        "-m",
        "pelican",
        str(content),
        "-o",
        str(output),
        "-s",
        str(ROOT / settings),
        "--fatal",
        "errors",
        "-e",
        *overrides,
    ]
    started = time.perf_counter()
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=300)
    seconds = time.perf_counter() - started
    assert done.returncode == 0, f"pelican failed:\n{done.stdout}\n{done.stderr}"
    return Build(output, plan, seconds, plugins)


@pytest.fixture(scope="session")
def entries() -> list[Entry]:
    return content_entries()


@pytest.fixture(scope="session")
def prod_site(tmp_path_factory) -> Build:
    return build_site("publishconf.py", tmp_path_factory.mktemp("prod"))


@pytest.fixture(scope="session")
def dev_site(tmp_path_factory) -> Build:
    return build_site("pelicanconf.py", tmp_path_factory.mktemp("dev"))
