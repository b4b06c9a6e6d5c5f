"""Keep ONE comment on a pull request up to date with a body (the `publish diff` preview):
`python -m publish.report.pr_comment --pull-request N --body-file comment.md`.

The comment is found again by its hidden marker (`<!-- publish-diff -->`) at the start of
its body AND its author (the workflow's token: `github-actions[bot]`), so a person who quotes
the marker is never edited. Found: edited (PATCH; unchanged: left alone); not found: created
(POST). GitHub's REST API for issue comments (a pull request is an issue):

    GET   {api}/repos/{owner}/{repo}/issues/{n}/comments?per_page=100   (Link: rel="next")
    POST  {api}/repos/{owner}/{repo}/issues/{n}/comments                {"body": …}
    PATCH {api}/repos/{owner}/{repo}/issues/comments/{id}               {"body": …}

`{api}` is GITHUB_API_URL (default https://api.github.com), the token GITHUB_TOKEN, never
printed; the token is sent only to `{api}`'s own host. A pull request from a fork gets a
read-only token: GitHub answers 403, and the body goes to the job summary
($GITHUB_STEP_SUMMARY) instead (exit 0), as it does when there is no token.

Exit 0 posted, edited, unchanged or written to the summary; 1 GitHub failed otherwise (the
line says how); 2 bad usage or environment (no body file, no repository, no summary file to
fall back on).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import urllib.error
import urllib.request
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO
from urllib.parse import urlsplit

from publish.errors import ExitCode, PublishError
from publish.redaction import redact
from publish.report.changes_text import MARKER

DEFAULT_API = "https://api.github.com"
DEFAULT_AUTHOR = "github-actions[bot]"      # who GITHUB_TOKEN's comments are by
MAX_BODY = 65536                            # GitHub's limit on a comment's body
CUT = "\n\n*… cut here: the preview is longer than a comment may be. The whole preview: " \
      "the job summary, or `python -m publish diff`.*\n"
_NEXT = re.compile(r'<([^>]+)>\s*;\s*rel="next"')
_REPO = re.compile(r"[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+")


class GitHubError(PublishError):
    """GitHub answered other than expected (`status`: the HTTP status, 0 when none)."""

    def __init__(self, message: str, status: int = 0):
        super().__init__(message)
        self.status = status


@dataclass(frozen=True)
class Response:
    status: int
    headers: Mapping[str, str]
    body: Any


Send = Callable[[str, str, dict | None], Response]


# --- pure --------------------------------------------------------------------------------

def next_page(link_header: str | None) -> str | None:
    """The `rel="next"` URL of a Link header, or None on the last page."""
    found = _NEXT.search(link_header or "")
    return found.group(1) if found else None


def comments_of(page: object, where: str) -> list[dict[str, Any]]:
    """One page of comments, each checked where it enters: `id` an integer, `body` a string
    (or null), `user.login` a string."""
    if not isinstance(page, list):
        raise GitHubError(f"{where}: expected a list of comments, got {type(page).__name__}")
    problems = []
    for index, comment in enumerate(page):
        if not isinstance(comment, dict):
            problems.append(f"{where}: comment {index} is not an object")
            continue
        if not isinstance(comment.get("id"), int) or isinstance(comment.get("id"), bool):
            problems.append(f"{where}: comment {index}: 'id' must be an integer")
        if comment.get("body") is not None and not isinstance(comment.get("body"), str):
            problems.append(f"{where}: comment {index}: 'body' must be a string")
        user = comment.get("user")
        if user is not None and not (isinstance(user, dict)
                                     and isinstance(user.get("login"), str)):
            problems.append(f"{where}: comment {index}: 'user.login' must be a string")
    if problems:
        raise GitHubError("\n".join(problems))
    return page


def is_ours(comment: Mapping[str, Any], author: str) -> bool:
    """Our comment: it starts with the marker and `author` wrote it (a quote of the marker,
    or a person's comment that starts with it, is not ours)."""
    user = comment.get("user") or {}
    return (str(comment.get("body") or "").startswith(MARKER)
            and user.get("login") == author)


def with_marker(body: str) -> str:
    """The body, starting with the marker, within GitHub's limit."""
    body = body if body.startswith(MARKER) else f"{MARKER}\n{body}"
    if len(body) > MAX_BODY:
        body = body[:MAX_BODY - len(CUT)].rsplit("\n", 1)[0] + CUT
    return body


# --- GitHub ------------------------------------------------------------------------------

def http_send(token: str, *, timeout: float = 30) -> Send:
    """A sender for GitHub's REST API (urllib; JSON in and out)."""
    def send(method: str, url: str, payload: dict | None) -> Response:
        data = None if payload is None else json.dumps(payload).encode("utf-8")
        request = urllib.request.Request(url, data=data, method=method, headers={
            "Accept": "application/vnd.github+json", "X-GitHub-Api-Version": "2022-11-28",
            "Authorization": f"Bearer {token}", "User-Agent": "listening-brands-publish-diff",
            **({"Content-Type": "application/json"} if data is not None else {})})
        try:
            with urllib.request.urlopen(request, timeout=timeout) as answer:
                raw, status, headers = answer.read(), answer.status, dict(answer.headers)
        except urllib.error.HTTPError as exc:
            raw, status, headers = exc.read(), exc.code, dict(exc.headers or {})
        except (urllib.error.URLError, OSError) as exc:
            reason = getattr(exc, "reason", exc)
            raise GitHubError(f"{method} {url}: no answer: {reason}") from None
        try:
            body = json.loads(raw.decode("utf-8")) if raw else None
        except (UnicodeDecodeError, json.JSONDecodeError):
            body = None
        return Response(status, headers, body)
    return send


@dataclass(frozen=True)
class Target:
    api: str            # base URL, no trailing slash
    repo: str           # owner/name
    number: int         # the pull request's number


def _check(answer: Response, method: str, url: str, ok: tuple[int, ...]) -> Any:
    if answer.status in ok:
        return answer.body
    message = answer.body.get("message") if isinstance(answer.body, dict) else None
    raise GitHubError(f"{method} {url}: HTTP {answer.status}"
                      + (f": {message}" if isinstance(message, str) else ""), answer.status)


def find_ours(send: Send, target: Target, author: str) -> dict[str, Any] | None:
    """Our comment on the pull request, following every page (Link: rel="next"); only pages
    on the API's own host are followed (the token goes nowhere else)."""
    url: str | None = (f"{target.api}/repos/{target.repo}/issues/{target.number}/comments"
                       "?per_page=100")
    home = urlsplit(target.api)[:2]
    pages = 0
    while url:
        if urlsplit(url)[:2] != home:
            raise GitHubError(f"the next page is on another host ({urlsplit(url).netloc}); "
                              "not followed")
        pages += 1
        if pages > 1000:
            raise GitHubError("more than 1000 pages of comments; stopped")
        answer = send("GET", url, None)
        for comment in comments_of(_check(answer, "GET", url, (200,)), url):
            if is_ours(comment, author):
                return comment
        url = next_page(answer.headers.get("Link") or answer.headers.get("link"))
    return None


def upsert(send: Send, target: Target, body: str, author: str) -> str:
    """Create or edit our one comment; what was done, as a line."""
    body = with_marker(body)
    ours = find_ours(send, target, author)
    if ours is None:
        url = f"{target.api}/repos/{target.repo}/issues/{target.number}/comments"
        made = _check(send("POST", url, {"body": body}), "POST", url, (201,))
        return f"pr-comment: created {_where(made)}"
    if ours.get("body") == body:
        return f"pr-comment: comment {ours['id']} is already up to date"
    url = f"{target.api}/repos/{target.repo}/issues/comments/{ours['id']}"
    edited = _check(send("PATCH", url, {"body": body}), "PATCH", url, (200,))
    return f"pr-comment: edited {_where(edited, ours['id'])}"


def _where(comment: object, fallback: object = "") -> str:
    if isinstance(comment, dict) and isinstance(comment.get("html_url"), str):
        return comment["html_url"]
    found = comment.get("id") if isinstance(comment, dict) else fallback
    return f"comment {found}"


# --- command line ------------------------------------------------------------------------

def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="python -m publish.report.pr_comment",
        description="Create or edit the one `publish diff` comment on a pull request (found "
                    "by its marker and author); with no write token (a fork), write the "
                    "body to the job summary instead.",
        epilog="environment: GITHUB_TOKEN (never printed), GITHUB_API_URL (default "
               f"{DEFAULT_API}), GITHUB_REPOSITORY (owner/name), GITHUB_STEP_SUMMARY.\n\n"
               "example:\n  python -m publish diff --base HEAD^1 --format markdown > "
               "diff.md\n  python -m publish.report.pr_comment --pull-request 42 "
               "--body-file diff.md",
        formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--pull-request", type=int, required=True, metavar="N",
                   help="the pull request's number")
    p.add_argument("--body-file", type=Path, required=True, metavar="PATH",
                   help="the comment's Markdown (the marker is added when missing)")
    p.add_argument("--repo", metavar="OWNER/NAME",
                   help="the repository (default: $GITHUB_REPOSITORY)")
    p.add_argument("--author", default=DEFAULT_AUTHOR, metavar="LOGIN",
                   help="whose comment is ours (default: %(default)s, the workflow token's)")
    return p


