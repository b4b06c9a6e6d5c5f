"""Markdown bodies rendered ahead of Pelican's reading, in worker processes.

Pelican reads posts one at a time, and turning each body into HTML (Python-Markdown, then
the raw-HTML check) is most of a build's reading time. With CAMPAIGN_READ_WORKERS = n > 0,
the build starts n worker processes as each run begins (`get_generators`) and hands them every
Markdown file under PATH; the reader then takes a body's HTML from them instead of
rendering it itself. The workers render with the reader's own code and the site's MARKDOWN
settings, one file at a time from a fresh state, so the HTML is the HTML the reader would
have made (tests/plugins/campaign/header/test_prerender.py builds a site both ways and
compares every
file). The reader uses an answer only for the very body it read (a digest of the body is
compared), and renders the body itself when there is no answer, or a worker failed.
"""

from __future__ import annotations

import copy
import fnmatch
import hashlib
import multiprocessing
import os
from pathlib import Path
from typing import Any

from pelican.readers import MarkdownReader

from .rawhtml import active_content
from .strict_header import decode, parse

SETTING = "CAMPAIGN_READ_WORKERS"
_WORKER: dict[str, Any] = {}  # in a worker process: its reader and the claim flags


def digest(body: str) -> bytes:
    return hashlib.blake2b(body.encode("utf-8", "surrogatepass"), digest_size=16).digest()


def markdown_sources(settings: dict) -> list[str]:
    """Every file under PATH the Markdown reader would take (by extension), outside the
    folders and files IGNORE_FILES names: a superset of the posts and pages Pelican reads."""
    root = settings["PATH"]
    ignores = settings.get("IGNORE_FILES", [])
    extensions = tuple(f".{ext}" for ext in MarkdownReader.file_extensions)
    found = []
    for folder, dirs, files in os.walk(root, followlinks=True):
        dirs[:] = sorted(d for d in dirs if not any(fnmatch.fnmatch(d, i) for i in ignores))
        found += [os.path.join(folder, name) for name in sorted(files)
                  if name.endswith(extensions)
                  and not any(fnmatch.fnmatch(name, i) for i in ignores)]
    return found


def _start_worker(markdown_settings: dict, claimed) -> None:
    from .reader import CampaignMarkdownReader

    _WORKER["reader"] = CampaignMarkdownReader({"MARKDOWN": markdown_settings})
    _WORKER["claimed"] = claimed


def render_file(index: int, path: str) -> tuple[bytes, str, tuple[str, ...]] | None:
    """In a worker: (digest of the body, its HTML, the raw-HTML check's reasons), or None
    for a file the reader rendered first or will refuse before rendering it."""
    claimed = _WORKER["claimed"]
    if claimed[index]:
        return None
    claimed[index] = 1
    text, _ = decode(Path(path).read_bytes())
    if text is None:            # not UTF-8: the reader refuses it
        return None
    body = parse(text).body
    html = _WORKER["reader"]._render(body)
    return digest(body), html, tuple(active_content(html))


class Prerendered:
    """One build's workers and the answers still to be taken, by absolute path.

    Pelican reads the files in an order of its own (a set's), the workers in path order:
    when the reader comes to a file no worker has started, it claims the file and renders
    it itself rather than wait (a flag per file in shared memory), so no process idles."""

    def __init__(self, settings: dict, workers: int):
        context = multiprocessing.get_context(
            "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn")
        sources = markdown_sources(settings)
        self.claimed = context.RawArray("b", len(sources))
        self.pool = context.Pool(workers, _start_worker,
                                 (copy.deepcopy(settings["MARKDOWN"]), self.claimed))
        self.pending = {os.path.abspath(path): (index, self.pool.apply_async(
            render_file, (index, path))) for index, path in enumerate(sources)}

    def take(self, path: str, body: str) -> tuple[str, tuple[str, ...]] | None:
        index, answer = self.pending.pop(os.path.abspath(path), (None, None))
        if answer is None:
            return None
        if not answer.ready() and not self.claimed[index]:
            self.claimed[index] = 1  # (a worker starting it at this instant renders it too)
            return None
        try:
            result = answer.get()
        except Exception:  # the reader renders the body itself, and reports what it finds
            return None
        if result is None or result[0] != digest(body):
            return None
        return result[1], result[2]

    def close(self) -> None:
        self.pending.clear()
        self.pool.terminate()
        self.pool.join()


def start(settings: dict) -> Prerendered | None:
    """The workers of a build that begins now (plugins/campaign/build_state.py keeps
    them), or None when CAMPAIGN_READ_WORKERS asks for none."""
    workers = settings.get(SETTING, 0)
    if isinstance(workers, int) and not isinstance(workers, bool) and workers > 0:
        return Prerendered(settings, workers)
    return None
