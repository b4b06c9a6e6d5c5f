"""A loopback fake of the Mastodon REST API endpoints the publisher uses, in Mastodon's wire
format.

    with running_fake() as fake:           # or a pytest fixture around it
        fake.url                           # "http://127.0.0.1:PORT" → MASTODON_BASE_URL
        fake.env()                         # MASTODON_* pointing here, PUBLISH_HTTP_TIMEOUT short
        fake.fail("POST /api/v1/statuses", "429", times=1)
        fake.set_metrics(post_id, favourites=3, boosts=1, replies=2)
        fake.posts_created                 # how many posts were ever created

Endpoints: POST /api/v1/statuses (form or JSON body; `Idempotency-Key` honoured like
Mastodon's PostStatusService: the same key from the same account within an hour of
`fake.now` answers with the status it created, and creates nothing), GET /api/v1/statuses?id[]=
(Mastodon ≥ 4.3: at most 20 ids, else 422; unknown or deleted ids are left out of the answer;
`fake.batch_endpoint = False` makes it a 404 like an older server), GET /api/v1/statuses/:id,
DELETE /api/v1/statuses/:id, GET /api/v1/accounts/verify_credentials,
GET /api/v1/accounts/:id/statuses (limit ≤ 40, max_id/since_id/min_id, exclude_reblogs, a
Link header with rel="next"/"prev" like Mastodon's). Every request needs
`Authorization: Bearer <token>` (401 {"error": "The access token is invalid"} otherwise);
every answer carries X-RateLimit-Limit/-Remaining/-Reset (an ISO 8601 time). Errors are
{"error": "..."} as Mastodon sends them. The clock (`fake.now`) sets created_at, status ids
(snowflakes: milliseconds << 16), reset times and the idempotency window.

Statuses look like Mastodon renders them: `content` is HTML (paragraphs, <br />, every link an
<a> whose text is split into invisible/ellipsis spans), `url` is http://127.0.0.1:PORT/@brand/ID,
`card` names the first link (`fake.cards = False`: no card yet, as just after posting).

Faults (`fail(endpoint, kind, times=N)`; endpoint like "POST /api/v1/statuses",
"GET /api/v1/statuses", "GET /api/v1/statuses/:id", "GET /api/v1/accounts/verify_credentials",
"GET /api/v1/accounts/:id/statuses") answer the next N requests to that endpoint with:
"400-echo" (its error text repeats the Authorization header), "401", "403", "404", "422",
"429" (X-RateLimit-Remaining 0 and a reset time), "500",
"503-html" (not JSON), "malformed" (2xx with a broken body), "hang" (no answer until the
client has timed out), "hold" (wait until `release_hold()`, then answer normally; `holding`
is set meanwhile), "drop-after-create" (create the post, then close the connection without
answering), "malformed-after-create", "hang-after-create".

Hostile answers (`hostile_ids("1 2", …)`, `hostile_urls("javascript:alert(1)", …)`, where
`{id}` stands for the status's id): the next posts created are shown with these ids/urls (as
both `url` and `uri`) in every answer, as a
compromised or buggy server might; the post itself exists under its real id.

Servers (`running_fake(server="gotosocial")`, one of SERVERS; docs/publisher.md, "Mastodon-API
servers", says where each fact comes from): each answers as that server does, with its status
link shapes (`url`, `uri`), its id form (Mastodon snowflakes, GoToSocial ULIDs, Akkoma
FlakeIds, Takahē snowflakes sent as JSON numbers), its answer to the batch endpoint
`GET /api/v1/statuses?id[]=`, its answer to a bad token (also as the fault "bad-token"), its
Idempotency-Key window (none on GoToSocial and Takahē), and whether it shows a link card and
the status's language.
"""

from __future__ import annotations

import contextlib
import html
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import ClassVar
from urllib.parse import parse_qsl, urlencode, urlsplit

