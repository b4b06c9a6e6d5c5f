"""Bluesky (AT Protocol) through the atproto SDK (`atproto_client`). The only module importing it.

Credentials (a handle and an app password) come from the environment mapping handed to
`from_env`; nothing here prints them or the session tokens. The adapter logs in once, at the
first call that needs it, and reuses the session for every later call (post, search, metrics);
the SDK refreshes an access token that is about to expire, and an answer that the token has
expired (400 ExpiredToken) is refreshed here and the request sent once more.

A post is written as Bluesky's own app writes it (contract/bluesky_text.py, shared with the
build): each link shown shortened with the full URL in its link facet, tags as tag facets, and
each @handle that `com.atproto.identity.resolveHandle` resolves as a mention facet (one that
does not stays plain text). Its limits (300 graphemes, 3,000 UTF-8 bytes of the text as
shown) are checked before anything is sent.

A post is created with an explicit record key derived from the plan item's id alone
(`record_key`): the same item always gets the same key, whenever it is due, and a repository
refuses to create a record under a key it holds, so neither a retried create nor a re-dated
item can make a second post. Posts made before under the older key, made from the id and the
due time (`due_record_key`), are still found by the reconcile. The reference PDS answers that
refusal with a bare 500 InternalServerError (bluesky-social/atproto issue #3718; the MST's
"There is already a value at key"), the same answer as any server fault, so after a 500 the
adapter asks for the record under the item's key: when it is there, the answer is DUPLICATE.

Every request has a timeout; reads retry with bounded backoff (the sleep function is
injected); the create request is never retried. Answers are untrusted: a post id is checked
against the capabilities' AT URI form before it is returned.
"""

from __future__ import annotations

import contextlib
import hashlib
import math
import re
import time
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urljoin, urlsplit

import httpx
from atproto_client import Client, models
from atproto_client.client.session import Session, SessionEvent
from atproto_client.exceptions import InvokeTimeoutError, RequestErrorBase
from atproto_client.exceptions import NetworkError as AtNetworkError
from atproto_client.models.common import XrpcError
from atproto_client.request import Request
from atproto_core.exceptions import AtProtocolError

from contract import bluesky_text
from publish.clock import TimeFormatError, parse_time
from publish.networks import (
    Draft,
    ErrorKind,
    FoundPost,
    MetricsResult,
    NetworkError,
    PostResult,
    SearchResult,
    common,
)
from publish.networks.bluesky.bluesky_capabilities import (
    CAPABILITIES,
    COLLECTION,
    DEFAULT_SERVICE,
    DID,
    POST_CREDENTIALS,
    config_problems,
    service_problem,
)
from publish.networks.common import one_line, parse_timeout, read_with_retries
from publish.posting.linkcheck import REDIRECTS, same_site
from publish.redaction import redact, secret_values

# --- the record key of an item (pure) ----------------------------------------------------

TID_ALPHABET = "234567abcdefghijklmnopqrstuvwxyz"   # base32-sortable


KEY_TIME_BITS = 50   # a record key's time: 2**50 µs after 1970 is 2005, never the future


def _tid(micros: int, clock_id: int) -> str:
    value = (micros << 10) | clock_id             # 63 bits: the top bit of 64 stays 0
    chars = []
    for _ in range(13):
        chars.append(TID_ALPHABET[value & 31])
        value >>= 5
    return "".join(reversed(chars))


def _digest(key: str) -> int:
    return int.from_bytes(hashlib.sha256(key.encode("utf-8")).digest(), "big")


def record_key(key: str) -> str:
    """The record key of a plan item, from its id alone: a TID (13 base32-sortable
    characters, the top bit zero, as the PDS requires of an app.bsky.feed.post key) whose 50
    bits of time and 10 bits of clock id are 60 bits of a SHA-256 of the id. The same for an
    item whenever it is due, so a re-dated item cannot be posted twice; its time lies before
    2006, never in the future."""
    digest = _digest(key)
    return _tid(digest & ((1 << KEY_TIME_BITS) - 1), (digest >> 64) & 0x3FF)


