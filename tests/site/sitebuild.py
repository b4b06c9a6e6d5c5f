"""Building the sample site for the tests, and reading what the content should produce.

The builds run Pelican in a subprocess exactly as `make publish` / `make html` do, into
temporary folders; the plan the campaign plugin writes goes to a temporary file too, so the
tests never touch output/ or state/ of the checkout.
"""

import json
import re
import shutil
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from tests.shared_build import once_per_run

ROOT = Path(__file__).resolve().parents[2]
CONTENT = ROOT / "content"
# Headers full of markup, quotes, URL strings and Icelandic: tests/site/test_site_escaping.py.
HOSTILE = Path(__file__).resolve().parent / "data" / "hostile"
PRODUCTION_URL = "https://blog.listening-brands.example"
# Coupon states, and which posts are live, depend on the build time: pin it to the day the
# sample content was written (one post is dated after it: scheduled).
BUILD_NOW = "2026-11-22T12:00:00Z"
SITE_TIMEZONE = ZoneInfo("Atlantic/Reykjavik")  # pelicanconf.py TIMEZONE
# What `python -m publish metrics` writes into a post's header (docs/contract.md §3).
ENGAGEMENT_LINES = [
    "Engagement_X: likes 12, reposts 3, replies 1, quotes 0, bookmarks 2, impressions 1400",
    "Engagement_X_As_Of: 2026-11-21T15:00:00Z",
    "Engagement_X_Posts: https://x.com/i/web/status/1849203, https://x.com/i/web/status/1849377",
]
ENGAGED_POST = "posts/answering-customers-on-twitter.md"


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

    def live_at(self, now: str = BUILD_NOW) -> bool:
        """A page, or an article dated at or before `now` (a later one is scheduled)."""
        if self.kind != "article":
            return True
        date = datetime.fromisoformat(self.meta["date"]).replace(tzinfo=SITE_TIMEZONE)
        return date <= datetime.fromisoformat(now)


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


def content_entries(content: Path = CONTENT) -> list[Entry]:
    entries = []
    for kind, folder in (("article", "posts"), ("page", "pages")):
        for path in sorted((content / folder).glob("*.md")):
            meta = read_header(path)
            lang = meta.get("lang", "en")
            slug = meta.get("slug") or slugify(meta["title"])
            url = f"{meta['date'][:4]}/{slug}/" if kind == "article" else f"{slug}/"
            if lang != "en":
                url = f"{lang}/{url}"
            entries.append(Entry(path, kind, meta["title"], slug, lang, url, meta))
    return entries


@dataclass(frozen=True)
class Build:
    output: Path
    plan: Path

    def html(self, rel: str) -> str:
        return (self.output / rel).read_text(encoding="utf-8")


def build_site(settings: str, workdir: Path, content: Path = CONTENT,
               now: str = BUILD_NOW) -> Build:
    output = workdir / "output"
    plan = workdir / "plan.json"
    # The campaign plugin writes its plan here instead of the checkout's state/plan.json.
    overrides = [
        f"CAMPAIGN_PLAN_PATH={json.dumps(str(plan))}",
        f"CAMPAIGN_NOW={json.dumps(now)}",
    ]
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
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, f"pelican failed:\n{done.stdout}\n{done.stderr}"
    return Build(output, plan)


def shared_site(tmp_path_factory, name: str, build: Callable[[Path], Build]) -> Build:
    """`build(folder)` once per test run, however many xdist workers ask (the tests only
    read a built site)."""
    made = once_per_run(tmp_path_factory, name, lambda folder: {
        key: str(path) for key, path in vars(build(folder)).items()})
    return Build(Path(made["output"]), Path(made["plan"]))


def build_engaged_site(workdir: Path) -> Build:
    """A copy of the sample content where one post carries engagement numbers, as after
    `publish metrics` (lines appended to the header, which ends at the first blank line)."""
    content = workdir / "content"
    shutil.copytree(CONTENT, content)
    post = content / ENGAGED_POST
    header, _, body = post.read_text(encoding="utf-8").partition("\n\n")
    post.write_text("\n".join([header, *ENGAGEMENT_LINES]) + "\n\n" + body, encoding="utf-8")
    return build_site("pelicanconf.py", workdir, content)
