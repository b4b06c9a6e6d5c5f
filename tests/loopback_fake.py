"""What every loopback fake of a network shares: a threaded HTTP server on 127.0.0.1 that
hands each request to the fake's handler, and a clean stop that ends every held or hanging
request (`fake.release`, `fake.hold_release`) before the server shuts down."""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    fake: Any


@contextlib.contextmanager
def serving(fake: Any, handler: type[BaseHTTPRequestHandler], name: str) -> Iterator[Any]:
    """Serve `fake` through `handler` (which reads `self.server.fake`) until the block ends."""
    server = _Server(("127.0.0.1", 0), handler)
    server.fake = fake
    fake.server = server
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), name=name,
                              daemon=True)
    thread.start()
    try:
        yield fake
    finally:
        fake.release.set()
        fake.hold_release.set()
        server.shutdown()
        server.server_close()
        thread.join(5)