def due_record_key(key: str, due: datetime | None) -> str:
    """The older record key (until issue 17), still read by the reconcile: the item's due
    time in whole seconds plus its id's hash mod 1,000,000 as microseconds, and 10 bits of
    clock id from further bits of that hash. It changed when the item was re-dated."""
    digest = _digest(key)
    seconds = math.floor(due.timestamp()) if due is not None else 0
    micros = (seconds * 1_000_000 + digest % 1_000_000) & ((1 << 53) - 1)
    return _tid(micros, (digest >> 64) & 0x3FF)


def tid_parts(tid: str) -> tuple[int, int]:
    """(microseconds since the epoch, clock id) of a TID."""
    value = 0
    for char in tid:
        value = (value << 5) | TID_ALPHABET.index(char)
    return value >> 10, value & 0x3FF


# --- other pure helpers --------------------------------------------------------------------

PAGE_SIZE = 100                    # getAuthorFeed limit
MAX_PAGES = 10                     # reconcile looks at most 1,000 recent posts
MAX_IMAGE_BYTES = 1_000_000        # app.bsky.embed.external thumb maxSize
MAX_IMAGE_REDIRECTS = 3
IMAGE_TYPES = frozenset({"image/jpeg", "image/png", "image/webp", "image/gif"})
UNAUTHORIZED_NAMES = frozenset({"AuthMissing", "AuthRequired", "AuthenticationRequired",
                                "InvalidToken", "ExpiredToken", "AccountTakedown",
                                "AccountDeactivated", "InvalidIdentifier"})
def post_url(post_id: str) -> str:
    return CAPABILITIES.url_for(post_id)


def post_uri(did: str, rkey: str) -> str:
    return f"at://{did}/{COLLECTION}/{rkey}"


def full_text(text: str, facets: Any) -> str:
    """A post's text with each link facet's span replaced by its full URI: the text as the
    plan wrote it (the Bluesky app shows links shortened), so a found post compares with
    the text the ledger holds. Facets that do not fit the text are ignored."""
    data = text.encode("utf-8")
    spans = []
    for facet in _list(facets):
        index = facet.get("index") if isinstance(facet, dict) else None
        uris = [f["uri"] for f in _list(facet.get("features") if isinstance(facet, dict)
                                        else None)
                if isinstance(f, dict) and isinstance(f.get("uri"), str)]
        if not isinstance(index, dict) or not uris:
            continue
        start, end = index.get("byteStart"), index.get("byteEnd")
        if (isinstance(start, int) and isinstance(end, int) and not isinstance(start, bool)
                and not isinstance(end, bool) and 0 <= start <= end <= len(data)):
            spans.append((start, end, uris[0]))
    pieces, position = [], 0
    for start, end, uri in sorted(spans):
        if start < position:
            continue
        pieces += [data[position:start], uri.encode("utf-8")]
        position = end
    return b"".join([*pieces, data[position:]]).decode("utf-8", errors="replace")


def limit_problem(shown: str) -> str | None:
    """What is over Bluesky's limits in the text readers will see, or None."""
    size, length = bluesky_text.utf8_length(shown), bluesky_text.graphemes(shown)
    if size > bluesky_text.MAX_BYTES:
        return f"the text is {size} bytes, Bluesky's limit is {bluesky_text.MAX_BYTES}"
    if length > bluesky_text.MAX_GRAPHEMES:
        return (f"the text is {length} characters, Bluesky's limit is "
                f"{bluesky_text.MAX_GRAPHEMES}")
    return None


def iso_z(value: datetime) -> str:
    """'2026-11-22T15:00:00.123Z': the createdAt form of the Bluesky app."""
    value = value.astimezone(UTC)
    return value.strftime("%Y-%m-%dT%H:%M:%S.") + f"{value.microsecond // 1000:03d}Z"


def _error_parts(content: Any) -> tuple[str, str]:
    """(error name, message) of an XRPC error answer; empty strings when it has none."""
    if isinstance(content, XrpcError):
        return str(content.error or ""), str(content.message or "")
    if isinstance(content, dict):
        return str(content.get("error") or ""), str(content.get("message") or "")
    getter = getattr(content, "to_dict", None)
    if callable(getter):
        return _error_parts(getter())
    return "", ""


class BlueskyError(NetworkError):
    """A NetworkError that keeps the XRPC error name of the answer (e.g. RecordNotFound)."""

    def __init__(self, kind: ErrorKind, message: str, *, name: str = "", **kwargs: Any):
        super().__init__(kind, message, **kwargs)
        self.name = name


