"""Deploy to S3 or S3-compatible storage with boto3.

Only new and changed files are uploaded (changed: the content hash differs), each with its
content type and cache header; objects under the prefix that the site no longer has are
deleted last, and only when every upload succeeded, so a deploy that fails halfway never
removes a live page before its replacement is up. Uploads go assets first, then HTML pages,
then feeds and other indexes, so a new page never links to an image that is not there yet.

Unchanged is decided by the ETag where it is the MD5 of the content (plain single-part
uploads), otherwise by the sha256 this module stores in the object's metadata.
"""

from __future__ import annotations

import hashlib
import mimetypes
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from publish.site.deploy.base import DeployConfigError, DeployReport, site_files
from publish.site.deploy.config import S3Target

# Cache-Control: pages and feeds change with every post (5 minutes); theme assets, images
# and fonts rarely (1 day; their names carry no hash, so not longer).
SHORT_CACHE = "public, max-age=300"
LONG_CACHE = "public, max-age=86400"
CONTENT_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".json": "application/json",
    ".xml": "application/xml",
    ".txt": "text/plain; charset=utf-8",
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".gif": "image/gif",
    ".webp": "image/webp",
    ".avif": "image/avif",
    ".ico": "image/x-icon",
    ".woff2": "font/woff2",
    ".woff": "font/woff",
    ".pdf": "application/pdf",
}
FEED_TYPES = {".atom.xml": "application/atom+xml", ".rss.xml": "application/rss+xml"}
SHORT_TYPES = ("text/html", "application/xml", "application/atom+xml", "application/rss+xml",
               "application/json", "text/plain")
SHA_KEY = "sha256"  # x-amz-meta-sha256


@dataclass(frozen=True)
class LocalFile:
    key: str
    path: Path
    md5: str
    sha256: str
    content_type: str
    cache_control: str

    @property
    def rank(self) -> int:
        """Upload order: assets (0), pages (1), feeds, sitemap and other indexes (2)."""
        if self.content_type.startswith("text/html"):
            return 1
        return 2 if self.cache_control == SHORT_CACHE else 0


def content_type(name: str) -> str:
    lower = name.lower()
    for suffix, kind in FEED_TYPES.items():
        if lower.endswith(suffix):
            return kind
    by_suffix = CONTENT_TYPES.get(Path(lower).suffix)
    if by_suffix is None:
        return mimetypes.guess_type(lower)[0] or "application/octet-stream"
    return by_suffix


def cache_control(kind: str) -> str:
    return SHORT_CACHE if kind.startswith(SHORT_TYPES) else LONG_CACHE


def object_key(prefix: str, name: str) -> str:
    return f"{prefix}/{name}" if prefix else name


def local_files(site: Path, prefix: str) -> dict[str, LocalFile]:
    files = {}
    for name, path in site_files(site):
        data = path.read_bytes()
        kind = content_type(name)
        key = object_key(prefix, name)
        files[key] = LocalFile(key, path, hashlib.md5(data).hexdigest(),
                               hashlib.sha256(data).hexdigest(), kind, cache_control(kind))
    return files


def md5_etag(etag: str) -> str | None:
    """The MD5 an ETag stands for, or None (multipart or encrypted objects)."""
    value = etag.strip('"').lower()
    return value if len(value) == 32 and all(c in "0123456789abcdef" for c in value) else None


def stale_keys(local: Mapping[str, LocalFile], remote: Mapping[str, str]) -> list[str]:
    return sorted(set(remote) - set(local))


# --- I/O -------------------------------------------------------------------------------

def client(target: S3Target, env: Mapping[str, str]):
    import boto3
    from botocore.config import Config

    session = boto3.session.Session(
        aws_access_key_id=env.get("AWS_ACCESS_KEY_ID") or None,
        aws_secret_access_key=env.get("AWS_SECRET_ACCESS_KEY") or None,
        aws_session_token=env.get("AWS_SESSION_TOKEN") or None,
        region_name=target.region,
        profile_name=env.get("AWS_PROFILE") or None,
    )
    config = Config(retries={"mode": "standard", "max_attempts": target.max_attempts},
                    connect_timeout=10, read_timeout=60,
                    s3={"addressing_style": "path"} if target.endpoint_url else None)
    return session.client("s3", endpoint_url=target.endpoint_url, config=config)


def remote_etags(s3, target: S3Target) -> dict[str, str]:
    listing = {}
    prefix = f"{target.prefix}/" if target.prefix else ""
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket=target.bucket,
                                                             Prefix=prefix):
        for item in page.get("Contents", []):
            listing[item["Key"]] = item.get("ETag", "")
    return listing


def unchanged(s3, target: S3Target, file: LocalFile, etag: str | None) -> bool:
    if etag is None:
        return False
    md5 = md5_etag(etag)
    if md5 is not None:
        return md5 == file.md5
    head = s3.head_object(Bucket=target.bucket, Key=file.key)
    return head.get("Metadata", {}).get(SHA_KEY) == file.sha256


def upload(s3, target: S3Target, file: LocalFile) -> None:
    s3.put_object(Bucket=target.bucket, Key=file.key, Body=file.path.read_bytes(),
                  ContentType=file.content_type, CacheControl=file.cache_control,
                  Metadata={SHA_KEY: file.sha256})


def delete(s3, target: S3Target, keys: list[str]) -> list[str]:
    """Delete `keys` in batches; returns the keys S3 refused to delete (with why)."""
    refused = []
    for start in range(0, len(keys), 1000):
        batch = [{"Key": key} for key in keys[start:start + 1000]]
        answer = s3.delete_objects(Bucket=target.bucket,
                                   Delete={"Objects": batch, "Quiet": True})
        refused += [f"{e['Key']}: {e.get('Message') or e.get('Code')}"
                    for e in answer.get("Errors", [])]
    return refused


def deploy(site: Path, target: S3Target, out, env: Mapping[str, str]) -> DeployReport:
    from botocore.exceptions import BotoCoreError, ClientError, NoCredentialsError

    report = DeployReport(str(target))
    step = "reading the site"
    try:
        local = local_files(site, target.prefix)
        s3 = client(target, env)
        step = "listing the bucket"
        remote = remote_etags(s3, target)
        for file in sorted(local.values(), key=lambda f: (f.rank, f.key)):
            step = f"uploading {file.key}"
            if unchanged(s3, target, file, remote.get(file.key)):
                report.unchanged += 1
                continue
            upload(s3, target, file)
            report.uploaded.append(file.key)
            out.item("upload", file.key, file.content_type)
        stale = stale_keys(local, remote)
        step = "deleting stale objects"
        refused = delete(s3, target, stale) if stale else []
        gone = set(stale) - {r.split(": ", 1)[0] for r in refused}
        for key in stale:
            if key in gone:
                report.deleted.append(key)
                out.item("delete", key)
        if refused:
            report.error = "could not delete " + "; ".join(refused)
    except NoCredentialsError:
        if report.uploaded:  # pragma: no cover - credentials vanish mid-run
            report.error = f"{step}: no AWS credentials"
            return report
        raise DeployConfigError("no AWS credentials: set AWS_ACCESS_KEY_ID and "
                                "AWS_SECRET_ACCESS_KEY (or AWS_PROFILE)") from None
    except (BotoCoreError, ClientError, OSError) as exc:
        tail = "" if step.startswith("deleting") else "; nothing was deleted"
        report.error = f"{step}: {exc}{tail}"
    return report
