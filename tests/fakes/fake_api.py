"""What the loopback fakes of X, Mastodon and Bluesky share: the state and controls of a
fake network (`FakeAPI`: its clock, posts, request log and fault queue) and the request
handling around each network's own endpoints (`FakeHandler`): a request is logged, refused
(the network's own authentication), then the next fault queued for its endpoint answers it,
else the endpoint does.

Fault kinds every fake answers the same way: "hang" (no answer until the client has timed
out), "hold" (wait until `release_hold()`, then answer normally; `holding` is set
meanwhile), "400-echo" (an error that repeats the request's credentials, in the network's
words: `FakeHandler.echo`), "429" (the network's answer, with its rate-limit headers saying
none is left), "drop-after-create", "malformed-after-create" and "hang-after-create" (the post
is created, then the connection closes without an answer / the answer is cut short / no
answer comes). Every other kind is a fixed answer in the network's `FAULTS`, or its own
(`FakeHandler.other_fault`)."""

from __future__ import annotations

import contextlib
import json
import threading
from dataclasses import dataclass
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import ClassVar
from urllib.parse import urlsplit

NOW = datetime(2026, 11, 22, 15, 0, tzinfo=UTC)
HOLD_SECONDS = 30               # a held request answers by itself after this long


@dataclass(frozen=True)
class Answer:
    """A fixed answer: status, body bytes and their content type."""
    status: int
    body: bytes
    content_type: str = "application/json"


def json_answer(status: int, body: object, content_type: str = "application/json") -> Answer:
    return Answer(status, json.dumps(body).encode(), content_type)


class FakeAPI:
    """A fake network's state and the test controls every fake has."""

    def __init__(self, now: datetime | None = None):
        self.now = now or NOW
        self.posts: dict = {}
        self.posts_created = 0
        self.requests: list[tuple[str, str]] = []     # (method, endpoint path)
        self.faults: dict[str, list[str]] = {}
        self.shown_ids: dict[str, str] = {}           # real post id → the id answers show
        self._lock = threading.Lock()
        self.release = threading.Event()    # set at shutdown: ends every hang
        self.hold_release = threading.Event()
        self.holding = threading.Event()    # a request is being held
        self.hang_seconds = 5.0
        self.server: ThreadingHTTPServer | None = None

    @property
    def base(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}"

    def endpoint_key(self, endpoint: str) -> str:
        """`endpoint` as the fault queue and the request log name it ("METHOD /path")."""
        return endpoint

    def fail(self, endpoint: str, kind: str, times: int = 1) -> None:
        """Answer the next `times` requests to `endpoint` with the fault `kind`."""
        with self._lock:
            self.faults.setdefault(self.endpoint_key(endpoint), []).extend([kind] * times)

    def next_fault(self, endpoint: str) -> str | None:
        with self._lock:
            queue = self.faults.get(endpoint)
            return queue.pop(0) if queue else None

    def release_hold(self) -> None:
        self.hold_release.set()

    def request_path(self, path: str) -> str:
        """`path` as the request log names it."""
        return path

    def count(self, method: str, path: str) -> int:
        """How many requests went to `method path`."""
        path = self.request_path(path)
        return sum(1 for m, p in self.requests if m == method and p == path)

    def rate_headers(self, remaining: int = 0) -> dict[str, str]:
        """The network's rate-limit headers, `remaining` requests left (its own default)."""
        raise NotImplementedError


class FakeHandler(BaseHTTPRequestHandler):
    """One request to a fake: `_route` logs it, lets `refused` answer it (authentication),
    answers the next queued fault, else hands it to `endpoint` (the network's own)."""

    protocol_version = "HTTP/1.1"
    server: ThreadingHTTPServer
    content_type = "application/json"       # of the network's JSON answers
    FAULTS: ClassVar[dict[str, Answer]] = {}    # the network's fixed fault answers, by kind
    created_status = 200                    # a create's answer (malformed-after-create)

    def log_message(self, format, *args):
        return

    @property
    def fake(self) -> FakeAPI:
        return self.server.fake

    # --- the network's own parts -----------------------------------------------------
    def endpoint_of(self, method: str, path: str) -> str:
        """'METHOD /path' with ids replaced by their pattern ("/2/tweets/:id")."""
        return f"{method} {path}"

    def refused(self, method: str, path: str) -> bool:
        """True when the request has been answered already (bad credentials)."""
        return False

    def endpoint(self, endpoint: str, path: str, query: str, body: bytes,
                 kind: str | None) -> None:
        raise NotImplementedError

    def echo(self, authorization: str) -> Answer:
        """The "400-echo" fault: an error repeating the Authorization header."""
        raise NotImplementedError

    def other_fault(self, kind: str) -> bool:
        """A fault of the network's own; False when `kind` needs the endpoint's logic."""
        return False

    # --- plumbing -----------------------------------------------------------------------
    def _send(self, status: int, body: object, headers: dict[str, str] | None = None,
              raw: bytes | None = None, content_type: str | None = None) -> None:
        payload = raw if raw is not None else json.dumps(body).encode()
        self.send_response(status)
        self.send_header("content-type", content_type or self.content_type)
        self.send_header("content-length", str(len(payload)))
        for key, value in {**self.fake.rate_headers(), **(headers or {})}.items():
            self.send_header(key, value)
        self.end_headers()
        self.wfile.write(payload)
        self.wfile.flush()

    def _answer(self, answer: Answer, headers: dict[str, str] | None = None) -> None:
        self._send(answer.status, None, headers, raw=answer.body,
                   content_type=answer.content_type)

    def _drop(self) -> None:
        self.close_connection = True
        with contextlib.suppress(OSError):
            self.connection.shutdown(2)

    def _hang(self) -> None:
        self.fake.release.wait(self.fake.hang_seconds)
        self._drop()

    def _answer_fault(self, kind: str) -> bool:
        """Answer with a plain fault; False when `kind` needs the endpoint's own logic."""
        if kind == "hang":
            self._hang()
        elif kind == "400-echo":      # a server (or proxy) repeating the request's credentials
            self._answer(self.echo(self.headers.get("Authorization", "")))
        elif kind == "429":
            self._answer(self.FAULTS[kind], self.fake.rate_headers(remaining=0))
        elif kind in self.FAULTS:
            self._answer(self.FAULTS[kind])
        else:
            return self.other_fault(kind)
        return True

    def _answered_after_create(self, kind: str | None, cut: bytes) -> bool:
        """The after-create faults, once the post exists: `cut` is the answer's start."""
        if kind == "drop-after-create":
            self._drop()
        elif kind == "malformed-after-create":
            self._send(self.created_status, None, raw=cut)
        elif kind == "hang-after-create":
            self._hang()
        else:
            return False
        return True

    def _take_fault(self, endpoint: str) -> str | None:
        """The next fault queued for `endpoint`, after holding if it is "hold"."""
        kind = self.fake.next_fault(endpoint)
        if kind == "hold":
            self.fake.holding.set()
            self.fake.hold_release.wait(HOLD_SECONDS)
            return None
        return kind

    def _route(self, method: str) -> None:
        parts = urlsplit(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        endpoint = self.endpoint_of(method, parts.path)
        with self.fake._lock:
            self.fake.requests.append((method, endpoint.split(" ", 1)[1]))
        if self.refused(method, parts.path):
            return
        kind = self._take_fault(endpoint)
        if kind and self._answer_fault(kind):
            return
        self.endpoint(endpoint, parts.path, parts.query, body, kind)

    def do_GET(self):
        self._route("GET")

    def do_POST(self):
        self._route("POST")
