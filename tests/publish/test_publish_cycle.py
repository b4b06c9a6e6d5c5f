"""Posting credentials required in CI: with `CI=true` or `--require-credentials`, a run whose
posting credentials are missing fails with one line naming the variables (exit 2) instead of
a green dry run."""

from __future__ import annotations

import pytest

from tests.fake_x import CREDENTIALS

MISSING_LINE = ("publish: no posting credentials for X: set X_API_KEY, X_API_SECRET, "
                "X_ACCESS_TOKEN, X_ACCESS_TOKEN_SECRET (required {why}; --dry-run runs "
                "without them)\n")


def without_posting(fake_x, **extra) -> dict[str, str]:
    """The fake's environment with only the bearer token: can read, cannot post."""
    return {"X_API_BASE_URL": fake_x.url, "X_BEARER_TOKEN": CREDENTIALS["X_BEARER_TOKEN"],
            **extra}


@pytest.mark.parametrize("ci", ["true", "TRUE", "1", "yes"])
def test_ci_without_posting_credentials_is_exit_2_with_one_line(project, fake_x, ci):
    before = project.ledger.read_bytes()
    result = project.cli("run", env=without_posting(fake_x, CI=ci))
    assert result.code == 2, result.text
    assert result.err == MISSING_LINE.format(why="under CI=true") and result.out == ""
    assert project.ledger.read_bytes() == before and fake_x.posts_created == 0


def test_require_credentials_and_the_daemon_say_the_same(project, fake_x):
    result = project.cli("run", "--require-credentials", env=without_posting(fake_x))
    assert result.code == 2
    assert result.err == MISSING_LINE.format(why="with --require-credentials")
    daemon = project.cli("daemon", env=without_posting(fake_x, CI="true"))
    assert daemon.code == 2 and daemon.err == MISSING_LINE.format(why="by the daemon")


def test_outside_ci_and_with_dry_run_it_stays_a_loud_dry_run(project, fake_x):
    for env in (without_posting(fake_x), without_posting(fake_x, CI="false")):
        result = project.cli("run", env=env)
        assert result.code == 0 and "NO POSTING CREDENTIALS FOR X" in result.out
    dry = project.cli("run", "--dry-run", env=without_posting(fake_x, CI="true"))
    assert dry.code == 0 and "NO POSTING CREDENTIALS FOR X" in dry.out
    assert fake_x.posts_created == 0


def test_incomplete_credentials_are_exit_2_everywhere(project, fake_x):
    env = {**fake_x.env()}
    del env["X_ACCESS_TOKEN_SECRET"]
    result = project.cli("run", env=env)
    assert result.code == 2
    assert result.err == ("publish: configuration: incomplete X credentials: "
                          "X_ACCESS_TOKEN_SECRET missing (all four are needed to post)\n")


def test_with_credentials_ci_posts(project, fake_x):
    result = project.cli("run", env={**fake_x.env(), "CI": "true"})
    assert result.code == 0 and fake_x.posts_created == 3
