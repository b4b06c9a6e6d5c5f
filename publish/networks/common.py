"""What every adapter needs the same way: the HTTP timeout setting and the total deadline of
each request (the `deadline` watchdog, plugged into requests and httpx), checks of credential
variables (naming the variable, never its value) and error texts made safe to print."""

from __future__ import annotations

import contextlib
import functools
import math
import re
import socket
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import Any

from publish.networks import ErrorKind, NetworkError

DEFAULT_TIMEOUT = (5.0, 30.0)
DEFAULT_DEADLINE = 60.0            # seconds a whole request may take, answer read included
READ_BACKOFF = (1.0, 4.0)          # seconds before the 2nd and 3rd attempt of a read
RETRYABLE_READ = frozenset({ErrorKind.NETWORK, ErrorKind.SERVER, ErrorKind.MALFORMED})


def read_with_retries(call: Callable[[], Any], sleep: Callable[[float], None]) -> Any:
    """A read request (never a create): tried again after READ_BACKOFF on a network error,
    a 5xx or an unreadable answer, through the injected `sleep`; any other failure, or the
    last one, is raised."""
    for attempt in range(len(READ_BACKOFF) + 1):
        try:
            return call()
        except NetworkError as exc:
            if exc.kind not in RETRYABLE_READ or attempt == len(READ_BACKOFF):
                raise
            sleep(READ_BACKOFF[attempt])
    raise AssertionError("unreachable")  # pragma: no cover


def _timeout_parts(text: str | None) -> tuple[float, float, float]:
    """PUBLISH_HTTP_TIMEOUT: 'SECONDS', 'CONNECT,READ' or 'CONNECT,READ,TOTAL', each a
    positive finite number; TOTAL (default DEFAULT_DEADLINE) bounds a whole request."""
    if not text:
        return (*DEFAULT_TIMEOUT, DEFAULT_DEADLINE)
    try:
        parts = [float(p) for p in text.split(",")]
    except ValueError:
        parts = []
    if len(parts) == 1:
        parts *= 2
    if len(parts) == 2:
        parts.append(DEFAULT_DEADLINE)
    if len(parts) != 3 or not all(math.isfinite(p) and p > 0 for p in parts):
        raise ValueError(f"PUBLISH_HTTP_TIMEOUT: {text!r} is not a number of seconds "
                         "(expected 5, 5,30 or 5,30,60)")
    return parts[0], parts[1], parts[2]


def parse_timeout(text: str | None) -> tuple[float, float]:
    """PUBLISH_HTTP_TIMEOUT's (connect, read) seconds: each read waits at most READ."""
    connect, read, _ = _timeout_parts(text)
    return connect, read


def parse_deadline(text: str | None) -> float:
    """PUBLISH_HTTP_TIMEOUT's TOTAL: the seconds one request may take from start to its
    answer's last byte (a server that drips a byte per READ seconds is cut off there)."""
    return _timeout_parts(text)[2]


def timeout_problems(env: Mapping[str, str]) -> list[str]:
    try:
        _timeout_parts(env.get("PUBLISH_HTTP_TIMEOUT"))
    except ValueError as exc:
        return [str(exc)]
    return []


# --- the total deadline of a request ------------------------------------------------------
# Both HTTP libraries time each read, not a request: a server sending a byte a second holds
# a request for ever. `deadline(seconds)` is a watchdog: every socket a request uses in the
# block (this thread) is shut down when the time is up, which ends the blocked read at once
# (TLS or not); the library's error is then re-raised as its own timeout. Plugged in by
# `DeadlineAdapter` (requests: X, Mastodon, the link check) and `DeadlineTransport` (httpx:
# Bluesky, its card images).

_active = threading.local()


class Deadline:
    """One request's watchdog; `expired` once it fired."""

    def __init__(self, seconds: float):
        self.seconds = seconds
        self.expired = False
        self._sockets: list[socket.socket] = []
        self._lock = threading.Lock()
        self._timer = threading.Timer(seconds, self._fire)
        self._timer.daemon = True

    def start(self) -> Deadline:
        self._timer.start()
        return self

    def stop(self) -> None:
        self._timer.cancel()

    def watch(self, sock: socket.socket | None) -> None:
        if sock is None:
            return
        with self._lock:
            if not any(s is sock for s in self._sockets):
                self._sockets.append(sock)
            expired = self.expired
        if expired:
            _shut(sock)

    def _fire(self) -> None:
        with self._lock:
            self.expired = True
            sockets = list(self._sockets)
        for sock in sockets:
            _shut(sock)


