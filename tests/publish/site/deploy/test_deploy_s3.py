"""S3 deploys against moto's standalone S3 server on 127.0.0.1 (real HTTP, real boto3)."""

from __future__ import annotations

import hashlib
import io
import socket
import uuid

import boto3
import pytest
from moto.server import ThreadedMotoServer

from publish.cli import main
from publish.site.deploy import S3Target, deploy
from publish.site.deploy.s3 import LONG_CACHE, SHORT_CACHE, cache_control, content_type
from tests.publish.site.deploy.conftest import SITE_FILES, Captured

SECRET = "wJalrXUtnFEMI-not-a-real-secret"
PREFIX = "blog"
TYPES = {
    "index.html": ("text/html; charset=utf-8", SHORT_CACHE),
    "2026/a-post/index.html": ("text/html; charset=utf-8", SHORT_CACHE),
    "404.html": ("text/html; charset=utf-8", SHORT_CACHE),
    "theme/css/style.css": ("text/css; charset=utf-8", LONG_CACHE),
    "theme/js/copy.js": ("text/javascript; charset=utf-8", LONG_CACHE),
    "theme/images/favicon.svg": ("image/svg+xml", LONG_CACHE),
    "images/card.png": ("image/png", LONG_CACHE),
    "feeds/all.atom.xml": ("application/atom+xml", SHORT_CACHE),
    "feeds/all.rss.xml": ("application/rss+xml", SHORT_CACHE),
    "sitemap.xml": ("application/xml", SHORT_CACHE),
    "offers/offers.json": ("application/json", SHORT_CACHE),
    "robots.txt": ("text/plain; charset=utf-8", SHORT_CACHE),
}


@pytest.fixture(scope="module")
def endpoint():
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@pytest.fixture
def s3env(endpoint, base_env):
    bucket = f"site-{uuid.uuid4().hex[:12]}"
    env = {**base_env, "AWS_ACCESS_KEY_ID": "AKIATESTKEY", "AWS_SECRET_ACCESS_KEY": SECRET,
           "AWS_REGION": "us-east-1", "DEPLOY_S3_ENDPOINT_URL": endpoint,
           "DEPLOY_TARGET": f"s3://{bucket}/{PREFIX}"}
    client = boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1",
                          aws_access_key_id="AKIATESTKEY", aws_secret_access_key=SECRET)
    client.create_bucket(Bucket=bucket)
    return env, client, bucket


def target(env) -> S3Target:
    bucket = env["DEPLOY_TARGET"].removeprefix("s3://").split("/")[0]
    return S3Target(bucket, PREFIX, env["DEPLOY_S3_ENDPOINT_URL"], "us-east-1")


def keys(client, bucket) -> set[str]:
    pages = client.get_paginator("list_objects_v2").paginate(Bucket=bucket)
    return {o["Key"] for page in pages for o in page.get("Contents", [])}


def body(client, bucket, key) -> bytes:
    return client.get_object(Bucket=bucket, Key=key)["Body"].read()


@pytest.mark.slow
def test_first_deploy_uploads_every_file_with_its_type_and_cache_header(site, s3env):
    env, client, bucket = s3env
    out = Captured()
    report = deploy(site, target(env), out, env=env)

    assert report.ok, report.error
    assert sorted(report.uploaded) == sorted(f"{PREFIX}/{n}" for n in SITE_FILES)
    assert (report.deleted, report.unchanged) == ([], 0)
    for name, (kind, cache) in TYPES.items():
        head = client.head_object(Bucket=bucket, Key=f"{PREFIX}/{name}")
        assert (head["ContentType"], head["CacheControl"]) == (kind, cache), name
        data = SITE_FILES[name].encode()
        assert head["Metadata"]["sha256"] == hashlib.sha256(data).hexdigest()
        assert body(client, bucket, f"{PREFIX}/{name}") == data
    # Assets before the pages that use them, feeds and the sitemap after the pages.
    order = [key.removeprefix(f"{PREFIX}/") for _, key in out.items]
    assert max(order.index(n) for n in ("theme/css/style.css", "images/card.png")) \
        < min(order.index(n) for n in ("index.html", "2026/a-post/index.html"))
    assert order.index("index.html") < order.index("feeds/all.atom.xml")
    assert report.summary() == f"deploy s3://{bucket}/blog: 12 uploaded, 0 deleted, 0 unchanged"


@pytest.mark.slow
def test_only_changed_files_go_up_and_stale_ones_are_deleted(site, s3env):
    env, client, bucket = s3env
    client.put_object(Bucket=bucket, Key="elsewhere/keep.txt", Body=b"not ours")
    assert deploy(site, target(env), Captured(), env=env).ok

    again = deploy(site, target(env), Captured(), env=env)
    assert (again.uploaded, again.deleted, again.unchanged) == ([], [], 12)

    (site / "theme/css/style.css").write_text("body { color: #000 }", encoding="utf-8")
    (site / "robots.txt").unlink()
    changed = deploy(site, target(env), Captured(), env=env)

    assert changed.ok
    assert changed.uploaded == [f"{PREFIX}/theme/css/style.css"]
    assert changed.deleted == [f"{PREFIX}/robots.txt"]
    assert changed.unchanged == 10
    assert body(client, bucket, f"{PREFIX}/theme/css/style.css") == b"body { color: #000 }"
    assert f"{PREFIX}/robots.txt" not in keys(client, bucket)
    assert "elsewhere/keep.txt" in keys(client, bucket)  # outside the prefix: not ours


