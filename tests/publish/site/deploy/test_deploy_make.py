"""`make deploy` in a copy of the project: a production build, then the deploy; no posting."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.publish.site.deploy.conftest import tree

REPO = Path(__file__).resolve().parents[4]


def copy_project(root: Path) -> None:
    listing = subprocess.run(["git", "ls-files", "-z"], cwd=REPO, capture_output=True,
                             check=True)
    for name in filter(None, listing.stdout.decode().split("\0")):
        if (REPO / name).is_file():
            (root / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(REPO / name, root / name)


@pytest.mark.slow
def test_make_deploy_builds_for_production_and_deploys_without_posting(tmp_path, base_env):
    project = tmp_path / "project"
    copy_project(project)
    ledger = (project / "state" / "ledger.json").read_bytes()
    www = tmp_path / "www"
    venv = Path(sys.executable).parent.parent

    def make(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run(["make", "-s", *args, f"VENV={venv}"], cwd=project,
                              env=base_env, capture_output=True, text=True, timeout=300)

    missing = make("deploy")
    assert missing.returncode == 2, missing.stdout + missing.stderr
    assert "deploy: no target configured" in missing.stderr

    done = make("deploy", f"DEPLOY_TARGET=rsync:{www}")

    assert done.returncode == 0, done.stdout + done.stderr
    assert "build: output/ now holds the new site" in done.stdout
    built = tree(project / "output")
    assert f"deploy rsync:{www}: {len(built)} uploaded, 0 deleted, 0 unchanged" in done.stdout
    assert tree(www) == built
    assert (www / "feeds" / "all.atom.xml").is_file()  # the production settings
    assert "https://blog.listening-brands.example/" in (www / "index.html").read_text()
    assert "run:" not in done.stdout  # `publish run` never ran
    assert (project / "state" / "ledger.json").read_bytes() == ledger
