"""The publish workflow keeps what the build skip needs between runs (docs/ci.md): the last
site, its stamp, the plan and cache/ are restored before `make publish` and saved after it,
under a key unique to the run with a prefix that restores the newest earlier copy."""

from pathlib import Path

import yaml

WORKFLOW = Path(__file__).resolve().parents[2] / ".github" / "workflows" / "publish.yml"
KEPT = {"output", "output.stamp.json", "output.manifest.json", "state/plan.json", "cache"}


def steps() -> list[dict]:
    return yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))["jobs"]["publish"]["steps"]


def index(found: list[dict], predicate) -> int:
    (position,) = [i for i, step in enumerate(found) if predicate(step)]
    return position


def test_the_last_build_is_restored_before_make_publish_and_saved_after_it():
    found = steps()
    publish = index(found, lambda s: s.get("run") == "make publish")
    restore = index(found, lambda s: s.get("uses", "").startswith("actions/cache/restore@"))
    save = index(found, lambda s: s.get("uses", "").startswith("actions/cache/save@"))
    checkout = index(found, lambda s: s.get("uses", "").startswith("actions/checkout@"))
    commit = index(found, lambda s: s.get("run", "").startswith(".ci/commit-state"))
    assert checkout < restore < publish < save < commit
    for position in (restore, save):
        kept = set(found[position]["with"]["path"].split())
        assert kept == KEPT
    key = found[save]["with"]["key"]
    assert key == found[restore]["with"]["key"] and "${{ github.run_id }}" in key
    (prefix,) = found[restore]["with"]["restore-keys"].splitlines()
    assert key.startswith(prefix) and "run_id" not in prefix
    # Kept after a failed publish step too (a failed build changes none of it), never
    # after a cancelled run.
    assert found[save]["if"] == "${{ !cancelled() }}"


def test_everything_kept_is_ignored_by_git():
    ignored = (WORKFLOW.parents[2] / ".gitignore").read_text(encoding="utf-8").splitlines()
    assert {"output/", "output.stamp.json", "state/plan.json", "cache/"} <= set(ignored)
