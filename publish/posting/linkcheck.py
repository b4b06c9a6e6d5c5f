"""Is the page a post links to live? Checked just before posting (`run`, `daemon`, `cycle`).

Pure: `page_url` (the link without its query string and fragment), `on_base` (the same path
on another base URL, PUBLISH_LINK_CHECK_BASE), `same_site` (which redirects are followed) and
`check_page` (what the answers mean, over an injected `fetch`). `http_fetch` is the one HTTP
seam (requests); `LinkChecker` asks once per distinct page per run.

Live: a 2xx answer, following redirects only within the same site. Anything else is not
live: 404, 410, 5xx, any other status, a redirect to another site, no answer, a timeout.
A live page's share image (`twitter:image` / `og:image`, as publish.report.previews reads it) is
kept when it is on the page's own site (`same_site`): a network that shows a link card
(Bluesky) fetches the image the live page names, following redirects only on that site.

Every request ends within PUBLISH_HTTP_TIMEOUT's total (publish.networks.common.deadline):
a server that drips its answer a byte at a time is not live.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from urllib.parse import urljoin, urlsplit, urlunsplit

from publish.errors import PublishError
from publish.networks.common import DEFAULT_DEADLINE, deadline, requests_session
from publish.report.previews import card_fields, meta_tags

BASE_ENV = "PUBLISH_LINK_CHECK_BASE"
MAX_REDIRECTS = 5
REDIRECTS = frozenset({301, 302, 303, 307, 308})
USER_AGENT = "listening-brands-publisher link check"


class LinkError(PublishError):
    """No HTTP answer: unreachable, refused, timed out (the item waits: a failure, exit 1)."""


MAX_PAGE_BYTES = 512 * 1024   # read of a live page, for its <meta> tags in the <head>


@dataclass(frozen=True)
class Answer:
    status: int
    reason: str = ""
    location: str | None = None
    head: str = ""    # the start of a 2xx HTML body (≤ MAX_PAGE_BYTES), for its meta tags


@dataclass(frozen=True)
class PageStatus:
    url: str        # the page requested first
    live: bool
    reason: str     # for people and the ledger: "http://…/2026/slug/ answered 404 Not Found"
    image: str | None = None   # a live page's share image (absolute http(s) URL)


def share_image(head: str, page: str) -> str | None:
    """The page's share image as previews reads it (twitter:image, else og:image), made
    absolute against the page's URL; None when it has none or it is not http(s)."""
    image = card_fields(meta_tags(head))["image"].strip()
    url = urljoin(page, image) if image else ""
    return url if urlsplit(url).scheme in ("http", "https") and urlsplit(url).netloc else None


Fetch = Callable[[str], Answer]


# --- pure ---------------------------------------------------------------------------------

def page_url(link: str) -> str:
    """The page a link points to: without its query string (the tracking parameters) and
    fragment."""
    parts = urlsplit(link)
    return urlunsplit((parts.scheme, parts.netloc, parts.path or "/", "", ""))


def on_base(url: str, site_url: str, base: str | None) -> str:
    """`url` with the site's address replaced by `base` (the same path on a staging or
    loopback copy of the site). A URL outside the site, or no base: unchanged."""
    if not base:
        return url
    site = site_url.rstrip("/")
    if url != site and not url.startswith(site + "/"):
        return url
    return base.rstrip("/") + (url[len(site):] or "/")


def base_problem(base: str) -> str | None:
    """None for a usable PUBLISH_LINK_CHECK_BASE / --link-check-base, else what is wrong."""
    parts = urlsplit(base)
    if (parts.scheme not in ("http", "https") or not parts.hostname or parts.query
            or parts.fragment or any(c.isspace() for c in base)):
        return (f"{base!r} is not a base URL (expected http(s)://HOST[:PORT][/PATH], "
                "e.g. http://127.0.0.1:8123)")
    return None


def _origin(url: str) -> tuple[str, str, int | None]:
    parts = urlsplit(url)
    default = {"http": 80, "https": 443}.get(parts.scheme)
    return parts.scheme, (parts.hostname or "").lower(), parts.port or default


def same_site(start: str, target: str) -> bool:
    """A redirect from `start` to `target` stays on the site: the same scheme, host and port,
    or the same host moving from http to https."""
    a, b = _origin(start), _origin(target)
    return a == b or (a[0] == "http" and b[0] == "https" and a[1] == b[1])