def to_summary(body: str, env: Mapping[str, str], why: str, out: TextIO) -> int:
    path = env.get("GITHUB_STEP_SUMMARY")
    if not path:
        out.write(f"pr-comment: {why}, and GITHUB_STEP_SUMMARY is not set: the preview is "
                  "nowhere\n")
        return ExitCode.CONFIG
    with open(path, "a", encoding="utf-8") as summary:
        summary.write(body.rstrip("\n") + "\n")
    out.write(f"pr-comment: {why}: the preview is in the job summary instead\n")
    return ExitCode.OK


def main(argv: Sequence[str] | None = None, *, env: Mapping[str, str] | None = None,
         stdout: TextIO | None = None, send: Send | None = None) -> int:
    env = os.environ if env is None else env
    out = stdout or sys.stdout
    token = env.get("GITHUB_TOKEN", "")
    secrets = (token,) if token else ()

    def say(line: str) -> None:
        out.write(redact(line, secrets) + "\n")
        out.flush()

    try:
        args = parser().parse_args(argv)
    except SystemExit as exc:
        return int(exc.code or 0)
    problems = []
    repo = args.repo or env.get("GITHUB_REPOSITORY", "")
    if not _REPO.fullmatch(repo):
        problems.append(f"--repo / GITHUB_REPOSITORY: want OWNER/NAME, got {repo!r}")
    api = (env.get("GITHUB_API_URL") or DEFAULT_API).rstrip("/")
    if urlsplit(api).scheme not in ("https", "http") or not urlsplit(api).netloc:
        problems.append(f"GITHUB_API_URL: not an http(s) URL: {api!r}")
    try:
        body = args.body_file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        problems.append(f"--body-file {args.body_file}: cannot be read: {exc}")
    if problems:
        for problem in problems:
            say(f"pr-comment: {problem}")
        return ExitCode.CONFIG
    body = with_marker(body)
    if not token:
        return to_summary(body, env, "no GITHUB_TOKEN", out)
    try:
        say(upsert(send or http_send(token), Target(api, repo, args.pull_request), body,
                   args.author))
    except GitHubError as exc:
        if exc.status == 403:       # a fork's read-only token: "Resource not accessible"
            return to_summary(body, env, redact(f"no write access ({exc})", secrets), out)
        for line in str(exc).splitlines():
            say(f"pr-comment: {line}")
        return ExitCode.FAILED
    return ExitCode.OK


if __name__ == "__main__":
    sys.exit(main())
