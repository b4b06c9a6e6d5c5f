"""CAMPAIGN_READ_WORKERS: Markdown bodies rendered by worker processes make the same site,
byte for byte, as the reader rendering them itself; a body the workers did not render (or
rendered from other text) is rendered by the reader."""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from campaign.header import prerender
from campaign.header.rawhtml import active_content
from campaign.header.reader import CampaignMarkdownReader
from campaign.problems import lines
from campaign.settings import validate
from pelican.settings import read_settings

ROOT = Path(__file__).resolve().parents[4]
HOSTILE = ROOT / "tests" / "site" / "data" / "hostile"
NOW = "2026-11-22T12:00:00Z"


def site_content(folder: Path) -> Path:
    """The sample site, the escaping tests' hostile headers and 40 synthetic posts."""
    from bench.synth import write_posts

    shutil.copytree(ROOT / "content", folder)
    for kind in ("posts", "pages"):
        for path in (HOSTILE / kind).glob("*.md"):
            shutil.copy(path, folder / kind / path.name)
    for path in (write_posts(folder.parent / "synthetic", 40) / "posts").glob("*.md"):
        shutil.move(path, folder / "posts" / path.name)
    return folder


# Each build runs in its own process, as `make` runs Pelican: the production plugins stay out
# of this one (Pelican's signals are process-wide). Every other file waits for its worker
# (else the reader may claim it first), so both ways a body reaches the page are in the
# build whatever the machine's speed; the driver prints which bodies came from a worker.
DRIVER = """
import json, os, sys
from pelican import Pelican
from pelican.settings import read_settings
from campaign.header import prerender

taken, take = [], prerender.Prerendered.take

def waiting_take(self, path, body):
    index, answer = self.pending.get(os.path.abspath(path), (0, None))
    if answer is not None and index % 2 == 0:
        answer.wait()
    result = take(self, path, body)
    taken.append(result is not None)
    return result

prerender.Prerendered.take = waiting_take
settings = read_settings(sys.argv[1], override=json.loads(sys.argv[2]))
workers = []
start = prerender.start
prerender.start = lambda settings: workers.append(start(settings)) or workers[-1]
Pelican(settings).run()
assert len(workers) == 1, "one run, one start"
assert workers[0] is None or workers[0].pool._state != "RUN", "the workers are gone"
assert "campaign_build" not in settings
print("TAKEN", json.dumps(taken))
"""


def build(content: Path, work: Path, workers: int) -> tuple[Path, list[bool]]:
    output = work / f"output-{workers}"
    overrides = {
        "PATH": str(content), "OUTPUT_PATH": str(output), "CAMPAIGN_NOW": NOW,
        "CAMPAIGN_PLAN_PATH": str(work / f"plan-{workers}.json"),
        "SOCIAL_CARDS_CACHE_PATH": str(work / "cards"),  # filled once, shared by both
        "CAMPAIGN_READ_WORKERS": workers,
    }
    done = subprocess.run(
        [sys.executable, "-c", DRIVER, str(ROOT / "publishconf.py"), json.dumps(overrides)],
        cwd=ROOT, capture_output=True, text=True, timeout=600,
        env={**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), str(ROOT / "plugins")])})
    assert done.returncode == 0, done.stderr[-3000:]
    taken = json.loads(done.stdout.split("TAKEN ", 1)[1])
    return output, taken


def files(folder: Path) -> dict[str, bytes]:
    found = {}
    for path in sorted(folder.rglob("*")):
        if path.is_file():
            data = path.read_bytes()
            if path.name == "sitemap.xml":  # <lastmod> of listing pages: the build's clock
                data = b"\n".join(line for line in data.split(b"\n") if b"<lastmod>" not in line)
            found[str(path.relative_to(folder))] = data
    return found


