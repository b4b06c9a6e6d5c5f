"""One definition of a build's inputs (publish/site/build_inputs.py): `plan`/`status`
(publish/site/freshness.py, by date) and the cycle (publish/site/skipping.py, by hash) see the
same files, so a change to any of them makes both build again."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from publish.site import build_inputs, fingerprint
from publish.site.freshness import source_times, stale_reason
from publish.site.skipping import SkippingBuilder

FILES = {
    "pelicanconf.py": "SITENAME = 'x'\n",
    "publishconf.py": "from pelicanconf import *\n",
    "requirements.txt": "pelican==4.11.0\n",
    "theme/templates/base.html": "<html></html>\n",
    "plugins/campaign/plugin.py": "# plugin\n",
    "contract/bluesky_text.py": "# contract\n",
    "content/posts/a.md": "Title: A\n",
}
PLAN_TIME = time.time() + 3600    # after the publisher's own files


@pytest.fixture
def project(tmp_path) -> Path:
    for name, text in FILES.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text, encoding="utf-8")
        os.utime(tmp_path / name, (PLAN_TIME - 10, PLAN_TIME - 10))
    return tmp_path


def cycle_inputs(root: Path) -> dict[str, str]:
    builder = SkippingBuilder(settings=root / "publishconf.py", output=root / "output",
                              content=root / "content", plan=root / "state" / "plan.json",
                              extra={}, pelican_args=[], env={})
    return fingerprint.inputs(builder.fixed_roots(), {}, builder.request())


def plan_stale(root: Path) -> str | None:
    return stale_reason(PLAN_TIME, source_times(root, root / "content"))


def test_plan_and_cycle_read_the_same_files(project):
    by_date = {name for name, _ in source_times(project, project / "content")
               if not Path(name).is_dir()}         # and the folders, for removed files
    by_hash = {name for name in cycle_inputs(project) if name.startswith("/")}
    assert by_date == by_hash
    assert {str(project / name) for name in FILES} <= by_date


@pytest.mark.parametrize("name", sorted(FILES))
def test_a_change_to_any_input_makes_both_build_again(project, name):
    before = cycle_inputs(project)
    assert plan_stale(project) is None
    path = project / name
    path.write_text(path.read_text(encoding="utf-8") + "# changed\n", encoding="utf-8")
    os.utime(path, (PLAN_TIME + 10, PLAN_TIME + 10))
    assert plan_stale(project) == f"{path} changed after the plan was built"
    assert before[str(path)] != cycle_inputs(project)[str(path)]


@pytest.mark.parametrize("name", ["content/posts/a.md", "theme/templates/base.html",
                                  "plugins/campaign/plugin.py"])
def test_a_removed_input_makes_both_build_again(project, name):
    (project / name).with_name("kept.txt").write_text("x\n", encoding="utf-8")
    for folder in (project / name).parents:
        os.utime(folder, (PLAN_TIME - 10, PLAN_TIME - 10))
        if folder == project:
            break
    before = cycle_inputs(project)
    assert plan_stale(project) is None
    (project / name).unlink()
    later = (PLAN_TIME + 10, PLAN_TIME + 10)    # the removal's time (here, after the plan)
    os.utime((project / name).parent, later)
    assert plan_stale(project) == \
        f"{(project / name).parent} changed after the plan was built"
    assert str(project / name) in before and str(project / name) not in cycle_inputs(project)


def test_roots_are_the_settings_files_beside_folders_publisher_and_content(tmp_path):
    found = build_inputs.roots(tmp_path / "publishconf.py", tmp_path / "content",
                               ["pelicanconf.py", "notes.txt", "theme"], tmp_path / "pub")
    assert found == sorted(tmp_path / name for name in (
        "publishconf.py", "pelicanconf.py", "theme", "plugins", "contract",
        "requirements.txt", "pub", "content"))


def test_the_time_settings_are_not_inputs():
    assert build_inputs.options({"CAMPAIGN_NOW": "x", "B": 1, "A": 2}) == {"A": 2, "B": 1}
    assert build_inputs.environment(["LANG", "LC_TIME", "HOME", "X_API_KEY"]) == \
        ["LANG", "LC_TIME"]
