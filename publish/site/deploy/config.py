"""Where to deploy, read from the environment and checked: every problem at once, each naming
its variable; values of secrets never appear in a message.

    DEPLOY_TARGET=s3://BUCKET[/PREFIX]      S3 or S3-compatible storage (boto3)
    DEPLOY_TARGET=github[:BRANCH]           a GitHub Pages branch (default gh-pages)
    DEPLOY_TARGET=rsync:[USER@]HOST:PATH    rsync over ssh
    DEPLOY_TARGET=rsync:/local/path         rsync to a folder on this machine
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from publish.site.deploy.base import DeployConfigError, redact_url

FORMS = ("s3://BUCKET[/PREFIX], github[:BRANCH], rsync:[USER@]HOST:/PATH or "
         "rsync:/LOCAL/PATH")
BUCKET = re.compile(r"^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$")
BRANCH = re.compile(r"^(?!-)(?!/)(?!.*\.\.)(?!.*//)(?!.*\.lock$)[A-Za-z0-9._/-]+(?<!/)$")
HOSTNAME = re.compile(r"^(?=.{1,253}$)([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+"
                      r"[A-Za-z]{2,63}$")
# rsync --delete into one of these would wipe far more than a website.
UNSAFE_PATHS = {"", "/", ".", "~", "~/", "./"}


@dataclass(frozen=True)
class S3Target:
    bucket: str
    prefix: str = ""  # no leading or trailing "/"
    endpoint_url: str | None = None  # DEPLOY_S3_ENDPOINT_URL, for S3-compatible hosts
    region: str | None = None  # AWS_REGION / AWS_DEFAULT_REGION
    max_attempts: int = 3  # AWS_MAX_ATTEMPTS: tries per request, first one included

    def __str__(self) -> str:
        return f"s3://{self.bucket}/{self.prefix}".rstrip("/")


@dataclass(frozen=True)
class GitHubTarget:
    branch: str = "gh-pages"
    remote: str = "origin"  # DEPLOY_GITHUB_REMOTE: a remote name, URL or path
    cname: str | None = None  # DEPLOY_CNAME: custom domain, written to the branch's CNAME
    repo: Path = Path(".")  # the git repository the branch is committed in

    def __str__(self) -> str:
        return f"github:{self.branch} ({redact_url(self.remote)})"


@dataclass(frozen=True)
class RsyncTarget:
    destination: str  # as rsync takes it: [USER@]HOST:PATH or a local path
    ssh_port: int | None = None  # DEPLOY_SSH_PORT

    @property
    def remote(self) -> bool:
        head = self.destination.split("/", 1)[0]
        return ":" in head

    def __str__(self) -> str:
        return f"rsync:{self.destination}"


Target = S3Target | GitHubTarget | RsyncTarget


def target_from_env(env: Mapping[str, str], *, target: str | None = None,
                    cwd: Path | None = None) -> Target | None:
    """The configured target, or None when there is none. `target` (a --target option)
    stands in for DEPLOY_TARGET. Raises DeployConfigError listing every problem."""
    spec = (target if target is not None else env.get("DEPLOY_TARGET", "")).strip()
    if not spec:
        return None
    name = "--target" if target is not None else "DEPLOY_TARGET"
    problems: list[str] = []
    result: Target | None = None
    if spec.startswith("s3://"):
        result = _s3(spec, name, env, problems)
    elif spec == "github" or spec.startswith("github:"):
        result = _github(spec, name, env, cwd or Path.cwd(), problems)
    elif spec.startswith("rsync:"):
        result = _rsync(spec, name, env, problems)
    else:
        problems.append(f"{name}: {spec!r} is not a deploy target; use {FORMS}")
    if problems:
        raise DeployConfigError(problems)
    return result


def _s3(spec: str, name: str, env: Mapping[str, str], problems: list[str]) -> S3Target:
    bucket, _, prefix = spec.removeprefix("s3://").partition("/")
    prefix = prefix.strip("/")
    if not BUCKET.match(bucket) or ".." in bucket:
        problems.append(f"{name}: {bucket!r} is not an S3 bucket name (3-63 characters: "
                        "a-z, 0-9, '.', '-')")
    if prefix and any(part in ("", ".", "..") for part in prefix.split("/")):
        problems.append(f"{name}: the prefix {prefix!r} has an empty, '.' or '..' part")
    endpoint = env.get("DEPLOY_S3_ENDPOINT_URL", "").strip() or None
    if endpoint is not None:
        parts = urlsplit(endpoint)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            problems.append("DEPLOY_S3_ENDPOINT_URL: want an http:// or https:// URL "
                            "such as https://s3.eu-central-1.example.com")
        elif parts.username or parts.password:
            problems.append("DEPLOY_S3_ENDPOINT_URL: must not carry credentials; use "
                            "AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY")
    key_id, secret = env.get("AWS_ACCESS_KEY_ID"), env.get("AWS_SECRET_ACCESS_KEY")
    if bool(key_id) != bool(secret):
        given, missing = (("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY") if key_id
                          else ("AWS_SECRET_ACCESS_KEY", "AWS_ACCESS_KEY_ID"))
        problems.append(f"{missing}: missing while {given} is set (set both, or neither "
                        "to use AWS_PROFILE or the machine's role)")
    attempts = _int(env, "AWS_MAX_ATTEMPTS", 3, 1, 20, problems)
    region = env.get("AWS_REGION") or env.get("AWS_DEFAULT_REGION") or None
    return S3Target(bucket, prefix, endpoint, region, attempts)


def _github(spec: str, name: str, env: Mapping[str, str], cwd: Path,
            problems: list[str]) -> GitHubTarget:
    branch = spec.partition(":")[2] or "gh-pages"
    if not BRANCH.match(branch):
        problems.append(f"{name}: {branch!r} is not a usable branch name")
    remote = env.get("DEPLOY_GITHUB_REMOTE", "").strip() or "origin"
    if remote.startswith("-"):
        problems.append("DEPLOY_GITHUB_REMOTE: must be a remote name, URL or path, not an "
                        "option")
    cname = env.get("DEPLOY_CNAME", "").strip() or None
    if cname is not None and not HOSTNAME.match(cname):
        problems.append(f"DEPLOY_CNAME: {cname!r} is not a host name such as "
                        "blog.example.com")
    return GitHubTarget(branch, remote, cname, cwd)


def _rsync(spec: str, name: str, env: Mapping[str, str], problems: list[str]) -> RsyncTarget:
    destination = spec.removeprefix("rsync:")
    target = RsyncTarget(destination)
    path = destination.split(":", 1)[1] if target.remote else destination
    if destination.startswith("-") or any(c in destination for c in "\n\r\0"):
        problems.append(f"{name}: {destination!r} is not an rsync destination")
    elif path.strip() in UNSAFE_PATHS:
        problems.append(f"{name}: refusing to sync into {destination!r} (rsync --delete "
                        "would empty it); name the site's own folder, e.g. "
                        "rsync:deploy@web1:/var/www/blog")
    port = _int(env, "DEPLOY_SSH_PORT", None, 1, 65535, problems) if target.remote else None
    return RsyncTarget(destination, port)


def _int(env: Mapping[str, str], key: str, default, low: int, high: int,
         problems: list[str]):
    raw = env.get(key, "").strip()
    if not raw:
        return default
    if not raw.isdigit() or not low <= int(raw) <= high:
        problems.append(f"{key}: want a whole number from {low} to {high}, not {raw!r}")
        return default
    return int(raw)
