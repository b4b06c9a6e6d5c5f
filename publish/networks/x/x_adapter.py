"""X (Twitter) API v2 through python-twitter-v2 (`pytwitter`). The only module importing it.

Credentials come from the environment mapping handed to `from_env`; nothing here prints. Every
request has a timeout; reads retry with bounded backoff (the sleep function is injected);
the create request is never retried. A response hook on the pytwitter session records the
status and headers of the last answer, because `PyTwitterError` carries neither.
"""

from __future__ import annotations

import html
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import partial
from typing import Any

import requests
from pytwitter import Api
from pytwitter.error import PyTwitterError

from publish.clock import TimeFormatError, parse_time
from publish.networks import (
    Draft,
    ErrorKind,
    FoundPost,
    MetricsResult,
    NetworkError,
    PostResult,
    SearchResult,
)
from publish.networks.common import (
    DEFAULT_DEADLINE,
    one_line,
    parse_deadline,
    parse_timeout,
    read_with_retries,
    requests_session,
)
from publish.networks.x.x_capabilities import (
    CAPABILITIES,
    DEFAULT_BASE_URL,
    POST_CREDENTIALS,
    config_problems,
)
from publish.redaction import redact_all, secret_values

PAGE_SIZE = 100
MAX_PAGES = 10                     # reconcile looks at most 1,000 recent posts


def post_url(post_id: str) -> str:
    return CAPABILITIES.post_url.format(post_id=post_id)


# --- pure helpers -----------------------------------------------------------------------

def _epoch(value: Any) -> datetime | None:
    try:
        seconds = int(str(value).strip())
    except (TypeError, ValueError):
        return None
    return datetime.fromtimestamp(seconds, UTC) if seconds > 0 else None


def rate_limit_reset(headers: Mapping[str, str]) -> datetime | None:
    """When posting may resume: the latest reset among exhausted buckets (15-minute and the
    24-hour app/user buckets), else the 15-minute reset."""
    lowered = {k.lower(): v for k, v in headers.items()}
    exhausted = []
    for prefix in ("x-rate-limit", "x-app-limit-24hour", "x-user-limit-24hour"):
        if lowered.get(f"{prefix}-remaining", "").strip() == "0":
            reset = _epoch(lowered.get(f"{prefix}-reset"))
            if reset:
                exhausted.append(reset)
    if exhausted:
        return max(exhausted)
    return _epoch(lowered.get("x-rate-limit-reset"))


def _problem_text(payload: Any) -> str:
    return one_line(_payload_text(payload))


def _payload_text(payload: Any) -> str:
    if isinstance(payload, dict):
        parts = [str(payload[k]) for k in ("title", "detail") if payload.get(k)]
        if not parts and isinstance(payload.get("errors"), list):
            return _payload_text(payload["errors"])
        return ": ".join(parts)
    if isinstance(payload, list):
        return "; ".join(_payload_text(p) for p in payload[:3])
    return str(payload)


