"""Fixtures for the publisher tests: a loopback fake X, a throwaway project folder with a
hand-written plan (docs/contract.md §1), Markdown posts and the empty ledger and history made
by `init`, and ways to run the CLI in-process or as a real subprocess.

Every project's site is up: a loopback web site answering 200 for every page stands in for
the production site (PUBLISH_LINK_CHECK_BASE in `Project.env`), so posting passes the link
check as on a deployed site. tests/publish/posting/test_publish_linkcheck.py takes pages away."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import pytest

from publish.cli import main
from tests.fakes.fake_x import running_fake
from tests.fakes.loopback_site import serving

REPO = Path(__file__).resolve().parents[2]
NOW = "2026-11-22T15:00:00Z"
SITE = "https://blog.listening-brands.example"


def link(slug: str) -> str:
    return f"{SITE}/2026/{slug}/?utm_source=x&utm_medium=social&utm_campaign={slug}"


def item(slug: str, slot: str, due: str, text: str, *, lang: str = "en",
         source: str | None = None, kind: str = "article-post", warnings=None) -> dict:
    url = link(slug)
    return {
        "id": f"{lang}/{slug}/{slot}/x", "kind": kind, "network": "x", "due": due,
        "text": f"{text} {url}", "link": url, "weighted_length": len(text) + 24,
        "max_length": 280, "source": source or f"posts/{slug}.md", "slug": slug,
        "lang": lang, "title": slug.replace("-", " ").title(), "campaign": slug,
        "coupon": "LISTEN20" if kind == "coupon-announcement" else None,
        "warnings": warnings if warnings is not None else
        ["contains a link: X charges more for posts with a link (as of 2026)"],
    }


ANSWERING = "answering-customers-on-twitter"
ICELANDIC = "hlustad-a-vidskiptavini"
OLD = "old-news"
ITEMS = [
    item(OLD, "social-1", "2026-11-19T09:00:00Z", "Old news, never posted"),
    item(ANSWERING, "social-1", "2026-11-22T09:00:00Z",
         "We answer every mention within an hour. Here is how"),
    item(ICELANDIC, "social-1", "2026-11-22T12:00:00Z",
         "Við svörum öllum á innan við klukkustund. Svona förum við að", lang="is"),
    item(ANSWERING, "coupon", "2026-11-22T14:30:00Z",
         "Our listeners get 20% off until New Year: LISTEN20", kind="coupon-announcement",
         warnings=[]),
    item(ANSWERING, "social-2", "2026-11-25T09:00:00Z",
         "Three days on: what changed when we answered faster"),
]
DUE_IDS = [f"en/{ANSWERING}/social-1/x", f"is/{ICELANDIC}/social-1/x",
           f"en/{ANSWERING}/coupon/x"]

POSTS = {
    f"posts/{ANSWERING}.md": (
        "Title: Answering customers on Twitter\n"
        "Date: 2026-11-22 09:00\n"
        "Tags: customer service, twitter\n"
        "Social: We answer every mention within an hour. Here is how {url}\n"
        "\n"
        "We answer every mention within an hour.  \n"
        "Engagement_X: this body line is not a header\n"
    ),
    f"posts/{ICELANDIC}.md": (
        "Title: Hlustað á viðskiptavini\r\n"
        "Date: 2026-11-22 12:00\r\n"
        "Lang: is\r\n"
        "\r\n"
        "Við svörum öllum \u2013 líka á sunnudögum. Þökk fyrir!\r\n"
    ),
    f"posts/{OLD}.md": "Title: Old news\nDate: 2026-11-19 09:00\n\nOld.\n",
}


def plan_doc(items=None) -> dict:
    """A fresh plan document: tests may change its items without touching ITEMS."""
    return {"schema": "campaign-plan/1", "site_url": SITE,
            "items": sorted((dict(i) for i in (items if items is not None else ITEMS)),
                            key=lambda i: (i["due"], i["id"]))}


def write_plan(path: Path, items=None) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(plan_doc(items), indent=2, ensure_ascii=False,
                               sort_keys=True) + "\n", encoding="utf-8")


@dataclass
class Result:
    code: int
    out: str
    err: str

    @property
    def text(self) -> str:
        return self.out + self.err


@dataclass
class Project:
    root: Path
    env: dict[str, str] = field(default_factory=dict)   # under every command's environment

    @property
    def plan(self) -> Path:
        return self.root / "state" / "plan.json"

    @property
    def ledger(self) -> Path:
        return self.root / "state" / "ledger.json"

    @property
    def history(self) -> Path:
        return self.root / "state" / "history.jsonl"

    @property
    def content(self) -> Path:
        return self.root / "content"

    def post(self, slug: str) -> Path:
        return self.content / "posts" / f"{slug}.md"

    def ledger_items(self) -> dict:
        return json.loads(self.ledger.read_text(encoding="utf-8"))["items"]

    def paths(self) -> list[str]:
        return ["--plan", str(self.plan), "--ledger", str(self.ledger),
                "--history", str(self.history), "--content", str(self.content)]

    def cli(self, *args: str, env: dict | None = None, now: str | None = NOW,
            tty: bool = False) -> Result:
        """Run `python -m publish` in-process (no sleeping: reads retry instantly)."""
        out, err = io.StringIO(), io.StringIO()
        argv = [*args, *self.paths()] + (["--now", now] if now else [])
        code = main(argv, env={**self.env, **(env or {})}, stdout=out, stderr=err,
                    sleep=lambda s: None, tty=tty)
        return Result(code, out.getvalue(), err.getvalue())

    def spawn(self, *args: str, env: dict | None = None, now: str | None = NOW,
              **popen) -> subprocess.Popen:
        argv = [sys.executable, "-m", "publish", *args]
        if now:
            argv += ["--now", now]
        full_env = {"PATH": os.environ.get("PATH", ""), "PYTHONPATH": str(REPO),
                    **self.env, **(env or {})}
        return subprocess.Popen(argv, cwd=self.root, env=full_env, text=True,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, **popen)

    def subprocess(self, *args: str, env: dict | None = None, now: str | None = NOW,
                   timeout: float = 30) -> Result:
        proc = self.spawn(*args, env=env, now=now)
        out, err = proc.communicate(timeout=timeout)
        return Result(proc.returncode, out, err)


@pytest.fixture
def fake_x():
    with running_fake(now=datetime(2026, 11, 22, 15, 0, tzinfo=UTC)) as fake:
        yield fake


@pytest.fixture
def live_site():
    """The production site, up: every page answers 200."""
    with serving() as site:
        yield site


@pytest.fixture
def project(tmp_path: Path, live_site) -> Project:
    proj = Project(tmp_path / "site", env={"PUBLISH_LINK_CHECK_BASE": live_site.url})
    for rel, text in POSTS.items():
        path = proj.content / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(text.encode("utf-8"))
    write_plan(proj.plan)
    started = proj.cli("init")          # a new project's documented first step
    assert started.code == 0, started.text
    return proj


def cli_here(project, monkeypatch, *argv: str, env: dict | None = None):
    """`python -m publish ARGV` from the project folder with the default relative paths, so
    messages show `state/ledger.json` as a user sees them."""
    monkeypatch.chdir(project.root)
    out, err = io.StringIO(), io.StringIO()
    code = main([*argv, "--now", NOW], env={**project.env, **(env or {})}, stdout=out,
                stderr=err, sleep=lambda s: None, tty=False)
    return code, out.getvalue(), err.getvalue()


def sent_with_numbers(project, fake_x) -> dict[str, str]:
    """Post what is due, then give every post some numbers (a metrics run would write)."""
    assert project.cli("run", env=fake_x.env()).code == 0
    ids = {i: e["post_id"] for i, e in project.ledger_items().items() if e.get("post_id")}
    for post_id in ids.values():
        fake_x.set_metrics(post_id, likes=5, impressions=50)
    return ids
