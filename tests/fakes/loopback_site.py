"""A web site on 127.0.0.1 for the publisher's link check (PUBLISH_LINK_CHECK_BASE).

    with serving(folder) as site:    # serves the files in `folder`: 404 for what is not there
        site.url                     # "http://127.0.0.1:PORT" → PUBLISH_LINK_CHECK_BASE
        site.requests                # every path requested, in order
    with serving() as site:          # no folder: every page answers 200 (a site that is up)
"""

from __future__ import annotations

import contextlib
import functools
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from tests.fakes.loopback_fake import in_thread


@dataclass
class Site:
    url: str = ""
    requests: list[str] = field(default_factory=list)


class _Quiet:
    site: Site

    def log_message(self, format, *args):
        return None

    def log_request(self, code="-", size="-"):
        self.site.requests.append(self.path)


class _Folder(_Quiet, SimpleHTTPRequestHandler):
    pass


class _AllLive(_Quiet, BaseHTTPRequestHandler):
    def do_GET(self):
        body = b"<!doctype html><title>live</title>"
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@contextlib.contextmanager
def serving(folder: Path | None = None) -> Iterator[Site]:
    site = Site()
    if folder is None:
        handler = type("Handler", (_AllLive,), {"site": site})
    else:
        handler = functools.partial(type("Handler", (_Folder,), {"site": site}),
                                    directory=str(folder))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    with in_thread(server) as site.url:
        yield site
