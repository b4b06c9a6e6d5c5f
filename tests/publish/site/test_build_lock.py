"""Concurrent builds (issue 18, item 4): one build lock for every build, the cycle and the
deploy; no build removes another's folder; a site missing what its build wrote is never
swapped in or deployed.

Real processes race here. A `gate` plugin, added to a copy of the project, stops a build in
Pelican's `finalized` signal (after every page and feed is written, before the swap) when
BUILD_GATE=1: it says `GATE entered` on stderr and waits for a line on its stdin. The test
reads the processes' output as it comes (no sleeping), acts while the build is held, then
releases it.
"""

from __future__ import annotations

import hashlib
import json
import os
import selectors
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[3]
NOW = "2026-11-22T12:00:00Z"
GATE = '''\
import os, sys
from pelican import signals

def hold(pelican):
    if os.environ.get("BUILD_GATE") == "1":
        print("GATE entered", file=sys.stderr, flush=True)
        sys.stdin.readline()

def register():
    signals.finalized.connect(hold)
'''
WAIT_SECONDS = 240


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = tmp_path / "project"
    root.mkdir()
    for name in ("content", "theme", "plugins"):
        shutil.copytree(REPO / name, root / name, ignore=shutil.ignore_patterns("__pycache__"))
    for name in ("pelicanconf.py", "publishconf.py"):
        shutil.copy2(REPO / name, root / name)
    (root / "plugins" / "gate.py").write_text(GATE, encoding="utf-8")
    with (root / "pelicanconf.py").open("a", encoding="utf-8") as settings:
        settings.write('\nPLUGINS = [*PLUGINS, "gate"]\n')
    return root


def env(**extra: str) -> dict[str, str]:
    """The test's own environment, without the publisher's settings and without CI (under
    CI=true a cycle without posting credentials stops before it builds: these tests are
    about the lock, and post nothing)."""
    clean = {k: v for k, v in os.environ.items()
             if not k.startswith(("PUBLISH_", "DEPLOY_", "BUILD_GATE")) and k != "CI"}
    return {**clean, "PYTHONPATH": str(REPO), "COLUMNS": "200", **extra}


def start(root: Path, *args: str, gate: bool = False, **extra: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "publish", *args], cwd=root,
        env=env(**extra, **({"BUILD_GATE": "1"} if gate else {})), text=True,
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def build_args(settings: str = "publishconf.py") -> list[str]:
    return ["build", "--settings", settings, "-e", f"CAMPAIGN_NOW={json.dumps(NOW)}"]


class Lines:
    """A process's stdout and stderr, read as they come."""

    def __init__(self, process: subprocess.Popen):
        self.process, self.text = process, ""
        self.selector = selectors.DefaultSelector()
        for stream in (process.stdout, process.stderr):
            os.set_blocking(stream.fileno(), False)
            self.selector.register(stream, selectors.EVENT_READ)

    def until(self, needle: str) -> str:
        """Read until `needle` appears (fail when the process ends or WAIT_SECONDS pass)."""
        while needle not in self.text:
            events = self.selector.select(timeout=WAIT_SECONDS)
            assert events, f"no {needle!r} within {WAIT_SECONDS}s:\n{self.text}"
            ended = True
            for key, _ in events:
                chunk = key.fileobj.read()
                if chunk:
                    self.text += chunk
                    ended = False
            if ended and self.process.poll() is not None and needle not in self.text:
                self.text += key.fileobj.read() or ""
                pytest.fail(f"the process ended (exit {self.process.returncode}) without "
                            f"{needle!r}:\n{self.text}")
        return self.text

    def finish(self) -> tuple[int, str]:
        self.selector.close()
        for stream in (self.process.stdout, self.process.stderr):
            os.set_blocking(stream.fileno(), True)
        out, err = self.process.communicate(timeout=WAIT_SECONDS)
        self.text += out + err
        return self.process.returncode, self.text


def release(lines: Lines) -> tuple[int, str]:
    lines.process.stdin.write("go\n")
    lines.process.stdin.flush()
    return lines.finish()


def snapshot(root: Path) -> dict[str, str]:
    return {p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted((root / "output").rglob("*")) if p.is_file()}


def leftovers(root: Path) -> list[str]:
    return sorted(p.name for p in root.iterdir() if ".new-" in p.name or ".old-" in p.name)


@pytest.mark.slow
def test_a_build_started_during_another_waits_and_removes_nothing_of_it(project):
    first = Lines(start(project, *build_args(), gate=True))
    first.until("GATE entered")
    (fresh,) = project.glob("output.new-*")

    second = Lines(start(project, *build_args("pelicanconf.py")))
    second.until("waiting for ")
    assert fresh.is_dir() and (fresh / "feeds" / "all.atom.xml").is_file()
    assert f"output.lock: held by pid {first.process.pid} build since " in second.text

    code, text = release(first)
    assert code == 0, text
    assert "build: output/ now holds the new site" in text
    code, text = second.finish()
    assert code == 0, text
    assert (project / "output" / "index.html").is_file()
    assert leftovers(project) == []


@pytest.mark.slow
def test_with_a_timeout_a_second_build_says_who_holds_the_lock(project):
    first = Lines(start(project, *build_args(), gate=True))
    first.until("GATE entered")
    second = start(project, *build_args("pelicanconf.py"), PUBLISH_LOCK_TIMEOUT="0")
    out, err = second.communicate(timeout=WAIT_SECONDS)
    assert second.returncode == 4, out + err
    assert f"output.lock is held by pid {first.process.pid} build since " in err
    assert "nothing done" in err and "Traceback" not in err
    assert release(first)[0] == 0
    assert leftovers(project) == []


