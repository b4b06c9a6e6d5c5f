"""Mastodon through Mastodon.py (`mastodon`). The only module importing it.

Credentials come from the environment mapping handed to `from_env`; nothing here prints.
Mastodon.py is built so that it never sleeps on its own (`ratelimit_method="throw"`), never
asks the server for its version, and sends every request with our timeout. Its exceptions
carry the status code but not the headers (a 429 carries neither), so a response hook on its
requests session records the status and headers of the last answer, as x.py does.

The create request is never retried here, but it carries an `Idempotency-Key` derived from the
plan item id: Mastodon answers a repeated create with the same key (same account, within an
hour) with the status it already made, instead of a second one. Reads retry with bounded
backoff (the sleep function is injected). Every id and link in an answer is checked before it
is returned: the status link (its `url`, else its `uri`) must match
`CAPABILITIES.link_pattern`, name the status's id and be on the host of MASTODON_BASE_URL.
Every server of the Mastodon client API is served (docs/publisher.md, "Mastodon-API
servers"): its own link shape and id form, a batch endpoint it may not have, a bad token
answered with 400 or 403.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import partial
from typing import Any

import requests
from mastodon import Mastodon
from mastodon.errors import (
    MastodonAPIError,
    MastodonError,
    MastodonIllegalArgumentError,
    MastodonNetworkError,
    MastodonRatelimitError,
)

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
    one_line,
    parse_deadline,
    parse_timeout,
    read_with_retries,
    requests_session,
)
from publish.networks.mastodon.mastodon_capabilities import (
    CAPABILITIES,
    POST_CREDENTIALS,
    config_problems,
)
from publish.networks.mastodon.mastodon_statuses import (
    contains_link,
    content_text,
    created_at,
    found_post,
    id_text,
    map_metrics,
    status_link,
)
from publish.redaction import redact, secret_values

PAGE_SIZE = 40                     # the most GET /api/v1/accounts/:id/statuses answers
MAX_PAGES = 25                     # reconcile looks at most 1,000 recent statuses
IDEMPOTENCY_PREFIX = "publish/mastodon/v1:"
USER_AGENT = "publish (campaign publisher; Mastodon.py)"
TOKEN_HINT = " (check MASTODON_ACCESS_TOKEN)"
# Answers to GET /api/v1/statuses?id[]= meaning "no batch endpoint here": 404 (Mastodon
# before 4.3: no such route), 405 (GoToSocial, Takahē: only POST on that path), 501, and 400
# (Akkoma/Pleroma: the batch takes `ids[]`, and refuses `id[]` as a missing field).
NO_BATCH_STATUSES = frozenset({400, 404, 405, 501})


# --- pure helpers -----------------------------------------------------------------------

def idempotency_key(draft_key: str) -> str:
    """The Idempotency-Key for a plan item: stable across runs and processes, and says
    nothing about the item (a hash)."""
    return hashlib.sha256((IDEMPOTENCY_PREFIX + draft_key).encode("utf-8")).hexdigest()


def rate_limit_reset(headers: Mapping[str, str]) -> datetime | None:
    """X-RateLimit-Reset: Mastodon sends an ISO 8601 time; a few servers send epoch seconds."""
    lowered = {k.lower(): v for k, v in headers.items()}
    value = (lowered.get("x-ratelimit-reset") or "").strip()
    if not value:
        return None
    if value.isdigit():
        seconds = int(value)
        return datetime.fromtimestamp(seconds, UTC) if 0 < seconds < 2**33 else None
    try:
        return parse_time(value)
    except (TimeFormatError, ValueError, OverflowError):
        return None


def _certainly_not_sent(exc: BaseException | None) -> bool:
    """True when the request cannot have reached the server (the connect phase failed)."""
    if isinstance(exc, requests.exceptions.ConnectTimeout):
        return True
    if isinstance(exc, requests.exceptions.ConnectionError):
        reason = getattr(exc.args[0], "reason", None) if exc.args else None
        return type(reason).__name__ in {"NewConnectionError", "NameResolutionError"}
    return False


def classify(status: int | None, message: str | None,
             headers: Mapping[str, str] | None = None, *,
             credentials: bool = False) -> NetworkError:
    """A Mastodon error answer (status code, the body's "error" text) → NetworkError.
    `credentials`: the request was the credential check or a create, where a 400 (Takahē's
    answer to an unknown token) or a 403 (Akkoma's; or a token without the write scope) is
    the token's fault more often than not, so the message names MASTODON_ACCESS_TOKEN as a
    401's always does."""
    text = one_line(message) if message else "error without detail"
    hint = TOKEN_HINT if credentials else ""
    if status is None or 200 <= status < 300:
        return NetworkError(ErrorKind.MALFORMED, "answer is not readable", status=status)
    if status == 400:
        return NetworkError(ErrorKind.INVALID, text + hint, status=status)
    if status == 401:
        return NetworkError(ErrorKind.UNAUTHORIZED, text + TOKEN_HINT, status=status)
    if status == 403:
        return NetworkError(ErrorKind.FORBIDDEN, text + hint, status=status)
    if status == 404:
        return NetworkError(ErrorKind.NOT_FOUND, text, status=status)
    if status == 422:
        return NetworkError(ErrorKind.INVALID, text, status=status)
    if status == 429:
        return NetworkError(ErrorKind.RATE_LIMITED, text, status=status,
                            reset_at=rate_limit_reset(headers or {}))
    if status >= 500:
        if not message:
            text = "server answered without an error text"
        return NetworkError(ErrorKind.SERVER, text, status=status)
    return NetworkError(ErrorKind.MALFORMED, f"unexpected answer: {text}", status=status)


# --- a request that reads (a function of the client, for _read) -------------------------

def _own_statuses(api: Mastodon, *, account_id: str, max_id: str | None) -> Any:
    """One page of the account's statuses, newest first, older than `max_id` when given."""
    return api.account_statuses(account_id, exclude_reblogs=True, limit=PAGE_SIZE,
                                max_id=max_id)


# --- the adapter --------------------------------------------------------------------------

@dataclass
class _Answer:
    status: int
    headers: Mapping[str, str]


class MastodonNetwork:
    capabilities = CAPABILITIES

    def __init__(self, api: Mastodon | None, *, sleep: Callable[[float], None] = time.sleep,
                 max_pages: int = MAX_PAGES, base_url: str = "",
                 secrets: Sequence[str] = ()):
        self._api = api
        self._base_url = base_url
        self._secrets = tuple(secrets)      # redacted from an answer before it is read
        self._sleep = sleep
        self._max_pages = max_pages
        self._last: _Answer | None = None
        self._account_id: str | None = None
        self._batch_endpoint = True      # GET /api/v1/statuses?id[]= (Mastodon ≥ 4.3)
        if api is not None:
            api.session.hooks["response"].append(self._remember)

    def _remember(self, response: requests.Response, *args: Any, **kwargs: Any) -> None:
        self._last = _Answer(response.status_code, dict(response.headers))

    def can_post(self) -> bool:
        return self._api is not None

    def can_read(self) -> bool:
        return self._api is not None

    # one request, errors mapped
    def _call(self, fn: Callable[[Mastodon], Any], *, credentials: bool = False) -> Any:
        api = self._api
        if api is None:
            raise NetworkError(ErrorKind.CONFIG, "no Mastodon credentials in the environment "
                               "(" + ", ".join(POST_CREDENTIALS) + ")")
        self._last = None
        try:
            return fn(api)
        except MastodonNetworkError as exc:
            cause = exc.__context__
            not_sent = _certainly_not_sent(cause)
            if isinstance(cause, requests.exceptions.Timeout):
                raise NetworkError(ErrorKind.NETWORK, "timed out waiting for Mastodon",
                                   certain_no_post=not_sent) from None
            what = type(cause).__name__ if cause is not None else "network error"
            raise NetworkError(ErrorKind.NETWORK, f"connection to Mastodon failed ({what})",
                               certain_no_post=not_sent) from None
        except MastodonRatelimitError:
            last = self._last
            if last is not None and last.status == 429:
                raise classify(429, "too many requests", last.headers) from None
            # Mastodon.py could not read the rate limit headers of an answer.
            raise NetworkError(ErrorKind.MALFORMED, "unreadable rate limit headers",
                               status=last.status if last else None) from None
        except MastodonAPIError as exc:
            last = self._last
            status = exc.args[1] if len(exc.args) > 1 and isinstance(exc.args[1], int) \
                else (last.status if last else None)
            message = exc.args[3] if len(exc.args) > 3 and isinstance(exc.args[3], str) \
                else None
            if not message and len(exc.args) > 2 and isinstance(exc.args[2], str):
                message = exc.args[2]       # no JSON error text (Takahē): the HTTP reason
            message = redact(message, self._secrets) if message else message
            raise classify(status, message, last.headers if last else None,
                           credentials=credentials) from None
        except (MastodonError, ValueError, KeyError, TypeError, AttributeError) as exc:
            last = self._last
            if last is None and isinstance(exc, MastodonIllegalArgumentError | ValueError):
                # Refused before any request was sent.
                raise NetworkError(ErrorKind.INVALID, "request refused before sending "
                                   f"({type(exc).__name__})", certain_no_post=True) from None
            raise NetworkError(ErrorKind.MALFORMED, f"unreadable answer ({type(exc).__name__})",
                               status=last.status if last else None) from None

    def _read(self, fn: Callable[[Mastodon], Any], *, credentials: bool = False) -> Any:
        return read_with_retries(lambda: self._call(fn, credentials=credentials), self._sleep)

    def post(self, draft: Draft) -> PostResult:
        """Create a public status. A repeat of the same item within Mastodon's idempotency
        window (an hour) answers with the status already made."""
        if not self.can_post():
            raise NetworkError(ErrorKind.CONFIG, "posting needs " + ", ".join(POST_CREDENTIALS))
        text, key = draft.text, idempotency_key(draft.key)
        language = draft.lang.split("-")[0].lower() or None   # ISO 639: `pt-BR` → `pt`
        answer = self._call(lambda api: api.status_post(
            text, visibility="public", idempotency_key=key, language=language),
            credentials=True)
        status = self._last.status if self._last else None
        if not isinstance(answer, Mapping):
            raise NetworkError(ErrorKind.MALFORMED, "the create answer is not a status",
                               status=status, certain_no_post=False)
        post_id = id_text(answer.get("id"))
        url, problem = status_link(answer, post_id, self._base_url)
        if url is None:
            # The post may well exist: ambiguous, settled by the next run's reconcile.
            what = "has no status id" if post_id is None else f"is unusable: {problem}"
            raise NetworkError(ErrorKind.MALFORMED, f"the create answer {what}",
                               status=status, certain_no_post=False)
        content = answer.get("content")
        plain = content_text(content)[0] if isinstance(content, str) else ""
        return PostResult(post_id=post_id, url=url, text=plain)

    def _own_account_id(self) -> str:
        if not self._account_id:
            answer = self._read(Mastodon.account_verify_credentials, credentials=True)
            account_id = id_text(answer.get("id")) if isinstance(answer, Mapping) else None
            if not CAPABILITIES.valid_post_id(account_id):   # account ids: the same form
                raise NetworkError(ErrorKind.MALFORMED,
                                   "GET /api/v1/accounts/verify_credentials has no usable id")
            self._account_id = account_id
        return self._account_id

    def find_recent_posts(self, link: str, since: datetime | None, key: str | None = None,
                          due: datetime | None = None) -> SearchResult:
        """Our own statuses, newest first, that contain `link` (in the text or as a link);
        `key` is not needed (Mastodon has no field to hold it)."""
        account_id = self._own_account_id()
        found: list[FoundPost] = []
        max_id: str | None = None
        paged_on: set[str] = set()
        for _ in range(self._max_pages):
            page = self._read(partial(_own_statuses, account_id=account_id, max_id=max_id))
            if not isinstance(page, list):
                raise NetworkError(ErrorKind.MALFORMED, "timeline answer is not a list")
            if not page:
                return SearchResult(tuple(found), covered=True)
            posts = [p for p in (found_post(r, self._base_url) for r in page) if p]
            found.extend(p for p in posts if contains_link(p, link))
            times = [created_at(r.get("created_at")) for r in page if isinstance(r, Mapping)]
            oldest = min((t for t in times if t), default=None)
            if since is not None and oldest is not None and oldest < since:
                return SearchResult(tuple(found), covered=True)
            # The next page: statuses older than the page's last one, as the server's own
            # Link header pages (ids are not numbers on every server: ULIDs, FlakeIds).
            ids = [i for i in (id_text(r.get("id")) for r in page if isinstance(r, Mapping))
                   if CAPABILITIES.valid_post_id(i)]
            next_max = ids[-1] if ids else None
            if next_max is None or next_max in paged_on:
                # Nothing to page on: we cannot tell whether older statuses exist.
                return SearchResult(tuple(found), covered=False)
            paged_on.add(next_max)
            max_id = next_max
        return SearchResult(tuple(found), covered=False)

    def _batch_or_none(self, chunk: list[str]) -> list[Any] | None:
        """One batch request, not retried when the answer says there is no batch endpoint
        (NO_BATCH_STATUSES): None then."""
        try:
            return self._call(lambda api: api.statuses(list(chunk)))
        except NetworkError as exc:
            if exc.status in NO_BATCH_STATUSES:
                return None
            raise

    def _metrics_batch(self, chunk: list[str]) -> list[Any] | None:
        """One batch request; None when the server has no batch endpoint (Mastodon before
        4.3, GoToSocial, Takahē, Akkoma/Pleroma), remembered for the adapter's life: one
        request per status from then on."""
        answer = read_with_retries(lambda: self._batch_or_none(chunk), self._sleep)
        if answer is None:
            self._batch_endpoint = False
            return None
        if not isinstance(answer, list):
            raise NetworkError(ErrorKind.MALFORMED, "metrics answer is not a list")
        return answer

    def _metrics_single(self, post_id: str) -> Any | None:
        try:
            return self._read(lambda api: api.status(post_id))
        except NetworkError as exc:
            if exc.kind is ErrorKind.NOT_FOUND:
                return None
            raise

    def fetch_metrics(self, post_ids: Sequence[str]) -> MetricsResult:
        numbers: dict[str, dict[str, int]] = {}
        missing: dict[str, str] = {}
        wanted = []
        for post_id in dict.fromkeys(post_ids):
            if CAPABILITIES.valid_post_id(post_id):
                wanted.append(post_id)
            else:
                missing[post_id] = "not a valid Mastodon status id"
        batch = self.capabilities.metrics_batch
        for start in range(0, len(wanted), batch):
            chunk = wanted[start:start + batch]
            answers = self._metrics_batch(chunk) if self._batch_endpoint else None
            if answers is None:
                answers = [a for a in (self._metrics_single(i) for i in chunk) if a is not None]
            for raw in answers:
                if not isinstance(raw, Mapping):
                    continue
                post_id = id_text(raw.get("id"))
                if post_id not in chunk or post_id in numbers:
                    continue
                mapped = map_metrics(raw)
                if mapped is None:
                    missing[post_id] = "answer has no readable counts"
                else:
                    numbers[post_id] = mapped
            for post_id in chunk:
                if post_id not in numbers and post_id not in missing:
                    missing[post_id] = "not found (deleted, or not visible to this account)"
        return MetricsResult(numbers=numbers, missing=missing)


def from_env(env: Mapping[str, str], *, sleep: Callable[[float], None] = time.sleep,
             max_pages: int = MAX_PAGES) -> MastodonNetwork:
    """Build the adapter from environment variables. Raises NetworkError(CONFIG) with the
    names (never the values) of everything that is wrong. Without any MASTODON_* variable the
    adapter can neither post nor read (the CLI then does a dry run for Mastodon)."""
    if problems := config_problems(env):
        raise NetworkError(ErrorKind.CONFIG, "\n".join(problems))
    present = [name for name in POST_CREDENTIALS if env.get(name)]
    base = env.get("MASTODON_BASE_URL") or ""
    timeout = parse_timeout(env.get("PUBLISH_HTTP_TIMEOUT"))
    if not present:
        return MastodonNetwork(None, sleep=sleep, max_pages=max_pages, base_url=base)
    session = requests_session(parse_deadline(env.get("PUBLISH_HTTP_TIMEOUT")))
    try:
        api = Mastodon(api_base_url=base.rstrip("/"), ratelimit_method="throw",
                       version_check_mode="none", session=session,
                       # Mastodon.py says float; it hands the value to requests, which
                       # takes this (connect, read) pair too.
                       request_timeout=timeout,  # type: ignore[arg-type]
                       user_agent=USER_AGENT)
    except MastodonError:
        raise NetworkError(ErrorKind.CONFIG, "MASTODON_BASE_URL was not accepted") from None
    # Set after construction: given to the constructor, a token that happens to name an
    # existing file would be read from that file.
    api.access_token = env["MASTODON_ACCESS_TOKEN"]
    return MastodonNetwork(api, sleep=sleep, max_pages=max_pages, base_url=base,
                           secrets=secret_values(env))