def _image_body(answer: httpx.Response) -> tuple[bytes, str] | None:
    """A 200 image answer's bytes (at most MAX_IMAGE_BYTES) and type, else None."""
    kind = answer.headers.get("content-type", "").split(";")[0].strip().lower()
    if answer.status_code != 200 or kind not in IMAGE_TYPES:
        return None
    length = answer.headers.get("content-length", "")
    if length.isdigit() and int(length) > MAX_IMAGE_BYTES:
        return None
    body = bytearray()
    for chunk in answer.iter_bytes():
        body += chunk
        if len(body) > MAX_IMAGE_BYTES:
            return None
    return (bytes(body), kind) if body else None


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
    name, detail = _error_parts(content)
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


def _transport_error(exc: BaseException) -> NetworkError:
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


def map_counts(raw: Any) -> dict[str, int] | None:
    """An app.bsky.feed.defs#postView's counts → our metric names (an absent count is 0)."""
    if not isinstance(raw, dict):
        return None
    out = {}
    for name, field in (("likes", "likeCount"), ("reposts", "repostCount"),
                        ("replies", "replyCount"), ("quotes", "quoteCount")):
        value = raw.get(field, 0)
        if not isinstance(value, int) or isinstance(value, bool) or value < 0:
            return None
        out[name] = value
    return out


def _list(value: Any) -> list:
    return value if isinstance(value, list) else []


def found_post(uri: Any, record: Any, indexed_at: Any = None) -> FoundPost | None:
    """A post record (its AT URI and value) → FoundPost; None when the id or the text is
    unusable. expanded_urls: the link facets' and the external card's URIs."""
    if CAPABILITIES.post_id_problem(uri) or not isinstance(record, dict):
        return None
    text = record.get("text")
    if not isinstance(text, str):
        return None
    text = full_text(text, record.get("facets"))
    created = None
    for value in (record.get("createdAt"), indexed_at):
        if isinstance(value, str):
            try:
                created = parse_time(value)
                break
            except TimeFormatError:
                continue
    urls = [feature["uri"]
            for facet in _list(record.get("facets")) if isinstance(facet, dict)
            for feature in _list(facet.get("features"))
            if isinstance(feature, dict) and isinstance(feature.get("uri"), str)]
    embed = record.get("embed")
    external = embed.get("external") if isinstance(embed, dict) else None
    if isinstance(external, dict) and isinstance(external.get("uri"), str):
        urls.append(external["uri"])
    return FoundPost(post_id=uri, url=post_url(uri), text=text, created_at=created,
                     expanded_urls=tuple(dict.fromkeys(urls)))


def contains_link(post: FoundPost, link: str) -> bool:
    return link in post.expanded_urls or link in post.text


def _sort_time(view: dict, post: FoundPost) -> datetime | None:
    """When a feed item sorts: the earlier of its createdAt and indexedAt (as the AppView)."""
    times = [post.created_at] if post.created_at else []
    indexed = view.get("indexedAt")
    if isinstance(indexed, str):
        with contextlib.suppress(TimeFormatError):
            times.append(parse_time(indexed))
    return min(times, default=None)


# --- the adapter ----------------------------------------------------------------------------

def _wall_clock() -> datetime:
    return datetime.now(UTC)


