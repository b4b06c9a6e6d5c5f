"""`python -m publish build`: a failed build leaves output/ and the plan exactly as they were;
a successful one swaps a fresh folder in and leaves no leftovers.

Every build runs the real Pelican, plugin and theme in a copy of the project (its content,
theme, plugins and settings), never in the checkout.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from publish.cli import main
from publish.site.build import BuildRefused, build

REPO = Path(__file__).resolve().parents[3]
NOW = {"CAMPAIGN_NOW": "2026-11-22T12:00:00Z"}
POST = "content/posts/answering-customers-on-twitter.md"
FAILED = "output/ and state/plan.json were left exactly as they were"


@pytest.fixture
def project(tmp_path: Path, monkeypatch) -> Path:
    """The site's sources in a throwaway folder, which is also the current folder."""
    root = tmp_path / "project"
    root.mkdir()
    for name in ("content", "theme", "plugins", "contract"):
        shutil.copytree(REPO / name, root / name,
                        ignore=shutil.ignore_patterns("__pycache__"))
    for name in ("pelicanconf.py", "publishconf.py"):
        shutil.copy2(REPO / name, root / name)
    monkeypatch.chdir(root)
    return root


def snapshot(root: Path) -> dict[str, str]:
    """Every file under output/ and state/ with its sha256."""
    files = {}
    for top in ("output", "state"):
        for folder, _, names in os.walk(root / top):
            for name in names:
                path = Path(folder) / name
                files[path.relative_to(root).as_posix()] = hashlib.sha256(
                    path.read_bytes()).hexdigest()
    return files


def leftovers(root: Path) -> list[str]:
    found = [p.name for p in root.iterdir() if p.name.startswith(("output.new-", "output.old-"))]
    state = root / "state"
    if state.exists():
        found += [p.name for p in state.iterdir() if ".new-" in p.name or p.suffix == ".tmp"]
    return found


def run_cli(root: Path, *args: str, columns: int = 200) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(REPO), "COLUMNS": str(columns)}
    extra = ["--extra-setting", f"CAMPAIGN_NOW={json.dumps(NOW['CAMPAIGN_NOW'])}"]
    return subprocess.run([sys.executable, "-m", "publish", "build", *extra, *args],
                          cwd=root, env=env, capture_output=True, text=True, timeout=300)


def break_header(root: Path) -> None:
    post = root / POST
    post.write_text(post.read_text(encoding="utf-8").replace("Coupon_Expires:",
                                                             "Coupon_Expiers:"),
                    encoding="utf-8")


@pytest.mark.slow
@pytest.mark.parametrize("settings", ["publishconf.py", "pelicanconf.py"])
def test_a_failed_build_leaves_output_and_plan_as_they_were(project, settings):
    first = build(Path(settings), extra_settings=NOW)
    assert first.ok and first.files > 40
    before = snapshot(project)
    assert "state/plan.json" in before and "output/index.html" in before

    break_header(project)
    done = run_cli(project, "--settings", settings)

    assert done.returncode == 1, done.stdout + done.stderr  # Pelican's own status
    # Pelican's message (the plugin's) passes through, then one truthful line of ours.
    assert "Coupon_Expiers: unknown key (did you mean Coupon_Expires?)" in done.stderr
    assert ("campaign: 1 problem found (listed above); the build stopped before writing the "
            "site or the plan") in done.stderr
    assert f"build: pelican failed (exit 1); {FAILED}" in done.stderr
    assert "Traceback" not in done.stdout + done.stderr
    assert snapshot(project) == before
    assert leftovers(project) == []


@pytest.mark.slow
def test_each_problem_is_one_unwrapped_line_in_a_narrow_log_without_a_terminal(project):
    """A CI log: no terminal, 40 columns. Pelican's rich handler wrapped each problem over
    several lines, each with a time and `campaign.py:73`; the docs promise one line each."""
    break_header(project)
    two = project / "content/posts/two.md"
    two.write_text("Title: Two\nDate: 2026-11-20 09:00\nSocial_At: tomorrow morning\n\nBody.\n",
                   encoding="utf-8")
    done = run_cli(project, "--settings", "pelicanconf.py", columns=40)
    assert done.returncode == 1, done.stdout + done.stderr
    problems = [line for line in done.stderr.splitlines() if line.startswith("posts/")]
    assert problems == [
        "posts/answering-customers-on-twitter.md: Coupon_Expiers: unknown key (did you mean "
        "Coupon_Expires?)",
        "posts/two.md: Social_At: not a date-time 'tomorrow morning': expected YYYY-MM-DD "
        "HH:MM in the site time zone, or with an offset (2026-11-20T09:00+01:00), or +30m, "
        "+2h, +3d or +1w after the article's date"]
    assert "plugin.py:" not in done.stdout + done.stderr


