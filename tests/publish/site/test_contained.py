"""A symlink under content/ (or the theme's static folder) that leads outside it is refused
before Pelican runs: `content/images/x.txt -> ../../.git/config` would publish the CI
checkout's token. Links that stay inside are fine; a link loop ends."""

from __future__ import annotations

import io
from pathlib import Path

from publish.cli import main
from publish.site.contained import paths_outside
from tests.publish.site.test_publish_build import project, snapshot  # noqa: F401  (fixture)


def tree(root: Path) -> Path:
    (root / "content" / "images").mkdir(parents=True)
    (root / "content" / "posts").mkdir()
    (root / "content" / "images" / "logo.png").write_bytes(b"png")
    (root / ".git").mkdir()
    (root / ".git" / "config").write_text("url = https://x-access-token:ghs_x@github.com/")
    return root / "content"


def test_paths_outside_names_each_link_that_leaves_the_folder(tmp_path):
    content = tree(tmp_path)
    assert paths_outside(content) == []
    images = content / "images"
    (images / "x.txt").symlink_to("../../.git/config")
    (images / "git").symlink_to(tmp_path / ".git", target_is_directory=True)
    (images / "gone.txt").symlink_to(tmp_path / "nowhere")            # dangling, outside
    (images / "same.png").symlink_to("logo.png")                      # inside: fine
    (content / "posts" / "pics").symlink_to("../images", target_is_directory=True)
    (images / "loop").symlink_to("..", target_is_directory=True)      # a loop, inside
    assert paths_outside(content) == sorted([images / "x.txt", images / "git",
                                             images / "gone.txt"])
    assert paths_outside(tmp_path / "missing") == []


def test_a_theme_static_link_may_lead_within_the_theme_only(tmp_path):
    theme = tmp_path / "theme"
    (theme / "static").mkdir(parents=True)
    (theme / "templates").mkdir()
    (theme / "static" / "base.html").symlink_to("../templates")
    (theme / "static" / "passwd").symlink_to("/etc/passwd")
    assert paths_outside(theme / "static", theme) == [theme / "static" / "passwd"]


def test_the_build_refuses_a_link_out_of_content_naming_it_and_changes_nothing(project):  # noqa: F811
    link = project / "content" / "images" / "x.txt"
    link.symlink_to("../../.git/config")
    theme_link = project / "theme" / "static" / "key"
    theme_link.symlink_to(project / "pelicanconf.py")
    before = snapshot(project)
    out, err = io.StringIO(), io.StringIO()
    code = main(["build"], env={}, stdout=out, stderr=err, tty=False)
    assert code == 2, out.getvalue() + err.getvalue()
    message = err.getvalue()
    assert f"{link}: a symlink to {project / '.git' / 'config'}, outside the content folder" \
        in message
    assert f"{theme_link}: a symlink to {project / 'pelicanconf.py'}, outside the theme" in message
    assert message.rstrip().endswith("nothing was changed")
    assert snapshot(project) == before and not (project / "output").exists()