def classify(status: int | None, payload: Any,
             headers: Mapping[str, str] | None = None) -> NetworkError:
    """An X error answer → NetworkError. `payload` is PyTwitterError.message: the problem dict,
    a list of errors, or an 'Unknown error: b…' string for a body that is not JSON."""
    headers = headers or {}
    if status is None and isinstance(payload, dict) and isinstance(payload.get("status"), int):
        status = payload["status"]
    message = _problem_text(payload)
    if isinstance(payload, str) and payload.startswith("Unknown error"):
        if status is not None and status >= 500:
            return NetworkError(ErrorKind.SERVER, "server answered with a non-JSON body",
                                status=status)
        return NetworkError(ErrorKind.MALFORMED, "answer is not JSON", status=status)
    if status is None:
        return NetworkError(ErrorKind.MALFORMED, message)
    if status == 400:
        return NetworkError(ErrorKind.INVALID, message, status=status)
    if status == 401:
        return NetworkError(ErrorKind.UNAUTHORIZED,
                            message + " (check the X_* credentials)", status=status)
    if status == 402:       # Payment Required: problem type CreditsDepleted
        return NetworkError(ErrorKind.OUT_OF_CREDITS, message + " (the X developer account "
                            "has no credits left: add credits in the X developer console)",
                            status=status)
    if status == 403:
        if "duplicate" in message.lower():
            return NetworkError(ErrorKind.DUPLICATE, message, status=status)
        return NetworkError(ErrorKind.FORBIDDEN, message, status=status)
    if status == 404:
        return NetworkError(ErrorKind.NOT_FOUND, message, status=status)
    if status == 429:
        return NetworkError(ErrorKind.RATE_LIMITED, message, status=status,
                            reset_at=rate_limit_reset(headers))
    if status >= 500:
        return NetworkError(ErrorKind.SERVER, message, status=status)
    return NetworkError(ErrorKind.MALFORMED, f"unexpected answer: {message}", status=status)


def _certainly_not_sent(exc: requests.RequestException) -> bool:
    """True when the request cannot have reached the server (connect phase failed)."""
    if isinstance(exc, requests.exceptions.ConnectTimeout):
        return True
    if isinstance(exc, requests.exceptions.ConnectionError):
        reason = getattr(exc.args[0], "reason", None) if exc.args else None
        return type(reason).__name__ in {"NewConnectionError", "NameResolutionError"}
    return False


def map_public_metrics(raw: Any) -> dict[str, int] | None:
    """X public_metrics → our names. Accepts retweet_count and repost_count spellings."""
    if not isinstance(raw, dict):
        return None
    pairs = {
        "likes": ("like_count",),
        "reposts": ("retweet_count", "repost_count"),
        "replies": ("reply_count",),
        "quotes": ("quote_count",),
        "bookmarks": ("bookmark_count",),
        "impressions": ("impression_count",),
    }
    out = {}
    for name, keys in pairs.items():
        value = next((raw[k] for k in keys if k in raw), 0)
        if not isinstance(value, int) or isinstance(value, bool) or value < 0:
            return None
        out[name] = value
    return out


def _found_post(raw: dict) -> FoundPost | None:
    post_id, text = raw.get("id"), raw.get("text")
    if not isinstance(post_id, str) or not isinstance(text, str):
        return None
    created = None
    if isinstance(raw.get("created_at"), str):
        try:
            created = parse_time(raw["created_at"])
        except TimeFormatError:
            created = None
    urls: tuple[str, ...] = ()
    entities = raw.get("entities")
    if isinstance(entities, dict) and isinstance(entities.get("urls"), list):
        urls = tuple(html.unescape(u["expanded_url"]) for u in entities["urls"]
                     if isinstance(u, dict) and isinstance(u.get("expanded_url"), str))
    return FoundPost(post_id=post_id, url=post_url(post_id), text=html.unescape(text),
                     created_at=created, expanded_urls=urls)


def contains_link(post: FoundPost, link: str) -> bool:
    return link in post.expanded_urls or link in post.text


# --- the requests that read (each a function of the client, for _read) --------------------

def _timeline_page(api: Api, *, user_id: str, token: str | None) -> Any:
    """One page of the account's own posts, newest first (`token`: the page after)."""
    return api.get_timelines(user_id, max_results=PAGE_SIZE, pagination_token=token,
                             tweet_fields=["created_at", "entities"], return_json=True)


def _public_metrics(api: Api, *, post_ids: list[str]) -> Any:
    return api.get_tweets(post_ids, tweet_fields=["public_metrics"], return_json=True)


# --- the adapter --------------------------------------------------------------------------

@dataclass
class _Answer:
    status: int
    headers: Mapping[str, str]


