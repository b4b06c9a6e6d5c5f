"""A loopback stand-in for GitHub's REST API for issue comments, as
publish/report/pr_comment.py uses it (docs.github.com, "REST API endpoints for issue
comments"), in its wire format:

    GET   /repos/{owner}/{repo}/issues/{n}/comments?per_page=&page=   200, a list; `Link`
          with rel="next" (and "last") while there are more pages
    POST  /repos/{owner}/{repo}/issues/{n}/comments      {"body"}      201, the comment
    PATCH /repos/{owner}/{repo}/issues/comments/{id}     {"body"}      200, the comment

A comment: `id`, `node_id`, `url`, `html_url`, `body`, `user` {`login`, `id`, `type`},
`created_at`, `updated_at`, `author_association`, `performed_via_github_app` (the Actions
app for the workflow's token, else null). Tokens: `Authorization: Bearer TOKEN`, each mapped
to a user; a read-only token (a fork's) gets 403 "Resource not accessible by integration"
on POST and PATCH, as does an edit of another user's comment; no or an unknown token 401; a
body over 65,536 characters 422.
"""

from __future__ import annotations

import contextlib
import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

from tests.fakes.loopback_fake import in_thread

BOT_LOGIN, BOT_ID = "github-actions[bot]", 41898282     # GITHUB_TOKEN's comments' author
ACTIONS_APP = {"id": 15368, "slug": "github-actions", "name": "GitHub Actions"}
DOCS = "https://docs.github.com/rest/issues/comments"
MAX_BODY = 65536        # characters; longer: 422 "body is too long"


@dataclass
class User:
    login: str
    id: int
    type: str = "User"
    can_write: bool = True


@dataclass
class FakeGitHub:
    repo: str = "brand/blog"
    tokens: dict[str, User] = field(default_factory=lambda: {
        "bot-token": User(BOT_LOGIN, BOT_ID, "Bot"),
        "fork-token": User(BOT_LOGIN, BOT_ID, "Bot", can_write=False)})
    comments: dict[int, list[dict[str, Any]]] = field(default_factory=dict)  # issue → list
    requests: list[tuple[str, str, str | None]] = field(default_factory=list)  # + auth
    base: str = ""
    _next_id: int = 1000
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, issue: int, body: str, user: User) -> dict[str, Any]:
        """A comment as GitHub stores it (another person's, or an earlier run's)."""
        with self._lock:
            self._next_id += 1
            number = self._next_id
        comment = {
            "id": number, "node_id": f"IC_kwDO{number}",
            "url": f"{self.base}/repos/{self.repo}/issues/comments/{number}",
            "html_url": f"https://github.com/{self.repo}/pull/{issue}#issuecomment-{number}",
            "issue_url": f"{self.base}/repos/{self.repo}/issues/{issue}",
            "body": body, "user": {"login": user.login, "id": user.id, "type": user.type},
            "created_at": "2026-12-07T08:00:00Z", "updated_at": "2026-12-07T08:00:00Z",
            "author_association": "NONE" if user.type == "Bot" else "MEMBER",
            "performed_via_github_app": ACTIONS_APP if user.type == "Bot" else None,
        }
        self.comments.setdefault(issue, []).append(comment)
        return comment

    def bodies(self, issue: int) -> list[str]:
        return [c["body"] for c in self.comments.get(issue, [])]


class _Handler(BaseHTTPRequestHandler):
    server: Any

    def log_message(self, *args) -> None:
        return None

    def _answer(self, status: int, body: Any, headers: dict[str, str] | None = None) -> None:
        raw = json.dumps(body).encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(raw)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(raw)

    def _error(self, status: int, message: str) -> None:
        self._answer(status, {"message": message, "documentation_url": DOCS,
                              "status": str(status)})

    def _user(self) -> User | None:
        auth = self.headers.get("Authorization", "")
        token = auth.removeprefix("Bearer ").removeprefix("token ")
        return self.server.fake.tokens.get(token) if auth else None

    def _route(self, method: str) -> None:
        fake: FakeGitHub = self.server.fake
        parts = urlsplit(self.path)
        fake.requests.append((method, self.path, self.headers.get("Authorization")))
        user = self._user()
        if user is None:
            return self._error(401, "Bad credentials")
        prefix = f"/repos/{fake.repo}/issues/"
        if not parts.path.startswith(prefix):
            return self._error(404, "Not Found")
        rest = parts.path[len(prefix):].split("/")
        body = ""
        if method in ("POST", "PATCH"):
            length = int(self.headers.get("Content-Length") or 0)
            try:
                payload = json.loads(self.rfile.read(length) or b"null")
            except json.JSONDecodeError:
                return self._error(400, "Problems parsing JSON")
            if not isinstance(payload, dict) or not isinstance(payload.get("body"), str):
                return self._error(422, "Invalid request.\n\n\"body\" wasn't supplied.")
            body = payload["body"]
            if len(body) > MAX_BODY:
                return self._answer(422, {
                    "message": "Validation Failed", "documentation_url": DOCS, "status": "422",
                    "errors": [{"resource": "IssueComment", "code": "custom", "field": "body",
                                "message": "body is too long (maximum is 65536 characters)"}]})
        if len(rest) == 2 and rest[0].isdigit() and rest[1] == "comments":
            issue = int(rest[0])
            if method == "GET":
                return self._list(fake, issue, parse_qs(parts.query))
            if method == "POST":
                if not user.can_write:
                    return self._error(403, "Resource not accessible by integration")
                return self._answer(201, fake.add(issue, body, user))
        if len(rest) == 2 and rest[0] == "comments" and rest[1].isdigit() and method == "PATCH":
            found = [c for cs in fake.comments.values() for c in cs if c["id"] == int(rest[1])]
            if not found:
                return self._error(404, "Not Found")
            if not user.can_write or found[0]["user"]["login"] != user.login:
                return self._error(403, "Resource not accessible by integration")
            found[0]["body"] = body
            found[0]["updated_at"] = "2026-12-07T08:30:00Z"
            return self._answer(200, found[0])
        return self._error(404, "Not Found")

    def _list(self, fake: FakeGitHub, issue: int, query: dict[str, list[str]]) -> None:
        per_page = min(int(query.get("per_page", ["30"])[0]), 100)
        page = int(query.get("page", ["1"])[0])
        everything = fake.comments.get(issue, [])
        last = max(1, -(-len(everything) // per_page))
        shown = everything[(page - 1) * per_page:page * per_page]
        url = f"{fake.base}/repos/{fake.repo}/issues/{issue}/comments?per_page={per_page}"
        links = []
        if page < last:
            links += [f'<{url}&page={page + 1}>; rel="next"', f'<{url}&page={last}>; rel="last"']
        if page > 1:
            links += [f'<{url}&page=1>; rel="first"', f'<{url}&page={page - 1}>; rel="prev"']
        self._answer(200, shown, {"Link": ", ".join(links)} if links else None)

    def do_GET(self) -> None:
        self._route("GET")

    def do_POST(self) -> None:
        self._route("POST")

    def do_PATCH(self) -> None:
        self._route("PATCH")


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    fake: FakeGitHub


@contextlib.contextmanager
def running_github(fake: FakeGitHub | None = None) -> Iterator[FakeGitHub]:
    fake = fake or FakeGitHub()
    server = _Server(("127.0.0.1", 0), _Handler)
    server.fake = fake
    with in_thread(server, "fake-github") as url:
        fake.base = url
        yield fake