def check_page(url: str, fetch: Fetch, *, max_redirects: int = MAX_REDIRECTS) -> PageStatus:
    """Request `url` through `fetch`, following redirects within the site."""
    current = url
    for _ in range(max_redirects + 1):
        try:
            answer = fetch(current)
        except LinkError as exc:
            return PageStatus(url, False, f"{current}: {exc}")
        said = f"{answer.status} {answer.reason}".strip()
        if 200 <= answer.status < 300:
            return PageStatus(url, True, f"{current} answered {said}",
                              share_image(answer.head, current))
        if answer.status not in REDIRECTS or not answer.location:
            return PageStatus(url, False, f"{current} answered {said}")
        target = urljoin(current, answer.location)
        if not same_site(url, target):
            return PageStatus(url, False, f"{current} redirects off the site, to {target}")
        current = target
    return PageStatus(url, False, f"{url}: more than {max_redirects} redirects")


# --- the HTTP seam ---------------------------------------------------------------------------

_ERRNO = re.compile(r"\[Errno -?\d+\] ([^'\")]+)")


def _why(exc: Exception) -> str:
    """The useful end of a requests error ('Connection refused'), not its whole chain."""
    found = _ERRNO.findall(str(exc))
    return found[-1].strip() if found else type(exc).__name__


def http_fetch(timeout: tuple[float, float], total: float = DEFAULT_DEADLINE) -> Fetch:
    """A `fetch` over requests: one GET, no redirects followed (check_page decides); of a
    2xx HTML answer only the first MAX_PAGE_BYTES are read (the <head>). `timeout` bounds
    each read, `total` the whole request, its body included (PUBLISH_HTTP_TIMEOUT)."""
    import requests

    session = requests_session(total)
    session.headers["User-Agent"] = USER_AGENT
    too_slow = (f"no answer within the timeout ({timeout[0]:g}s to connect, {timeout[1]:g}s "
                f"to answer, {total:g}s in all; PUBLISH_HTTP_TIMEOUT)")

    def fetch(url: str) -> Answer:
        with deadline(total) as running:
            try:
                return _get(url, running)
            except requests.Timeout:
                raise LinkError(too_slow) from None
            except requests.RequestException as exc:
                if running.expired:
                    raise LinkError(too_slow) from None
                if isinstance(exc, requests.ConnectionError):
                    raise LinkError(f"unreachable ({_why(exc)})") from None
                raise LinkError(f"cannot be requested ({type(exc).__name__})") from None

    def _get(url: str, running) -> Answer:
        with session.get(url, allow_redirects=False, timeout=timeout,
                         stream=True) as answer:
            head = ""
            html = "html" in answer.headers.get("Content-Type", "")
            if 200 <= answer.status_code < 300 and html:
                raw = b""
                for chunk in answer.iter_content(64 * 1024):
                    raw += chunk
                    if len(raw) >= MAX_PAGE_BYTES:
                        break
                head = raw[:MAX_PAGE_BYTES].decode(answer.encoding or "utf-8", "replace")
            if running.expired:           # cut off: what was read is not the page
                raise requests.Timeout()
            return Answer(answer.status_code, answer.reason or "",
                          answer.headers.get("Location"), head)

    return fetch


@dataclass
class LinkChecker:
    """`checker(link) -> PageStatus`, each distinct page requested once (a new checker per
    run, so a page is checked again on the next run)."""
    site_url: str
    fetch: Fetch
    base: str | None = None
    _seen: dict[str, PageStatus] = field(default_factory=dict)

    def __call__(self, link: str) -> PageStatus:
        url = on_base(page_url(link), self.site_url, self.base)
        if url not in self._seen:
            status = check_page(url, self.fetch)
            if status.image:    # an image of the production site: fetched from the base too
                image = on_base(status.image, self.site_url, self.base)
                # Only an image on the page's own site is ever fetched (never a loopback
                # or internal address another site's page names).
                status = replace(status, image=image if same_site(url, image) else None)
            self._seen[url] = status
        return self._seen[url]


def base_from(option: str | None, env: Mapping[str, str]) -> str | None:
    """The base URL to check pages on (the option, else PUBLISH_LINK_CHECK_BASE), or None for
    the production site. ValueError names what is wrong."""
    base = option or env.get(BASE_ENV) or None
    if base is not None and (problem := base_problem(base)):
        where = "--link-check-base" if option else BASE_ENV
        raise ValueError(f"{where}: {problem}")
    return base