class XNetwork:
    capabilities = CAPABILITIES

    def __init__(self, api: Api | None, *, can_post: bool,
                 sleep: Callable[[float], None] = time.sleep, max_pages: int = MAX_PAGES,
                 secrets: Sequence[str] = (), deadline: float = DEFAULT_DEADLINE):
        self._api = api
        self._secrets = tuple(secrets)      # redacted from an answer before it is read
        self._can_post = can_post
        self._sleep = sleep
        self._max_pages = max_pages
        self._last: _Answer | None = None
        self._user_id: str | None = getattr(api, "auth_user_id", None) if api else None
        if api is not None:
            api.session.hooks["response"].append(self._remember)
            requests_session(deadline, api.session)   # each request ends within `deadline`

    def _remember(self, response: requests.Response, *args: Any, **kwargs: Any) -> None:
        self._last = _Answer(response.status_code, dict(response.headers))

    def can_post(self) -> bool:
        return self._can_post

    def can_read(self) -> bool:
        return self._api is not None

    # one request to the client, errors mapped
    def _call(self, fn: Callable[[Api], Any]) -> Any:
        api = self._api
        if api is None:
            raise NetworkError(ErrorKind.CONFIG, "no X credentials in the environment")
        self._last = None
        try:
            return fn(api)
        except PyTwitterError as exc:
            last = self._last
            raise classify(last.status if last else None,
                           redact_all(exc.message, self._secrets),
                           last.headers if last else None) from None
        except requests.exceptions.Timeout as exc:
            raise NetworkError(ErrorKind.NETWORK, "timed out waiting for X",
                               certain_no_post=_certainly_not_sent(exc)) from None
        except requests.exceptions.RequestException as exc:
            raise NetworkError(ErrorKind.NETWORK,
                               f"connection to X failed ({type(exc).__name__})",
                               certain_no_post=_certainly_not_sent(exc)) from None
        except (ValueError, KeyError, TypeError) as exc:
            status = self._last.status if self._last else None
            raise NetworkError(ErrorKind.MALFORMED, f"unreadable answer ({type(exc).__name__})",
                               status=status) from None

    def _read(self, fn: Callable[[Api], Any]) -> Any:
        return read_with_retries(lambda: self._call(fn), self._sleep)

    def post(self, draft: Draft) -> PostResult:
        """X has no idempotency key: `draft.key` is unused (reconcile settles doubt)."""
        text = draft.text
        if not self._can_post:
            raise NetworkError(ErrorKind.CONFIG, "posting needs " + ", ".join(POST_CREDENTIALS))
        answer = self._call(lambda api: api.create_tweet(text=text, return_json=True))
        data = answer.get("data") if isinstance(answer, dict) else None
        data = data if isinstance(data, dict) else {}
        post_id = data.get("id")
        if not CAPABILITIES.valid_post_id(post_id):
            # The post may well exist: ambiguous, settled by the next run's reconcile.
            status = self._last.status if self._last else None
            what = "has no post id" if post_id is None else \
                f"is unusable: {CAPABILITIES.post_id_problem(post_id)}"
            raise NetworkError(ErrorKind.MALFORMED, f"the create answer {what}",
                               status=status, certain_no_post=False)
        return PostResult(post_id=post_id, url=post_url(post_id), text=data.get("text", ""))

    def _own_user_id(self) -> str:
        if not self._user_id:
            answer = self._read(lambda api: api.get_me(return_json=True))
            user_id = (answer.get("data") or {}).get("id") if isinstance(answer, dict) else None
            if not isinstance(user_id, str):
                raise NetworkError(ErrorKind.MALFORMED, "GET /2/users/me has no id")
            self._user_id = user_id
        return self._user_id

    def find_recent_posts(self, link: str, since: datetime | None, key: str | None = None,
                          due: datetime | None = None) -> SearchResult:
        user_id = self._own_user_id()
        found: list[FoundPost] = []
        token: str | None = None
        for _ in range(self._max_pages):
            page = self._read(partial(_timeline_page, user_id=user_id, token=token))
            if not isinstance(page, dict):
                raise NetworkError(ErrorKind.MALFORMED, "timeline answer is not an object")
            posts = [p for p in (_found_post(r) for r in page.get("data") or []
                                 if isinstance(r, dict)) if p]
            found.extend(p for p in posts if contains_link(p, link))
            token = (page.get("meta") or {}).get("next_token")
            oldest = min((p.created_at for p in posts if p.created_at), default=None)
            if since is not None and oldest is not None and oldest < since:
                return SearchResult(tuple(found), covered=True)
            if not token:
                return SearchResult(tuple(found), covered=True)
        return SearchResult(tuple(found), covered=False)

    def fetch_metrics(self, post_ids: Sequence[str]) -> MetricsResult:
        numbers: dict[str, dict[str, int]] = {}
        missing: dict[str, str] = {}
        batch = self.capabilities.metrics_batch
        for start in range(0, len(post_ids), batch):
            chunk = list(post_ids[start:start + batch])
            try:
                answer = self._read(partial(_public_metrics, post_ids=chunk))
            except NetworkError as exc:
                # HTTP 200 with only "errors": every id of the chunk is gone.
                if exc.kind is ErrorKind.MALFORMED and exc.status == 200:
                    answer = {"errors": [{"resource_id": i, "title": "Not Found Error"}
                                         for i in chunk]}
                else:
                    raise
            if not isinstance(answer, dict):
                raise NetworkError(ErrorKind.MALFORMED, "metrics answer is not an object")
            for raw in answer.get("data") or []:
                if not isinstance(raw, dict) or raw.get("id") not in chunk:
                    continue
                mapped = map_public_metrics(raw.get("public_metrics"))
                if mapped is None:
                    missing[raw["id"]] = "answer has no readable public_metrics"
                else:
                    numbers[raw["id"]] = mapped
            for err in answer.get("errors") or []:
                if not isinstance(err, dict):
                    continue
                rid = err.get("resource_id") or err.get("value")
                if rid in chunk and rid not in numbers:
                    missing[rid] = str(err.get("title") or err.get("detail") or "error")
            for post_id in chunk:
                if post_id not in numbers and post_id not in missing:
                    missing[post_id] = "not in the answer"
        return MetricsResult(numbers=numbers, missing=missing)


