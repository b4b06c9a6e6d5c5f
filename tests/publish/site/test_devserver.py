"""`make devserver`: a header mistake is reported in one line, the loop keeps watching, and
fixing the file rebuilds the page (a real autoreload loop in a subprocess, a real server)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from publish.site.devserver import failure_line, watch

ROOT = Path(__file__).resolve().parents[3]
HEAD = "Title: {title}\nDate: 2026-11-20 09:00\nSlug: post\n"


def test_a_failed_build_waits_for_the_next_change_and_builds_again():
    class CampaignBuildFailed(SystemExit):
        pass

    outcomes = [CampaignBuildFailed("campaign: 1 problem found (listed above)"),
                RuntimeError("Warning or error encountered"), None]
    events = []

    def build():
        events.append("build")
        outcome = outcomes.pop(0)
        if outcome is not None:
            raise outcome

    def wait():
        events.append("wait")
        return ["content/posts/post.md"]

    errors = []
    watch(build, wait, say=lambda text: None, err=errors.append, rounds=3)
    assert events == ["build", "wait"] * 3          # never builds again without a change
    assert errors == [
        "devserver: build failed: campaign: 1 problem found (listed above) "
        "(waiting for a change)",
        "devserver: build failed: RuntimeError: Warning or error encountered "
        "(waiting for a change)",
    ]


def test_debug_adds_the_traceback():
    def build():
        raise ValueError("bad template")

    errors = []
    watch(build, lambda: [], say=print, err=errors.append, rounds=1, debug=True)
    assert errors[0].startswith("Traceback (most recent call last):")
    assert errors[1] == "devserver: build failed: ValueError: bad template (waiting for a change)"


def test_ctrl_c_ends_the_loop():
    def build():
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        watch(build, lambda: [], say=print, err=print)
    assert failure_line(SystemExit(3)) == "stopped (exit 3)"


def _wait_for(predicate, what: str, log: Path, *, nudge=None, timeout: float = 60) -> None:
    """Poll until `predicate()`; `nudge()` is repeated every few seconds in case the change
    landed before the watcher was ready."""
    deadline = time.monotonic() + timeout
    next_nudge = time.monotonic() + 4
    while not predicate():
        if time.monotonic() > deadline:
            pytest.fail(f"timed out waiting for {what}; devserver said:\n{log.read_text()}")
        if nudge and time.monotonic() > next_nudge:
            nudge()
            next_nudge = time.monotonic() + 4
        time.sleep(0.05)


@pytest.mark.slow
def test_devserver_recovers_after_a_header_error(tmp_path):
    content = tmp_path / "content" / "posts"
    content.mkdir(parents=True)
    post = content / "post.md"
    post.write_text(HEAD.format(title="First") + "\nBody.\n", encoding="utf-8")
    conf = tmp_path / "conf.py"
    conf.write_text(
        f"PLUGIN_PATHS = [{str(ROOT / 'plugins')!r}]\nPLUGINS = ['campaign']\n"
        "THEME = 'simple'\nTIMEZONE = 'UTC'\nFEED_ALL_ATOM = None\nCATEGORY_FEED_ATOM = None\n"
        "STATIC_PATHS = []\nCAMPAIGN_SITE_URL = 'https://blog.listening-brands.example'\n"
        f"CAMPAIGN_PLAN_PATH = {str(tmp_path / 'plan.json')!r}\n"
        "CAMPAIGN_NOW = '2026-11-22 12:00'\n", encoding="utf-8")
    output = tmp_path / "output"
    page = output / "post.html"
    log = tmp_path / "devserver.log"
    env = {"PATH": os.environ.get("PATH", ""), "PYTHONPATH": str(ROOT), "COLUMNS": "200"}
    with log.open("w") as sink:
        proc = subprocess.Popen(
            [sys.executable, "-m", "publish.site.devserver", str(tmp_path / "content"), "-o",
             str(output), "-s", str(conf), "--fatal", "errors", "-lr", "-p", "0",
             "-b", "127.0.0.1"],
            cwd=tmp_path, env=env, stdout=sink, stderr=subprocess.STDOUT)
    try:
        def served() -> str:
            port = re.search(r"Serving site at: http://127\.0\.0\.1:(\d+)", log.read_text())
            with urllib.request.urlopen(f"http://127.0.0.1:{port.group(1)}/post.html",
                                        timeout=10) as answer:
                return answer.read().decode("utf-8")

        def page_says(title: str) -> bool:
            return page.exists() and \
                f"<title>A Pelican Blog - {title}</title>" in page.read_text(encoding="utf-8")

        _wait_for(lambda: page_says("First"), "the first build", log)
        assert "Blog - First<" in served()

        def break_it() -> None:
            post.write_text(HEAD.format(title="Second") + "Coupon_Expiers: 2026-12-31\n\nB.\n",
                            encoding="utf-8")

        break_it()
        _wait_for(lambda: "devserver: build failed" in log.read_text(), "the error", log,
                  nudge=break_it)
        said = log.read_text()
        assert "posts/post.md: Coupon_Expiers: unknown key (did you mean Coupon_Expires?)" \
            in said
        assert ("devserver: build failed: campaign: 1 problem found (listed above); the build "
                "stopped before writing the site or the plan (waiting for a change)") in said
        assert "Traceback" not in said
        assert proc.poll() is None, "the loop ended"
        assert "Blog - First<" in served()          # the last good site is still served

        def fix_it() -> None:
            post.write_text(HEAD.format(title="Third") + "\nBody.\n", encoding="utf-8")

        fix_it()
        _wait_for(lambda: page_says("Third"), "the rebuilt page", log, nudge=fix_it)
        assert "Blog - Third<" in served()
        assert proc.poll() is None
    finally:
        proc.terminate()
        proc.wait(timeout=10)
