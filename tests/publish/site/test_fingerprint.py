"""fingerprint.output_files: what the stamp records of a built site, each file hashed once."""

import hashlib

from publish.site import fingerprint


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def test_a_file_the_build_hashed_is_not_read_again_and_the_others_are(tmp_path):
    (tmp_path / "a.html").write_bytes(b"<p>a</p>")
    (tmp_path / "feeds").mkdir()
    (tmp_path / "feeds" / "all.atom.xml").write_bytes(b"<feed/>")
    (tmp_path / "grown.html").write_bytes(b"longer than the build saw")
    # The manifest's hash of a.html stands (its size matches); grown.html's size does not
    # match, so it is read; feeds/all.atom.xml is not in the manifest, so it is read.
    known = {"a.html": [8, "from-the-manifest"], "grown.html": [3, "stale"]}
    found = fingerprint.output_files(tmp_path, known)
    assert {name: entry[2] for name, entry in found.items()} == {
        "a.html": "from-the-manifest",
        "feeds/all.atom.xml": sha(b"<feed/>"),
        "grown.html": sha(b"longer than the build saw"),
    }
    assert found["a.html"][:2] == [8, (tmp_path / "a.html").stat().st_mtime_ns]


def test_without_a_manifest_every_file_is_hashed(tmp_path):
    (tmp_path / "a.html").write_bytes(b"<p>a</p>")
    assert fingerprint.output_files(tmp_path)["a.html"][2] == sha(b"<p>a</p>")
