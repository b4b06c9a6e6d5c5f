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

The pure parts are beside it: bluesky_records.py (record keys, a post's text, link and
limits, records read back) and bluesky_errors.py (failures as NetworkErrors).
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime
from functools import partial
from typing import Any
from urllib.parse import urljoin, urlsplit

import httpx
from atproto_client import Client, models
from atproto_client.client.session import Session, SessionEvent
from atproto_client.exceptions import RequestErrorBase
from atproto_client.request import Request
from atproto_core.exceptions import AtProtocolError

from contract import bluesky_text
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
from publish.networks.bluesky.bluesky_errors import (
    BlueskyError,
    classify,
    error_parts,
    transport_error,
)
from publish.networks.bluesky.bluesky_records import (
    IMAGE_TYPES,
    contains_link,
    due_record_key,
    found_post,
    image_body,
    iso_z,
    limit_problem,
    map_counts,
    post_uri,
    post_url,
    record_key,
    sort_time,
)
from publish.networks.common import one_line, parse_timeout, read_with_retries
from publish.posting.linkcheck import REDIRECTS, same_site
from publish.redaction import redact, secret_values

PAGE_SIZE = 100                    # getAuthorFeed limit
MAX_PAGES = 10                     # reconcile looks at most 1,000 recent posts
MAX_IMAGE_REDIRECTS = 3


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
            client = Client(base_url=service, request=Request(
                timeout=self._timeout, transport=common.httpx_transport(deadline)))
            client.on_session_change(partial(self._session_changed, client))
            self._client = client

    def can_post(self) -> bool:
        return self._client is not None

    def can_read(self) -> bool:
        return self._client is not None

    # --- the session ------------------------------------------------------------------
    def _session_changed(self, client: Client, event: SessionEvent, session: Session) -> None:
        self._tokens = (session.access_jwt or "", session.refresh_jwt or "")
        self._session_did = session.did
        # createSession may name the account's own PDS (its DID document): follow it only
        # when it is a usable service URL; the tokens are never sent anywhere else.
        if session.pds_endpoint and service_problem(session.pds_endpoint):
            client.update_base_url(self._service)

    def _redact(self, text: str) -> str:
        """`text` without the password, the session's tokens or any other credential."""
        return redact(text, (*self._tokens, self._password or "", *self._secrets))

    def _login(self) -> str:
        """Log in once (createSession), at the first call that needs it; the DID."""
        if self._did is None:
            self._session_did = None
            self._once(lambda client: client.login(self._handle, self._password,
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
            self._once(lambda client: client._refresh_and_set_session())
        except BlueskyError as exc:
            if exc.kind is not ErrorKind.UNAUTHORIZED:
                raise
            self._did = None
            self._login()

    # --- one request, errors mapped ---------------------------------------------------
    def _once(self, fn: Callable[[Client], Any]) -> Any:
        client = self._client
        if client is None:
            raise NetworkError(ErrorKind.CONFIG, "no Bluesky credentials in the environment "
                               "(BLUESKY_HANDLE, BLUESKY_APP_PASSWORD)")
        try:
            return fn(client)
        except RequestErrorBase as exc:
            if exc.response is None:
                raise transport_error(exc) from None
            content = exc.response.content
            name, detail = error_parts(content)
            if name or detail:       # redacted before classify cuts it (a secret cut is kept)
                content = {"error": self._redact(name), "message": self._redact(detail)}
            error = classify(exc.response.status_code, content, exc.response.headers)
            error.message = self._redact(error.message)
            raise error from None
        except httpx.HTTPError as exc:       # e.g. a dropped connection: not wrapped by the SDK
            raise transport_error(exc) from None
        except (AtProtocolError, ValueError, KeyError, TypeError, AttributeError) as exc:
            raise NetworkError(ErrorKind.MALFORMED,
                               f"unreadable answer ({type(exc).__name__})") from None

    def _call(self, fn: Callable[[Client], Any]) -> Any:
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

    def _read(self, fn: Callable[[Client], Any]) -> Any:
        return read_with_retries(lambda: self._call(fn), self._sleep)

    @staticmethod
    def _json(response: Any, what: str) -> dict:
        content = getattr(response, "content", None)
        if not isinstance(content, dict):
            raise NetworkError(ErrorKind.MALFORMED, f"the {what} answer is not a JSON object",
                               status=getattr(response, "status_code", None))
        return content

    def _query(self, nsid: str, params: Any) -> dict:
        return self._json(self._read(lambda client: client.invoke_query(nsid, params=params)),
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
                    return image_body(answer)
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
            answer = self._json(self._call(lambda client: client.invoke_procedure(
                "com.atproto.repo.uploadBlob", content=body, headers={"Content-Type": kind})),
                "uploadBlob")
        except NetworkError:
            return None
        blob = answer.get("blob")
        if not isinstance(blob, dict):
            return None
        ref = blob.get("ref")
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
            response = self._call(lambda client: client.invoke_procedure(
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
        return PostResult(post_id=expected, url=post_url(expected), text=draft.text)

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
                times.append(sort_time(view, post))
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
