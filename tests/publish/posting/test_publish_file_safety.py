"""The write-back writes only inside the content folder (plan sources checked where the plan
is read, resolved paths where a file is written, symlinks included) and never rewrites a
read-only post."""

from __future__ import annotations

import stat

import pytest

from publish.posting.plan_file import source_problem
from tests.publish.conftest import ANSWERING, ICELANDIC, ITEMS, item, sent_with_numbers, write_plan

SOCIAL1 = f"en/{ANSWERING}/social-1/x"


@pytest.mark.slow
@pytest.mark.parametrize(("source", "why"), [
    ("../outside.md", "has an empty, '.' or '..' part"),
    ("posts/../../outside.md", "has an empty, '.' or '..' part"),
    ("ABSOLUTE", "is absolute"),
    ("posts\\..\\..\\outside.md", "contains a backslash"),
    ("posts/x\x00.md", "contains a NUL or control character"),
])
def test_plan_source_outside_content_is_refused(project, fake_x, source, why):
    outside = project.root / "outside.md"
    outside.write_text("Title: Not ours\n\nKeep me.\n", encoding="utf-8")
    if source == "ABSOLUTE":
        source = str(outside)
    items = [dict(i) for i in ITEMS]
    items[1]["source"] = source                    # social-1 of the answering post
    write_plan(project.plan, items)
    for command in ("run", "metrics", "status", "plan"):
        result = project.cli(command, env=fake_x.env())
        assert result.code == 2, (command, result.text)
        assert f"item {SOCIAL1!r}: 'source' {source!r} {why}" in result.err
    assert fake_x.requests == [] and fake_x.posts_created == 0
    assert outside.read_text(encoding="utf-8") == "Title: Not ours\n\nKeep me.\n"


def test_every_bad_plan_item_is_reported_at_once(project):
    items = [dict(i) for i in ITEMS]
    items[0]["source"] = "/etc/passwd"
    items[2]["source"] = "../up.md"
    items[3]["kind"] = "billboard"
    write_plan(project.plan, items)
    result = project.cli("run")
    assert result.code == 2
    lines = result.err.splitlines()
    assert len(lines) == 3 and all(line.startswith(f"publish: {project.plan}: item ")
                                   for line in lines)
    assert "'/etc/passwd' is absolute" in result.err and "'../up.md' has an empty" in result.err
    assert "unknown kind 'billboard'" in result.err


@pytest.mark.parametrize("link", ["file", "folder"])
def test_symlinked_source_outside_content_is_refused(project, fake_x, tmp_path, link):
    sent_with_numbers(project, fake_x)      # (`run` would refuse to pin outside, too)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    victim = elsewhere / f"{ANSWERING}.md"
    original = project.post(ANSWERING).read_bytes()
    victim.write_bytes(original)
    if link == "file":
        project.post(ANSWERING).unlink()
        project.post(ANSWERING).symlink_to(victim)
    else:                                           # the whole posts/ folder points outside
        for path in project.content.joinpath("posts").iterdir():
            (elsewhere / path.name).write_bytes(path.read_bytes())
            path.unlink()
        project.content.joinpath("posts").rmdir()
        project.content.joinpath("posts").symlink_to(elsewhere, target_is_directory=True)
    result = project.cli("metrics", env=fake_x.env(), now="2026-11-22T16:00:00Z")
    assert result.code == 1, result.text
    assert (f"publish: cannot update item {SOCIAL1}: source 'posts/{ANSWERING}.md' resolves "
            f"to {victim.resolve()}, outside the content folder {project.content.resolve()}: "
            "engagement lines not written") in result.err
    assert victim.read_bytes() == original
    assert project.post(ANSWERING).is_symlink() or link == "folder"


def test_symlink_inside_content_is_written_through_and_kept(project, fake_x):
    real = project.content / "drafts" / f"{ANSWERING}.md"
    real.parent.mkdir()
    real.write_bytes(project.post(ANSWERING).read_bytes())
    project.post(ANSWERING).unlink()
    project.post(ANSWERING).symlink_to(real)
    sent_with_numbers(project, fake_x)
    result = project.cli("metrics", env=fake_x.env(), now="2026-11-22T16:00:00Z")
    assert result.code == 0, result.text
    assert project.post(ANSWERING).is_symlink()
    assert "Engagement_X: likes 10," in real.read_text(encoding="utf-8")


@pytest.mark.parametrize(("source", "problem"), [
    ("posts/a.md", None),
    ("posts/ünïcode and space.md", None),
    ("a.md", None),
    ("/posts/a.md", "is absolute"),
    ("posts//a.md", "has an empty"),
    ("./posts/a.md", "has an empty, '.'"),
    ("posts/", "has an empty"),
    ("posts/..", "'..'"),
    ("C:\\posts\\a.md", "backslash"),
    ("posts/a\n.md", "control character"),
])
def test_source_form(source, problem):
    found = source_problem(source)
    assert (found is None) if problem is None else (problem in found)


@pytest.mark.slow
@pytest.mark.parametrize("mode", [0o444, 0o464])
def test_read_only_post_is_reported_not_rewritten(project, fake_x, mode):
    sent_with_numbers(project, fake_x)
    post = project.post(ANSWERING)
    before = post.read_bytes()
    post.chmod(mode)
    for dry in ((), ("--dry-run",)):
        result = project.cli("metrics", *dry, env=fake_x.env(), now="2026-11-22T16:00:00Z")
        assert result.code == 1, result.text
        assert (f"publish: cannot update {post}: read-only: engagement lines not written"
                in result.err)
        assert post.read_bytes() == before
        assert stat.S_IMODE(post.stat().st_mode) == mode
    assert "Engagement_X: likes 5," in project.post(ICELANDIC).read_text(encoding="utf-8")
    post.chmod(0o644)
    again = project.cli("metrics", env=fake_x.env(), now="2026-11-22T16:30:00Z")
    assert again.code == 0 and "Engagement_X: likes 10," in post.read_text(encoding="utf-8")


def test_unchanged_read_only_post_is_fine(project, fake_x):
    sent_with_numbers(project, fake_x)
    assert project.cli("metrics", env=fake_x.env(), now="2026-11-22T16:00:00Z").code == 0
    project.post(ANSWERING).chmod(0o444)
    result = project.cli("metrics", env=fake_x.env(), now="2026-11-22T16:30:00Z")
    assert result.code == 0, result.text


def test_fixture_items_are_valid_sources():
    assert all(source_problem(i["source"]) is None for i in ITEMS)
    assert source_problem(item("a", "social-1", "2026-11-22T09:00:00Z", "t")["source"]) is None
