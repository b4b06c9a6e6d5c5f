"""publish/site/contentcache.py: the content cache's folder key, and the manifest that keeps a
half-written cache away from Pelican."""

import pickle

from publish.site import contentcache

INPUTS = {"/p/content/posts/a.md": "1", "/p/content": "2", "/p/theme/base.html": "3",
          "/p/plugins/campaign/reader.py": "4", "env:LANG": "C", "python": "3.11"}


def test_the_key_ignores_the_content_and_nothing_else():
    key = contentcache.key(INPUTS, ["/p/content"])
    assert key == contentcache.key({**INPUTS, "/p/content/posts/a.md": "5",
                                    "/p/content/posts/b.md": "6"}, ["/p/content/"])
    for name in ("/p/theme/base.html", "/p/plugins/campaign/reader.py", "env:LANG",
                 "python"):
        assert contentcache.key({**INPUTS, name: "changed"}, ["/p/content"]) != key
    assert contentcache.key({**INPUTS, "/p/contents.py": "7"}, ["/p/content"]) != key


def test_settings_turn_on_the_reader_layer_cache_in_the_folder(tmp_path):
    values = contentcache.settings(tmp_path, load=False)
    assert values["CACHE_CONTENT"] is True and values["LOAD_CONTENT_CACHE"] is False
    assert values["CONTENT_CACHING_LAYER"] == "reader"
    assert values["CHECK_MODIFIED_METHOD"] == "sha256" and values["GZIP_CACHE"] is False
    assert values["CACHE_PATH"] == str(tmp_path)
    assert values["TEMPLATE_BYTECODE_CACHE_PATH"] == str(tmp_path)   # the templates' bytecode
    assert values["PAGE_CACHE_PATH"] == str(tmp_path)                 # the pages' record
    assert "PAGE_CACHE_PREVIOUS_OUTPUT" not in values                 # every page rendered


def test_a_loaded_cache_lets_the_page_cache_keep_pages_of_the_output_it_replaces(tmp_path):
    values = contentcache.settings(tmp_path, load=True, previous_output=tmp_path / "output")
    assert values["PAGE_CACHE_PREVIOUS_OUTPUT"] == str(tmp_path / "output")
    assert "PAGE_CACHE_PREVIOUS_OUTPUT" not in contentcache.settings(
        tmp_path, load=False, previous_output=tmp_path / "output")


def write_cache(folder):
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "ArticlesGenerator-Readers").write_bytes(pickle.dumps({"a": (b"s", ("x", {}))}))
    (folder / "campaign-lengths.json").write_text("{}", encoding="utf-8")


def test_a_finished_folder_is_kept_and_others_beside_it_go(tmp_path):
    folder, other = tmp_path / "k1", tmp_path / "k0"
    write_cache(folder)
    write_cache(other)
    contentcache.finish(folder, prune=False)
    assert other.exists() and contentcache.usable(folder)
    contentcache.finish(folder, prune=True)
    assert not other.exists()
    assert contentcache.prepare(folder) == (True, [])
    assert not (folder / contentcache.MANIFEST).exists()   # the build may rewrite any file
    assert (folder / "ArticlesGenerator-Readers").exists()


def test_a_folder_without_its_manifest_or_changed_since_is_emptied(tmp_path):
    folder = tmp_path / "k"
    write_cache(folder)
    assert contentcache.prepare(folder) == (False, [])            # no manifest: a killed build
    assert list(folder.iterdir()) == []
    write_cache(folder)
    contentcache.finish(folder, prune=False)
    (folder / "campaign-lengths.json").write_text("{ }", encoding="utf-8")
    assert not contentcache.usable(folder)
    assert contentcache.prepare(folder) == (False, []) and list(folder.iterdir()) == []


def test_finish_drops_a_half_written_pickle_and_leftover_temporary_files(tmp_path):
    folder = tmp_path / "k"
    write_cache(folder)
    whole = (folder / "ArticlesGenerator-Readers").read_bytes()
    (folder / "PagesGenerator-Readers").write_bytes(whole[:-3])
    (folder / ".campaign-lengths.json.x1y2").write_text("{", encoding="utf-8")
    (folder / "__jinja2_ab12.cache").write_bytes(b"j2")
    (folder / "__jinja2_cd34.cachex7q1.tmp").write_bytes(b"j")   # Jinja2's, killed mid-write
    contentcache.finish(folder, prune=False)
    assert sorted(p.name for p in folder.iterdir()) == [
        "ArticlesGenerator-Readers", "__jinja2_ab12.cache", "campaign-lengths.json",
        contentcache.MANIFEST]
    assert contentcache.usable(folder)
