"""Bluesky's failures as NetworkErrors: an XRPC error answer (`classify`, by status and error
name) and a failure before any answer (`transport_error`). No request is made here."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

import httpx
from atproto_client.exceptions import InvokeTimeoutError
from atproto_client.exceptions import NetworkError as AtNetworkError
from atproto_client.models.common import XrpcError

from publish.networks import ErrorKind, NetworkError
from publish.networks.common import one_line

UNAUTHORIZED_NAMES = frozenset({"AuthMissing", "AuthRequired", "AuthenticationRequired",
                                "InvalidToken", "ExpiredToken", "AccountTakedown",
                                "AccountDeactivated", "InvalidIdentifier"})


def error_parts(content: Any) -> tuple[str, str]:
    """(error name, message) of an XRPC error answer; empty strings when it has none."""
    if isinstance(content, XrpcError):
        return str(content.error or ""), str(content.message or "")
    if isinstance(content, dict):
        return str(content.get("error") or ""), str(content.get("message") or "")
    getter = getattr(content, "to_dict", None)
    if callable(getter):
        return error_parts(getter())
    return "", ""


class BlueskyError(NetworkError):
    """A NetworkError that keeps the XRPC error name of the answer (e.g. RecordNotFound)."""

    def __init__(self, kind: ErrorKind, message: str, *, name: str = "", **kwargs: Any):
        super().__init__(kind, message, **kwargs)
        self.name = name


def _epoch(value: Any) -> datetime | None:
    try:
        seconds = int(str(value).strip())
    except (TypeError, ValueError):
        return None
    return datetime.fromtimestamp(seconds, UTC) if 0 < seconds < 1 << 40 else None


def classify(status: int, content: Any, headers: Mapping[str, str] | None = None) -> BlueskyError:
    """An XRPC error answer → BlueskyError. `content` is the SDK's XrpcError, or the raw body
    (bytes) when the answer is not JSON."""
    lowered = {str(k).lower(): v for k, v in (headers or {}).items()}
    name, detail = error_parts(content)
    message = one_line(f"{name}: {detail}" if name and detail else name or detail
                       or "answer without an error name")
    if not name and not detail and isinstance(content, bytes | str):
        if status >= 500:
            return BlueskyError(ErrorKind.SERVER, "server answered with a non-JSON body",
                                status=status)
        message = "answer is not JSON"

    def error(kind: ErrorKind, text: str = message, **kwargs: Any) -> BlueskyError:
        return BlueskyError(kind, text, name=name, status=status, **kwargs)

    if "AlreadyExists" in name or name == "RecordExists":
        return error(ErrorKind.DUPLICATE)
    if status == 429 or name == "RateLimitExceeded":
        return error(ErrorKind.RATE_LIMITED, reset_at=_epoch(lowered.get("ratelimit-reset")))
    if status == 401 or (status == 400 and name in UNAUTHORIZED_NAMES):
        return error(ErrorKind.UNAUTHORIZED,
                     message + " (check BLUESKY_HANDLE and BLUESKY_APP_PASSWORD)")
    if status in (400, 409, 413):
        return error(ErrorKind.INVALID)
    if status == 403:
        return error(ErrorKind.FORBIDDEN)
    if status == 404:
        return error(ErrorKind.NOT_FOUND)
    if status >= 500:
        return error(ErrorKind.SERVER)
    return error(ErrorKind.MALFORMED, f"unexpected answer: {message}")


def transport_error(exc: BaseException) -> NetworkError:
    """A failure before any answer arrived. Certain that nothing was sent only when the
    connect phase failed (refused, no such host, TLS handshake, connect timeout)."""
    cause = exc.__cause__ if isinstance(exc, AtNetworkError) else exc
    not_sent = isinstance(cause, httpx.ConnectError | httpx.ConnectTimeout | httpx.PoolTimeout)
    if isinstance(exc, InvokeTimeoutError) or isinstance(cause, httpx.TimeoutException):
        return NetworkError(ErrorKind.NETWORK, "timed out waiting for Bluesky",
                            certain_no_post=not_sent)
    return NetworkError(ErrorKind.NETWORK,
                        f"connection to Bluesky failed ({type(cause or exc).__name__})",
                        certain_no_post=not_sent)