def _shut(sock: socket.socket) -> None:
    with contextlib.suppress(OSError):
        sock.shutdown(socket.SHUT_RDWR)


def _stack() -> list[Deadline]:
    if not hasattr(_active, "stack"):
        _active.stack = []
    return _active.stack


def watch_socket(sock: socket.socket | None) -> None:
    """Put `sock` under every deadline running in this thread (the connection seams call
    it for each socket they open or reuse)."""
    for running in _stack():
        running.watch(sock)


@contextlib.contextmanager
def deadline(seconds: float) -> Iterator[Deadline]:
    """Within the block, the sockets this thread's requests use are shut down `seconds`
    after it started. The caller checks `.expired` to tell a timeout from a dropped line."""
    running = Deadline(seconds).start()
    _stack().append(running)
    try:
        yield running
    finally:
        running.stop()
        _stack().remove(running)


def requests_session(seconds: float, session: Any = None) -> Any:
    """`session` (default: a new requests.Session) with every request bounded to `seconds`
    in total (DeadlineAdapter mounted for http and https)."""
    import requests

    session = session if session is not None else requests.Session()
    adapter = _deadline_adapter_class()(seconds)
    session.mount("https://", adapter)
    session.mount("http://", adapter)
    return session


@functools.cache
def _deadline_adapter_class() -> type:
    """requests' HTTPAdapter with a total deadline (made on first use: requests is imported
    only by a run that needs it)."""
    import requests
    from requests.adapters import HTTPAdapter
    from urllib3.connection import HTTPConnection, HTTPSConnection
    from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool

    class WatchedHTTP(HTTPConnection):
        def _new_conn(self) -> socket.socket:
            sock = super()._new_conn()
            watch_socket(sock)
            return sock

        def request(self, *args: Any, **kwargs: Any) -> None:
            watch_socket(self.sock)          # a kept-alive connection, used again
            return super().request(*args, **kwargs)

    class WatchedHTTPS(HTTPSConnection):
        _new_conn = WatchedHTTP._new_conn
        request = WatchedHTTP.request

    class WatchedPool(HTTPConnectionPool):
        ConnectionCls = WatchedHTTP

    class WatchedHTTPSPool(HTTPSConnectionPool):
        ConnectionCls = WatchedHTTPS

    class DeadlineAdapter(HTTPAdapter):
        """Each request, its answer's body included (unless streamed: the caller reads that
        under its own `deadline`), ends within `seconds`, else ReadTimeout."""

        def __init__(self, seconds: float, **kwargs: Any):
            self.seconds = seconds
            super().__init__(**kwargs)

        def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
            super().init_poolmanager(*args, **kwargs)
            self.poolmanager.pool_classes_by_scheme = {"http": WatchedPool,
                                                       "https": WatchedHTTPSPool}

        def send(self, request: requests.PreparedRequest, stream: bool = False,
                 timeout: float | tuple[float | None, float | None] | None = None,
                 verify: bool | str = True, cert: str | tuple[str, str] | None = None,
                 proxies: dict[str, str] | None = None) -> requests.Response:
            with deadline(self.seconds) as running:
                try:
                    answer = super().send(request, stream=stream, timeout=timeout,
                                          verify=verify, cert=cert, proxies=proxies)
                    if not stream:
                        _ = answer.content       # the body, read under the deadline
                except requests.RequestException:
                    if not running.expired:
                        raise
                if running.expired:
                    raise requests.exceptions.ReadTimeout(
                        f"no whole answer within {self.seconds:g}s", request=request)
            return answer

    return DeadlineAdapter


def httpx_transport(seconds: float) -> Any:
    """An httpx transport whose every request, its answer's body included (streamed or
    not), ends within `seconds`, else httpx.ReadTimeout: for httpx.Client(transport=…)."""
    return _deadline_transport_class()(seconds)


