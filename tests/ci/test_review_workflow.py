"""The review workflow (.github/workflows/review.yml) runs exactly the commands docs/ci.md
documents, and they are commands the programs accept: `publish diff` into a file, then
`publish.report.pr_comment` with that file, on every pull request (a required check must
report on each), with a write token only for the comment and never `pull_request_target`."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import yaml

from publish.cli import build_parser
from publish.report import pr_comment

ROOT = Path(__file__).resolve().parents[2]
WORKFLOW = ROOT / ".github" / "workflows" / "review.yml"
COMMAND = re.compile(r"^ *(\.venv/bin/python -m publish\S* .*)$", re.MULTILINE)


def workflow() -> dict:
    return yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))


def run_lines() -> list[str]:
    steps = workflow()["jobs"]["preview"]["steps"]
    return [line.strip() for s in steps for line in s.get("run", "").splitlines()]


def documented() -> list[str]:
    text = (ROOT / "docs" / "ci.md").read_text(encoding="utf-8")
    section = text.split("## `review.yml`", 1)[1].split("\n## ", 1)[0]
    return COMMAND.findall(section)


def test_every_pull_request_runs_it_never_with_a_write_token_for_the_build():
    found = workflow()
    triggers = found.get("on", found.get(True))     # YAML 1.1 reads the key `on` as True
    assert set(triggers) == {"pull_request"} and not (triggers["pull_request"] or {})
    assert found["permissions"] == {"contents": "read", "pull-requests": "write"}
    steps = found["jobs"]["preview"]["steps"]
    (checkout,) = [s for s in steps if s.get("uses", "").startswith("actions/checkout@")]
    assert checkout["with"]["fetch-depth"] >= 2      # HEAD^1, the base branch's tip
    comment = next(s for s in steps if "pr_comment" in s.get("run", ""))
    assert comment["env"] == {"GITHUB_TOKEN": "${{ secrets.GITHUB_TOKEN }}"}
    diff = next(s for s in steps if "publish diff" in s.get("run", ""))
    assert "env" not in diff


def test_the_workflow_runs_the_commands_docs_ci_md_shows():
    ran = [line for line in run_lines() if COMMAND.match(line)]
    assert len(ran) == 2 and ran == documented()
    diff, comment = ran
    assert "publish diff --base HEAD^1 --format markdown >" in diff
    written = diff.split("> ", 1)[1].split(" || ", 1)[0]
    assert written == comment.split("--body-file ", 1)[1]


def test_a_diff_that_fails_still_updates_the_comment_then_fails_the_check():
    steps = workflow()["jobs"]["preview"]["steps"]
    names = [s.get("id") or s.get("name") for s in steps]
    diff = steps[names.index("diff")]
    assert "|| status=$?" in diff["run"] and 'echo "status=$status"' in diff["run"]
    comment = next(s for s in steps if "pr_comment" in s.get("run", ""))
    assert comment["if"] == "steps.diff.outputs.status != ''"
    last = steps[-1]
    assert last["if"] == ("steps.diff.outputs.status != '' && steps.diff.outputs.status "
                          "!= '0'")
    assert last["run"].strip().endswith("exit 1")
    assert steps.index(comment) < steps.index(last)


def test_the_commands_are_ones_the_programs_accept(tmp_path):
    diff, comment = (shlex.split(line.replace("${{ github.event.pull_request.number }}", "7")
                                 .replace("$RUNNER_TEMP", str(tmp_path)))
                     for line in documented())
    args = build_parser().parse_args(diff[3:diff.index(">")])
    diff = diff[:diff.index("||")]
    assert (args.command, args.base, args.format) == ("diff", "HEAD^1", "markdown")
    assert diff[2] == "publish" and comment[2] == "publish.report.pr_comment"
    parsed = pr_comment.parser().parse_args(comment[3:])
    assert parsed.pull_request == 7
    assert str(parsed.body_file) == diff[-1]
