"""`python -m publish deploy`: upload the built site (publish/site/deploy/) from the command
line."""

from __future__ import annotations

import argparse
from pathlib import Path

from publish.context import Ctx
from publish.errors import ExitCode
from publish.site import deploy as site_deploy
from publish.site.deploy import DeployConfigError

NAME = "deploy"
DESCRIPTION = "upload the built site (output/) to DEPLOY_TARGET; never posts"
EXAMPLES = """\
targets (DEPLOY_TARGET, or --target):
  s3://BUCKET[/PREFIX]       S3 or S3-compatible storage; uploads new and changed files,
                             then deletes stale ones
  github[:BRANCH]            commit to a GitHub Pages branch (default gh-pages) and push
  rsync:[USER@]HOST:/PATH    rsync over ssh (--delete); rsync:/LOCAL/PATH for a folder

environment:
  DEPLOY_S3_ENDPOINT_URL     S3-compatible host, e.g. https://s3.example.com
  AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN, AWS_PROFILE,
  AWS_REGION / AWS_DEFAULT_REGION, AWS_MAX_ATTEMPTS (default 3)
  DEPLOY_GITHUB_REMOTE       remote name, URL or path to push to (default origin)
  DEPLOY_CNAME               custom domain, written to the branch's CNAME file
  DEPLOY_SSH_PORT            ssh port for rsync over ssh

exit codes: 0 deployed, 1 the deploy failed (what was done is listed), 2 no target or bad
configuration (nothing was changed). Details: docs/deploy.md

examples:
  DEPLOY_TARGET=s3://my-bucket python -m publish deploy
  python -m publish deploy --target github:gh-pages
  python -m publish deploy --target rsync:deploy@web1:/var/www/blog"""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--target", metavar="TARGET",
                        help="where to deploy (default: $DEPLOY_TARGET)")
    parser.add_argument("--site", type=Path, default=Path("output"), metavar="DIR",
                        help="the built site (default: %(default)s)")


def run(ctx: Ctx) -> int:
    """0 deployed, 1 failed; DeployConfigError (exit 2) for no target or bad configuration."""
    target = site_deploy.target_from_env(ctx.env, target=ctx.args.target)
    if target is None:
        raise DeployConfigError("no target configured: set DEPLOY_TARGET (s3://BUCKET, "
                                "github:BRANCH or rsync:HOST:/PATH) or pass --target")
    report = site_deploy.deploy(ctx.args.site, target, ctx.out, env=ctx.env)
    if report.ok:
        ctx.out.say(report.summary())
        return ExitCode.OK
    ctx.out.error(report.summary())
    return ExitCode.FAILED
