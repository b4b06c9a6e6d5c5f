"""A loopback fake of the Bluesky PDS endpoints the publisher uses, speaking XRPC as the
reference PDS (bluesky-social/atproto packages/pds) does.

    with running_fake() as fake:               # or the `fake_bluesky` fixture of a test file
        fake.url                               # "http://127.0.0.1:PORT" → BLUESKY_SERVICE_URL
        fake.env()                             # BLUESKY_* pointing here, a short timeout
        fake.fail(CREATE, "429", times=1)      # or fail("com.atproto.repo.createRecord", …)
        fake.set_metrics(post_id, likes=3)
        fake.posts_created, fake.sessions_created, fake.count("POST", CREATE_PATH)

Endpoints (all under /xrpc/; JSON bodies; errors as {"error": NAME, "message": TEXT}):
POST com.atproto.server.createSession ({identifier, password} → did, handle, accessJwt,
refreshJwt; 401 AuthenticationRequired "Invalid identifier or password"),
POST com.atproto.server.refreshSession (Bearer refresh token; rotates both tokens),
POST com.atproto.repo.createRecord ({repo, collection, rkey?, record}; an rkey the repo holds
already is answered as the reference PDS does: 500 InternalServerError "Internal Server
Error", see bluesky-social/atproto#3718; a text over 3,000 UTF-8 bytes or 300 graphemes, or a
malformed facet, is refused as the PDS's lexicon check does: 400 InvalidRequest "Invalid
app.bsky.feed.post record: string too big (maximum 3000, got 3008)"; facets are stored as
sent), GET com.atproto.repo.getRecord (400 RecordNotFound), GET
com.atproto.identity.resolveHandle (the handles in `fake.handles`, the account's own
included; any other: 400 InvalidRequest "Unable to resolve handle"; no session needed),
GET com.atproto.repo.listRecords, POST com.atproto.repo.uploadBlob (raw body, its
Content-Type; a thumb in a record must name an uploaded blob), GET app.bsky.feed.getPosts
(≤ 25 uris), GET app.bsky.feed.getAuthorFeed (newest first, cursor, limit ≤ 100).
Every request but createSession needs `Authorization: Bearer <access JWT>`: missing → 401
AuthMissing; unknown → 400 InvalidToken; expired (`expire_access_tokens()`, or a token past
its `exp`) → 400 ExpiredToken "Token has expired", as the reference PDS answers. The JWTs'
`exp` is in wall-clock time (the SDK refreshes early by it); `access_ttl` sets it. Every answer
carries ratelimit-limit/-remaining/-reset/-policy. `fake.now` sets indexedAt and reset times.
GET /img/NAME serves the card images in `fake.images` (card.jpg, big.jpg over 1,000,000
bytes, page.html which is not an image); `fake.image_url(name)`; a NAME in
`fake.image_redirects` answers 302 to its value.

Faults (`fail(endpoint, kind, times=N)`) answer the next N requests to that endpoint with:
"400" (InvalidRequest), "400-echo" (its message repeats the Authorization header), "401",
"403", "404", "429" (ratelimit-remaining 0 and -reset),
"500", "502", "503-html" (not JSON), "expired" (400 ExpiredToken), "malformed" (2xx with a
broken body), "hang" (no answer until the client has timed out), "drip" (a 200 whose body
comes a byte every 0.2 s and never ends: `fake.dripped` counts the bytes), "hold" (wait until
`release_hold()`, then answer normally; `holding` is set meanwhile), "drop-after-create"
(create the record, then close the connection without answering), "malformed-after-create",
"hang-after-create". An image route takes "hang", "500" and "malformed" too.

`not_indexed` (a set of uris): posts the AppView has not indexed yet, absent from getPosts
and getAuthorFeed (the repository endpoints show them).

Hostile uris (`hostile_uris("at://did:plc:x/app.bsky.feed.post/1 2", …)`): the next posts
created are shown under these uris in every answer (create, getRecord, feeds, getPosts), as
a compromised or buggy service might; the post itself exists under its real uri.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import hmac
import json
import time
from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import ClassVar
from urllib.parse import parse_qs

from tests.fakes.bluesky_records import (
    COLLECTION,
    TID,
    Post,
    b64url,
    bsky_time,
    fake_cid,
    record_problem,
    record_uris,
    tid_for,
)
from tests.fakes.fake_api import Answer, FakeAPI, FakeHandler, json_answer
from tests.fakes.loopback_fake import serving

HANDLE = "listeningbrands.bsky.social"
DID = "did:plc:listeningbrandsfakeaaaaa"
APP_PASSWORD = "abcd-efgh-ijkl-mnop"
CREDENTIALS = {"BLUESKY_HANDLE": HANDLE, "BLUESKY_APP_PASSWORD": APP_PASSWORD}

METHODS = {
    "com.atproto.server.createSession": "POST",
    "com.atproto.server.refreshSession": "POST",
    "com.atproto.repo.createRecord": "POST",
    "com.atproto.identity.resolveHandle": "GET",
    "com.atproto.repo.getRecord": "GET",
    "com.atproto.repo.listRecords": "GET",
    "com.atproto.repo.uploadBlob": "POST",
    "app.bsky.feed.getPosts": "GET",
    "app.bsky.feed.getAuthorFeed": "GET",
}
CREATE_SESSION = "POST /xrpc/com.atproto.server.createSession"
REFRESH_SESSION = "POST /xrpc/com.atproto.server.refreshSession"
CREATE = "POST /xrpc/com.atproto.repo.createRecord"
GET_RECORD = "GET /xrpc/com.atproto.repo.getRecord"
RESOLVE_HANDLE = "GET /xrpc/com.atproto.identity.resolveHandle"
LIST_RECORDS = "GET /xrpc/com.atproto.repo.listRecords"
UPLOAD_BLOB = "POST /xrpc/com.atproto.repo.uploadBlob"
GET_POSTS = "GET /xrpc/app.bsky.feed.getPosts"
AUTHOR_FEED = "GET /xrpc/app.bsky.feed.getAuthorFeed"

# A 1x1 JPEG is not needed: the fake stores bytes, it does not decode them.
CARD_JPEG = b"\xff\xd8\xff\xe0" + b"fake card image" * 20 + b"\xff\xd9"


def endpoint_name(name: str) -> str:
    """'com.atproto.repo.createRecord', '/xrpc/…' or 'POST /xrpc/…' → 'POST /xrpc/…'."""
    if " " in name:
        return name
    nsid = name.rsplit("/", 1)[-1]
    path = name if name.startswith("/") else f"/xrpc/{nsid}"
    return f"{METHODS.get(nsid, 'GET')} {path}"


def xrpc_error(name: str, message: str | None = None) -> dict:
    return {"error": name, "message": message or name}


JSON = "application/json; charset=utf-8"


class FakeBluesky(FakeAPI):
    def __init__(self, now: datetime | None = None):
        super().__init__(now)
        self.handle, self.did, self.password = HANDLE, DID, APP_PASSWORD
        self.posts: dict[str, Post] = {}
        self.sessions_created = 0
        self.sessions_refreshed = 0
        self.blobs: dict[str, tuple[bytes, str]] = {}
        self.images: dict[str, tuple[bytes, str]] = {
            "card.jpg": (CARD_JPEG, "image/jpeg"),
            "big.jpg": (b"\xff\xd8" + b"\x00" * 1_000_000, "image/jpeg"),
            "page.html": (b"<html><body>not an image</body></html>", "text/html"),
        }
        self.image_redirects: dict[str, str] = {}     # name → Location of a 302
        self.dripped = 0                              # bytes sent by "drip" faults
        self.access_ttl = 7200               # seconds, wall clock (the JWTs' exp)
        self.access_tokens: dict[str, bool] = {}   # token → expired
        self.refresh_tokens: set[str] = set()
        self.did_doc_endpoint: str | None = None   # createSession's didDoc service, if any
        self.rate_limit_window = 300
        self._secret = b"fake-pds-jwt-secret"
        self._serial = 0
        self._hostile: list[str] = []
        self.not_indexed: set[str] = set()   # uris the AppView has not seen yet (feeds)
        self.handles: dict[str, str] = {HANDLE: DID}   # resolveHandle: handle → DID

    # --- test controls --------------------------------------------------------------
    @property
    def url(self) -> str:
        return self.base

    def image_url(self, name: str = "card.jpg") -> str:
        return f"{self.url}/img/{name}"

    def env(self, **overrides: str) -> dict[str, str]:
        env = {**CREDENTIALS, "BLUESKY_SERVICE_URL": self.url,
               "PUBLISH_HTTP_TIMEOUT": "2,1"}
        env.update(overrides)
        return env

    def endpoint_key(self, endpoint: str) -> str:
        return endpoint_name(endpoint)

    def request_path(self, path: str) -> str:
        return endpoint_name(path).split(" ", 1)[1]

    def hostile_uris(self, *uris: str) -> None:
        with self._lock:
            self._hostile.extend(uris)

    def wire_id(self, post: Post) -> str:
        return self.shown_ids.get(post.id, post.id)

    def expire_access_tokens(self) -> None:
        """Every access token issued so far is answered with 400 ExpiredToken from now on."""
        with self._lock:
            for token in self.access_tokens:
                self.access_tokens[token] = True

    def set_metrics(self, post_id: str, *, likes=0, reposts=0, replies=0, quotes=0) -> None:
        self.posts[post_id].metrics = {"likeCount": likes, "repostCount": reposts,
                                       "replyCount": replies, "quoteCount": quotes}

    def add_post(self, text: str, created_at: datetime | None = None, *,
                 rkey: str | None = None, record: dict | None = None) -> str:
        """A post made elsewhere (the Bluesky app), indexed when it was created: its uri."""
        created = created_at or self.now
        record = record or {"$type": COLLECTION, "text": text, "createdAt": bsky_time(created)}
        with self._lock:
            return self._create(rkey or self._next_tid(created), record, created).id

    def posts_containing(self, link: str) -> list[Post]:
        return [p for p in self.posts.values() if link in p.text or link in record_uris(p.record)]

    # --- the model ------------------------------------------------------------------------
    def _next_tid(self, at: datetime | None = None) -> str:
        self._serial += 1
        return tid_for(int((at or self.now).timestamp() * 1_000_000) + self._serial, 0)

    def _create(self, rkey: str, record: dict, indexed_at: datetime | None = None) -> Post:
        uri = f"at://{self.did}/{COLLECTION}/{rkey}"
        created = None
        with contextlib.suppress(ValueError, TypeError, AttributeError):
            created = datetime.fromisoformat(record["createdAt"].replace("Z", "+00:00"))
        post = Post(uri, rkey, record.get("text", ""), created, record,
                    fake_cid(json.dumps(record, sort_keys=True).encode()),
                    indexed_at or self.now)
        if self._hostile:
            self.shown_ids[uri] = self._hostile.pop(0)
        self.posts[uri] = post
        self.posts_created += 1
        return post

    def _jwt(self, scope: str, ttl: int) -> str:
        with self._lock:
            self._serial += 1
            serial = self._serial
        header = b64url(json.dumps({"typ": "at+jwt", "alg": "HS256"}).encode())
        now = int(time.time())
        payload = b64url(json.dumps({"scope": scope, "sub": self.did, "aud": "did:web:fake.pds",
                                   "iat": now, "exp": now + ttl, "jti": f"t{serial}"}).encode())
        signature = b64url(hmac.new(self._secret, f"{header}.{payload}".encode(),
                                  hashlib.sha256).digest())
        return f"{header}.{payload}.{signature}"

    def _issue(self) -> dict:
        access = self._jwt("com.atproto.appPass", self.access_ttl)
        refresh = self._jwt("com.atproto.refresh", 90 * 86400)
        with self._lock:
            self.access_tokens[access] = False
            self.refresh_tokens.add(refresh)
        answer = {"did": self.did, "handle": self.handle, "accessJwt": access,
                  "refreshJwt": refresh, "active": True}
        if self.did_doc_endpoint:
            answer["didDoc"] = {
                "@context": ["https://www.w3.org/ns/did/v1"], "id": self.did,
                "alsoKnownAs": [f"at://{self.handle}"],
                "service": [{"id": "#atproto_pds", "type": "AtprotoPersonalDataServer",
                             "serviceEndpoint": self.did_doc_endpoint}]}
        return answer

    def post_view(self, post: Post) -> dict:
        view = {
            "uri": self.wire_id(post), "cid": post.cid,
            "author": {"did": self.did, "handle": self.handle, "displayName": "Listening "
                       "Brands", "labels": []},
            "record": post.record, "indexedAt": bsky_time(post.indexed_at), "labels": [],
            "replyCount": 0, "repostCount": 0, "likeCount": 0, "quoteCount": 0,
            "bookmarkCount": 0,
        }
        view.update(post.metrics)
        embed = post.record.get("embed")
        if isinstance(embed, dict) and isinstance(embed.get("external"), dict):
            external = dict(embed["external"])
            thumb = external.pop("thumb", None)
            if isinstance(thumb, dict):
                external["thumb"] = (f"https://cdn.bsky.app/img/feed_thumbnail/plain/"
                                     f"{self.did}/{thumb['ref']['$link']}@jpeg")
            view["embed"] = {"$type": "app.bsky.embed.external#view", "external": external}
        return view

    def rate_headers(self, remaining: int = 2999) -> dict[str, str]:
        reset = int((self.now + timedelta(seconds=self.rate_limit_window)).timestamp())
        return {"ratelimit-limit": "3000", "ratelimit-remaining": str(remaining),
                "ratelimit-reset": str(reset), "ratelimit-policy": "3000;w=300"}


def _error(status: int, name: str, message: str) -> Answer:
    return json_answer(status, xrpc_error(name, message), JSON)


class _Handler(FakeHandler):
    content_type = JSON
    FAULTS: ClassVar[dict[str, Answer]] = {
        "400": _error(400, "InvalidRequest", "Invalid app.bsky.feed.post record: grapheme "
                      "too big (maximum 300, got 301) at $.text"),
        "401": _error(401, "AuthenticationRequired", "Authentication Required"),
        "403": _error(403, "Forbidden", "Forbidden"),
        "404": _error(404, "NotFound", "Not Found"),
        "429": _error(429, "RateLimitExceeded", "Rate Limit Exceeded"),
        "500": _error(500, "InternalServerError", "Internal Server Error"),
        "502": _error(502, "UpstreamFailure", "Upstream Failure"),
        "503-html": Answer(503, b"<html><body>503 Service Unavailable</body></html>",
                           "text/html"),
        "expired": _error(400, "ExpiredToken", "Token has expired"),
        "malformed": Answer(200, b'{"uri": "at://', JSON),
    }

    @property
    def fake(self) -> FakeBluesky:
        return self.server.fake

    def _error(self, status: int, name: str, message: str | None = None) -> None:
        self._send(status, xrpc_error(name, message))

    def echo(self, authorization: str) -> Answer:
        return _error(400, "InvalidRequest", "bad request with Authorization: " + authorization)

    def other_fault(self, kind: str) -> bool:
        if kind != "drip":
            return False
        self._drip()
        return True

    def _drip(self) -> None:
        """A 200 whose body comes a byte every 0.2 s, never whole (each read in time)."""
        self.send_response(200)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", "100000")
        self.end_headers()
        for _ in range(600):
            if self.fake.release.wait(0.2):
                break
            try:
                self.wfile.write(b" ")
                self.wfile.flush()
            except OSError:
                break
            with self.fake._lock:
                self.fake.dripped += 1
        self._drop()

    def _bearer(self) -> str | None:
        header = self.headers.get("Authorization", "")
        return header[7:] if header.startswith("Bearer ") else None

    def _jwt_expired(self, token: str) -> bool:
        try:
            payload = json.loads(base64.urlsafe_b64decode(token.split(".")[1] + "=="))
            return payload["exp"] < time.time()
        except (ValueError, KeyError, IndexError):
            return True

    def _check_auth(self, nsid: str) -> bool:
        """True when the request may go on; otherwise it has been answered."""
        if nsid in ("com.atproto.server.createSession", "com.atproto.identity.resolveHandle"):
            return True
        token = self._bearer()
        fake = self.fake
        if token is None:
            self._error(401, "AuthMissing", "Authentication Required")
            return False
        if nsid == "com.atproto.server.refreshSession":
            valid = token in fake.refresh_tokens
        else:
            valid = token in fake.access_tokens
        if not valid:
            self._error(400, "InvalidToken", "Token could not be verified")
            return False
        if fake.access_tokens.get(token) or self._jwt_expired(token):
            self._error(400, "ExpiredToken", "Token has expired")
            return False
        return True

    # --- routing --------------------------------------------------------------------------
    def refused(self, method: str, path: str) -> bool:
        if path.startswith("/img/"):
            self._image(f"{method} {path}", path[len("/img/"):])
            return True
        nsid = path[len("/xrpc/"):] if path.startswith("/xrpc/") else ""
        if METHODS.get(nsid) != method:
            self._error(404, "XRPCNotSupported", "XRPCNotSupported")
            return True
        return not self._check_auth(nsid)

    def endpoint(self, endpoint, path, query, body, kind):
        handler = getattr(self, "_" + path.rsplit(".", 1)[1])
        handler(parse_qs(query, keep_blank_values=True), body, kind)

    def _image(self, endpoint: str, name: str) -> None:
        kind = self.fake.next_fault(endpoint)
        if kind and self._answer_fault(kind):
            return
        if name in self.fake.image_redirects:
            self.send_response(302)
            self.send_header("Location", self.fake.image_redirects[name])
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        image = self.fake.images.get(name)
        if image is None:
            self._send(404, None, raw=b"not found", content_type="text/plain")
            return
        data, content_type = image
        self._send(200, None, raw=data, content_type=content_type)

    @staticmethod
    def _one(query: dict, name: str) -> str | None:
        values = query.get(name)
        return values[0] if values else None

    def _json_body(self, body: bytes) -> dict | None:
        try:
            data = json.loads(body or b"{}")
        except ValueError:
            return None
        return data if isinstance(data, dict) else None

    # --- endpoints ------------------------------------------------------------------------
    def _createSession(self, query, body, kind):
        fake = self.fake
        data = self._json_body(body) or {}
        identifier = data.get("identifier")
        if not isinstance(identifier, str) or not isinstance(data.get("password"), str):
            self._error(400, "InvalidRequest", "Input must have the property \"identifier\"")
            return
        if (identifier.lower() not in (fake.handle, fake.did)
                or not hmac.compare_digest(data["password"], fake.password)):
            self._error(401, "AuthenticationRequired", "Invalid identifier or password")
            return
        with fake._lock:
            fake.sessions_created += 1
        self._send(200, fake._issue())

    def _refreshSession(self, query, body, kind):
        fake = self.fake
        with fake._lock:
            fake.refresh_tokens.discard(self._bearer())   # rotated: each is good once
            fake.sessions_refreshed += 1
        self._send(200, fake._issue())

    def _createRecord(self, query, body, kind):
        fake = self.fake
        data = self._json_body(body)
        if data is None:
            self._error(400, "InvalidRequest", "Request body must be JSON")
            return
        record, rkey = data.get("record"), data.get("rkey")
        if data.get("repo") not in (fake.did, fake.handle):
            self._error(400, "InvalidRequest", f"Could not find repo: {data.get('repo')}")
            return
        if data.get("collection") != COLLECTION or not isinstance(record, dict) \
                or record.get("$type") != COLLECTION:
            self._error(400, "InvalidRequest", "Invalid collection or record type")
            return
        if not isinstance(record.get("text"), str) or not isinstance(record.get("createdAt"),
                                                                      str):
            self._error(400, "InvalidRequest", "Record/text must be a string")
            return
        if rkey is not None and (not isinstance(rkey, str) or not TID.fullmatch(rkey)):
            self._error(400, "InvalidRequest", "Invalid record key: must be a TID")
            return
        if problem := record_problem(record):
            self._error(400, "InvalidRequest", f"Invalid app.bsky.feed.post record: {problem}")
            return
        thumb = ((record.get("embed") or {}).get("external") or {}).get("thumb")
        if thumb is not None:
            ref = (thumb.get("ref") or {}).get("$link") if isinstance(thumb, dict) else None
            if ref not in fake.blobs:
                self._error(400, "InvalidRequest", f"Could not find blob: {ref}")
                return
        with fake._lock:
            rkey = rkey or fake._next_tid()
            uri = f"at://{fake.did}/{COLLECTION}/{rkey}"
            post = None if uri in fake.posts else fake._create(rkey, record)
        if post is None:
            # The reference PDS: the MST refuses the key ("There is already a value at key")
            # and the error reaches the client as a bare 500.
            self._error(500, "InternalServerError", "Internal Server Error")
            return
        if self._answered_after_create(kind, b'{"uri": "' + post.id.encode()):
            return
        self._send(200, {"uri": fake.wire_id(post), "cid": post.cid,
                         "commit": {"cid": fake_cid(post.cid.encode()), "rev": rkey},
                         "validationStatus": "valid"})

    def _resolveHandle(self, query, body, kind):
        handle = (self._one(query, "handle") or "").lower()
        did = self.fake.handles.get(handle)
        if did is None:
            self._error(400, "InvalidRequest", "Unable to resolve handle")
            return
        self._send(200, {"did": did})

    def _getRecord(self, query, body, kind):
        fake = self.fake
        repo, rkey = self._one(query, "repo"), self._one(query, "rkey")
        if not repo or not rkey or self._one(query, "collection") is None:
            self._error(400, "InvalidRequest", "Error: Params must have the property \"rkey\"")
            return
        uri = f"at://{fake.did}/{self._one(query, 'collection')}/{rkey}"
        post = fake.posts.get(uri) if repo in (fake.did, fake.handle) else None
        if post is None:
            self._error(400, "RecordNotFound", f"Could not locate record: {uri}")
            return
        self._send(200, {"uri": fake.wire_id(post), "cid": post.cid, "value": post.record})

    def _listRecords(self, query, body, kind):
        fake = self.fake
        limit = int(self._one(query, "limit") or 50)
        if not 1 <= limit <= 100:
            self._answer_fault("400")
            return
        posts = sorted(fake.posts.values(), key=lambda p: p.rkey,
                       reverse=self._one(query, "reverse") != "true")
        cursor = self._one(query, "cursor")
        if cursor:
            posts = [p for p in posts if (p.rkey < cursor if self._one(query, "reverse")
                                          != "true" else p.rkey > cursor)]
        page = posts[:limit]
        answer: dict = {"records": [{"uri": fake.wire_id(p), "cid": p.cid, "value": p.record}
                                    for p in page]}
        if len(posts) > limit:
            answer["cursor"] = page[-1].rkey
        self._send(200, answer)

    def _uploadBlob(self, query, body, kind):
        fake = self.fake
        mime = (self.headers.get("Content-Type") or "application/octet-stream").split(";")[0]
        cid = fake_cid(body, "bafkrei")
        with fake._lock:
            fake.blobs[cid] = (body, mime)
        self._send(200, {"blob": {"$type": "blob", "ref": {"$link": cid}, "mimeType": mime,
                                  "size": len(body)}})

    def _getPosts(self, query, body, kind):
        fake = self.fake
        uris = query.get("uris") or []
        if not uris or len(uris) > 25:
            self._error(400, "InvalidRequest", "Error: uris must not have more than 25 "
                        "elements")
            return
        shown = {fake.wire_id(p): p for p in fake.posts.values()
                 if p.id not in fake.not_indexed}
        self._send(200, {"posts": [fake.post_view(shown[u]) for u in uris if u in shown]})

    def _getAuthorFeed(self, query, body, kind):
        fake = self.fake
        actor = self._one(query, "actor")
        try:
            limit = int(self._one(query, "limit") or 50)
        except ValueError:
            limit = 0
        if not 1 <= limit <= 100:
            self._error(400, "InvalidRequest", "Error: limit can not be greater than 100")
            return
        if actor not in (fake.did, fake.handle):
            self._error(400, "InvalidRequest", "Profile not found")
            return
        posts = sorted((p for p in fake.posts.values() if p.id not in fake.not_indexed),
                       key=lambda p: (p.indexed_at, p.rkey), reverse=True)
        offset = int(self._one(query, "cursor") or 0)
        page = posts[offset:offset + limit]
        answer: dict = {"feed": [{"post": fake.post_view(p)} for p in page]}
        if offset + limit < len(posts):
            answer["cursor"] = str(offset + limit)
        self._send(200, answer)


@contextlib.contextmanager
def running_fake(**kwargs) -> Iterator[FakeBluesky]:
    with serving(FakeBluesky(**kwargs), _Handler, "fake-bluesky") as fake:
        yield fake
