"""The cycle skips a deploy only to the very place it deployed to (issue 18, item 6): the
stamp records everything that decides where the files go (publish.site.deploy.identity), never a
secret. Two moto S3 servers on 127.0.0.1 stand in for AWS and a move to another provider."""

from __future__ import annotations

import subprocess

import boto3
import pytest
from moto.server import ThreadedMotoServer

from publish.site import deploy
from publish.site.stamp import stamp_path
from tests.publish.site.test_publish_skip import Site, build_line, skipped

SECRET = "wJalrXUtnFEMI-not-a-real-secret"
BUCKET = "blog-listening-brands"


@pytest.fixture
def two_endpoints():
    servers = [ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
               for _ in range(2)]
    urls = []
    for server in servers:
        server.start()
        host, port = server.get_host_and_port()
        urls.append(f"http://{host}:{port}")
    yield urls
    for server in servers:
        server.stop()


def s3(endpoint: str):
    client = boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1",
                          aws_access_key_id="AKIATESTKEY", aws_secret_access_key=SECRET)
    client.create_bucket(Bucket=BUCKET)
    return client


def keys(client) -> set[str]:
    return {o["Key"] for o in client.list_objects_v2(Bucket=BUCKET).get("Contents", [])}


@pytest.fixture
def site(tmp_path, live_site) -> Site:
    return Site(tmp_path / "project", {"PUBLISH_LINK_CHECK_BASE": live_site.url})


@pytest.mark.slow
def test_a_new_endpoint_gets_the_site_although_the_build_was_kept(site, two_endpoints):
    first, second = two_endpoints
    old, new = s3(first), s3(second)
    env = {"DEPLOY_TARGET": f"s3://{BUCKET}", "AWS_ACCESS_KEY_ID": "AKIATESTKEY",
           "AWS_SECRET_ACCESS_KEY": SECRET, "AWS_REGION": "us-east-1"}

    code, text = site.cycle(env={**env, "DEPLOY_S3_ENDPOINT_URL": first})
    assert code == 0 and "index.html" in keys(old), text
    code, text = site.cycle("2026-11-22T10:15:00Z", env={**env, "DEPLOY_S3_ENDPOINT_URL": first})
    assert skipped(text) and f"cycle: deploy: skipped (s3://{BUCKET} already holds" in text

    code, text = site.cycle("2026-11-22T10:30:00Z",
                            env={**env, "DEPLOY_S3_ENDPOINT_URL": second})
    assert code == 0, text
    assert skipped(text), build_line(text)              # the site itself did not change
    assert "cycle: deploy: skipped" not in text
    assert keys(new) == keys(old) and "index.html" in keys(new)
    stamp = stamp_path(site.output).read_text(encoding="utf-8")
    assert f"endpoint={second}" in stamp and SECRET not in stamp and "AKIATESTKEY" not in stamp


def test_the_identity_names_everything_that_decides_where_files_go(tmp_path):
    def of(**env: str) -> str:
        return deploy.identity(deploy.target_from_env(env, cwd=tmp_path), env)

    s3_target = of(DEPLOY_TARGET="s3://my-bucket/blog", AWS_REGION="eu-west-1",
                   DEPLOY_S3_ENDPOINT_URL="https://r2.example.com",
                   AWS_ACCESS_KEY_ID="AKIAKEY", AWS_SECRET_ACCESS_KEY=SECRET)
    assert s3_target == ("s3://my-bucket/blog endpoint=https://r2.example.com "
                         "region=eu-west-1")
    assert of(DEPLOY_TARGET="s3://my-bucket") == "s3://my-bucket endpoint=aws region=default"
    assert of(DEPLOY_TARGET="rsync:deploy@web1:/var/www/blog", DEPLOY_SSH_PORT="2222") == \
        "rsync:deploy@web1:/var/www/blog port=2222"
    assert of(DEPLOY_TARGET="rsync:deploy@web1:/var/www/blog") != \
        of(DEPLOY_TARGET="rsync:deploy@web2:/var/www/blog")

    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    subprocess.run(["git", "-C", str(tmp_path), "remote", "add", "origin",
                    "https://x-access-token:ghp_secret@github.com/org/blog.git"], check=True)
    github = of(DEPLOY_TARGET="github:gh-pages")
    assert github == "github:gh-pages remote=https://github.com/org/blog.git"
    assert of(DEPLOY_TARGET="github:site") == "github:site remote=https://github.com/org/blog.git"
    assert of(DEPLOY_TARGET="github", DEPLOY_GITHUB_REMOTE="/srv/mirror.git") == \
        "github:gh-pages remote=/srv/mirror.git"