def from_env(env: Mapping[str, str], *,
             sleep: Callable[[float], None] = time.sleep) -> XNetwork:
    """Build the adapter from environment variables. Raises NetworkError(CONFIG) with the
    names (never the values) of what is wrong."""
    if problems := config_problems(env):
        raise NetworkError(ErrorKind.CONFIG, "\n".join(problems))
    present = [name for name in POST_CREDENTIALS if env.get(name)]
    base = (env.get("X_API_BASE_URL") or DEFAULT_BASE_URL).rstrip("/")
    timeout = parse_timeout(env.get("PUBLISH_HTTP_TIMEOUT"))
    api = None
    can_post = bool(present)
    try:
        if can_post:
            api = Api(consumer_key=env["X_API_KEY"], consumer_secret=env["X_API_SECRET"],
                      access_token=env["X_ACCESS_TOKEN"],
                      access_secret=env["X_ACCESS_TOKEN_SECRET"], timeout=timeout)
        elif env.get("X_BEARER_TOKEN"):
            api = Api(bearer_token=env["X_BEARER_TOKEN"], timeout=timeout)
    except ValueError:
        raise NetworkError(ErrorKind.CONFIG, "X_ACCESS_TOKEN must have the form "
                           "<numeric user id>-<token> (exactly one '-')") from None
    except PyTwitterError:
        raise NetworkError(ErrorKind.CONFIG, "X credentials were not accepted") from None
    if api is not None:
        api.BASE_URL_V2 = base
    return XNetwork(api, can_post=can_post, sleep=sleep, secrets=secret_values(env),
                    deadline=parse_deadline(env.get("PUBLISH_HTTP_TIMEOUT")))
