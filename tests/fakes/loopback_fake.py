"""What every loopback fake of a network shares: a threaded HTTP server on 127.0.0.1 that
hands each request to the fake's handler (`in_thread`, which the other loopback servers
of the tests use too), and a clean stop that ends every held or hanging
request (`fake.release`, `fake.hold_release`) before the server shuts down."""

from __future__ import annotations

import contextlib
import socketserver
import threading
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    fake: Any


@contextlib.contextmanager
def in_thread(server: socketserver.BaseServer, name: str | None = None,
              before_stop: Callable[[], None] = lambda: None) -> Iterator[str]:
    """Serve `server` (bound to 127.0.0.1) from a thread until the block ends; yields its
    base URL. `before_stop` ends what the server's handlers may be waiting on."""
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), name=name,
                              daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        before_stop()
        server.shutdown()
        server.server_close()
        thread.join(5)


@contextlib.contextmanager
def serving(fake: Any, handler: type[BaseHTTPRequestHandler], name: str) -> Iterator[Any]:
    """Serve `fake` through `handler` (which reads `self.server.fake`) until the block ends."""
    server = _Server(("127.0.0.1", 0), handler)
    server.fake = fake
    fake.server = server

    def release() -> None:
        fake.release.set()
        fake.hold_release.set()

    with in_thread(server, name, release):
        yield fake
