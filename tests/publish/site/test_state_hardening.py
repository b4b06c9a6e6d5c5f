"""State the cycle reads back is checked, not trusted (issue 18, items 5 and 7): a stamp naming
`/dev`, a file where a content cache folder belongs, a symlinked folder of posts. Real
builds of a small project (tests/publish/site/test_publish_skip.py's Site), an injected clock."""

from __future__ import annotations

import json
import os
import signal
from pathlib import Path

import pytest

from publish.site import fingerprint
from publish.site.freshness import source_times
from publish.site.stamp import stamp_path
from tests.publish.site.test_publish_skip import LATER, LIVE, Site, build_line, skipped

MINUTES = iter(f"2026-11-22T10:{m:02d}:00Z" for m in range(5, 60, 5))


@pytest.fixture
def site(tmp_path, live_site) -> Site:
    return Site(tmp_path / "project", {"PUBLISH_LINK_CHECK_BASE": live_site.url})


@pytest.fixture
def deadline():
    """Fail (instead of hanging) when a cycle reads without end, as it did on /dev/zero."""
    def expired(signum, frame):     # not TimeoutError: an OSError, which a reader may catch
        pytest.fail("the cycle did not finish within 120 s")
    previous = signal.signal(signal.SIGALRM, expired)
    signal.alarm(120)
    yield
    signal.alarm(0)
    signal.signal(signal.SIGALRM, previous)


def poison_stamp(site: Site, sources: list[str]) -> None:
    path = stamp_path(site.output)
    stamp = json.loads(path.read_text(encoding="utf-8"))
    stamp["sources"] = [*stamp["sources"], *sources]
    path.write_text(json.dumps(stamp), encoding="utf-8")


@pytest.mark.slow
@pytest.mark.parametrize("env", [{}, {"FORCE_BUILD": "1"}])
def test_a_stamp_naming_dev_is_ignored_with_a_note(site, deadline, env):
    assert site.cycle()[0] == 0
    poison_stamp(site, ["/dev", "relative/folder", str(site.root / "pelicanconf.py")])

    code, text = site.cycle(next(MINUTES), env=env)

    assert code == 0, text
    assert not skipped(text)
    if not env:
        assert (f"cycle: note: output.stamp.json: the stamp's source '/dev' is outside the "
                f"project folder {site.root}: ignored") in text
        assert "'relative/folder' is not an absolute path: ignored" in text
        assert "pelicanconf.py' is not a folder: ignored" in text
        assert "(built: output.stamp.json: the stamp's source '/dev' is outside" in \
            build_line(text)
    else:               # a forced build does not read the stamp at all
        assert "(built: forced" in build_line(text) and "/dev" not in text
    assert skipped(site.cycle(next(MINUTES))[1])        # the new stamp is clean


@pytest.mark.slow
@pytest.mark.parametrize("env", [{}, {"FORCE_BUILD": "1"}])
def test_a_file_where_the_content_cache_folder_belongs_is_replaced(site, env):
    assert site.cycle()[0] == 0
    (folder,) = site.cache_folders()
    for path in folder.iterdir():
        path.unlink()
    folder.rmdir()
    folder.write_text("not a folder\n", encoding="utf-8")
    site.write("live.md", LIVE.replace("the hour", "one hour"))

    code, text = site.cycle(next(MINUTES), env=env)

    assert code == 0, text
    assert "FileExistsError" not in text
    assert (f"cycle: note: {folder} was not a folder (a file or a link): removed; the "
            "content cache starts empty") in text
    assert site.cache_folders() == [folder]
    assert (site.output / "2026" / "answering-every-mention" / "index.html").is_file()


@pytest.mark.slow
def test_the_cache_root_as_a_link_is_removed_not_followed(site, tmp_path):
    assert site.cycle()[0] == 0
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "keep.txt").write_text("not the cache's\n", encoding="utf-8")
    root = site.root / "cache" / "pelican"
    for folder in site.cache_folders():
        for path in folder.iterdir():
            path.unlink()
        folder.rmdir()
    root.rmdir()
    root.symlink_to(elsewhere)
    site.write("live.md", LIVE.replace("the hour", "one hour"))

    code, text = site.cycle(next(MINUTES))

    assert code == 0, text
    assert "cache/pelican was not a folder (a file or a link): removed" in text
    assert (elsewhere / "keep.txt").is_file() and not root.is_symlink()


