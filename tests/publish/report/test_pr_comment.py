"""publish/report/pr_comment.py against a loopback stand-in of GitHub's issue comments API
(tests/fakes/fake_github.py): one comment, created once and then edited, found by its marker and
its author across pages; other people's comments untouched; a fork's read-only token puts
the preview in the job summary. Never the internet."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from publish.report import pr_comment
from publish.report.changes_text import MARKER
from tests.fakes.fake_github import FakeGitHub, User, running_github

PR = 7
FIRST = f"{MARKER}\n### Social posts: 1 added, 0 changed, 0 removed\n"
SECOND = f"{MARKER}\n### Social posts: 2 added, 0 changed, 0 removed\n"
PERSON = User("sigrun", 101)


@pytest.fixture
def github():
    with running_github(FakeGitHub()) as fake:
        yield fake


def run(github: FakeGitHub, tmp_path: Path, body: str, token: str = "bot-token",
        **extra: str) -> tuple[int, str]:
    path = tmp_path / "comment.md"
    path.write_text(body, encoding="utf-8")
    env = {"GITHUB_API_URL": github.base, "GITHUB_REPOSITORY": github.repo,
           "GITHUB_STEP_SUMMARY": str(tmp_path / "summary.md"), **extra}
    if token:
        env["GITHUB_TOKEN"] = token
    out = io.StringIO()
    code = pr_comment.main(["--pull-request", str(PR), "--body-file", str(path)], env=env,
                           stdout=out)
    return code, out.getvalue()


def test_the_first_run_creates_the_comment_and_the_second_edits_it(github, tmp_path):
    code, said = run(github, tmp_path, FIRST)
    assert code == 0 and said.startswith("pr-comment: created https://github.com/")
    assert github.bodies(PR) == [FIRST]
    (made,) = github.comments[PR]
    code, said = run(github, tmp_path, SECOND)
    assert code == 0 and said == f"pr-comment: edited {made['html_url']}\n"
    assert github.bodies(PR) == [SECOND]
    code, said = run(github, tmp_path, SECOND)
    assert said == f"pr-comment: comment {made['id']} is already up to date\n"
    assert [m for m, _, _ in github.requests] == ["GET", "POST", "GET", "PATCH", "GET"]
    assert all(auth == "Bearer bot-token" for _, _, auth in github.requests)
    assert "bot-token" not in said


def test_the_comment_is_found_on_a_later_page_and_quotes_are_not_ours(github, tmp_path):
    quoted = f"> {MARKER}\n> ### Social posts: 1 added\n\nLooks good to me."
    github.add(PR, quoted, PERSON)
    github.add(PR, f"{MARKER}\nI started my comment with the marker", PERSON)
    for n in range(150):
        github.add(PR, f"comment {n}", PERSON)
    ours = github.add(PR, FIRST, User("github-actions[bot]", 41898282, "Bot"))
    code, said = run(github, tmp_path, SECOND)
    assert code == 0 and said == f"pr-comment: edited {ours['html_url']}\n"
    bodies = github.bodies(PR)
    assert bodies[:2] == [quoted, f"{MARKER}\nI started my comment with the marker"]
    assert bodies[-1] == SECOND and len(bodies) == 153
    gets = [path for method, path, _ in github.requests if method == "GET"]
    assert gets == [f"/repos/{github.repo}/issues/{PR}/comments?per_page=100",
                    f"/repos/{github.repo}/issues/{PR}/comments?per_page=100&page=2"]


def test_a_forks_read_only_token_puts_the_preview_in_the_job_summary(github, tmp_path):
    summary = tmp_path / "summary.md"
    summary.write_text("earlier step\n", encoding="utf-8")
    code, said = run(github, tmp_path, FIRST, token="fork-token")
    assert code == 0
    assert said == ("pr-comment: no write access (POST "
                    f"{github.base}/repos/{github.repo}/issues/{PR}/comments: HTTP 403: "
                    "Resource not accessible by integration): the preview is in the job "
                    "summary instead\n")
    assert summary.read_text(encoding="utf-8") == "earlier step\n" + FIRST
    assert github.bodies(PR) == []


def test_no_token_is_the_summary_too_and_the_marker_is_added(github, tmp_path):
    code, said = run(github, tmp_path, "### no marker here\n", token="")
    assert code == 0 and said.startswith("pr-comment: no GITHUB_TOKEN")
    assert (tmp_path / "summary.md").read_text(encoding="utf-8") == (
        f"{MARKER}\n### no marker here\n")
    assert github.requests == []


def test_bad_usage_names_every_problem(github, tmp_path):
    out = io.StringIO()
    code = pr_comment.main(["--pull-request", "7", "--body-file", str(tmp_path / "none.md")],
                           env={"GITHUB_REPOSITORY": "nope", "GITHUB_API_URL": "ftp://x",
                                "GITHUB_TOKEN": "bot-token"}, stdout=out)
    lines = out.getvalue().splitlines()
    assert code == 2 and len(lines) == 3
    assert lines[0] == "pr-comment: --repo / GITHUB_REPOSITORY: want OWNER/NAME, got 'nope'"
    assert lines[1].startswith("pr-comment: GITHUB_API_URL: not an http(s) URL")
    assert lines[2].startswith("pr-comment: --body-file ")


def test_a_next_page_on_another_host_is_not_followed():
    def send(method, url, payload):
        return pr_comment.Response(200, {"Link": '<https://evil.example/x?page=2>; '
                                                 'rel="next"'}, [])

    target = pr_comment.Target("https://api.github.com", "brand/blog", 7)
    with pytest.raises(pr_comment.GitHubError, match="another host"):
        pr_comment.find_ours(send, target, "github-actions[bot]")


def test_a_malformed_answer_is_named():
    with pytest.raises(pr_comment.GitHubError) as caught:
        pr_comment.comments_of([{"id": "1", "body": 3, "user": {}}], "GET x")
    assert str(caught.value).splitlines() == [
        "GET x: comment 0: 'id' must be an integer", "GET x: comment 0: 'body' must be a "
        "string", "GET x: comment 0: 'user.login' must be a string"]


def test_a_body_longer_than_githubs_limit_is_cut_with_a_note():
    body = pr_comment.with_marker("line\n" * 20000)
    assert len(body) <= pr_comment.MAX_BODY and body.endswith(pr_comment.CUT)
    assert body.startswith(MARKER)


def test_a_long_preview_is_cut_to_what_github_accepts(github, tmp_path):
    code, said = run(github, tmp_path, FIRST + "| a row of a long table |\n" * 5000)
    assert code == 0 and said.startswith("pr-comment: created ")
    (body,) = github.bodies(PR)
    assert len(body) <= 65536 and body.endswith(pr_comment.CUT)
