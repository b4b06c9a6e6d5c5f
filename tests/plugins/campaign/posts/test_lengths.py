"""plugins/campaign/posts/lengths.py: post lengths remembered between builds. The counts of the
last build are used only when the length code is the same; a build keeps only the counts it
used; the file is replaced atomically."""

import json

import pytest
from campaign.posts import lengths
from campaign.posts.weighing import NETWORKS, weighted_length

TEXT = "We answer every mention within an hour https://blog.example/a #CustomerCare"


@pytest.fixture
def cache(tmp_path):
    settings = {"CACHE_CONTENT": True, "LOAD_CONTENT_CACHE": True,
                "CACHE_PATH": str(tmp_path)}
    yield settings, tmp_path / lengths.FILE_NAME


def build(settings, texts, network="x"):
    remembered = lengths.start(settings)
    measure = remembered.of(NETWORKS[network])
    counts = [measure(text, ("https://blog.example/a",)) for text in texts]
    remembered.finish()
    return counts


def test_the_counts_of_the_last_build_are_used_and_only_used_ones_are_kept(cache):
    settings, path = cache
    assert build(settings, [TEXT, "other"]) == [
        weighted_length(TEXT, ("https://blog.example/a",)), 5]
    data = json.loads(path.read_text(encoding="utf-8"))
    assert data["schema"] == lengths.SCHEMA and data["code"] == lengths.code_version()
    assert len(data["lengths"]) == 2
    # A remembered count is used as it is (proof that it is read: no real count is 999).
    data["lengths"] = [[n, t, links, 999] for n, t, links, _ in data["lengths"]]
    path.write_text(json.dumps(data), encoding="utf-8")
    assert build(settings, [TEXT]) == [999]
    assert [e[1] for e in json.loads(path.read_text())["lengths"]] == [TEXT]
    assert not [p for p in path.parent.iterdir() if p.name.startswith(".")]


@pytest.mark.parametrize("change", [
    lambda d: d.update(code="0" * 64),                       # other length code
    lambda d: d.update(schema="campaign-lengths/0"),
    lambda d: d["lengths"].append(["x", "t", [], -1]),        # one bad entry: all go
    lambda d: d["lengths"].append(["x", "t", "links", 3]),
    lambda d: d["lengths"].append(["x", "t", [], True]),
])
def test_a_stale_or_malformed_file_is_not_used(cache, change):
    settings, path = cache
    build(settings, [TEXT])
    data = json.loads(path.read_text(encoding="utf-8"))
    data["lengths"] = [[n, t, links, 999] for n, t, links, _ in data["lengths"]]
    change(data)
    path.write_text(json.dumps(data), encoding="utf-8")
    assert build(settings, [TEXT]) != [999]


@pytest.mark.parametrize("text", ["{not json", "", "\udcff"])
def test_an_unreadable_file_is_not_used(cache, text):
    settings, path = cache
    path.write_text(text, encoding="utf-8", errors="surrogateescape")
    assert build(settings, [TEXT]) == [weighted_length(TEXT, ("https://blog.example/a",))]
    assert json.loads(path.read_text(encoding="utf-8"))["schema"] == lengths.SCHEMA


def test_without_the_content_cache_nothing_is_read_or_written(cache):
    settings, path = cache
    build({**settings, "CACHE_CONTENT": False}, [TEXT])
    assert not path.exists()
    build(settings, [TEXT])
    data = json.loads(path.read_text(encoding="utf-8"))
    data["lengths"] = [[n, t, links, 999] for n, t, links, _ in data["lengths"]]
    path.write_text(json.dumps(data), encoding="utf-8")
    # A forced build (LOAD_CONTENT_CACHE off) measures afresh and writes what it found.
    assert build({**settings, "LOAD_CONTENT_CACHE": False}, [TEXT]) != [999]
    assert json.loads(path.read_text())["lengths"][0][3] != 999


def test_each_network_is_remembered_apart(cache):
    settings, _ = cache
    text = "Café 👍🏽 " * 3
    assert build(settings, [text], "bluesky") == [NETWORKS["bluesky"].length(text, ())]
    assert build(settings, [text], "x") == [weighted_length(text, ("https://blog.example/a",))]


def test_without_a_cache_file_no_count_is_held_to_the_end_of_the_build():
    """With CACHE_CONTENT off nothing is written at the end: the counts (and every candidate
    text a matching post tried) are not held through the writing of the pages."""
    remembered = lengths.start({"CACHE_CONTENT": False})
    measure = remembered.of(NETWORKS["x"])
    assert measure(TEXT, ("https://blog.example/a",)) == weighted_length(
        TEXT, ("https://blog.example/a",))
    assert remembered.used == {} and remembered.known == {}
    remembered.finish()
