"""A copy of this project as a fresh clone has it, a deploy target folder served by a loopback
web site (the "production site" the link check asks), and `make publish` run against the
loopback fake X."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.loopback_site import Site, serving

REPO = Path(__file__).resolve().parents[2]
VENV = Path(sys.executable).parent.parent


def tracked_files() -> list[str]:
    listing = subprocess.run(["git", "ls-files", "-z"], cwd=REPO, capture_output=True,
                             check=True)
    return [name for name in listing.stdout.decode().split("\0") if name]


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """The committed project as a fresh clone would have it, sharing this checkout's .venv."""
    root = tmp_path / "project"
    for name in tracked_files():
        if (REPO / name).is_file():
            (root / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(REPO / name, root / name)
    return root


@pytest.fixture
def www(tmp_path: Path) -> Path:
    """Where the site is deployed (DEPLOY_TARGET=rsync:WWW); empty: nothing is live yet."""
    folder = tmp_path / "www"
    folder.mkdir()
    return folder


@pytest.fixture
def site(www: Path) -> Iterator[Site]:
    """The production site as the link check sees it: `www` over HTTP on 127.0.0.1."""
    with serving(www) as live:
        yield live


def environment(fake, site: Site, **extra: str) -> dict[str, str]:
    """A clean environment: the fake X's credentials, pages checked on the loopback site."""
    return {"PATH": os.environ["PATH"], "HOME": os.environ.get("HOME", "/tmp"),
            "LANG": "C.UTF-8", **fake.env(PUBLISH_HTTP_TIMEOUT="2,2"),
            "PUBLISH_LINK_CHECK_BASE": site.url, **extra}


def make_publish(root: Path, env: dict[str, str], now: str,
                 *options: str) -> subprocess.CompletedProcess:
    opts = " ".join(["--now", now, *options])
    return subprocess.run(["make", "-s", "publish", f"VENV={VENV}", f"PUBLISH_OPTS={opts}"],
                          cwd=root, env=env, capture_output=True, text=True, timeout=300)


def ledger(root: Path) -> dict:
    return json.loads((root / "state" / "ledger.json").read_text(encoding="utf-8"))["items"]


def states(root: Path) -> dict[str, str]:
    return {key: record["state"] for key, record in ledger(root).items()}


def sent_ids(root: Path) -> set[str]:
    return {key for key, state in states(root).items() if state == "sent"}


def cycle_lines(result: subprocess.CompletedProcess) -> list[str]:
    """The cycle's own step lines, in the order printed (stdout and stderr interleave only
    at these lines' level: each is flushed as it is written)."""
    return [line for line in (result.stdout + result.stderr).splitlines()
            if line.startswith("cycle: ")]