class BlueskyNetwork:
    capabilities = CAPABILITIES

    def __init__(self, *, handle: str | None = None, password: str | None = None,
                 service: str = DEFAULT_SERVICE,
                 timeout: tuple[float, float] = common.DEFAULT_TIMEOUT,
                 sleep: Callable[[float], None] = time.sleep,
                 clock: Callable[[], datetime] = _wall_clock, max_pages: int = MAX_PAGES,
                 secrets: Sequence[str] = (), deadline: float = common.DEFAULT_DEADLINE):
        self._handle = handle
        self._deadline = deadline          # seconds a whole request may take
        self._secrets = tuple(secrets)      # redacted from an answer before it is read
        self._password = password
        self._service = service
        self._timeout = httpx.Timeout(timeout[1], connect=timeout[0])
        self._sleep = sleep
        self._clock = clock
        self._max_pages = max_pages
        self._did: str | None = None
        self._session_did: str | None = None
        self._tokens: tuple[str, str] = ("", "")
        self._client: Client | None = None
        self._images: httpx.Client | None = None   # made at the first card image
        if handle and password:
            self._client = Client(base_url=service, request=Request(
                timeout=self._timeout, transport=common.httpx_transport(deadline)))
            self._client.on_session_change(self._session_changed)

    def can_post(self) -> bool:
        return self._client is not None

    def can_read(self) -> bool:
        return self._client is not None

    # --- the session ------------------------------------------------------------------
    def _session_changed(self, event: SessionEvent, session: Session) -> None:
        self._tokens = (session.access_jwt or "", session.refresh_jwt or "")
        self._session_did = session.did
        # createSession may name the account's own PDS (its DID document): follow it only
        # when it is a usable service URL; the tokens are never sent anywhere else.
        if session.pds_endpoint and service_problem(session.pds_endpoint):
            self._client.update_base_url(self._service)

    def _redact(self, text: str) -> str:
        """`text` without the password, the session's tokens or any other credential."""
        return redact(text, (*self._tokens, self._password or "", *self._secrets))

    def _login(self) -> str:
        """Log in once (createSession), at the first call that needs it; the DID."""
        if self._client is None:
            raise NetworkError(ErrorKind.CONFIG, "no Bluesky credentials in the environment "
                               "(BLUESKY_HANDLE, BLUESKY_APP_PASSWORD)")
        if self._did is None:
            self._session_did = None
            self._once(lambda: self._client.login(self._handle, self._password,
                                                  fetch_bsky_profile=False))
            did = self._session_did
            if not isinstance(did, str) or not re.fullmatch(DID, did):
                raise NetworkError(ErrorKind.MALFORMED, "the createSession answer has no "
                                   "usable DID")
            self._did = did
        return self._did

    def _refresh(self) -> None:
        """A new access token from the refresh token; a new login when that is refused."""
        try:
            self._once(self._client._refresh_and_set_session)
        except BlueskyError as exc:
            if exc.kind is not ErrorKind.UNAUTHORIZED:
                raise
            self._did = None
            self._login()

    # --- one request, errors mapped ---------------------------------------------------
    def _once(self, fn: Callable[[], Any]) -> Any:
        try:
            return fn()
        except RequestErrorBase as exc:
            if exc.response is None:
                raise _transport_error(exc) from None
            content = exc.response.content
            name, detail = _error_parts(content)
            if name or detail:       # redacted before classify cuts it (a secret cut is kept)
                content = {"error": self._redact(name), "message": self._redact(detail)}
            error = classify(exc.response.status_code, content, exc.response.headers)
            error.message = self._redact(error.message)
            raise error from None
        except httpx.HTTPError as exc:       # e.g. a dropped connection: not wrapped by the SDK
            raise _transport_error(exc) from None
        except (AtProtocolError, ValueError, KeyError, TypeError, AttributeError) as exc:
            raise NetworkError(ErrorKind.MALFORMED,
                               f"unreadable answer ({type(exc).__name__})") from None

    def _call(self, fn: Callable[[], Any]) -> Any:
        """One request (after logging in); an expired access token is refreshed and the
        request sent once more (it was refused before it did anything)."""
        self._login()
        try:
            return self._once(fn)
        except BlueskyError as exc:
            if exc.name != "ExpiredToken":
                raise
        self._refresh()
        return self._once(fn)

    def _read(self, fn: Callable[[], Any]) -> Any:
        return read_with_retries(lambda: self._call(fn), self._sleep)

    @staticmethod
    def _json(response: Any, what: str) -> dict:
        content = getattr(response, "content", None)
        if not isinstance(content, dict):
            raise NetworkError(ErrorKind.MALFORMED, f"the {what} answer is not a JSON object",
                               status=getattr(response, "status_code", None))
        return content

    def _query(self, nsid: str, params: Any) -> dict:
        return self._json(self._read(lambda: self._client.invoke_query(nsid, params=params)),
                          nsid)

    # --- posting ----------------------------------------------------------------------
    def _fetch_image(self, url: str) -> tuple[bytes, str] | None:
        """The card image's bytes and type, or None (not fetched, too big, not an image, a
        redirect off the image's own site, or no whole answer within the deadline). The link
        check keeps only an image on the page's own site (linkcheck.LinkChecker); a redirect
        is followed only on that site (linkcheck.same_site), as the link check does."""
        if urlsplit(url).scheme not in ("http", "https"):
            return None
        if self._images is None:
            self._images = httpx.Client(timeout=self._timeout, follow_redirects=False,
                                        transport=common.httpx_transport(self._deadline))
        current = url
        try:
            for _ in range(MAX_IMAGE_REDIRECTS + 1):
                with self._images.stream("GET", current,
                                         headers={"Accept": "image/*"}) as answer:
                    if answer.status_code in REDIRECTS and "location" in answer.headers:
                        target = urljoin(current, answer.headers["location"])
                        if not same_site(url, target):
                            return None
                        current = target
                        continue
                    return _image_body(answer)
        except (httpx.HTTPError, OSError, ValueError):
            return None
        return None

    def _thumb(self, image_url: str | None) -> dict | None:
        """The card image uploaded as a blob; None when that fails (the card goes without)."""
        image = self._fetch_image(image_url) if image_url else None
        if image is None:
            return None
        body, kind = image
        try:
            answer = self._json(self._call(lambda: self._client.invoke_procedure(
                "com.atproto.repo.uploadBlob", content=body, headers={"Content-Type": kind})),
                "uploadBlob")
        except NetworkError:
            return None
        blob = answer.get("blob")
        ref = blob.get("ref") if isinstance(blob, dict) else None
        if (not isinstance(ref, dict) or not isinstance(ref.get("$link"), str)
                or not re.fullmatch(r"[a-z2-7]{8,200}", ref["$link"])
                or blob.get("mimeType") not in IMAGE_TYPES
                or not isinstance(blob.get("size"), int) or isinstance(blob["size"], bool)):
            return None
        return {"$type": "blob", "ref": {"$link": ref["$link"]}, "mimeType": blob["mimeType"],
                "size": blob["size"]}

    def _resolve(self, handle: str) -> str | None:
        """The DID a handle resolves to (com.atproto.identity.resolveHandle), or None: as in
        the Bluesky app, a handle that does not resolve, for whatever reason, stays text."""
        params = models.ComAtprotoIdentityResolveHandle.Params(handle=handle)
        try:
            did = self._query("com.atproto.identity.resolveHandle", params).get("did")
        except (NetworkError, ValueError):
            return None
        return did if isinstance(did, str) and re.fullmatch(DID, did) else None

    def _rich_text(self, text: str) -> bluesky_text.RichText:
        """The text as Bluesky's app posts it, its mentions resolved now."""
        dids = {}
        for handle in bluesky_text.handles(text):
            if did := self._resolve(handle):
                dids[handle] = did
        return bluesky_text.rich_text(text, dids)

    def _record(self, draft: Draft, rich: bluesky_text.RichText) -> dict:
        record: dict[str, Any] = {"$type": COLLECTION, "text": rich.text,
                                  "createdAt": iso_z(self._clock())}
        if draft.lang:
            record["langs"] = [draft.lang]          # a BCP 47 tag, as the article's Lang
        if rich.facets:
            record["facets"] = [dict(facet) for facet in rich.facets]
        if draft.link:
            external: dict[str, Any] = {"uri": draft.link, "title": draft.title or "",
                                        "description": draft.description or ""}
            thumb = self._thumb(draft.image)
            if thumb:
                external["thumb"] = thumb
            record["embed"] = {"$type": "app.bsky.embed.external", "external": external}
        return record

    def _existing_record(self, did: str, rkey: str) -> dict | None:
        """The post record under `rkey`, or None when the repository has none (a getRecord
        answered RecordNotFound). A record shown at another URI than the one asked for is a
        MISMATCH: the server's answer cannot be matched to the item, a person must look."""
        params = models.ComAtprotoRepoGetRecord.Params(repo=did, collection=COLLECTION,
                                                      rkey=rkey)
        try:
            answer = self._query("com.atproto.repo.getRecord", params)
        except BlueskyError as exc:
            if exc.name == "RecordNotFound" or exc.kind is ErrorKind.NOT_FOUND:
                return None
            raise
        value = answer.get("value")
        if not isinstance(value, dict):
            raise NetworkError(ErrorKind.MALFORMED, "the getRecord answer has no record")
        if answer.get("uri") != post_uri(did, rkey):
            shown = one_line(repr(answer.get("uri")), 120)
            raise NetworkError(ErrorKind.MISMATCH, f"asked for {post_uri(did, rkey)}, the "
                               f"server answered with a record at {shown}")
        return value

    def _create_failed(self, exc: NetworkError, did: str, rkey: str) -> NetworkError:
        """A 500 (or 409) is also how a PDS refuses a record key it already holds: look."""
        if exc.kind is not ErrorKind.SERVER and exc.status != 409:
            return exc
        try:
            existing = self._existing_record(did, rkey)
        except NetworkError:
            return exc
        if existing is None:
            return exc
        return NetworkError(ErrorKind.DUPLICATE, "this item's post exists already "
                            f"({post_uri(did, rkey)})", status=exc.status)

    def post(self, draft: Draft) -> PostResult:
        """Create the item's post under its own record key (see `record_key`)."""
        if not self.can_post():
            raise NetworkError(ErrorKind.CONFIG, "posting needs " + ", ".join(POST_CREDENTIALS))
        rkey = record_key(draft.key)
        try:
            did = self._login()
            rich = self._rich_text(draft.text)
            if problem := limit_problem(rich.text):
                raise NetworkError(ErrorKind.INVALID, f"{problem} (the text as readers see "
                                   "it, links shortened)")
            data = models.ComAtprotoRepoCreateRecord.Data(
                repo=did, collection=COLLECTION, rkey=rkey, record=self._record(draft, rich))
        except NetworkError as exc:
            # Nothing was sent to create the post: certain that there is none.
            raise NetworkError(exc.kind, exc.message, status=exc.status, reset_at=exc.reset_at,
                               certain_no_post=True) from None
        except ValueError as exc:
            raise NetworkError(ErrorKind.INVALID, f"the post record is not valid "
                               f"({type(exc).__name__})", certain_no_post=True) from None
        try:
            response = self._call(lambda: self._client.invoke_procedure(
                "com.atproto.repo.createRecord", data=data, input_encoding="application/json"))
        except NetworkError as exc:
            raise self._create_failed(exc, did, rkey) from None
        content = getattr(response, "content", None)
        uri = content.get("uri") if isinstance(content, dict) else None
        expected = post_uri(did, rkey)
        if uri != expected:
            # The post may well exist: ambiguous. An unreadable answer is settled by the next
            # run's reconcile; one naming another record cannot be, by us (a person looks).
            problem = CAPABILITIES.post_id_problem(uri)
            status = getattr(response, "status_code", None)
            if uri is not None and not problem:
                raise NetworkError(ErrorKind.MISMATCH, f"asked for {expected}, the create "
                                   f"answer names {uri}", status=status, certain_no_post=False)
            what = "has no post id" if uri is None else f"is unusable: {problem}"
            raise NetworkError(ErrorKind.MALFORMED, f"the create answer {what}",
                               status=status, certain_no_post=False)
        return PostResult(post_id=uri, url=post_url(uri), text=draft.text)

    # --- reading ----------------------------------------------------------------------
    def find_recent_posts(self, link: str, since: datetime | None, key: str | None = None,
                          due: datetime | None = None) -> SearchResult:
        """Own posts containing `link`. The item's record is first looked up under its
        record key (`record_key`), then under the older key made from `key` and `due`
        (`due_record_key`: posts made before issue 17); when it is under neither, the
        account's feed is read newest first, back past `since` (at most `max_pages` pages).
        `absent` is set when the repository answered RecordNotFound for every key and the
        feed was read back past `since`: unless one of the posts found is the item's (the
        runner compares their texts), proof that it was not posted (`proves_absence`)."""
        did = self._login()
        keys = [record_key(key)] if key is not None else []
        if key is not None and due is not None:
            keys.append(due_record_key(key, due))
        absent = bool(keys)
        for rkey in dict.fromkeys(keys):
            record = self._existing_record(did, rkey)
            absent = absent and record is None
            post = found_post(post_uri(did, rkey), record) if record else None
            if post is not None and contains_link(post, link):
                return SearchResult((post,), covered=True)
        found, covered = self._feed_posts(did, link, since)
        return SearchResult(tuple(found), covered=covered, absent=absent and covered)

    def _feed_posts(self, did: str, link: str,
                    since: datetime | None) -> tuple[list[FoundPost], bool]:
        """Own posts with `link` in the account's feed, newest first back past `since`, and
        whether the read got there."""
        found: list[FoundPost] = []
        cursor = None
        for _ in range(self._max_pages):
            params = models.AppBskyFeedGetAuthorFeed.Params(actor=did, limit=PAGE_SIZE,
                                                            cursor=cursor)
            page = self._query("app.bsky.feed.getAuthorFeed", params)
            feed = page.get("feed")
            if not isinstance(feed, list):
                raise NetworkError(ErrorKind.MALFORMED, "the getAuthorFeed answer has no feed")
            times = []
            for item in feed:
                view = item.get("post") if isinstance(item, dict) else None
                if not isinstance(view, dict) or item.get("reason") is not None:
                    continue                     # not a post, or someone else's, reposted
                author = view.get("author")
                if not isinstance(author, dict) or author.get("did") != did:
                    continue
                post = found_post(view.get("uri"), view.get("record"), view.get("indexedAt"))
                if post is None or not post.post_id.startswith(f"at://{did}/"):
                    continue
                times.append(_sort_time(view, post))
                if contains_link(post, link):
                    found.append(post)
            cursor = page.get("cursor")
            oldest = min((t for t in times if t), default=None)
            if since is not None and oldest is not None and oldest < since:
                return found, True
            if not isinstance(cursor, str) or not cursor or not feed:
                return found, True
        return found, False

    def fetch_metrics(self, post_ids: Sequence[str]) -> MetricsResult:
        numbers: dict[str, dict[str, int]] = {}
        missing: dict[str, str] = {}
        wanted = []
        for post_id in post_ids:
            if CAPABILITIES.valid_post_id(post_id):
                wanted.append(post_id)
            else:
                missing[post_id] = "not a Bluesky post id"
        batch = self.capabilities.metrics_batch
        for start in range(0, len(wanted), batch):
            chunk = wanted[start:start + batch]
            answer = self._query("app.bsky.feed.getPosts",
                                 models.AppBskyFeedGetPosts.Params(uris=chunk))
            posts = answer.get("posts")
            if not isinstance(posts, list):
                raise NetworkError(ErrorKind.MALFORMED, "the getPosts answer has no posts")
            for raw in posts:
                uri = raw.get("uri") if isinstance(raw, dict) else None
                if not isinstance(uri, str) or uri not in chunk or uri in numbers:
                    continue
                mapped = map_counts(raw)
                if mapped is None:
                    missing[uri] = "answer has no readable counts"
                else:
                    numbers[uri] = mapped
                    missing.pop(uri, None)
            for post_id in chunk:
                if post_id not in numbers and post_id not in missing:
                    missing[post_id] = "not in the answer (deleted, or not visible)"
        return MetricsResult(numbers=numbers, missing=missing)


def from_env(env: Mapping[str, str], *, sleep: Callable[[float], None] = time.sleep,
             clock: Callable[[], datetime] = _wall_clock) -> BlueskyNetwork:
    """Build the adapter from environment variables. Raises NetworkError(CONFIG) naming
    (never showing) every variable that is wrong. Without any credentials: an adapter that
    can neither post nor read."""
    if problems := config_problems(env):
        raise NetworkError(ErrorKind.CONFIG, "\n".join(problems))
    present = [name for name in POST_CREDENTIALS if env.get(name)]
    handle = env.get("BLUESKY_HANDLE") or ""
    service = (env.get("BLUESKY_SERVICE_URL") or DEFAULT_SERVICE).rstrip("/")
    timeout = parse_timeout(env.get("PUBLISH_HTTP_TIMEOUT"))
    total = common.parse_deadline(env.get("PUBLISH_HTTP_TIMEOUT"))
    if not present:
        return BlueskyNetwork(service=service, timeout=timeout, sleep=sleep, clock=clock,
                              deadline=total)
    return BlueskyNetwork(handle=handle, password=env["BLUESKY_APP_PASSWORD"], service=service,
                          timeout=timeout, sleep=sleep, clock=clock,
                          secrets=secret_values(env), deadline=total)