@pytest.mark.slow
def test_a_post_in_a_symlinked_folder_is_fingerprinted_as_pelican_reads_it(site):
    """content/posts/shared -> ../archive/shared (a folder inside content/, which the
    settings keep Pelican from reading twice); a link out of content/ is refused by the
    build itself (publish/site/contained.py)."""
    shared = site.root / "content" / "archive" / "shared"
    shared.mkdir(parents=True)
    (shared / "linked.md").write_text(LATER.replace("Saying sorry in public", "Linked post")
                                      .replace("2026-11-24", "2026-11-21"), encoding="utf-8")
    with (site.root / "pelicanconf.py").open("a", encoding="utf-8") as settings:
        settings.write('\nARTICLE_EXCLUDES = ["archive"]\n')
    link = site.root / "content" / "posts" / "shared"
    link.symlink_to(Path("..") / "archive" / "shared")
    code, text = site.cycle()
    assert code == 0, text
    assert (site.output / "2026" / "linked-post" / "index.html").is_file()
    assert skipped(site.cycle(next(MINUTES))[1])

    (shared / "linked.md").write_text(LATER.replace("Saying sorry in public", "Linked, edited")
                                      .replace("2026-11-24", "2026-11-21"), encoding="utf-8")
    code, text = site.cycle(next(MINUTES))
    assert code == 0 and not skipped(text), text
    # Both paths name the file (the real folder is under content/ too); the first is said.
    assert "/shared/linked.md changed since the last build" in build_line(text)
    assert "Linked, edited" in (site.output / "2026" / "linked-edited" / "index.html"
                                ).read_text(encoding="utf-8")

    (shared / "another.md").write_text(LATER.replace("Saying sorry in public", "Another")
                                       .replace("2026-11-24", "2026-11-21"), encoding="utf-8")
    text = site.cycle(next(MINUTES))[1]
    assert "/shared/another.md is new since the last build" in build_line(text)


def test_the_fingerprint_reads_what_pelican_reads_through_links_and_only_regular_files(
        tmp_path, deadline):
    """Pelican walks content/ with followlinks=True: so does the fingerprint, each real
    folder once; a link to a device (or a fifo) is never read."""
    content, elsewhere = tmp_path / "content", tmp_path / "elsewhere"
    (content / "posts").mkdir(parents=True)
    elsewhere.mkdir()
    (elsewhere / "a.md").write_text("Title: A\n", encoding="utf-8")
    (content / "posts" / "shared").symlink_to(elsewhere)
    (elsewhere / "again").symlink_to(elsewhere)               # a loop ends
    (content / "posts" / "null.md").symlink_to("/dev/null")
    os.mkfifo(content / "posts" / "pipe.md")
    found = fingerprint.tree(content)
    assert sorted(os.path.relpath(name, tmp_path) for name in found) == \
        ["content/posts/shared/a.md"]


def test_the_plan_freshness_check_sees_posts_in_a_symlinked_folder(tmp_path):
    (tmp_path / "content" / "posts").mkdir(parents=True)
    (tmp_path / "shared").mkdir()
    (tmp_path / "shared" / "a.md").write_text("Title: A\n", encoding="utf-8")
    (tmp_path / "content" / "posts" / "shared").symlink_to(tmp_path / "shared")
    (tmp_path / "shared" / "again").symlink_to(tmp_path / "shared")
    names = [os.path.relpath(name, tmp_path) for name, _ in
             source_times(tmp_path, tmp_path / "content")
             if name.startswith(f"{tmp_path}/")       # not the publisher's own code
             and not os.path.isdir(name)]              # nor the folders' own times
    assert names == ["content/posts/shared/a.md"]
