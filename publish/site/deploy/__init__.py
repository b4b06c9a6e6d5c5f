"""Deploy the built site: `python -m publish deploy`, or `deploy()` from Python.

One module per target (`s3`, `github`, `rsync`), each `deploy(site, target, out, env) ->
DeployReport`; `config.target_from_env` reads and checks DEPLOY_TARGET and its variables.
Deploying never posts anything.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

from publish.site.deploy.base import DeployConfigError, DeployReport, check_site
from publish.site.deploy.config import GitHubTarget, RsyncTarget, S3Target, Target, target_from_env

__all__ = ["DeployConfigError", "DeployReport", "GitHubTarget", "RsyncTarget", "S3Target",
           "Target", "deploy", "identity", "target_from_env"]


def deploy(site: Path, target: Target, out, *,
           env: Mapping[str, str] | None = None) -> DeployReport:
    """Make the target hold exactly the files of `site`. Raises DeployConfigError before
    changing anything when the site or a prerequisite is missing, or the site is not what
    its build wrote (its manifest); any later failure is in the report (`report.ok` is
    False) with what was done before it. Holds the site's build lock while it reads the
    site (publish/posting/lock.py), so no build swaps it halfway; LockHeld when
    PUBLISH_LOCK_TIMEOUT passed first."""
    from publish.posting.lock import build_lock, lock_timeout
    from publish.site.deploy import github, rsync, s3

    env = os.environ if env is None else env
    site = Path(site)
    try:
        timeout = lock_timeout(env)
    except ValueError as exc:
        raise DeployConfigError(str(exc)) from None
    with build_lock(site, "deploy", timeout=timeout,
                    say=lambda line: out.error(f"deploy: {line}")):
        check_site(site)
        if isinstance(target, S3Target):
            return s3.deploy(site, target, out, env)
        if isinstance(target, GitHubTarget):
            return github.deploy(site, target, out, env)
        return rsync.deploy(site, target, out, env)


def identity(target: Target, env: Mapping[str, str] | None = None) -> str:
    """Everything that decides where the files go, as one string, never a secret: the
    cycle skips a deploy only to the same identity (publish/site/skipping.py). S3: bucket,
    prefix, endpoint (DEPLOY_S3_ENDPOINT_URL; AWS when unset) and region; GitHub: branch and
    the remote's URL (a remote name is resolved with `git remote get-url`; `user:token@`
    dropped); rsync: the destination (host and path) and the ssh port."""
    from publish.site.deploy.base import redact_url

    if isinstance(target, S3Target):
        return (f"{target} endpoint={target.endpoint_url or 'aws'} "
                f"region={target.region or 'default'}")
    if isinstance(target, GitHubTarget):
        return f"github:{target.branch} remote={redact_url(_remote_url(target, env))}"
    return f"{target} port={target.ssh_port or 'default'}"


def _remote_url(target: GitHubTarget, env: Mapping[str, str] | None) -> str:
    import subprocess

    try:
        done = subprocess.run(["git", "remote", "get-url", "--push", target.remote],
                              cwd=target.repo, env=dict(os.environ if env is None else env),
                              capture_output=True, text=True, check=False)
    except OSError:
        return target.remote
    url = done.stdout.strip()
    return url if done.returncode == 0 and url else target.remote