def test_a_deploy_failing_halfway_deletes_nothing(site, s3env):
    env, client, bucket = s3env
    assert deploy(site, target(env), Captured(), env=env).ok
    client.put_object(Bucket=bucket, Key=f"{PREFIX}/2025/old-post/index.html", Body=b"old")
    (site / "theme/css/style.css").write_text("body { color: red }", encoding="utf-8")
    (site / "index.html").write_text("<title>New home</title>", encoding="utf-8")

    def lose_the_home_page(verb, key):  # the site changes under the deploy: a real failure
        (site / "index.html").unlink(missing_ok=True)

    out = Captured(on_item=lose_the_home_page)
    report = deploy(site, target(env), out, env=env)

    assert not report.ok
    assert report.error.startswith(f"uploading {PREFIX}/index.html: ")
    assert report.error.endswith("; nothing was deleted")
    assert report.uploaded == [f"{PREFIX}/theme/css/style.css"]
    assert report.deleted == []
    assert f"{PREFIX}/2025/old-post/index.html" in keys(client, bucket)
    assert body(client, bucket, f"{PREFIX}/index.html") == SITE_FILES["index.html"].encode()
    assert "FAILED: uploading blog/index.html" in report.summary()
    assert "(done before that: 1 uploaded, 0 deleted, 5 unchanged)" in report.summary()


@pytest.mark.slow
def test_objects_without_an_md5_etag_are_compared_by_their_stored_sha256(site, s3env):
    """A multipart upload's ETag is not an MD5: the sha256 in the metadata decides."""
    env, client, bucket = s3env
    for name, sha in (("index.html", None), ("404.html", "0" * 64)):
        data = SITE_FILES[name].encode()
        key = f"{PREFIX}/{name}"
        upload = client.create_multipart_upload(
            Bucket=bucket, Key=key, Metadata={"sha256": sha or hashlib.sha256(data).hexdigest()})
        part = client.upload_part(Bucket=bucket, Key=key, PartNumber=1, Body=data,
                                  UploadId=upload["UploadId"])
        client.complete_multipart_upload(
            Bucket=bucket, Key=key, UploadId=upload["UploadId"],
            MultipartUpload={"Parts": [{"ETag": part["ETag"], "PartNumber": 1}]})
        assert "-" in client.head_object(Bucket=bucket, Key=key)["ETag"]

    report = deploy(site, target(env), Captured(), env=env)

    assert report.ok
    assert f"{PREFIX}/index.html" not in report.uploaded
    assert f"{PREFIX}/404.html" in report.uploaded
    assert report.unchanged == 1


def run(argv, env):
    stdout, stderr = io.StringIO(), io.StringIO()
    code = main(argv, env=env, stdout=stdout, stderr=stderr, tty=False)
    return code, stdout.getvalue(), stderr.getvalue()


@pytest.mark.slow
def test_cli_deploys_from_the_environment_and_never_prints_the_secret(site, s3env):
    env, _, bucket = s3env
    code, stdout, stderr = run(["deploy", "--site", str(site)], env)
    assert code == 0, stderr
    assert f"upload  {PREFIX}/index.html  text/html; charset=utf-8" in stdout
    assert stdout.endswith(f"deploy s3://{bucket}/blog: 12 uploaded, 0 deleted, 0 unchanged\n")
    assert SECRET not in stdout + stderr


def test_cli_with_the_storage_unreachable_fails_cleanly(site, s3env):
    env, _, bucket = s3env
    with socket.socket() as sock:  # a loopback port nobody listens on
        sock.bind(("127.0.0.1", 0))
        closed = sock.getsockname()[1]
    env = {**env, "DEPLOY_S3_ENDPOINT_URL": f"http://127.0.0.1:{closed}",
           "AWS_MAX_ATTEMPTS": "1"}
    code, stdout, stderr = run(["deploy", "--site", str(site)], env)

    assert code == 1
    assert stderr.startswith(f"deploy s3://{bucket}/blog FAILED: listing the bucket: "
                             "Could not connect to the endpoint URL")
    assert "nothing was deleted" in stderr
    assert "Traceback" not in stdout + stderr
    assert SECRET not in stdout + stderr


@pytest.mark.parametrize(("name", "kind"), [
    ("a/index.html", "text/html; charset=utf-8"),
    ("feeds/category/x.atom.xml", "application/atom+xml"),
    ("feeds/all.rss.xml", "application/rss+xml"),
    ("theme/fonts/a.woff2", "font/woff2"),
    ("images/photo.JPG", "image/jpeg"),
    ("favicon.ico", "image/x-icon"),
    ("download.unknownext", "application/octet-stream"),
])
def test_content_types(name, kind):
    assert content_type(name) == kind


def test_cache_headers_are_short_for_pages_and_feeds_long_for_assets():
    assert cache_control("text/html; charset=utf-8") == "public, max-age=300"
    assert cache_control("application/atom+xml") == SHORT_CACHE
    assert cache_control("image/png") == "public, max-age=86400"
    assert cache_control("text/css; charset=utf-8") == LONG_CACHE