@pytest.mark.slow
def test_a_build_whose_folder_lost_a_file_is_not_swapped_in(project):
    """Something removes a feed from the build's folder while Pelican runs (what a racing
    build's cleanup did): the build fails, output/ stays as it was."""
    assert subprocess.run([sys.executable, "-m", "publish", *build_args()], cwd=project,
                          env=env(), capture_output=True, timeout=WAIT_SECONDS).returncode == 0
    before = snapshot(project)
    first = Lines(start(project, *build_args(), gate=True))
    first.until("GATE entered")
    (fresh,) = project.glob("output.new-*")
    (fresh / "feeds" / "all.atom.xml").unlink()

    code, text = release(first)
    assert code == 3, text
    assert ("build: the new site lost 1 file(s) Pelican wrote (feeds/all.atom.xml): something "
            "removed them while it ran; not swapped in: output/ and state/plan.json were "
            "left exactly as they were") in text
    assert snapshot(project) == before
    assert leftovers(project) == []


@pytest.mark.slow
def test_a_site_missing_a_file_its_build_wrote_is_not_deployed(project, tmp_path):
    assert subprocess.run([sys.executable, "-m", "publish", *build_args()], cwd=project,
                          env=env(), capture_output=True, timeout=WAIT_SECONDS).returncode == 0
    (project / "output" / "feeds" / "all.atom.xml").unlink()
    (project / "output" / "index.html").write_text("defaced\n", encoding="utf-8")
    destination = tmp_path / "live"
    done = subprocess.run([sys.executable, "-m", "publish", "deploy", "--target",
                           f"rsync:{destination}"], cwd=project, env=env(),
                          capture_output=True, text=True, timeout=WAIT_SECONDS)
    assert done.returncode == 2, done.stdout + done.stderr
    assert ("deploy: output/ is not the site its build wrote (feeds/all.atom.xml is missing; "
            "index.html changed; see output.manifest.json)") in done.stderr
    assert not destination.exists()


@pytest.mark.slow
def test_the_cycle_holds_the_build_lock_from_its_build_to_its_deploy(project, tmp_path):
    """A build started while the cycle runs waits for the whole cycle: with a timeout it
    names the cycle as the holder; the cycle's site is deployed whole."""
    assert subprocess.run([sys.executable, "-m", "publish", "init"], cwd=project, env=env(),
                          capture_output=True, timeout=WAIT_SECONDS).returncode == 0
    live = tmp_path / "live"
    cycle = Lines(start(project, "cycle", "--now", NOW, "--no-link-check", "--target",
                        f"rsync:{live}", gate=True))
    cycle.until("GATE entered")
    second = start(project, *build_args("pelicanconf.py"), PUBLISH_LOCK_TIMEOUT="0")
    out, err = second.communicate(timeout=WAIT_SECONDS)
    assert second.returncode == 4, out + err
    assert f"output.lock is held by pid {cycle.process.pid} cycle since " in err

    waiting = Lines(start(project, *build_args("pelicanconf.py")))
    waiting.until("waiting for ")
    code, text = release(cycle)
    assert "cycle: deploy: rsync:" in text and "cycle: done (exit 0)" in text, text
    assert (live / "feeds" / "all.atom.xml").is_file()
    code, text = waiting.finish()
    assert code == 0, text
    assert leftovers(project) == []


@pytest.mark.slow
def test_make_clean_removes_nothing_while_a_build_holds_the_lock(project):
    if shutil.which("flock") is None:
        pytest.skip("no flock(1) here: make clean runs without the lock")
    shutil.copy2(REPO / "Makefile", project / "Makefile")
    first = Lines(start(project, *build_args(), gate=True))
    first.until("GATE entered")
    (fresh,) = project.glob("output.new-*")
    venv = Path(sys.executable).parent.parent
    clean = subprocess.run(["make", "-s", "clean", f"VENV={venv}"], cwd=project, env=env(),
                           capture_output=True, text=True, timeout=WAIT_SECONDS)
    assert clean.returncode != 0
    assert f"clean: {project}/output.lock is held by pid {first.process.pid} build since " \
        in clean.stderr
    assert "nothing removed" in clean.stderr and fresh.is_dir()
    assert release(first)[0] == 0
    done = subprocess.run(["make", "-s", "clean", f"VENV={venv}"], cwd=project, env=env(),
                          capture_output=True, text=True, timeout=WAIT_SECONDS)
    assert done.returncode == 0, done.stderr
    assert not (project / "output").exists() and not (project / "cache").exists()


@pytest.mark.slow
def test_a_bad_lock_timeout_is_named_and_nothing_is_built(project):
    done = subprocess.run([sys.executable, "-m", "publish", *build_args()], cwd=project,
                          env=env(PUBLISH_LOCK_TIMEOUT="soon"), capture_output=True,
                          text=True, timeout=WAIT_SECONDS)
    assert done.returncode == 2, done.stdout + done.stderr
    assert ("build: PUBLISH_LOCK_TIMEOUT: want a number of seconds (0 or more), not 'soon'; "
            "nothing was changed") in done.stderr
    assert not (project / "output").exists()
