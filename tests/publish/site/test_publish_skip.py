"""`publish cycle` skips the build when nothing changed and no time boundary passed
(publish/site/stamp.py, publish/site/skipping.py), and builds with Pelican's content cache when
something did (publish/site/contentcache.py): real builds of a small site made with the project's
own settings, theme and plugins, an injected clock (--now), the loopback fake X where posting
is involved. Every kept or cached site is compared with a clean build (no cache), file by
file, byte for byte."""

from __future__ import annotations

import filecmp
import hashlib
import io
import json
import pickle
import re
import shutil
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest

from publish.cli import main
from publish.site import contentcache, fingerprint
from publish.site import stamp as stamps
from publish.site.stamp import stamp_path
from tests.fakes.fake_x import running_fake

REPO = Path(__file__).resolve().parents[3]
T0 = "2026-11-22T10:00:00Z"
# The content's time boundaries after T0, in order (Atlantic/Reykjavik is UTC).
COUPON_STARTS = "2026-11-23T09:00:00Z"
LATER_LIVE = "2026-11-24T09:00:00Z"
REMINDER_DUE = "2026-11-25T09:00:00Z"
COUPON_ENDS = "2026-11-27T09:00:00Z"

LIVE = """\
Title: Answering every mention
Date: 2026-11-20 09:00
Tags: customer service
Summary: What happened when we promised a human answer.
Social: We answer every mention within an hour {url}
Social_2: Five days on: what changed {url}
Social_2_At: 2026-11-25 09:00
Coupon: SAVE10
Coupon_Offer: 10% off your first order
Coupon_Starts: 2026-11-23 09:00
Coupon_Expires: 2026-11-27 09:00

We answer every mention within the hour.
"""
LATER = """\
Title: Saying sorry in public
Date: 2026-11-24 09:00
Social: off

A public apology is read by more people than the complaint.
"""


