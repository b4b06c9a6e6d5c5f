"""A copy of this project as a fresh clone has it, a deploy target folder served by a loopback
web site (the "production site" the link check asks), and `make publish` run against the
loopback fakes of X, Mastodon and Bluesky."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest

from tests.fakes import FAKES
from tests.fakes.loopback_site import Site, serving

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


@contextlib.contextmanager
def running_fakes(now: datetime, networks=tuple(FAKES)) -> Iterator[dict]:
    """The fakes (tests/fakes/__init__.py) of `networks` (every network's by default), by network
    name, their clocks at `now`."""
    with contextlib.ExitStack() as stack:
        fakes = {name: stack.enter_context(FAKES[name].running(now=now))
                 for name in networks}
        yield fakes


def set_clocks(fakes: dict, now: datetime) -> None:
    for fake in fakes.values():
        fake.now = now


def environment(fakes: dict, site: Site, **extra: str) -> dict[str, str]:
    """A clean environment: every fake's credentials, pages checked on the loopback site."""
    env = {"PATH": os.environ["PATH"], "HOME": os.environ.get("HOME", "/tmp"),
           "LANG": "C.UTF-8"}
    for fake in fakes.values():
        env.update(fake.env(PUBLISH_HTTP_TIMEOUT="2,2"))
    return {**env, "PUBLISH_LINK_CHECK_BASE": site.url, **extra}


def created(fakes: dict) -> dict[str, int]:
    """How many posts each fake ever created."""
    return {name: fake.posts_created for name, fake in fakes.items()}


def on_networks(ids: set[str], networks=tuple(FAKES)) -> set[str]:
    """`…/x` item ids as they are on each network."""
    return {i.rsplit("/", 1)[0] + f"/{n}" for i in ids for n in networks}


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