from tests.fakes.fake_api import Answer, FakeAPI, FakeHandler
from tests.fakes.loopback_fake import serving
from tests.fakes.mastodon_servers import JSON, SERVERS, Server, error_answer, status_id

USERNAME = "brand"
TOKEN = "fake-mastodon-access-token-5f2c"
BATCH_LIMIT = 20          # Api::BaseController::DEFAULT_STATUSES_LIMIT
PAGE_DEFAULT, PAGE_MAX = 20, 40
_URL = re.compile(r"https?://[^\s<>\"]+")


def mastodon_time(value: datetime) -> str:
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.") + \
        f"{value.microsecond // 1000:03d}Z"


def link_html(url: str) -> str:
    """A link the way Mastodon's TextFormatter renders it: the scheme hidden, 30 characters
    shown, the rest hidden (with an ellipsis shown by CSS when cut)."""
    prefix = re.match(r"https?://(?:www\.)?", url).group(0)
    rest = url[len(prefix):]
    shown, hidden = rest[:30], rest[30:]
    cls = "ellipsis" if hidden else ""
    return (f'<a href="{html.escape(url)}" target="_blank" rel="nofollow noopener" '
            f'translate="no"><span class="invisible">{html.escape(prefix)}</span>'
            f'<span class="{cls}">{html.escape(shown)}</span>'
            f'<span class="invisible">{html.escape(hidden)}</span></a>')


def render_content(text: str) -> str:
    """Plain status text → Mastodon's HTML: paragraphs at blank lines, <br /> at line ends,
    links as <a> with spans, everything else escaped."""
    paragraphs = [p for p in re.split(r"\n\s*\n", text.strip()) if p.strip()]

    def inline(part: str) -> str:
        out, pos = [], 0
        for match in _URL.finditer(part):
            out.append(html.escape(part[pos:match.start()]))
            out.append(link_html(match.group(0)))
            pos = match.end()
        out.append(html.escape(part[pos:]))
        return "".join(out).replace("\n", "<br />")

    return "".join(f"<p>{inline(p)}</p>" for p in paragraphs)


@dataclass
class Post:
    id: str
    text: str
    created_at: datetime
    language: str | None = None
    visibility: str = "public"
    metrics: dict = field(default_factory=dict)
    seq: int = 0

    @property
    def order(self) -> tuple[datetime, int]:
        return (self.created_at, self.seq)


class FakeMastodon(FakeAPI):
    def __init__(self, now: datetime | None = None, server: str = "mastodon"):
        super().__init__(now)
        self.server_kind: Server = SERVERS[server]
        self.account_id = status_id(self.server_kind.ids, datetime(2022, 11, 14, tzinfo=UTC), 1)
        self.token = TOKEN
        self.posts: dict[str, Post] = {}
        self.idempotency_keys_seen: list[str | None] = []
        self.cards = self.server_kind.cards
        self.batch_endpoint = self.server_kind.batch is None
        self.rate_limit_window = 300
        self._idempotency: dict[tuple[str, str], tuple[str, datetime]] = {}
        self._seq = 0
        self._hostile_ids: list[str] = []
        self._hostile_urls: list[str] = []
        self.shown_urls: dict[str, str] = {}

    # --- test controls --------------------------------------------------------------
    @property
    def url(self) -> str:
        return self.base

    def env(self, **overrides: str) -> dict[str, str]:
        env = {"MASTODON_BASE_URL": self.url, "MASTODON_ACCESS_TOKEN": self.token,
               "PUBLISH_HTTP_TIMEOUT": "2,1"}
        env.update(overrides)
        return env

    def hostile_ids(self, *ids: str) -> None:
        with self._lock:
            self._hostile_ids.extend(ids)

    def hostile_urls(self, *urls: str) -> None:
        with self._lock:
            self._hostile_urls.extend(urls)

    def set_metrics(self, post_id: str, *, favourites=0, boosts=0, replies=0) -> None:
        self.posts[post_id].metrics = {"favourites_count": favourites,
                                       "reblogs_count": boosts, "replies_count": replies}

    def add_post(self, text: str, created_at: datetime | None = None) -> str:
        with self._lock:
            return self._create(text, created_at or self.now).id

    def posts_containing(self, link: str) -> list[Post]:
        return [p for p in self.posts.values() if link in p.text]

    def status_url(self, post_id: str) -> str:
        """The status's `url`, in the server's form."""
        return self._link(self.server_kind.url, post_id)

    def status_uri(self, post_id: str) -> str:
        return self._link(self.server_kind.uri, post_id)

    def _link(self, form: str, post_id: str) -> str:
        host = urlsplit(self.url).netloc
        uuid = f"{abs(hash(post_id)) % 16**12:012x}-0000-4000-8000-000000000000"
        return form.format(base=self.url, user=USERNAME, host=host, id=post_id, uuid=uuid)

    # --- the model ------------------------------------------------------------------------
    def _create(self, text: str, created_at: datetime, language: str | None = None,
                visibility: str = "public") -> Post:
        self._seq += 1
        post_id = status_id(self.server_kind.ids, created_at, self._seq)
        post = Post(post_id, text, created_at, language, visibility, seq=self._seq)
        if self._hostile_ids:
            self.shown_ids[post_id] = self._hostile_ids.pop(0)
        if self._hostile_urls:
            self.shown_urls[post_id] = self._hostile_urls.pop(0)
        self.posts[post_id] = post
        self.posts_created += 1
        return post

    def account_json(self) -> dict:
        return {
            "id": self._wire_id(self.account_id), "username": USERNAME, "acct": USERNAME,
            "display_name": "Listening Brands", "locked": False, "bot": False,
            "discoverable": True, "group": False,
            "created_at": "2022-11-14T00:00:00.000Z", "note": "<p>We listen.</p>",
            "url": f"{self.url}/@{USERNAME}", "uri": f"{self.url}/users/{USERNAME}",
            "avatar": f"{self.url}/avatars/original/missing.png",
            "avatar_static": f"{self.url}/avatars/original/missing.png",
            "header": f"{self.url}/headers/original/missing.png",
            "header_static": f"{self.url}/headers/original/missing.png",
            "followers_count": 12, "following_count": 3, "statuses_count": len(self.posts),
            "last_status_at": "2026-11-22", "emojis": [], "fields": [],
        }

    def status_json(self, post: Post) -> dict:
        shown_id = self.shown_ids.get(post.id, post.id)
        links = _URL.findall(post.text)
        card = None
        if self.cards and links:
            card = {"url": links[0], "title": "An article", "description": "",
                    "type": "link", "author_name": "", "author_url": "",
                    "provider_name": "", "provider_url": "", "html": "", "width": 400,
                    "height": 200, "image": None, "embed_url": "", "blurhash": None}
        counts = {"favourites_count": 0, "reblogs_count": 0, "replies_count": 0}
        counts.update(post.metrics)
        language = (post.language or "en") if self.server_kind.language else None
        return {
            "id": self._wire_id(shown_id),
            "created_at": mastodon_time(post.created_at),
            "in_reply_to_id": None, "in_reply_to_account_id": None,
            "sensitive": False, "spoiler_text": "", "visibility": post.visibility,
            "language": language,
            "uri": self._shown_url(post.id, self.status_uri(shown_id)),
            "url": self._shown_url(post.id, self.status_url(shown_id)),
            **counts,
            "edited_at": None, "favourited": False, "reblogged": False, "muted": False,
            "bookmarked": False, "pinned": False,
            "content": render_content(post.text),
            "filtered": [], "reblog": None,
            "application": {"name": "publish", "website": None},
            "account": self.account_json(),
            "media_attachments": [], "mentions": [], "tags": [], "emojis": [],
            "card": card, "poll": None,
        }

    def _shown_url(self, post_id: str, own: str) -> str | None:
        """A hostile url (with `{id}` replaced by the status's id), else the server's own."""
        if post_id not in self.shown_urls:
            return own
        shown = self.shown_urls[post_id]
        return shown.replace("{id}", post_id) if isinstance(shown, str) else shown

    def _wire_id(self, value: str) -> str | int:
        """Takahē sends its ids as JSON numbers."""
        return int(value) if self.server_kind.ids == "takahe" and value.isdigit() else value

    def ordered(self) -> list[Post]:
        """Newest first, as timelines are."""
        return sorted(self.posts.values(), key=lambda p: p.order, reverse=True)

    def rate_headers(self, remaining: int = 299) -> dict[str, str]:
        reset = self.now + timedelta(seconds=self.rate_limit_window)
        return {"X-RateLimit-Limit": "300", "X-RateLimit-Remaining": str(remaining),
                "X-RateLimit-Reset": reset.strftime("%Y-%m-%dT%H:%M:%S.%fZ")}


class _Handler(FakeHandler):
    content_type = JSON
    FAULTS: ClassVar[dict[str, Answer]] = {
        "401": error_answer(401, "The access token is invalid"),
        "403": error_answer(403, "This action is not allowed"),
        "404": error_answer(404, "Record not found"),
        "422": error_answer(422, "Validation failed: Text character limit of 500 exceeded"),
        "429": error_answer(429, "Too many requests"),
        "500": error_answer(500, "Something went wrong on our end"),
        "503-html": Answer(503, b"<html><body><h1>503 Service Unavailable</h1></body></html>",
                           "text/html"),
        "malformed": Answer(200, b'{"id": "1'),
    }

    @property
    def fake(self) -> FakeMastodon:
        return self.server.fake

    def _error(self, status: int, message: str, headers: dict[str, str] | None = None) -> None:
        self._send(status, {"error": message}, headers=headers)

    def echo(self, authorization: str) -> Answer:
        return error_answer(400, "bad request with Authorization: " + authorization)

    def other_fault(self, kind: str) -> bool:
        if kind != "bad-token":
            return False
        self._answer(self.fake.server_kind.bad_token)
        return True

    # --- routing --------------------------------------------------------------------------
    def endpoint_of(self, method: str, path: str) -> str:
        if re.fullmatch(r"/api/v1/statuses/[A-Za-z0-9_-]+", path):
            return f"{method} /api/v1/statuses/:id"
        if re.fullmatch(r"/api/v1/accounts/[A-Za-z0-9_-]+/statuses", path):
            return f"{method} /api/v1/accounts/:id/statuses"
        return f"{method} {path}"

    def refused(self, method: str, path: str) -> bool:
        if self.headers.get("Authorization", "") == f"Bearer {self.fake.token}":
            return False
        self._answer(self.fake.server_kind.bad_token)
        return True

    def endpoint(self, endpoint, path, query, body, kind):
        handler = {
            "POST /api/v1/statuses": self._create,
            "GET /api/v1/statuses": self._batch,
            "GET /api/v1/statuses/:id": self._single,
            "DELETE /api/v1/statuses/:id": self._delete,
            "GET /api/v1/accounts/verify_credentials": self._verify,
            "GET /api/v1/accounts/:id/statuses": self._timeline,
        }.get(endpoint)
        if handler == self._batch and not self.fake.batch_endpoint:
            self._answer(self.fake.server_kind.batch or error_answer(404, "Record not found"))
            return
        if handler is None:
            self._error(404, "Record not found")
            return
        handler(path, parse_qsl(query, keep_blank_values=True), body, kind)

    def do_DELETE(self):
        self._route("DELETE")

    # --- endpoints ------------------------------------------------------------------------
    def _form(self, body: bytes) -> dict:
        if "json" in (self.headers.get("Content-Type") or ""):
            try:
                data = json.loads(body or b"{}")
            except ValueError:
                return {}
            return data if isinstance(data, dict) else {}
        return dict(parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True))

    def _create(self, path, query, body, kind):
        fake = self.fake
        form = self._form(body)
        text = form.get("status")
        key = self.headers.get("Idempotency-Key")
        with fake._lock:
            fake.idempotency_keys_seen.append(key)
        if not isinstance(text, str) or not text.strip():
            self._error(422, "Validation failed: Text can't be blank")
            return
        if len(text) > 500:
            self._answer_fault("422")
            return
        visibility = form.get("visibility") or "public"
        if visibility not in ("public", "unlisted", "private", "direct"):
            self._error(422, "Validation failed: Visibility is not included in the list")
            return
        window = fake.server_kind.idempotency
        with fake._lock:
            post = None
            if key and window:
                seen = fake._idempotency.get((fake.account_id, key))
                if seen and fake.now - seen[1] < window:
                    post = fake.posts.get(seen[0])
            if post is None:
                post = fake._create(text, fake.now, form.get("language"), visibility)
                if key and window:
                    fake._idempotency[(fake.account_id, key)] = (post.id, fake.now)
        if self._answered_after_create(kind, b'{"id": "' + post.id.encode()):
            return
        self._send(200, fake.status_json(post))

    def _batch(self, path, query, body, kind):
        ids = list(dict.fromkeys(v for k, v in query if k in ("id[]", "id")))
        if len(ids) > BATCH_LIMIT:
            self._error(422, "Validation failed")
            return
        found = [self.fake.posts[i] for i in ids if i in self.fake.posts]
        self._send(200, [self.fake.status_json(p) for p in found])

    def _single(self, path, query, body, kind):
        post = self.fake.posts.get(path.rsplit("/", 1)[1])
        if post is None:
            self._error(404, "Record not found")
        else:
            self._send(200, self.fake.status_json(post))

    def _delete(self, path, query, body, kind):
        post = self.fake.posts.pop(path.rsplit("/", 1)[1], None)
        if post is None:
            self._error(404, "Record not found")
        else:
            self._send(200, {**self.fake.status_json(post), "text": post.text})

    def _verify(self, path, query, body, kind):
        self._send(200, {**self.fake.account_json(),
                         "source": {"privacy": "public", "sensitive": False, "language": "en",
                                    "note": "We listen.", "fields": []}})

    def _timeline(self, path, query, body, kind):
        fake = self.fake
        params = dict(query)
        try:
            limit = min(max(int(params.get("limit") or PAGE_DEFAULT), 1), PAGE_MAX)
        except ValueError:
            limit = PAGE_DEFAULT
        posts = fake.ordered()
        if path.split("/")[4] != fake.account_id:
            self._error(404, "Record not found")
            return

        def bound(name: str) -> tuple | None:
            value = params.get(name)
            post = fake.posts.get(value) if value else None
            return post.order if post else None

        max_id, since_id, min_id = bound("max_id"), bound("since_id"), bound("min_id")
        if max_id is not None:
            posts = [p for p in posts if p.order < max_id]
        if since_id is not None:
            posts = [p for p in posts if p.order > since_id]
        if min_id is not None:
            posts = sorted((p for p in posts if p.order > min_id), key=lambda p: p.order)
            posts = sorted(posts[:limit], key=lambda p: p.order, reverse=True)
        page = posts[:limit]
        headers = {}
        if page:
            base = f"{fake.url}/api/v1/accounts/{fake.account_id}/statuses"
            older = urlencode({"limit": limit, "max_id": page[-1].id})
            newer = urlencode({"limit": limit, "min_id": page[0].id})
            headers["Link"] = f'<{base}?{older}>; rel="next", <{base}?{newer}>; rel="prev"'
        self._send(200, [fake.status_json(p) for p in page], headers=headers)


@contextlib.contextmanager
def running_fake(**kwargs) -> Iterator[FakeMastodon]:
    with serving(FakeMastodon(**kwargs), _Handler, "fake-mastodon") as fake:
        yield fake
