"""Program output in the docs, made by the program: every fenced block right after an
`<!-- example: COMMAND -->` line in README.md or docs/*.md is what COMMAND prints (stdout;
add `2>&1` for stderr) in the docs fixture below. tests/publish/test_docs_examples.py checks
each block; `make docs` (`python -m tests.docs_examples --write`) rewrites them all.

    <!-- example: python -m publish status --now 2026-11-22T16:00:00Z --upcoming -->
    ```
    …exactly what it prints…
    ```

The fixture is fixed, so the output is too: a copy of the sample site (content/, theme/,
plugins/, the settings) with its plan built once, a ledger and a metrics history made up
from that plan (`fixture_ledger`, `fixture_history`: posts sent on all three networks, one
missed for want of credentials, one failed, numbers fetched over two months), no
credentials, all of it one git commit (for `publish diff --base HEAD`); `mistakes/` holds
posts with mistakes (tests/docs_mistakes) for the examples of build errors, which copy them
into content/posts/. COMMAND runs in bash in a fresh copy of
that folder, `python` being this interpreter; the moment is always given (`--now`), so
nothing depends on the clock. The folder's path never shows: it is `.` in the output, and
a loopback port (of a fake, see `with_fakes`) is `PORT`.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DOCS = ("README.md", *sorted(p.relative_to(REPO).as_posix() for p in (REPO / "docs").glob("*.md")))
MARKER = re.compile(r"^<!-- example: (?P<command>.+?) -->\n(?P<fence>```[a-z]*)\n"
                    r"(?P<body>.*?)^```$", re.MULTILINE | re.DOTALL)
SITE_FILES = ("content", "theme", "plugins", "contract", "pelicanconf.py", "publishconf.py")
CAMPAIGN_NOW = "2026-11-22T16:00:00Z"    # the build's moment (live offers, future posts)
LOOPBACK_PORT = re.compile(r"127\.0\.0\.1:[0-9]+")    # a fake's or the site's: PORT


@dataclass(frozen=True)
class Example:
    doc: str            # path relative to the repository
    command: str
    body: str           # the block as it is in the doc (without its last newline)
    start: int          # where the body starts and ends in the doc's text
    end: int


def examples(doc: str, text: str | None = None) -> list[Example]:
    text = (REPO / doc).read_text(encoding="utf-8") if text is None else text
    return [Example(doc, m["command"], m["body"].removesuffix("\n"), m.start("body"),
                    m.end("body")) for m in MARKER.finditer(text)]


def all_examples() -> list[Example]:
    return [e for doc in DOCS for e in examples(doc)]


# --- the fixture ---------------------------------------------------------------------------

def _at(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def _z(value: datetime) -> str:
    return value.strftime("%Y-%m-%dT%H:%M:%SZ")


_MASTODON = "https://mastodon.social/@listeningbrands"
_DID = "did:plc:abcdefghijklmnopqrstuvwx"
_B32 = "234567abcdefghijklmnopqrstuvwxyz"


def _post(network: str, number: int) -> tuple[str, str]:
    """A post id of the network's form, and its link."""
    if network == "x":
        post_id = f"18492030000000{number:05d}"
        return post_id, f"https://x.com/i/web/status/{post_id}"
    if network == "mastodon":
        post_id = f"1135000000000{number:05d}"
        return post_id, f"{_MASTODON}/{post_id}"
    rkey = "3lbq2ab7cde" + _B32[number // 32 % 32] + _B32[number % 32]
    return (f"at://{_DID}/app.bsky.feed.post/{rkey}",
            f"https://bsky.app/profile/{_DID}/post/{rkey}")


def _numbers(network: str, number: int, day: int) -> dict[str, int]:
    """Made-up numbers that grow with the days since posting (each network its own)."""
    from publish.networks import capabilities

    base = {"likes": 3, "reposts": 1, "replies": 1, "quotes": 0, "bookmarks": 1,
            "impressions": 120, "favourites": 4, "boosts": 2}
    grow = 1 + min(day, 30) // 3 + number % 3
    return {name: base[name] * grow for name in capabilities(network).metric_names}


MISSED_FOR_CREDENTIALS = "is/answering-customers-on-twitter/social-1/mastodon"
FAILED = "en/answering-customers-on-twitter/coupon/bluesky"
MISSED_BEFORE = "2026-11-13T00:00:00Z"      # items due before this and after Nov 1: missed
SENT_UNTIL = "2026-11-20T09:30:00Z"          # items due up to this: sent (or as above)
METRICS_AT = "2026-11-22T16:00:00Z"
FETCH_DAYS = (0, 1, 7, 30)                  # the cadence: a fetch this long after posting


def fixture_ledger(plan: dict) -> dict:
    items: dict[str, dict] = {}
    for number, item in enumerate(sorted(plan["items"], key=lambda i: (i["due"], i["id"]))):
        due = _at(item["due"])
        if due > _at(SENT_UNTIL):
            continue
        attempted = due + timedelta(minutes=1)
        base = {"network": item["network"], "text": item["text"], "link": item["link"],
                "source": item["source"]}
        if item["id"] == MISSED_FOR_CREDENTIALS:
            items[item["id"]] = {**base, "state": "missed", "due": item["due"],
                                 "missed_at": "2026-11-21T10:00:00Z",
                                 "waiting_since": _z(attempted), "waiting_for": "credentials",
                                 "waiting_reason": "MASTODON_BASE_URL and "
                                                   "MASTODON_ACCESS_TOKEN not set"}
        elif item["id"] == FAILED:
            items[item["id"]] = {**base, "state": "failed", "attempted_at": _z(attempted),
                                 "attempts": 1, "error": {
                                     "kind": "invalid", "at": _z(attempted),
                                     "message": "HTTP 400: InvalidRequest: Invalid "
                                                "app.bsky.feed.post record"}}
        elif _at("2026-11-01T00:00:00Z") < due < _at(MISSED_BEFORE):
            items[item["id"]] = {"network": item["network"], "state": "missed",
                                 "due": item["due"], "missed_at": _z(due + timedelta(days=1))}
        else:
            post_id, url = _post(item["network"], number)
            fetched = [attempted + timedelta(days=d, hours=1) for d in FETCH_DAYS]
            last = max((f for f in fetched if f <= _at(METRICS_AT)), default=None)
            entry = {**base, "state": "sent", "post_id": post_id, "url": url,
                     "sent_at": _z(attempted), "attempted_at": _z(attempted), "attempts": 1,
                     "confirmed_by": "api"}
            if last is not None:
                day = (last - attempted).days
                entry.update(metrics=_numbers(item["network"], number, day),
                             metrics_at=_z(last), checked_at=_z(last))
            items[item["id"]] = entry
    return {"schema": "publish-ledger/1", "items": items}


def fixture_history(ledger: dict) -> list[dict]:
    records = []
    for number, (item_id, entry) in enumerate(sorted(ledger["items"].items())):
        if entry["state"] != "sent":
            continue
        sent = _at(entry["sent_at"])
        for day in FETCH_DAYS:
            fetched = sent + timedelta(days=day, hours=1)
            if fetched > _at(METRICS_AT):
                break
            records.append({"fetched_at": _z(fetched), "id": item_id,
                            "network": entry["network"], "post_id": entry["post_id"],
                            **_numbers(entry["network"], number, day)})
    return sorted(records, key=lambda r: (r["fetched_at"], r["id"]))


def environment(root: Path) -> dict[str, str]:
    """No credentials, no CI, no terminal; `python` is this interpreter."""
    return {"PATH": f"{Path(sys.executable).parent}{os.pathsep}/usr/bin{os.pathsep}/bin",
            "PYTHONPATH": str(REPO), "HOME": str(root), "LANG": "C.UTF-8", "TZ": "UTC",
            "COLUMNS": "200", "PYTHONHASHSEED": "0"}


def make_fixture(root: Path) -> Path:
    """The sample site in `root`, its plan built, the made-up ledger and history."""
    for name in SITE_FILES:
        source = REPO / name
        if source.is_dir():
            shutil.copytree(source, root / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(source, root / name)
    shutil.copytree(REPO / "tests/docs_mistakes", root / "mistakes")
    state = root / "state"
    state.mkdir()
    built = subprocess.run(
        [sys.executable, "-m", "publish", "build", "--settings", "pelicanconf.py",
         "--content", "content", "--extra-setting", f"CAMPAIGN_NOW={json.dumps(CAMPAIGN_NOW)}"],
        cwd=root, env=environment(root), capture_output=True,
        text=True, timeout=600)
    if built.returncode != 0:
        raise RuntimeError(f"the docs fixture did not build:\n{built.stdout}{built.stderr}")
    plan = json.loads((state / "plan.json").read_text(encoding="utf-8"))
    ledger = fixture_ledger(plan)
    (state / "ledger.json").write_text(
        json.dumps(ledger, indent=2, sort_keys=True, ensure_ascii=False) + "\n",
        encoding="utf-8")
    (state / "history.jsonl").write_text(
        "".join(json.dumps(r, sort_keys=True) + "\n" for r in fixture_history(ledger)),
        encoding="utf-8")
    commit(root)
    return root


def commit(root: Path) -> None:
    """The fixture as one commit on `main`, for the examples of `publish diff --base HEAD`
    (they edit a post first)."""
    who = ["-c", "user.name=Docs", "-c", "user.email=docs@example.invalid"]
    for args in (["init", "--quiet", "--initial-branch", "main"], ["add", "-A"],
                 [*who, "commit", "--quiet", "-m", "the docs fixture"]):
        subprocess.run(["git", *args], cwd=root, env=environment(root), check=True,
                       capture_output=True)


@dataclass(frozen=True)
class Fixture:
    root: Path

    def run(self, command: str) -> str:
        """What `command` prints in a fresh copy of the fixture (a command may change files:
        the next one never sees it), that folder's path shown as `.`, without trailing
        blanks, a loopback port shown as `PORT`. Any exit status is fine (an example may show
        an error); a traceback is not."""
        with tempfile.TemporaryDirectory(prefix="docs-example-") as folder:
            here = Path(folder) / "site"
            shutil.copytree(self.root, here, symlinks=True)
            done = subprocess.run(["bash", "-c", command], cwd=here, env=environment(here),
                                  capture_output=True, text=True, timeout=600)
        if "Traceback" in done.stdout + done.stderr:
            raise RuntimeError(f"{command}: exit {done.returncode}\n{done.stdout}{done.stderr}")
        text = LOOPBACK_PORT.sub("127.0.0.1:PORT", done.stdout.replace(str(here), "."))
        return "\n".join(line.rstrip() for line in text.rstrip("\n").split("\n"))


@contextlib.contextmanager
def fixture() -> Iterator[Fixture]:
    with tempfile.TemporaryDirectory(prefix="docs-examples-") as folder:
        yield Fixture(make_fixture(Path(folder)))


# --- checking and rewriting --------------------------------------------------------------

def rewrite(text: str, doc: str, outputs: dict[str, str]) -> str:
    """`text` with each example's body replaced by its command's output."""
    parts, last = [], 0
    for example in examples(doc, text):
        parts += [text[last:example.start], outputs[example.command] + "\n"]
        last = example.end
    return "".join([*parts, text[last:]])


def with_fakes(argv: list[str]) -> int:
    """`python -m tests.docs_examples with-fakes [--fail NETWORK:KIND] [--site DIR] COMMAND…`:
    COMMAND with every network's loopback fake (tests/fakes/__init__.py: their credentials and
    addresses in its environment) and a loopback site for the link check, for the examples
    that post. `--fail x:drop-after-create`: the network's next create request fails so (the
    fakes' fault kinds). The site answers every page, or with `--site DIR` serves DIR (a page
    not there answers 404)."""
    from tests.fakes import FAKES
    from tests.fakes.loopback_site import serving

    faults, folder = [], None
    while argv[:1] in (["--fail"], ["--site"]):
        if argv[0] == "--fail":
            faults.append(argv[1].split(":", 1))
        else:
            folder = Path(argv[1]).resolve()
        argv = argv[2:]
    with contextlib.ExitStack() as stack:
        env = dict(os.environ)
        for name, network in FAKES.items():
            fake = stack.enter_context(network.serve())
            for kind in (k for n, k in faults if n == name):
                fake.fail(network.create, kind)
            env.update(fake.env())
        env["PUBLISH_LINK_CHECK_BASE"] = stack.enter_context(serving(folder)).url
        return subprocess.run(argv, env=env, check=False).returncode


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["with-fakes"]:
        return with_fakes(argv[1:])
    parser = argparse.ArgumentParser(
        prog="python -m tests.docs_examples",
        description="Check (or with --write rewrite) every `<!-- example: COMMAND -->` block "
                    "in README.md and docs/*.md against what COMMAND prints in the docs "
                    "fixture.")
    parser.add_argument("--write", action="store_true", help="rewrite the blocks")
    args = parser.parse_args(argv)
    found = all_examples()
    with fixture() as fix:
        outputs = {e.command: fix.run(e.command) for e in found}
    stale = [e for e in found if e.body != outputs[e.command]]
    if args.write:
        for doc in sorted({e.doc for e in stale}):
            path = REPO / doc
            path.write_text(rewrite(path.read_text(encoding="utf-8"), doc, outputs),
                            encoding="utf-8")
            print(f"docs: rewrote {doc}")
        print(f"docs: {len(found)} examples, {len(stale)} rewritten")
        return 0
    for example in stale:
        print(f"{example.doc}: example `{example.command}` is not what it prints")
    print(f"docs: {len(found)} examples, {len(stale)} stale"
          + ("; `make docs` rewrites them" if stale else ""))
    return 1 if stale else 0


if __name__ == "__main__":
    sys.exit(main())
