"""Deploy with rsync: over ssh to `[USER@]HOST:PATH`, or to a folder on this machine.

Files are compared by checksum, so only changed ones are sent. `--delay-updates` puts the
new files in place together at the end, and `--delete-after` removes files the site no
longer has only after that, so a transfer that fails halfway removes nothing. ssh runs with
BatchMode (a key, never a password prompt that would hang CI).
"""

from __future__ import annotations

import subprocess
from collections.abc import Mapping
from pathlib import Path

from publish.site.deploy.base import DeployReport, require_tool, site_files
from publish.site.deploy.config import RsyncTarget

OPTIONS = ["--recursive", "--links", "--checksum", "--perms", "--chmod=D755,F644",
           "--delay-updates", "--delete-after", "--out-format=%i %n"]


def command(site: Path, target: RsyncTarget) -> list[str]:
    args = ["rsync", *OPTIONS]
    if target.remote:
        ssh = "ssh -o BatchMode=yes" + (f" -p {target.ssh_port}" if target.ssh_port else "")
        args += ["--compress", "-e", ssh]
    return [*args, f"{site}/", target.destination]


def parse_changes(lines: list[str]) -> tuple[list[str], list[str]]:
    """(files sent, files deleted) from rsync's `%i %n` lines."""
    sent, deleted = [], []
    for line in lines:
        if line.startswith("*deleting "):
            name = line.removeprefix("*deleting ").strip()
            if not name.endswith("/"):
                deleted.append(name)
        elif line[:2] in ("<f", ">f"):
            sent.append(line.split(" ", 1)[1])
    return sent, deleted


def deploy(site: Path, target: RsyncTarget, out, env: Mapping[str, str]) -> DeployReport:
    require_tool("rsync", "rsync targets need it on this machine (and on the server)")
    if target.remote:
        require_tool("ssh", "rsync to another host runs over ssh")
    report = DeployReport(str(target))
    done = subprocess.run(command(site, target), env=dict(env), text=True,
                          capture_output=True, check=False)
    sent, deleted = parse_changes(done.stdout.splitlines())
    if done.returncode != 0:
        lines = done.stderr.strip().splitlines() or [f"exit status {done.returncode}"]
        detail = next((ln for ln in lines if not ln.startswith("rsync error:")), lines[-1])
        # With --delay-updates and --delete-after nothing is replaced or deleted on failure.
        report.error = f"rsync failed (exit {done.returncode}): {detail}; nothing was deleted"
        return report
    report.uploaded, report.deleted = sent, deleted
    report.unchanged = len(site_files(site)) - len(sent)
    for name in sent:
        out.item("upload", name)
    for name in deleted:
        out.item("delete", name)
    return report
