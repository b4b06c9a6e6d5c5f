"""`make serve` serves the development site (issue 18, item 13): after a production build
(what `make publish` and `make deploy` leave in output/) it builds the development site
first; after `make html` it serves output/ as it is. A copy of the project, `make serve` on
a free loopback port, the page fetched from it."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest

from tests.publish.site.deploy.test_deploy_make import copy_project

PRODUCTION_CSS = 'href="https://blog.listening-brands.example/theme/css/style.css"'


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def serve(project: Path, env: dict[str, str]) -> tuple[str, str]:
    """Run `make serve` until it listens; (what it printed, the home page it served)."""
    port = free_port()
    venv = Path(sys.executable).parent.parent
    server = subprocess.Popen(["make", "-s", "serve", f"PORT={port}", f"VENV={venv}"],
                              cwd=project, env=env, stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT, text=True, start_new_session=True)
    printed = ""
    try:
        for line in server.stdout:                # Pelican says when it listens
            printed += line
            if "Serving" in line and str(port) in line:
                break
        assert server.poll() is None, printed
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=30) as answer:
            page = answer.read().decode("utf-8")
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.communicate(timeout=60)
    return printed, page


@pytest.mark.slow
def test_make_serve_after_a_production_build_serves_the_development_site(tmp_path):
    project = tmp_path / "project"
    copy_project(project)
    env = {"PATH": os.environ["PATH"], "HOME": str(tmp_path), "LANG": "C.UTF-8"}
    done = subprocess.run([sys.executable, "-m", "publish", "build", "--settings",
                           "publishconf.py", "--content", "content", "--output", "output"],
                          cwd=project, env={**env, "PYTHONPATH": str(project)},
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    assert PRODUCTION_CSS in (project / "output" / "index.html").read_text(encoding="utf-8")

    printed, page = serve(project, env)
    assert "build: output/ now holds the new site" in printed
    assert "serve: the development site (pelicanconf.py) in output/ at http://127.0.0.1:" \
        in printed
    assert PRODUCTION_CSS not in page and 'href="/theme/css/style.css"' in page

    printed, page = serve(project, env)           # output/ holds the development site now
    assert "build: output/ already holds the site of these settings (" in printed
    assert "kept as it is" in printed and 'href="/theme/css/style.css"' in page