@pytest.mark.slow
def test_workers_build_the_same_site_byte_for_byte(tmp_path):
    content = site_content(tmp_path / "content")
    serial, _ = build(content, tmp_path, 0)
    parallel, taken = build(content, tmp_path, 2)
    sources = list(content.glob("p*s/*.md"))  # posts/ and pages/
    assert len(taken) == len(sources) > 50
    assert sum(taken) >= len(sources) // 2  # from the workers, at least those waited for
    assert files(serial) == files(parallel)
    assert (tmp_path / "plan-0.json").read_bytes() == (tmp_path / "plan-2.json").read_bytes()


def ready(build: prerender.Prerendered) -> prerender.Prerendered:
    for _, answer in build.pending.values():
        answer.wait()
    return build


def test_a_body_other_than_the_one_rendered_is_rendered_by_the_reader(tmp_path, monkeypatch):
    post = tmp_path / "posts" / "a.md"
    post.parent.mkdir()
    post.write_text("Title: A\nDate: 2026-11-20\n\nFirst <b>body</b>\n", encoding="utf-8")
    settings = {"PATH": str(tmp_path), "IGNORE_FILES": [".#*"],
                "MARKDOWN": read_settings(None)["MARKDOWN"]}
    build = ready(prerender.Prerendered(settings, 1))
    try:
        assert build.take(str(post), "Other body\n") is None  # the file changed under it
        assert build.take(str(post), "First <b>body</b>\n") is None  # each answer once
        assert build.take(str(tmp_path / "unknown.md"), "x") is None
    finally:
        build.close()
    claimed = bytearray(1)
    monkeypatch.setitem(prerender._WORKER, "reader", CampaignMarkdownReader(settings))
    monkeypatch.setitem(prerender._WORKER, "claimed", claimed)
    assert prerender.render_file(0, str(post))[1] == "<p>First <b>body</b></p>"
    assert claimed == bytearray([1])  # claimed for the worker, and rendered
    assert prerender.render_file(0, str(post)) is None  # claimed already: not again
    build = ready(prerender.Prerendered(settings, 1))
    try:
        html, reasons = build.take(str(post), "First <b>body</b>\n")
        assert html == "<p>First <b>body</b></p>" and reasons == tuple(active_content(html))
    finally:
        build.close()


def test_the_workers_report_raw_html_as_the_reader_does(tmp_path):
    post = tmp_path / "posts" / "a.md"
    post.parent.mkdir()
    body = "Hello <script>alert(1)</script> and <img src=x onerror=y>\n"
    post.write_text(f"Title: A\nDate: 2026-11-20\n\n{body}", encoding="utf-8")
    settings = {"PATH": str(tmp_path), "MARKDOWN": read_settings(None)["MARKDOWN"]}
    build = ready(prerender.Prerendered(settings, 1))
    try:
        html, reasons = build.take(str(post), body)
    finally:
        build.close()
    assert len(reasons) == 2 and reasons == tuple(active_content(html))


def test_markdown_sources_skip_ignored_files_and_other_formats(tmp_path):
    for name in ("posts/a.md", "posts/b.markdown", "posts/c.rst", "posts/.#d.md",
                 ".#drafts/e.md", "pages/f.mdown"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("x", encoding="utf-8")
    found = prerender.markdown_sources({"PATH": str(tmp_path), "IGNORE_FILES": [".#*"]})
    assert [Path(p).relative_to(tmp_path).as_posix() for p in found] == [
        "pages/f.mdown", "posts/a.md", "posts/b.markdown"]


@pytest.mark.parametrize("value", [-1, 1.5, "2", True, None])
def test_the_setting_must_be_a_whole_number(value):
    settings = read_settings(None, override={"CAMPAIGN_SITE_URL": "https://e.example",
                                             "CAMPAIGN_READ_WORKERS": value})
    from campaign.settings import apply_defaults

    apply_defaults(settings)
    assert "CAMPAIGN_READ_WORKERS: must be a whole number, 0 or more" in lines(validate(settings))