ABOUT = """\
Title: About
Slug: about

Who writes this blog, and how to reach us.
"""
TRANSLATION = """\
Title: Að svara öllum ábendingum
Date: 2026-11-20 09:00
Slug: answering-every-mention
Lang: is
Social: off

Við svörum öllum ábendingum innan klukkustundar.
"""


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def _copy(names, root: Path) -> None:
    for name in names:
        source = REPO / name
        if source.is_dir():
            shutil.copytree(source, root / name,
                            ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        else:
            shutil.copy2(source, root / name)


class Site:
    """A project folder: the real settings, theme and plugins, a small content folder."""

    def __init__(self, root: Path, env: dict[str, str]):
        self.root, self.env = root, env
        root.mkdir(parents=True)
        _copy(["pelicanconf.py", "publishconf.py", "theme", "plugins"], root)
        (root / "content" / "posts").mkdir(parents=True)
        self.write("live.md", LIVE)
        self.write("later.md", LATER)
        assert self.cli("init", now=None)[0] == 0

    @property
    def output(self) -> Path:
        return self.root / "output"

    def post(self, name: str) -> Path:
        return self.root / "content" / "posts" / name

    def write(self, name: str, text: str) -> None:
        self.post(name).write_text(text, encoding="utf-8")

    def state_args(self) -> list[str]:
        state = self.root / "state"
        return ["--plan", str(state / "plan.json"), "--ledger", str(state / "ledger.json"),
                "--history", str(state / "history.jsonl")]

    def cli(self, *args: str, now: str | None = T0, env: dict | None = None,
            state: bool = True):
        out, err = io.StringIO(), io.StringIO()
        argv = [*args, *(self.state_args() if state else [])] + (["--now", now] if now else [])
        code = main(argv, env={**self.env, **(env or {})}, stdout=out, stderr=err,
                    sleep=lambda s: None, tty=False)
        return code, out.getvalue() + err.getvalue()

    def cycle(self, now: str = T0, *options: str, env: dict | None = None,
              output: Path | None = None) -> tuple[int, str]:
        return self.cli("cycle", "--settings", str(self.root / "publishconf.py"),
                        "--content", str(self.root / "content"),
                        "--output", str(output or self.output), *options, now=now, env=env)

    def clean_build(self, now: str, into: Path) -> Path:
        """What a clean build at `now` writes (its own plan and output, no stamp)."""
        code, text = self.cli("build", "--settings", str(self.root / "publishconf.py"),
                              "--content", str(self.root / "content"), "--output", str(into),
                              "-e", f'CAMPAIGN_NOW="{now}"', "-e",
                              f'CAMPAIGN_PLAN_PATH="{into.parent / "clean-plan.json"}"',
                              now=None, state=False)
        assert code == 0, text
        return into


    def cache_folders(self) -> list[Path]:
        """The content cache's folders (one per key) beside the settings."""
        root = self.root / "cache" / "pelican"
        return sorted(p for p in root.iterdir() if p.is_dir()) if root.is_dir() else []

    def cached_articles(self) -> dict:
        """Pelican's reader cache of the articles: {path: (file stamp, (html, metadata))}."""
        (folder,) = self.cache_folders()
        with open(folder / "ArticlesGenerator-Readers", "rb") as handle:
            return pickle.load(handle)


def build_line(text: str) -> str:
    return next(line for line in text.splitlines() if line.startswith("cycle: build: "))


def skipped(text: str) -> bool:
    return build_line(text).startswith("cycle: build: skipped (")


def same_tree(left: Path, right: Path) -> list[str]:
    """Every file that differs, is missing on one side or added: [] when byte-identical."""
    names = {p.relative_to(left).as_posix() for p in left.rglob("*") if p.is_file()}
    names |= {p.relative_to(right).as_posix() for p in right.rglob("*") if p.is_file()}
    return sorted(n for n in names
                  if not ((left / n).is_file() and (right / n).is_file()
                          and filecmp.cmp(left / n, right / n, shallow=False)))


@pytest.fixture
def site(tmp_path, live_site) -> Site:
    return Site(tmp_path / "project", {"PUBLISH_LINK_CHECK_BASE": live_site.url})


@pytest.mark.slow
def test_a_second_cycle_with_nothing_changed_skips_the_build_and_says_until_when(site):
    code, first = site.cycle()
    assert code == 0, first
    assert "(built: no record of an earlier build)" in build_line(first)
    # The stamp took the hashes the build's manifest had made: the same as reading every file.
    stamp, _ = stamps.read(stamp_path(site.output))
    assert stamp is not None
    assert stamp.output_files == fingerprint.output_files(site.output)
    code, second = site.cycle("2026-11-22T10:15:00Z")
    assert code == 0, second
    assert build_line(second) == (
        f"cycle: build: skipped (nothing changed since {T0}; next change due "
        f"{COUPON_STARTS}: offer SAVE10 starts)")
    assert "cycle: post: " in second and "cycle: metrics: " in second
    code, forced = site.cycle("2026-11-22T10:15:00Z", "--force-build")
    assert "(built: forced (--force-build or FORCE_BUILD))" in build_line(forced)
    code, forced = site.cycle("2026-11-22T10:15:00Z", env={"FORCE_BUILD": "1"})
    assert "(built: forced" in build_line(forced)


@pytest.mark.slow
@pytest.mark.parametrize("change, reason", [
    (lambda s: s.write("live.md", LIVE.replace("the hour", "the hour, every day")),
     "content/posts/live.md changed"),
    (lambda s: s.write("new.md", LATER.replace("Saying sorry", "A new post")),
     "content/posts/new.md is new"),
    (lambda s: (s.root / "theme" / "static" / "css" / "extra.css").write_text("p{}\n"),
     "theme/static/css/extra.css is new"),
    (lambda s: (s.root / "publishconf.py").open("a").write("DEFAULT_PAGINATION = 3\n"),
     "publishconf.py changed"),
    (lambda s: (s.root / "plugins" / "campaign" / "site" / "offers.py").open("a")
     .write("# x\n"),
     "plugins/campaign/site/offers.py changed"),
])
def test_a_changed_input_rebuilds_and_names_it(site, change, reason):
    assert site.cycle()[0] == 0
    change(site)
    code, text = site.cycle("2026-11-22T10:15:00Z")
    assert code == 0, text
    line = build_line(text)
    assert not skipped(text) and reason in line and str(site.root) in line
    assert skipped(site.cycle("2026-11-22T10:30:00Z")[1])


HEAVY = ("pelican", "jinja2", "icalendar", "markdown", "pytwitter", "mastodon", "atproto")
IMPORTS = """\
import json, sys
from publish.cli import main
code = main(json.loads(sys.argv[1]), env=json.loads(sys.argv[2]))
assert code == 0, code
print(json.dumps(sorted(name for name in json.loads(sys.argv[3]) if name in sys.modules)))
"""


def heavy_imports_of_a_cycle(site: Site, now: str, *options: str) -> list[str]:
    """The libraries a cycle at `now` imports (its own process, the site's environment)."""
    argv = ["cycle", "--settings", str(site.root / "publishconf.py"), "--content",
            str(site.root / "content"), "--output", str(site.output), *options,
            *site.state_args(), "--now", now]
    done = subprocess.run([sys.executable, "-c", IMPORTS, json.dumps(argv),
                           json.dumps(site.env), json.dumps(HEAVY)], cwd=REPO,
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    assert "cycle: build: skipped" in done.stdout and "cycle: report: kept" in done.stdout
    return json.loads(done.stdout.splitlines()[-1])


@pytest.mark.slow
def test_an_unchanged_cycle_keeps_the_report_until_its_inputs_or_a_state_change(site):
    """Kept means not rendered: the unchanged cycle's own process imports no library the
    build, the report or a network needs (issue 20: an unchanged cycle under a second)."""
    report = site.root / "report"

    def report_line(now: str) -> str:
        code, text = site.cycle(now, "--report", str(report))
        assert code == 0, text
        return next(line for line in text.splitlines() if line.startswith("cycle: report: "))

    assert "6 items" in report_line(T0)
    written = {p.name: p.stat().st_mtime_ns for p in report.iterdir()}
    assert report_line("2026-11-22T10:15:00Z") == \
        f"cycle: report: kept (nothing changed since {T0}) → {report}/"
    assert {p.name: p.stat().st_mtime_ns for p in report.iterdir()} == written
    assert heavy_imports_of_a_cycle(site, "2026-11-22T10:20:00Z", "--report", str(report)) \
        == []
    ledger = site.root / "state" / "ledger.json"
    ledger.write_text(ledger.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    assert "6 items" in report_line("2026-11-22T10:30:00Z")         # the ledger changed
    assert "kept" in report_line("2026-11-22T10:45:00Z")
    assert "6 items" in report_line(COUPON_STARTS)                  # the offer starts


@pytest.mark.slow
def test_each_time_boundary_rebuilds_and_the_kept_site_equals_a_clean_build(site, tmp_path):
    """No posting credentials: posting is a loud dry run, so only time changes anything."""
    assert site.cycle()[0] == 0
    for boundary, why in ((COUPON_STARTS, "offer SAVE10 starts"),
                          (LATER_LIVE, "posts/later.md reaches its date"),
                          (REMINDER_DUE, "en/answering-every-mention/social-2/bluesky is due"),
                          (COUPON_ENDS, "offer SAVE10 ends")):
        before = boundary.replace(":00:00Z", ":00:00Z").replace("T09:", "T08:")
        code, text = site.cycle(before)
        assert code == 0 and skipped(text), text
        assert f"next change due {boundary}: {why}" in build_line(text)
        clean = site.clean_build(before, tmp_path / f"clean-{before[:10]}" / "output")
        assert same_tree(site.output, clean) == []
        code, text = site.cycle(boundary)
        assert code == 0 and f"(built: {boundary} passed: {why})" in build_line(text), text
    assert "no change due by time" in build_line(site.cycle("2027-06-01T00:00:00Z")[1])


@pytest.mark.slow
def test_a_site_gone_or_changed_by_hand_is_built_again(site):
    assert site.cycle()[0] == 0
    shutil.rmtree(site.output)
    text = site.cycle("2026-11-22T10:05:00Z")[1]
    assert f"(built: {site.output} is missing)" in build_line(text)
    (site.output / "index.html").write_text("defaced\n", encoding="utf-8")
    text = site.cycle("2026-11-22T10:10:00Z")[1]
    assert "(built: output/index.html changed after the build)" in build_line(text)
    (site.output / "extra.html").write_text("added\n", encoding="utf-8")
    text = site.cycle("2026-11-22T10:15:00Z")[1]
    assert "(built: extra.html was added to output/ after the build)" in build_line(text)
    (site.output / "404.html").unlink()
    text = site.cycle("2026-11-22T10:20:00Z")[1]
    assert "(built: 1 file(s) of the build are missing from output/)" in build_line(text)
    (site.root / "state" / "plan.json").unlink()
    text = site.cycle("2026-11-22T10:25:00Z")[1]
    assert "plan.json changed or is missing since the last build" in build_line(text)


@pytest.mark.slow
@pytest.mark.parametrize("stamp, note", [
    ("{not json", "is not usable: not JSON"),
    ('{"schema": "someone-else/1"}', "is not usable: not a build stamp of this publisher"),
    ('{"schema": "publish-build-stamp/1", "built_at": "2026-11-22T10:00:00Z"}',
     "is not usable: a field is missing or malformed"),
])
def test_a_corrupt_or_foreign_stamp_builds_with_a_note(site, stamp, note):
    assert site.cycle()[0] == 0
    stamp_path(site.output).write_text(stamp, encoding="utf-8")
    code, text = site.cycle("2026-11-22T10:15:00Z")
    assert code == 0 and not skipped(text) and note in build_line(text), text
    assert skipped(site.cycle("2026-11-22T10:30:00Z")[1])       # the stamp is good again


@pytest.mark.slow
def test_a_stamp_of_another_output_or_an_earlier_clock_builds(site, tmp_path):
    assert site.cycle()[0] == 0
    other = tmp_path / "elsewhere" / "output"
    shutil.copytree(site.output, other)
    shutil.copy2(stamp_path(site.output), stamp_path(other))
    text = site.cycle("2026-11-22T10:15:00Z", output=other)[1]
    assert "the stamp describes another build" in build_line(text)
    text = site.cycle("2026-11-22T09:00:00Z")[1]
    assert "is before the last build's time (2026-11-22T10:00:00Z)" in build_line(text)


ENGAGEMENT = ("Engagement_X: likes 1, reposts 0, replies 0, quotes 0, bookmarks 0, "
              "impressions 9\nEngagement_X_As_Of: 2026-11-22T11:00:00Z\n"
              "Engagement_X_Posts: https://x.com/i/web/status/1\n")


class _Any:
    def __eq__(self, other):
        return True


ANY = _Any()


def page_cache_counts(out: str) -> tuple[int, int, int]:
    """(rendered, kept, uncacheable) from the page_cache plugin's line of a build."""
    (line,) = [line for line in out.splitlines() if line.startswith("page_cache: ")]
    match = re.fullmatch(r"page_cache: (\d+) of (\d+) pages rendered, (\d+) kept "
                         r"\((\d+) uncacheable\)", line)
    assert match, line
    rendered, total, kept, uncacheable = map(int, match.groups())
    assert rendered + kept == total
    return rendered, kept, uncacheable


def assert_pages_rendered(pages: dict[str, tuple[int, int, int]]) -> None:
    """The first build renders every page; a build after one post changed renders the pages
    that show what changed, and keeps the rest (plugins/page_cache)."""
    total = sum(pages["start"][:2])
    assert pages["start"] == (total, 0, 0), pages
    assert pages["edit"] == (1, total - 1, 0), pages       # the article's own page alone
    # Its summary and title are on the listings too (index, tag, category, author, archives)
    for name in ("summary", "title", "engagement", "tags", "category", "author",
                 "translation", "boundary"):
        rendered, kept, uncacheable = pages[name]
        assert 1 < rendered < rendered + kept and uncacheable == 0, (name, pages)
    # A new page is in every page's menu; a setting or a template starts a new cache folder.
    for name in ("page", "setting", "template"):
        assert pages[name][1] == 0, (name, pages)


@pytest.mark.slow
def test_the_kept_site_is_byte_identical_to_a_clean_build_after_every_edit(site, tmp_path,
                                                                            capfd):
    """Edit, add, delete, rename a post, change its tags, category and author, edit a page,
    add a translation, change a setting and a template, let a boundary pass: after each, the
    cycle's site (built or kept) equals a clean build at the same moment. Every kind of page
    the site has is among them (articles, translations, pages, index pages and their
    pagination, tag, category and author pages and lists, archives, feeds, the sitemap,
    offers, 404)."""
    steps = [
        ("start", lambda: None),
        ("edit", lambda: site.write("live.md", LIVE.replace("the hour", "one hour"))),
        ("summary", lambda: site.write("live.md", site.post("live.md").read_text().replace(
            "Summary: What happened", "Summary: What changed"))),
        ("title", lambda: site.write("live.md", site.post("live.md").read_text().replace(
            "Title: Answering every mention", "Title: Answering each mention"))),
        ("engagement", lambda: site.write("live.md", site.post("live.md").read_text().replace(
            "Coupon: SAVE10", ENGAGEMENT + "Coupon: SAVE10"))),
        ("add", lambda: site.write("third.md", LATER.replace("Saying sorry in public",
                                                            "Listening first").replace(
            "2026-11-24", "2026-11-21"))),
        ("delete", lambda: site.post("later.md").unlink()),
        ("rename", lambda: site.post("third.md").rename(site.post("listening.md"))),
        ("tags", lambda: site.write("live.md", site.post("live.md").read_text().replace(
            "Tags: customer service", "Tags: customer service, apologies"))),
        ("category", lambda: site.write("listening.md", site.post("listening.md").read_text()
                                        .replace("Social: off", "Category: Research\n"
                                                 "Social: off"))),
        ("author", lambda: site.write("listening.md", site.post("listening.md").read_text()
                                      .replace("Social: off", "Author: Eva Lind\n"
                                               "Social: off"))),
        ("page", lambda: _write(site.root / "content" / "pages" / "about.md", ABOUT)),
        ("translation", lambda: site.write("live-is.md", TRANSLATION)),
        ("setting", lambda: (site.root / "publishconf.py").open("a").write(
            "DEFAULT_PAGINATION = 1\n")),
        ("template", lambda: _write(site.root / "theme" / "templates" / "base.html",
                                    (site.root / "theme" / "templates" / "base.html")
                                    .read_text().replace("</body>", "<!-- x -->\n</body>"))),
        ("boundary", lambda: None),
    ]
    moments = iter([f"2026-11-22T{10 + n // 4:02d}:{n % 4 * 15:02d}:00Z"
                    for n in range(len(steps) - 1)] + [COUPON_STARTS])
    folders, pages = {}, {}
    for name, edit in steps:
        edit()
        now = next(moments)
        capfd.readouterr()
        code, text = site.cycle(now)
        assert code == 0, text
        pages[name] = page_cache_counts(capfd.readouterr().out)
        assert not skipped(text), (name, text)
        code, again = site.cycle(now)
        assert skipped(again), (name, again)
        clean = site.clean_build(now, tmp_path / f"clean-{name}" / "output")
        assert same_tree(site.output, clean) == [], name
        # Every build after the first read the unchanged posts from the content cache; its
        # folder is keyed by everything but the content: a setting changes it.
        (folder,) = site.cache_folders()
        assert contentcache.usable(folder), name
        assert list(folder.glob("__jinja2_*.cache")), name   # the templates' bytecode
        folders[name] = folder
        cached = {Path(path).name for path in site.cached_articles()}
        assert {p.name for p in (site.root / "content" / "posts").iterdir()} <= cached, name
    # The content cache's key: the same for content edits, new for a setting or a template.
    by_content = [folders[name] for name, _ in steps[:steps.index(("setting", ANY))]]
    assert len(set(by_content)) == 1
    assert len({folders["start"], folders["setting"], folders["template"]}) == 3
    assert folders["template"] == folders["boundary"]
    assert_pages_rendered(pages)
    for kind in ("2026/*/index.html", "is/2026/*/index.html", "about/index.html",
                 "index.html", "page/2/index.html", "tag/*/index.html", "tags/index.html",
                 "category/*/index.html", "categories/index.html", "author/*/index.html",
                 "authors/index.html", "archives/index.html", "feeds/all.atom.xml",
                 "feeds/all.rss.xml", "feeds/all-is.atom.xml", "feeds/category/*.atom.xml",
                 "sitemap.xml", "offers/*", "404.html"):
        assert list(site.output.glob(kind)), f"no {kind} in the site: the test misses a kind"


@pytest.mark.slow
def test_a_cached_build_loads_the_templates_bytecode_instead_of_compiling_them(site):
    """Jinja2 writes a template's bytecode (under a new name, then renamed) only when it
    compiled the template: a file that keeps its inode was loaded."""
    assert site.cycle("2026-11-22T10:00:00Z")[0] == 0
    (folder,) = site.cache_folders()
    written = {p.name: p.stat().st_ino for p in folder.glob("__jinja2_*.cache")}
    assert len(written) >= 5      # base, article, index, page, tag… each compiled once
    site.write("live.md", LIVE.replace("the hour", "one hour"))
    code, text = site.cycle("2026-11-22T10:15:00Z")
    assert code == 0 and not skipped(text), text
    assert {p.name: p.stat().st_ino for p in folder.glob("__jinja2_*.cache")} == written


@pytest.mark.slow
def test_a_cached_build_reads_unchanged_posts_from_the_cache_and_a_forced_one_does_not(site):
    """Proof that the cache is read: a cached entry changed behind Pelican's back shows in
    the next build (only this test ever does that); --force-build reads every file."""
    assert site.cycle()[0] == 0
    (folder,) = site.cache_folders()
    entries = site.cached_articles()
    live = str(site.post("live.md"))
    file_stamp, (html, metadata) = entries[live]
    entries[live] = (file_stamp, (html.replace("within the hour", "POISONED"), metadata))
    with open(folder / "ArticlesGenerator-Readers", "wb") as handle:
        pickle.dump(entries, handle)
    contentcache.finish(folder, prune=False)        # as if a build had written it
    page = site.output / "2026" / "answering-every-mention" / "index.html"
    site.write("later.md", LATER.replace("more people", "many more people"))
    code, text = site.cycle("2026-11-22T10:15:00Z")
    assert code == 0 and not skipped(text), text
    assert "POISONED" in page.read_text(encoding="utf-8")
    code, text = site.cycle("2026-11-22T10:30:00Z", "--force-build")
    assert code == 0, text
    assert "POISONED" not in page.read_text(encoding="utf-8")
    site.write("later.md", LATER)                   # the forced build refilled the cache
    assert site.cycle("2026-11-22T10:45:00Z")[0] == 0
    assert "POISONED" not in page.read_text(encoding="utf-8")


@pytest.mark.slow
def test_a_header_mistake_in_a_cached_file_still_fails_the_build(site, capfd):
    """Pelican's own messages go to the process's stderr (capfd), not to the CLI's."""
    assert site.cycle()[0] == 0
    site.write("bad.md", LATER.replace("Date: 2026-11-24 09:00", "Date: 2026-11-31 09:00"))
    code, first = site.cycle("2026-11-22T10:15:00Z")
    assert code == 2, first
    assert "posts/bad.md: Date: not a valid date-time" in "".join(capfd.readouterr())
    # The failed build kept what it read; the next one reads bad.md from the cache (same
    # bytes), problems and all, and fails the same way.
    (folder,) = site.cache_folders()
    assert contentcache.usable(folder)
    file_stamp, (_, metadata) = site.cached_articles()[str(site.post("bad.md"))]
    assert file_stamp == hashlib.sha256(site.post("bad.md").read_bytes()).digest()
    assert any(problem.label == "Date" for problem in metadata["campaign_problems"])
    code, second = site.cycle("2026-11-22T10:30:00Z")
    assert code == 2 and "pelican failed" in build_line(second), second
    assert "posts/bad.md: Date: not a valid date-time" in "".join(capfd.readouterr())
    site.post("bad.md").unlink()
    assert site.cycle("2026-11-22T10:45:00Z")[0] == 0


@pytest.mark.slow
@pytest.mark.parametrize("damage", [
    lambda f: (f / "ArticlesGenerator-Readers").write_bytes(
        (f / "ArticlesGenerator-Readers").read_bytes()[:1000]),     # a build killed mid-write
    lambda f: (f / contentcache.MANIFEST).unlink(),                 # killed before finishing
    lambda f: (f / "ArticlesGenerator-Readers").write_bytes(b"not a pickle."),
])
def test_a_damaged_content_cache_is_emptied_and_the_build_equals_a_clean_one(
        site, tmp_path, damage):
    assert site.cycle()[0] == 0
    (folder,) = site.cache_folders()
    damage(folder)
    site.write("live.md", LIVE.replace("the hour", "one hour"))
    now = "2026-11-22T10:15:00Z"
    code, text = site.cycle(now)
    assert code == 0 and not skipped(text), text
    assert contentcache.usable(folder)
    clean = site.clean_build(now, tmp_path / "clean" / "output")
    assert same_tree(site.output, clean) == []


@pytest.mark.slow
def test_a_kept_site_still_posts_and_pulls_metrics_then_rebuilds_for_the_new_header(
        tmp_path, live_site):
    with running_fake(now=datetime(2026, 11, 20, 8, 0, tzinfo=UTC)) as fake:
        site = Site(tmp_path / "project", {"PUBLISH_LINK_CHECK_BASE": live_site.url,
                                           **fake.env()})
        site.write("live.md", LIVE.replace("Date: 2026-11-20 09:00", "Date: 2026-11-22 09:00")
                   .replace("Social_2_At: 2026-11-25 09:00", "Social_2_At: +4h"))
        code, text = site.cycle("2026-11-22T08:00:00Z")          # nothing due yet
        assert code == 0 and "cycle: post: 0 sent" in text, text
        # Due at 09:00: the boundary passes, the page goes live; the post goes out.
        fake.now = datetime(2026, 11, 22, 9, 0, tzinfo=UTC)
        code, text = site.cycle("2026-11-22T09:00:00Z")
        assert code == 0 and "cycle: post: 1 sent" in text, text
        assert "cycle: rebuild: " in text
        # Nothing changed since: kept; the +1 h refresh still pulls the numbers and the
        # changed header rebuilds the site in the same cycle.
        (post_id,) = fake.posts
        fake.set_metrics(post_id, likes=7, impressions=70)
        fake.now = datetime(2026, 11, 22, 10, 5, tzinfo=UTC)
        code, text = site.cycle("2026-11-22T10:05:00Z")
        assert code == 0, text
        assert skipped(text), text
        assert "cycle: metrics: 1 refreshed" in text, text
        assert "cycle: rebuild: " in text and "now holds the new site" in text, text
        assert "likes" in (site.output / "2026" / "answering-every-mention" /
                           "index.html").read_text(encoding="utf-8")
        # The social-2 item (+4 h, 13:00) is due later: the next cycle posts it once due.
        assert skipped(site.cycle("2026-11-22T10:20:00Z")[1])
        fake.now = datetime(2026, 11, 22, 13, 0, tzinfo=UTC)
        code, text = site.cycle("2026-11-22T13:00:00Z")
        assert code == 0 and "cycle: post: 1 sent" in text, text
        assert json.loads((site.root / "state" / "ledger.json").read_text())["items"]
