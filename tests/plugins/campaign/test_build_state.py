"""plugins/campaign/build_state.py: one state per run, in the run's settings, begun as the
run begins and gone when it ends; never shared with another run or a copy of the settings."""

import copy
import json
import pickle

from campaign import build_state
from campaign.posts import lengths
from pelican import Pelican

from tests.plugins.conftest import settings_for, write_posts

POST = "Title: Live\nDate: 2026-11-20 09:00\nSocial: Live {url}\n\nx\n"


class Workers:
    closed = 0

    def close(self):
        self.closed += 1


def test_each_run_of_one_instance_has_a_state_of_its_own(tmp_path):
    """`pelican -lr` runs one Pelican instance again and again (`initialized` is sent once):
    every run reads the remembered lengths and keeps what it measured."""
    content = write_posts(tmp_path / "content", {"live.md": POST})
    settings = settings_for(content, tmp_path, CACHE_CONTENT=True, LOAD_CONTENT_CACHE=True,
                            CACHE_PATH=str(tmp_path / "cache"))
    remembered = tmp_path / "cache" / lengths.FILE_NAME
    pelican = Pelican(settings)
    for _ in range(2):
        pelican.run()
        assert json.loads(remembered.read_text(encoding="utf-8"))["lengths"]
        assert build_state.KEY not in settings, "the run's state ends with the run"
        remembered.unlink()
        (tmp_path / "state" / "plan.json").unlink()
    pelican.run()
    assert (tmp_path / "state" / "plan.json").exists()


def test_a_run_begins_afresh_after_one_that_never_finished():
    settings: dict = {}
    failed = build_state.begin(settings)
    failed.workers = Workers()
    failed.plan = ("plan.json", {"items": []})
    fresh = build_state.of(settings)
    assert fresh is failed, "handlers of one run share its state"
    fresh = build_state.begin(settings)
    assert fresh is not failed and fresh.plan is None and fresh.workers is None
    assert failed.workers is None, "the workers the failed run left are stopped"
    assert build_state.end(settings) is fresh and build_state.current(settings) is None


def test_two_builds_never_share_a_state():
    first, second = {}, {}
    assert build_state.begin(first) is not build_state.begin(second)
    build_state.of(first).plan = ("a.json", {})
    assert build_state.of(second).plan is None
    assert build_state.of(first).lengths is not build_state.of(second).lengths


def test_a_copy_of_the_settings_leaves_the_state_behind():
    """Pelican's content cache pickles every article with its settings."""
    settings = {"SITENAME": "x"}
    build_state.begin(settings).workers = Workers()
    for copied in (pickle.loads(pickle.dumps(settings)), copy.deepcopy(settings)):
        assert copied["SITENAME"] == "x" and build_state.current(copied) is None
    assert build_state.current(settings).workers is not None