@functools.cache
def _deadline_transport_class() -> type:
    import httpcore
    import httpx

    class WatchedStream(httpcore.NetworkStream):
        """httpcore's network stream, putting its socket under the running deadlines at
        every read and write (a pooled connection serves many requests)."""

        def __init__(self, stream: Any):
            self._stream = stream

        def _watch(self) -> None:
            watch_socket(self._stream.get_extra_info("socket"))

        def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
            self._watch()
            return self._stream.read(max_bytes, timeout)

        def write(self, buffer: bytes, timeout: float | None = None) -> None:
            self._watch()
            self._stream.write(buffer, timeout)

        def close(self) -> None:
            self._stream.close()

        def start_tls(self, *args: Any, **kwargs: Any) -> WatchedStream:
            self._watch()
            return WatchedStream(self._stream.start_tls(*args, **kwargs))

        def get_extra_info(self, info: str) -> Any:
            return self._stream.get_extra_info(info)

    class WatchedBackend(httpcore.NetworkBackend):
        def __init__(self, backend: Any):
            self._backend = backend

        def connect_tcp(self, *args: Any, **kwargs: Any) -> WatchedStream:
            return WatchedStream(self._backend.connect_tcp(*args, **kwargs))

        def connect_unix_socket(self, *args: Any, **kwargs: Any) -> WatchedStream:
            return WatchedStream(self._backend.connect_unix_socket(*args, **kwargs))

        def sleep(self, seconds: float) -> None:
            self._backend.sleep(seconds)

    def timed_out(seconds: float, request: httpx.Request) -> httpx.ReadTimeout:
        return httpx.ReadTimeout(f"no whole answer within {seconds:g}s", request=request)

    class DeadlineBody(httpx.SyncByteStream):
        """The answer's body, read under the request's deadline; closing it ends that."""

        def __init__(self, stream: Any, running: Deadline, request: httpx.Request):
            self._stream, self._running, self._request = stream, running, request

        def __iter__(self) -> Iterator[bytes]:
            running, chunks = self._running, iter(self._stream)
            while not running.expired:
                _stack().append(running)        # only while a chunk is read
                try:
                    chunk = next(chunks)
                except StopIteration:
                    running.stop()              # the whole body arrived in time
                    return
                except httpx.TransportError:
                    if not running.expired:
                        raise
                    break
                finally:
                    _stack().remove(running)
                yield chunk
            if running.expired:
                raise timed_out(running.seconds, self._request)

        def close(self) -> None:
            self._running.stop()
            self._stream.close()

    class DeadlineTransport(httpx.HTTPTransport):
        def __init__(self, seconds: float, **kwargs: Any):
            super().__init__(**kwargs)
            self.seconds = seconds
            self._pool._network_backend = WatchedBackend(self._pool._network_backend)

        def handle_request(self, request: httpx.Request) -> httpx.Response:
            running = Deadline(self.seconds).start()
            _stack().append(running)
            try:
                answer = super().handle_request(request)
            except httpx.TransportError:
                running.stop()
                if running.expired:
                    raise timed_out(self.seconds, request) from None
                raise
            finally:
                _stack().remove(running)
            return httpx.Response(status_code=answer.status_code, headers=answer.headers,
                                  stream=DeadlineBody(answer.stream, running, request),
                                  extensions=answer.extensions)

    return DeadlineTransport


def credential_problems(env: Mapping[str, str], names: Iterable[str]) -> list[str]:
    """What is wrong with the credential variables among `names` that are set, naming each
    variable and never its value: a pasted line end or space is the usual mistake."""
    problems = []
    for name in names:
        value = env.get(name)
        if not value:
            continue
        if value.endswith(("\n", "\r")):
            problems.append(f"{name}: ends with a newline (pasted with the line end?)")
        elif value != value.strip():
            where = "starts" if value[0].isspace() else "ends"
            problems.append(f"{name}: {where} with a space (pasted with it?)")
        elif any(c.isspace() or not c.isprintable() for c in value):
            problems.append(f"{name}: contains a space, line break or control character")
    return problems


def incomplete_credentials(env: Mapping[str, str], names: Sequence[str], label: str,
                           why: str) -> list[str]:
    """One problem when some but not all of `names` are set: which are missing, and `why`
    all of them are needed (e.g. "all four are needed to post")."""
    absent = [name for name in names if not env.get(name)]
    if not absent or len(absent) == len(names):
        return []
    return [f"incomplete {label} credentials: {', '.join(absent)} missing ({why})"]


# Control characters and bidi overrides: an error text from the network is printed on a
# terminal and stored in the ledger as one line of plain text.
_UNPRINTABLE = re.compile(r"[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]+")


def one_line(text: str, width: int = 200) -> str:
    """A network's text as one printable line of at most `width` characters."""
    text = " ".join(_UNPRINTABLE.sub(" ", text).split())
    return (text if len(text) <= width else text[:width] + "…") or "error without detail"
