"""A loopback server that answers every request a byte at a time: each byte within the read
timeout, the whole answer never (the attack a per-read timeout does not stop).

    with dripping(where="body") as drip:   # "headers": the status line and headers drip too;
                                           # content_type="text/html": what the head says
        drip.url                           # "http://127.0.0.1:PORT"
        drip.sent                          # bytes dripped so far, over all requests

Each connection drips one byte every `every` seconds (0.2 by default) until the client
hangs up or `limit` bytes were sent; `drip.sent` bounds how long a client listened.
"""

from __future__ import annotations

import contextlib
import socketserver
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field

from tests.fakes.loopback_fake import in_thread


def head(content_type: str) -> bytes:
    return (f"HTTP/1.1 200 OK\r\nContent-Type: {content_type}\r\n"
            "Content-Length: 100000\r\n\r\n").encode()


@dataclass
class Drip:
    url: str = ""
    where: str = "body"
    every: float = 0.2
    content_type: str = "image/png"
    limit: int = 600                 # 120 s at 0.2 s: a client that never gives up
    sent: int = 0
    requests: int = 0
    stop: threading.Event = field(default_factory=threading.Event)
    lock: threading.Lock = field(default_factory=threading.Lock)


def _handler(drip: Drip) -> type[socketserver.BaseRequestHandler]:
    class Handler(socketserver.BaseRequestHandler):
        def handle(self) -> None:
            data = b""
            while b"\r\n\r\n" not in data:          # the request's head
                chunk = self.request.recv(65536)
                if not chunk:
                    return
                data += chunk
            with drip.lock:
                drip.requests += 1
            answer = head(drip.content_type) if drip.where == "headers" else b""
            if drip.where == "body":
                self.request.sendall(head(drip.content_type))
            answer += b"\x89" * drip.limit
            for index in range(len(answer)):
                if drip.stop.wait(drip.every):
                    return
                try:
                    self.request.sendall(answer[index:index + 1])
                except OSError:
                    return                           # the client hung up
                with drip.lock:
                    drip.sent += 1

    return Handler


@contextlib.contextmanager
def dripping(where: str = "body", every: float = 0.2,
             content_type: str = "image/png") -> Iterator[Drip]:
    drip = Drip(where=where, every=every, content_type=content_type)
    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), _handler(drip))
    server.daemon_threads = True
    with in_thread(server, before_stop=drip.stop.set) as drip.url:
        yield drip