@pytest.mark.slow
def test_a_failure_after_the_plan_was_written_keeps_the_old_plan(project):
    """A `finalized` handler that runs after the campaign plugin wrote its plan (the sitemap
    plugin's does) and fails: the new plan must not replace the old one."""
    assert build(Path("publishconf.py"), extra_settings=NOW).ok
    before = snapshot(project)
    (project / "plugins" / "late_failure.py").write_text(
        "from pelican import signals\n\n"
        "def fail(pelican):\n    raise RuntimeError('disk full while writing the sitemap')\n\n"
        "def register():\n    signals.finalized.connect(fail)\n", encoding="utf-8")
    post = project / POST
    post.write_text(post.read_text(encoding="utf-8").replace(
        "Social: ", "Social: Changed text. ", 1), encoding="utf-8")
    plugins = ["campaign", "reading_time", "sitemap", "sitemap_hreflang", "late_failure"]

    result = build(Path("publishconf.py"), extra_settings={**NOW, "PLUGINS": plugins},
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    assert result.returncode == 1
    assert snapshot(project) == before
    assert leftovers(project) == []
    # The same content without the failing plugin does change the plan: the test is real.
    assert build(Path("publishconf.py"), extra_settings=NOW).ok
    assert snapshot(project)["state/plan.json"] != before["state/plan.json"]


@pytest.mark.slow
def test_a_successful_build_swaps_in_a_clean_folder_and_removes_leftovers(project):
    (project / "output").mkdir()
    (project / "output" / "stale.html").write_text("from an old build", encoding="utf-8")
    for name in ("output.new-dead", "output.old-dead"):  # a build killed earlier
        (project / name).mkdir()
        (project / name / "index.html").write_text("half", encoding="utf-8")
    (project / "state").mkdir()
    (project / "state" / ".plan.json.new-dead").write_text("{", encoding="utf-8")

    done = run_cli(project, "--settings", "publishconf.py")

    assert done.returncode == 0, done.stdout + done.stderr
    assert "Done: Processed 8 articles" in done.stdout  # Pelican's summary passes through
    files = sum(len(n) for _, _, n in os.walk(project / "output"))
    assert (f"build: output/ now holds the new site ({files} files); plan written to "
            "state/plan.json") in done.stdout
    assert not (project / "output" / "stale.html").exists()
    assert (project / "output" / "feeds" / "all.atom.xml").is_file()
    assert json.loads((project / "state" / "plan.json").read_text())["items"]
    assert leftovers(project) == []
    assert oct((project / "output").stat().st_mode & 0o777) != oct(0o700)


@pytest.mark.slow
def test_a_build_killed_between_the_renames_gets_the_old_site_back(project):
    """Killed after output/ was renamed aside and before the new folder came in: the next
    build (here a failing one) finds output/ missing and restores the old folder."""
    assert build(Path("pelicanconf.py"), extra_settings=NOW).ok
    before = snapshot(project)
    os.rename(project / "output", project / "output.old-1234abcd")
    break_header(project)

    result = build(Path("pelicanconf.py"), extra_settings=NOW,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    assert result.returncode == 1
    assert snapshot(project) == before
    assert leftovers(project) == []


@pytest.mark.slow
def test_pelican_options_pass_through_with_or_without_dashes_and_conflicting_ones_are_refused(
        project):
    done = run_cli(project, "--settings", "publishconf.py", "--", "--relative-urls")
    assert done.returncode == 0, done.stderr
    index = (project / "output" / "index.html").read_text(encoding="utf-8")
    assert 'href="./theme/' in index or 'href="theme/' in index

    # build() itself drops the `--` (the cycle and `publish build` both pass it through)
    assert build(Path("publishconf.py"), extra_settings=NOW,
                 pelican_args=["--", "--relative-urls"], stdout=subprocess.DEVNULL).ok
    assert 'href="./theme/' in (project / "output" / "index.html").read_text(encoding="utf-8")

    refused = run_cli(project, "--", "-o", "elsewhere")
    assert refused.returncode == 2
    assert ("build: pelican option -o cannot be passed through; use --output instead; "
            "nothing was changed") in refused.stderr
    assert not (project / "elsewhere").exists()


@pytest.mark.slow
def test_requests_that_would_destroy_something_are_refused(project):
    with pytest.raises(BuildRefused, match=r"--output: .* holds the content and the settings "
                                         r"file and the current folder"):
        build(Path("pelicanconf.py"), output=project)
    with pytest.raises(BuildRefused, match=r"--settings: no settings file at nope\.py"):
        build(Path("nope.py"))
    (project / "output").write_text("a file", encoding="utf-8")
    with pytest.raises(BuildRefused, match="not a plain folder"):
        build(Path("pelicanconf.py"))
    assert leftovers(project) == []


@pytest.mark.slow
def test_a_settings_file_that_prints_builds_and_one_that_gives_nothing_is_refused(project):
    """The settings are read in a subprocess; what the settings file prints is not its
    answer (it was parsed as JSON: "unexpected error: JSONDecodeError", exit 1)."""
    conf = project / "pelicanconf.py"
    conf.write_text(conf.read_text(encoding="utf-8") + "\nprint('hello from the settings')\n",
                    encoding="utf-8")
    done = run_cli(project, "--settings", "pelicanconf.py")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "build: output/ now holds the new site" in done.stdout

    before = snapshot(project)
    conf.write_text(conf.read_text(encoding="utf-8") + "\nimport sys\nsys.exit(0)\n",
                    encoding="utf-8")
    done = run_cli(project, "--settings", "pelicanconf.py")
    assert done.returncode == 2, done.stdout + done.stderr
    assert ("build: pelicanconf.py: cannot be read: reading it gave no settings") in done.stderr
    assert "nothing was changed" in done.stderr and "unexpected error" not in done.stderr
    assert snapshot(project) == before


@pytest.mark.slow
def test_credentials_never_reach_the_build_of_publish_build_cycle_or_status(project):
    """Every way into a build (`publish build`, the cycle's build, the plan's rebuild for
    `status`) hands Pelican and the settings file the environment without credentials."""
    dump = project / "env-seen.txt"
    conf = project / "pelicanconf.py"
    conf.write_text(conf.read_text(encoding="utf-8") + (
        "\nimport os as _os\nwith open(_os.environ['ENV_DUMP'], 'a') as _f:\n"
        "    _f.write(' '.join(sorted(_os.environ)) + '\\n')\n"), encoding="utf-8")
    secret = {"X_API_KEY": "k", "X_API_SECRET": "s", "X_ACCESS_TOKEN": "t",
              "X_ACCESS_TOKEN_SECRET": "ts", "X_BEARER_TOKEN": "b",
              "AWS_ACCESS_KEY_ID": "a", "AWS_SECRET_ACCESS_KEY": "as",
              "AWS_SESSION_TOKEN": "at", "MASTODON_ACCESS_TOKEN": "mt",
              "MASTODON_BASE_URL": "https://m.example", "BLUESKY_HANDLE": "brand.example",
              "BLUESKY_APP_PASSWORD": "bp",
              "DEPLOY_GITHUB_REMOTE": "https://x-access-token:tok@github.com/o/r.git"}
    env = {**os.environ, "PYTHONPATH": str(REPO), "ENV_DUMP": str(dump), **secret}

    done = subprocess.run([sys.executable, "-m", "publish", "build"], cwd=project, env=env,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    builds = {"publish build": dump.read_text().splitlines()}
    dump.unlink()

    break_header(project)   # the builds below fail in the plugin, after the settings ran
    quiet = {"stdout": io.StringIO(), "stderr": io.StringIO()}
    assert main(["init"], env=env, **quiet) == 0
    assert main(["cycle", "--settings", "pelicanconf.py"], env=env, **quiet) == 2
    builds["cycle"] = dump.read_text().splitlines()
    dump.unlink()
    assert main(["status"], env=env, **quiet) == 2      # content newer than the plan
    builds["status"] = dump.read_text().splitlines()

    for way, seen in builds.items():
        assert len(seen) >= 2, way              # the settings probe, then Pelican
        for names in seen:
            assert "PATH" in names.split(), way
            assert not set(names.split()) & set(secret), (way, set(names.split()) & set(secret))
