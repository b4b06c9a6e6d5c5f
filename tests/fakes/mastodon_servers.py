"""The servers of the Mastodon client API as the fake (tests/fakes/fake_mastodon.py) plays
them: where they differ (status links, id forms, the batch endpoint, a bad token, the
Idempotency-Key window, cards and languages; docs/publisher.md, "Mastodon-API servers", says
where each fact comes from), and each one's status ids."""

from __future__ import annotations

import json
import string
from dataclasses import dataclass
from datetime import datetime, timedelta

from tests.fakes.fake_api import Answer

IDEMPOTENCY_WINDOW = timedelta(hours=1)

JSON = "application/json; charset=utf-8"


def error_answer(status: int, error: str) -> Answer:
    return Answer(status, json.dumps({"error": error}).encode(), JSON)


@dataclass(frozen=True)
class Server:
    """How one server of the Mastodon client API answers where servers differ."""
    name: str
    ids: str                       # "snowflake", "ulid", "flake", "takahe"
    url: str                       # status link forms: {base}, {user}, {host}, {id}
    uri: str
    batch: Answer | None           # None: GET /api/v1/statuses?id[]= works (Mastodon ≥ 4.3)
    bad_token: Answer
    idempotency: timedelta | None  # how long a create's Idempotency-Key is remembered
    cards: bool = True             # a link card on the status
    language: bool = True          # the status's language as posted


SERVERS = {
    # app/controllers/api/v1/statuses_controller.rb; ActivityPub::TagManager#url_for, #uri_for
    "mastodon": Server("mastodon", "snowflake", "{base}/@{user}/{id}",
                       "{base}/users/{user}/statuses/{id}", None,
                       error_answer(401, "The access token is invalid"), IDEMPOTENCY_WINDOW),
    # Mastodon before 4.3: no GET /api/v1/statuses route
    "mastodon-4.2": Server("mastodon-4.2", "snowflake", "{base}/@{user}/{id}",
                           "{base}/users/{user}/statuses/{id}",
                           error_answer(404, "Record not found"),
                           error_answer(401, "The access token is invalid"), IDEMPOTENCY_WINDOW),
    # internal/uris/uri.go GenerateURIsForAccount; internal/router/router.go
    # (HandleMethodNotAllowed: gin's plain-text 405); no Idempotency-Key; Card: nil
    "gotosocial": Server("gotosocial", "ulid", "{base}/@{user}/statuses/{id}",
                         "{base}/users/{user}/statuses/{id}",
                         Answer(405, b"405 method not allowed", "text/plain"),
                         error_answer(401, "Unauthorized: token not supplied"), None, cards=False),
    # StatusController#index wants ids[] (CastAndValidate: 400); IdempotencyPlug (6 hours);
    # StatusView url /notice/ID, uri the object's /objects/UUID
    "akkoma": Server("akkoma", "flake", "{base}/notice/{id}", "{base}/objects/{uuid}",
                     error_answer(400, "Missing field: ids."),
                     error_answer(403, "Invalid credentials."), timedelta(hours=6)),
    # api/middleware.py (400 text), api/urls.py (v1/statuses: POST only), Post.urls,
    # Post.to_mastodon_json (id a number, card and language None)
    "takahe": Server("takahe", "takahe", "{base}/@{user}/posts/{id}/",
                     "{base}/@{user}@{host}/posts/{id}/",
                     Answer(405, b"", "text/html; charset=utf-8"),
                     Answer(400, b"Invalid Bearer token", "text/html; charset=utf-8"),
                     None, cards=False, language=False),
}
_CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
_BASE62 = string.digits + string.ascii_uppercase + string.ascii_lowercase
TAKAHE_EPOCH = 1641020400          # core/snowflake.py


def _encode(number: int, alphabet: str, width: int) -> str:
    out = []
    for _ in range(width):
        number, digit = divmod(number, len(alphabet))
        out.append(alphabet[digit])
    return "".join(reversed(out))


def status_id(ids: str, created_at: datetime, seq: int) -> str:
    """A new status id in the server's form, ordered by time then `seq`."""
    millis = int(created_at.timestamp() * 1000)
    if ids == "ulid":              # 48 bits of milliseconds, 80 more bits: 26 characters
        return _encode((millis << 80) | (seq * 7919), _CROCKFORD, 26)
    if ids == "flake":             # Pleroma's FlakeId: 64 bits time, 48 worker, 16 sequence
        return _encode((millis << 64) | (0xA1B2C3 << 16) | (seq & 0xFFFF), _BASE62, 22)
    if ids == "takahe":            # 41 bits time since 2022, 19 random, 3 type (post: 0)
        return str(((millis - TAKAHE_EPOCH * 1000) << 22) | ((seq & 0x7FFFF) << 3))
    return str((millis << 16) | (seq & 0xFFFF))
