"""rsync deploys to a local folder (the same rsync run a remote target uses, minus ssh)."""

from __future__ import annotations

import io

from publish.cli import main
from publish.site.deploy import RsyncTarget, deploy
from publish.site.deploy.rsync import command
from tests.publish.site.deploy.conftest import SITE_FILES, Captured, tree


def test_rsync_to_a_folder_sends_changes_and_deletes_stale_files(site, tmp_path, base_env):
    www = tmp_path / "www"
    target = RsyncTarget(str(www))
    first = deploy(site, target, Captured(), env=base_env)
    assert first.ok, first.error
    assert sorted(first.uploaded) == sorted(SITE_FILES)
    assert tree(www) == tree(site)
    assert oct(www.joinpath("index.html").stat().st_mode & 0o777) == oct(0o644)

    again = deploy(site, target, Captured(), env=base_env)
    assert (again.uploaded, again.deleted, again.unchanged) == ([], [], 12)

    (site / "theme/css/style.css").write_text("body { color: #000 }", encoding="utf-8")
    (site / "robots.txt").unlink()
    (www / "2025").mkdir()
    (www / "2025" / "stale.html").write_text("gone from the site", encoding="utf-8")
    changed = deploy(site, target, Captured(), env=base_env)

    assert changed.ok
    assert changed.uploaded == ["theme/css/style.css"]
    assert sorted(changed.deleted) == ["2025/stale.html", "robots.txt"]
    assert changed.unchanged == 10
    assert tree(www) == tree(site)


def test_cli_failure_is_reported_and_exits_1(site, tmp_path, base_env):
    env = {**base_env, "DEPLOY_TARGET": f"rsync:{tmp_path}/missing/parent/www"}
    stdout, stderr = io.StringIO(), io.StringIO()
    code = main(["deploy", "--site", str(site)], env=env, stdout=stdout, stderr=stderr,
                tty=False)
    assert code == 1
    assert stderr.getvalue().startswith(f"deploy rsync:{tmp_path}/missing/parent/www FAILED: "
                                        "rsync failed (exit 11): ")
    assert "nothing was deleted" in stderr.getvalue()


def test_remote_targets_run_over_ssh_in_batch_mode_on_the_given_port(site):
    args = command(site, RsyncTarget("deploy@web1:/var/www/blog", ssh_port=2222))
    assert args[-2:] == [f"{site}/", "deploy@web1:/var/www/blog"]
    assert args[args.index("-e") + 1] == "ssh -o BatchMode=yes -p 2222"
    assert {"--checksum", "--delete-after", "--delay-updates"} <= set(args)
    assert "-e" not in command(site, RsyncTarget("/srv/www"))
