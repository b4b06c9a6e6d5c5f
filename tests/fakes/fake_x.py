"""A loopback fake of the X API v2 endpoints the publisher uses, speaking X's wire format.

    with running_fake() as fake:           # or the `fake_x` pytest fixture
        fake.url                           # "http://127.0.0.1:PORT/2" → X_API_BASE_URL
        fake.fail("POST /2/tweets", "429", times=1)
        fake.set_metrics(post_id, likes=3, impressions=120)
        fake.posts_created                 # how many posts were ever created

Endpoints: POST /2/tweets, GET /2/tweets?ids=, GET /2/tweets/:id, DELETE /2/tweets/:id,
GET /2/users/me, GET /2/users/:id/tweets. Every request needs a Bearer token or an OAuth 1.0a
header whose HMAC-SHA1 signature is checked against the configured credentials (401 problem
JSON otherwise). Every answer carries x-rate-limit-limit/-remaining/-reset. The clock
(`fake.now`) sets created_at and reset times.

Faults (`fail(endpoint, kind, times=N)`) answer the next N requests to that endpoint with:
"400", "400-echo" (its detail repeats the Authorization header's key and token, or its
bearer token), "401", "402",
"403" (client forbidden), "403-duplicate", "429", "500",
"503-html" (not JSON), "malformed" (2xx with a broken body), "hang" (no answer until the
client has timed out), "hold" (wait until `release_hold()`, then answer normally),
"drop-after-create" (create the post, then close the connection without answering),
"malformed-after-create", "hang-after-create".

Hostile ids (`hostile_ids("123\nEngagement_X: likes 999", "1 2")`): the next posts created are
shown under these ids in every answer (the create answer, timelines, lookups), as a
compromised or buggy API might; the post itself exists under its real id.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import hmac
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import ClassVar
from urllib.parse import parse_qsl, quote, unquote, urlsplit

from tests.fakes.fake_api import Answer, FakeAPI, FakeHandler, json_answer
from tests.fakes.loopback_fake import serving

USER_ID = "1234567890"
USERNAME = "listeningbrands"
CREDENTIALS = {
    "X_API_KEY": "fake-consumer-key",
    "X_API_SECRET": "fake-consumer-secret",
    "X_ACCESS_TOKEN": f"{USER_ID}-fakeaccesstoken",
    "X_ACCESS_TOKEN_SECRET": "fake-access-secret",
    "X_BEARER_TOKEN": "fake-bearer-token",
}
FIRST_ID = 1849203000000000000
_URL = re.compile(r"https?://\S+")


def x_time(value: datetime) -> str:
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z")


def problem(status: int, title: str, detail: str, type_: str = "about:blank",
            **extra) -> dict:
    return {"title": title, "detail": detail, "type": type_, "status": status, **extra}


def not_found_error(post_id: str, parameter: str = "ids") -> dict:
    return {
        "value": post_id,
        "detail": f"Could not find tweet with {parameter}: [{post_id}].",
        "title": "Not Found Error",
        "resource_type": "tweet",
        "parameter": parameter,
        "resource_id": post_id,
        "type": "https://api.twitter.com/2/problems/resource-not-found",
    }


def _enc(text: str) -> str:
    return quote(text, safe="~-._")


def oauth1_signature(method: str, base_uri: str, params: list[tuple[str, str]],
                     consumer_secret: str, token_secret: str) -> str:
    normalized = "&".join(f"{k}={v}" for k, v in sorted((_enc(k), _enc(v)) for k, v in params))
    base = "&".join([method.upper(), _enc(base_uri), _enc(normalized)])
    key = f"{_enc(consumer_secret)}&{_enc(token_secret)}".encode()
    return base64.b64encode(hmac.new(key, base.encode(), hashlib.sha1).digest()).decode()


@dataclass
class Post:
    id: str
    text: str
    created_at: datetime
    urls: list[dict] = field(default_factory=list)
    metrics: dict = field(default_factory=dict)


class FakeX(FakeAPI):
    def __init__(self, now: datetime | None = None, *, check_signatures: bool = True):
        super().__init__(now)
        self.credentials = dict(CREDENTIALS)
        self.check_signatures = check_signatures
        self.tco = False                    # rewrite links to t.co like real X does
        self.repost_spelling = False        # public_metrics.repost_count instead of retweet_
        self.posts: dict[str, Post] = {}
        self.rate_limit_window = 900
        self._next_id = FIRST_ID
        self._hostile: list[str] = []

    # --- test controls --------------------------------------------------------------
    @property
    def url(self) -> str:
        return f"{self.base}/2"

    def env(self, **overrides: str) -> dict[str, str]:
        env = {**self.credentials, "X_API_BASE_URL": self.url,
               "PUBLISH_HTTP_TIMEOUT": "2,1"}
        env.update(overrides)
        return env

    def hostile_ids(self, *ids: str) -> None:
        with self._lock:
            self._hostile.extend(ids)

    def wire_id(self, post: Post) -> str:
        return self.shown_ids.get(post.id, post.id)

    def set_metrics(self, post_id: str, *, likes=0, reposts=0, replies=0, quotes=0,
                    bookmarks=0, impressions=0) -> None:
        self.posts[post_id].metrics = {
            "like_count": likes, "retweet_count": reposts, "reply_count": replies,
            "quote_count": quotes, "bookmark_count": bookmarks, "impression_count": impressions,
        }

    def add_post(self, text: str, created_at: datetime | None = None) -> str:
        with self._lock:
            return self._create(text, created_at or self.now).id

    def posts_containing(self, link: str) -> list[Post]:
        return [p for p in self.posts.values()
                if link in p.text or any(u["expanded_url"] == link for u in p.urls)]

    # --- the model ------------------------------------------------------------------------
    def _create(self, text: str, created_at: datetime) -> Post:
        post_id = str(self._next_id)
        self._next_id += 1
        urls = []
        stored = text
        if self.tco:
            for n, match in enumerate(_URL.finditer(text)):
                short = f"https://t.co/fake{post_id[-4:]}{n}"
                stored = stored.replace(match.group(0), short, 1)
                urls.append({"url": short, "expanded_url": match.group(0),
                             "display_url": match.group(0).split("//", 1)[1][:24] + "…"})
        else:
            urls = [{"url": m.group(0), "expanded_url": m.group(0)}
                    for m in _URL.finditer(text)]
        post = Post(post_id, stored, created_at, urls)
        if self._hostile:
            self.shown_ids[post_id] = self._hostile.pop(0)
        self.posts[post_id] = post
        self.posts_created += 1
        return post

    def _original_text(self, post: Post) -> str:
        text = post.text
        for url in post.urls:
            text = text.replace(url["url"], url["expanded_url"])
        return text

    def tweet_json(self, post: Post, fields: set[str]) -> dict:
        shown = self.wire_id(post)
        data = {"id": shown, "text": post.text, "edit_history_tweet_ids": [shown]}
        if "created_at" in fields:
            data["created_at"] = x_time(post.created_at)
        if "author_id" in fields:
            data["author_id"] = USER_ID
        if "entities" in fields and post.urls:
            data["entities"] = {"urls": [dict(u, start=0, end=0) for u in post.urls]}
        if "public_metrics" in fields:
            metrics = {"retweet_count": 0, "reply_count": 0, "like_count": 0,
                       "quote_count": 0, "bookmark_count": 0, "impression_count": 0}
            metrics.update(post.metrics)
            if self.repost_spelling:
                metrics["repost_count"] = metrics.pop("retweet_count")
            data["public_metrics"] = metrics
        return data

    def rate_headers(self, remaining: int = 99) -> dict[str, str]:
        reset = int((self.now + timedelta(seconds=self.rate_limit_window)).timestamp())
        return {"x-rate-limit-limit": "100", "x-rate-limit-remaining": str(remaining),
                "x-rate-limit-reset": str(reset)}


def _invalid_request() -> Answer:
    return json_answer(400, {"errors": [{"parameters": {"text": ["…"]},
                                         "message": "Invalid text"}],
                             "title": "Invalid Request",
                             "detail": "One or more parameters to your request was invalid.",
                             "type": "https://api.twitter.com/2/problems/invalid-request"})


class _Handler(FakeHandler):
    created_status = 201
    FAULTS: ClassVar[dict[str, Answer]] = {
        "400": _invalid_request(),
        "401": json_answer(401, problem(401, "Unauthorized", "Unauthorized")),
        "402": json_answer(402, problem(402, "CreditsDepleted",
                                        "Your account does not have any credits.",
                                        "https://api.twitter.com/2/problems/credits-depleted")),
        "403": json_answer(403, {"type": "https://api.x.com/2/problems/client-forbidden",
                                 "title": "Client Forbidden",
                                 "detail": "This request must be made using an approved "
                                           "developer account.",
                                 "reason": "client-not-enrolled",
                                 "registration_url": "https://developer.x.com/"}),
        "403-duplicate": json_answer(403, problem(403, "Forbidden", "You are not allowed to "
                                                  "create a Tweet with duplicate content.")),
        "429": json_answer(429, problem(429, "Too Many Requests", "Too Many Requests")),
        "500": json_answer(500, problem(500, "Internal Server Error", "Internal Server Error")),
        "503-html": Answer(503, b"<html><body>Over capacity</body></html>", "text/html"),
        "malformed": Answer(200, b'{"data": {"id": '),
    }

    @property
    def fake(self) -> FakeX:
        return self.server.fake

    def _authorized(self, method: str, path: str, query: list[tuple[str, str]]) -> bool:
        header = self.headers.get("Authorization", "")
        creds = self.fake.credentials
        if header.startswith("Bearer "):
            return header[7:] == creds["X_BEARER_TOKEN"]
        if not header.startswith("OAuth "):
            return False
        params = {k: unquote(v) for k, v in re.findall(r'(\w+)="([^"]*)"', header)}
        if params.get("oauth_consumer_key") != creds["X_API_KEY"]:
            return False
        if params.get("oauth_token") != creds["X_ACCESS_TOKEN"]:
            return False
        if not self.fake.check_signatures:
            return True
        signature = params.pop("oauth_signature", "")
        params.pop("realm", None)
        base_uri = f"http://{self.headers.get('Host')}{path}"
        expected = oauth1_signature(method, base_uri, [*query, *params.items()],
                                    creds["X_API_SECRET"], creds["X_ACCESS_TOKEN_SECRET"])
        return hmac.compare_digest(signature, expected)

    def echo(self, authorization: str) -> Answer:
        keys = re.findall(r'oauth_(?:consumer_key|token)="[^"]*"', authorization)
        return json_answer(400, problem(400, "Invalid Request", "Authorization: "
                                        + (", ".join(keys) or authorization)))

    # --- routing --------------------------------------------------------------------------
    def endpoint_of(self, method: str, path: str) -> str:
        if re.fullmatch(r"/2/tweets/\d+", path):
            return f"{method} /2/tweets/:id"
        if re.fullmatch(r"/2/users/\d+/tweets", path):
            return f"{method} /2/users/:id/tweets"
        return f"{method} {path}"

    def refused(self, method: str, path: str) -> bool:
        query = parse_qsl(urlsplit(self.path).query, keep_blank_values=True)
        if self._authorized(method, path, query):
            return False
        self._answer(self.FAULTS["401"])
        return True

    def endpoint(self, endpoint, path, query, body, kind):
        handler = {
            "POST /2/tweets": self._create,
            "GET /2/tweets": self._lookup,
            "GET /2/tweets/:id": self._single,
            "DELETE /2/tweets/:id": self._delete,
            "GET /2/users/me": self._me,
            "GET /2/users/:id/tweets": self._timeline,
        }.get(endpoint)
        if handler is None:
            self._send(404, problem(404, "Not Found", f"no route {endpoint}"))
            return
        handler(path, dict(parse_qsl(query, keep_blank_values=True)), body, kind)

    def do_DELETE(self):
        self._route("DELETE")

    # --- endpoints ------------------------------------------------------------------------
    def _create(self, path, query, body, kind):
        fake = self.fake
        try:
            text = json.loads(body or b"{}").get("text")
        except (ValueError, AttributeError):
            text = None
        if not isinstance(text, str) or not text.strip():
            self._answer_fault("400")
            return
        with fake._lock:
            duplicate = any(fake._original_text(p) == text for p in fake.posts.values())
            post = None if duplicate else fake._create(text, fake.now)
        if post is None:
            self._answer_fault("403-duplicate")
            return
        if self._answered_after_create(kind, b'{"data": {"id": "' + post.id.encode()):
            return
        shown = fake.wire_id(post)
        self._send(201, {"data": {"id": shown, "text": post.text,
                                  "edit_history_tweet_ids": [shown]}})

    @staticmethod
    def _fields(query) -> set[str]:
        raw = query.get("tweet.fields") or query.get("post.fields") or ""
        return {f for f in raw.split(",") if f}

    def _lookup(self, path, query, body, kind):
        ids = [i for i in (query.get("ids") or "").split(",") if i]
        if not ids or len(ids) > 100:
            self._answer_fault("400")
            return
        fields = self._fields(query)
        data = [self.fake.tweet_json(self.fake.posts[i], fields) for i in ids
                if i in self.fake.posts]
        errors = [not_found_error(i) for i in ids if i not in self.fake.posts]
        answer = {}
        if data:
            answer["data"] = data
        if errors:
            answer["errors"] = errors
        self._send(200, answer)

    def _single(self, path, query, body, kind):
        post_id = path.rsplit("/", 1)[1]
        post = self.fake.posts.get(post_id)
        if post is None:
            self._send(200, {"errors": [not_found_error(post_id, "id")]})
        else:
            self._send(200, {"data": self.fake.tweet_json(post, self._fields(query))})

    def _delete(self, path, query, body, kind):
        post_id = path.rsplit("/", 1)[1]
        deleted = self.fake.posts.pop(post_id, None) is not None
        self._send(200, {"data": {"deleted": deleted}})

    def _me(self, path, query, body, kind):
        self._send(200, {"data": {"id": USER_ID, "name": "Listening Brands",
                                  "username": USERNAME}})

    def _timeline(self, path, query, body, kind):
        user_id = path.split("/")[3]
        try:
            max_results = int(query.get("max_results", "10"))
        except ValueError:
            max_results = 0
        if not 5 <= max_results <= 100:
            self._answer_fault("400")
            return
        posts = sorted(self.fake.posts.values(), key=lambda p: int(p.id), reverse=True)
        if user_id != USER_ID:
            posts = []
        if query.get("since_id"):
            posts = [p for p in posts if int(p.id) > int(query["since_id"])]
        offset = int(query.get("pagination_token") or 0)
        page = posts[offset:offset + max_results]
        meta: dict = {"result_count": len(page)}
        if page:
            meta["newest_id"] = page[0].id
            meta["oldest_id"] = page[-1].id
        if offset + max_results < len(posts):
            meta["next_token"] = str(offset + max_results)
        answer: dict = {"meta": meta}
        if page:
            answer["data"] = [self.fake.tweet_json(p, self._fields(query)) for p in page]
        self._send(200, answer)


@contextlib.contextmanager
def running_fake(**kwargs) -> Iterator[FakeX]:
    with serving(FakeX(**kwargs), _Handler, "fake-x") as fake:
        yield fake
