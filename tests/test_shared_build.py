"""once_per_run (tests/shared_build.py): a session's build is made once per run, in the
folder every xdist worker of the run shares, and a failed one is tried again."""

from types import SimpleNamespace

import pytest

from tests.shared_build import once_per_run, run_folder


def factory(base):
    return SimpleNamespace(getbasetemp=lambda: base)


@pytest.fixture(autouse=True)
def one_process(monkeypatch):
    """As without xdist (this file's own tests may run on a worker)."""
    monkeypatch.delenv("PYTEST_XDIST_WORKER", raising=False)


def test_it_is_made_once_and_read_back(tmp_path):
    made = []

    def make(folder):
        made.append(folder)
        (folder / "index.html").write_text("built", encoding="utf-8")
        return {"output": str(folder)}

    first = once_per_run(factory(tmp_path), "site", make)
    assert once_per_run(factory(tmp_path), "site", make) == first
    assert made == [tmp_path / "once-site"]
    assert (tmp_path / "once-site" / "index.html").read_text(encoding="utf-8") == "built"


def test_a_failed_make_leaves_nothing_and_the_next_one_makes_it(tmp_path):
    def broken(folder):
        (folder / "half.html").write_text("half", encoding="utf-8")
        raise RuntimeError("pelican failed")

    with pytest.raises(RuntimeError):
        once_per_run(factory(tmp_path), "site", broken)
    made = once_per_run(factory(tmp_path), "site", lambda folder: {"files": sorted(
        p.name for p in folder.iterdir())})
    assert made == {"files": []}


def test_the_workers_of_a_run_share_its_folder(tmp_path, monkeypatch):
    worker = tmp_path / "popen-gw1"
    worker.mkdir()
    monkeypatch.setenv("PYTEST_XDIST_WORKER", "gw1")
    assert run_folder(factory(worker)) == tmp_path
    monkeypatch.delenv("PYTEST_XDIST_WORKER")
    assert run_folder(factory(worker)) == worker
