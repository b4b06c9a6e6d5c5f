"""DEPLOY_TARGET and its variables: every problem at once, each naming its variable, no
secret value in any message; `publish deploy` without a target or a site exits 2."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from publish.cli import main
from publish.site.deploy import (
    DeployConfigError,
    GitHubTarget,
    RsyncTarget,
    S3Target,
    target_from_env,
)

SECRET = "super-secret-value-9876"


def problems(env: dict, **kwargs) -> list[str]:
    with pytest.raises(DeployConfigError) as caught:
        target_from_env(env, **kwargs)
    return caught.value.problems


def test_each_target_form():
    env = {"DEPLOY_S3_ENDPOINT_URL": "https://s3.example.com", "AWS_REGION": "eu-west-1"}
    assert target_from_env({**env, "DEPLOY_TARGET": "s3://my-site/blog/"}) == S3Target(
        "my-site", "blog", "https://s3.example.com", "eu-west-1")
    assert target_from_env({"DEPLOY_TARGET": "s3://my-site"}).prefix == ""
    github = target_from_env({"DEPLOY_TARGET": "github"}, cwd=Path("/src"))
    assert github == GitHubTarget("gh-pages", "origin", None, Path("/src"))
    assert target_from_env({"DEPLOY_TARGET": "github:pages",
                            "DEPLOY_CNAME": "blog.example.com"}).cname == "blog.example.com"
    remote = target_from_env({"DEPLOY_TARGET": "rsync:deploy@web1:/var/www",
                              "DEPLOY_SSH_PORT": "2222"})
    assert remote == RsyncTarget("deploy@web1:/var/www", 2222) and remote.remote
    assert not target_from_env({"DEPLOY_TARGET": "rsync:/srv/www"}).remote
    assert target_from_env({}) is None
    assert target_from_env({"DEPLOY_TARGET": "s3://ignored"}, target="github").branch \
        == "gh-pages"


def test_every_s3_problem_is_reported_at_once_without_secret_values():
    found = problems({"DEPLOY_TARGET": "s3://Bad_Bucket/a//b",
                      "DEPLOY_S3_ENDPOINT_URL": f"https://key:{SECRET}@s3.example.com",
                      "AWS_SECRET_ACCESS_KEY": SECRET, "AWS_MAX_ATTEMPTS": "lots"})
    assert [p.split(":")[0] for p in found] == [
        "DEPLOY_TARGET", "DEPLOY_TARGET", "DEPLOY_S3_ENDPOINT_URL", "AWS_ACCESS_KEY_ID",
        "AWS_MAX_ATTEMPTS"]
    assert all(SECRET not in p for p in found)


@pytest.mark.parametrize(("spec", "message"), [
    ("rsync:web1:", "refusing to sync into 'web1:'"),
    ("rsync:/", "refusing to sync into '/'"),
    ("rsync:-rf", "is not an rsync destination"),
    ("github:bad..name", "is not a usable branch name"),
    ("ftp://host/site", "is not a deploy target; use s3://BUCKET[/PREFIX], github[:BRANCH]"),
])
def test_dangerous_or_unknown_targets_are_refused(spec, message):
    [problem] = problems({"DEPLOY_TARGET": spec})
    assert problem.startswith("DEPLOY_TARGET: ") and message in problem


def test_other_variables_are_checked_by_name():
    assert problems({"DEPLOY_TARGET": "rsync:web1:/www", "DEPLOY_SSH_PORT": "70000"}) == [
        "DEPLOY_SSH_PORT: want a whole number from 1 to 65535, not '70000'"]
    assert problems({"DEPLOY_TARGET": "github", "DEPLOY_CNAME": "not a host"}) == [
        "DEPLOY_CNAME: 'not a host' is not a host name such as blog.example.com"]
    assert problems({}, target="nowhere")[0].startswith("--target: 'nowhere'")


def run(argv, env):
    stdout, stderr = io.StringIO(), io.StringIO()
    code = main(argv, env=env, stdout=stdout, stderr=stderr, tty=False)
    return code, stdout.getvalue(), stderr.getvalue()


def test_cli_without_a_target_says_so_and_exits_2(site):
    code, _, stderr = run(["deploy", "--site", str(site)], {"PATH": "/usr/bin"})
    assert code == 2
    assert stderr == ("deploy: no target configured: set DEPLOY_TARGET (s3://BUCKET, "
                      "github:BRANCH or rsync:HOST:/PATH) or pass --target\n"
                      "deploy: nothing was deployed\n")


def test_cli_refuses_a_missing_or_unbuilt_site(tmp_path):
    env = {"DEPLOY_TARGET": f"rsync:{tmp_path}/www", "PATH": "/usr/bin:/bin"}
    code, _, stderr = run(["deploy", "--site", str(tmp_path / "output")], env)
    assert code == 2 and "no built site at" in stderr and "make deploy" in stderr
    (tmp_path / "output").mkdir()
    code, _, stderr = run(["deploy", "--site", str(tmp_path / "output")], env)
    assert code == 2 and "has no index.html, so it is not a built site" in stderr
    assert not (tmp_path / "www").exists()
