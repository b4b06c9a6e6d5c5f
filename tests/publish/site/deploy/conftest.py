"""A small built site to deploy, and a way to see what a deploy printed.

The deploy tests need no Pelican build: a deploy copies whatever files output/ holds, so a
hand-made site with one file of each kind (page, style sheet, script, image, feed, sitemap)
is enough and keeps them fast. Every target runs for real against a local stand-in.
"""

from __future__ import annotations

import io
import os
from pathlib import Path

import pytest

from publish.terminal import Output

SITE_FILES = {
    "index.html": "<!doctype html><title>Home</title>",
    "2026/a-post/index.html": "<!doctype html><title>A post</title>",
    "404.html": "<!doctype html><title>Not found</title>",
    "theme/css/style.css": "body { color: #222 }",
    "theme/js/copy.js": "console.log('copy')",
    "theme/images/favicon.svg": "<svg xmlns='http://www.w3.org/2000/svg'/>",
    "images/card.png": "\x89PNG fake but bytes",
    "feeds/all.atom.xml": "<feed/>",
    "feeds/all.rss.xml": "<rss/>",
    "sitemap.xml": "<urlset/>",
    "offers/offers.json": "{}",
    "robots.txt": "User-agent: *",
}


@pytest.fixture
def site(tmp_path: Path) -> Path:
    root = tmp_path / "output"
    for name, text in SITE_FILES.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


def tree(root: Path) -> dict[str, bytes]:
    """Every file under `root` (relative path with `/`) and its bytes."""
    return {(Path(d) / n).relative_to(root).as_posix(): (Path(d) / n).read_bytes()
            for d, _, names in os.walk(root) for n in names}


class Captured(Output):
    """The real Output, writing to strings; `on_item` lets a test act mid-deploy."""

    def __init__(self, secrets=(), on_item=None):
        super().__init__(io.StringIO(), io.StringIO(), secrets=secrets, tty=False)
        self.on_item = on_item
        self.items: list[tuple[str, str]] = []

    def item(self, verb: str, item_id: str, detail: str = "") -> None:
        self.items.append((verb, item_id))
        super().item(verb, item_id, detail)
        if self.on_item is not None:
            self.on_item(verb, item_id)

    @property
    def text(self) -> str:
        return self.stdout.getvalue() + self.stderr.getvalue()


@pytest.fixture
def base_env(tmp_path: Path) -> dict[str, str]:
    """A clean environment: no deploy or AWS variables from the machine, its own HOME."""
    home = tmp_path / "home"
    home.mkdir()
    return {"PATH": os.environ["PATH"], "HOME": str(home), "LANG": "C.UTF-8",
            "GIT_CONFIG_NOSYSTEM": "1"}
