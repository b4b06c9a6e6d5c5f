"""The record file: what each page of the last build was made from
(`PAGE_CACHE_PATH/page-records.json`).

    {"schema": "pelican-page-cache/1", "key": KEY,
     "identities": [[class, key, lang], …], "attributes": ["title", …],
     "sources": {sha256 of a template's source: [[names it reads], [templates it uses],
                                                  names one by an expression]},
     "pages": {output file: [template, template digest, context digest, reads digest,
                             sha256 of the file, [identity index, attribute index, …]]}}

Identities and attribute names are shared in tables that pages refer to by index (an
article page reads some thirty of them; the strings would be most of the file). `KEY` is
everything that is not recorded page by page (the plugin's schema, Pelican's and Jinja2's
versions, the Jinja options, the filters', tests' and globals' code): another key, no record
is used. The file is checked where it is read (types, lengths, indexes in range); anything
else is one warning and an empty record. It is written atomically (a temporary file, then
a rename).
"""

from __future__ import annotations

import json
import os
import re
import stat
import tempfile
from dataclasses import dataclass
from pathlib import Path

from .templates import SourceFacts

SCHEMA = "pelican-page-cache/1"
NAME = "page-records.json"
MAX_BYTES = 256 * 1024 * 1024
_HEX64 = re.compile(r"[0-9a-f]{64}")
MAX_TEXT = 4096             # an output path, template name, identity part or attribute

Read = tuple[tuple[str, str, str], str]


@dataclass(frozen=True)
class PageRecord:
    template: str
    template_digest: str
    context_digest: str
    reads_digest: str
    sha256: str
    reads: tuple[Read, ...]


class RecordProblem(ValueError):
    pass


@dataclass(frozen=True)
class Records:
    pages: dict[str, PageRecord]
    sources: dict[str, SourceFacts]


NONE = Records({}, {})


def load(folder: Path, key: str) -> tuple[Records, str | None]:
    """(the records, a warning line or None). No file: no records, no warning."""
    path = folder / NAME
    try:
        info = path.lstat()
    except FileNotFoundError:
        return NONE, None
    except OSError as exc:
        return NONE, f"{path}: cannot be read ({exc.strerror}); every page is rendered"
    try:
        if not stat.S_ISREG(info.st_mode) or info.st_size > MAX_BYTES:
            raise RecordProblem("not a regular file of at most 256 MiB")
        document = json.loads(path.read_bytes().decode("utf-8"))
        if isinstance(document, dict) and document.get("key") != key \
                and document.get("schema") == SCHEMA:
            return NONE, None   # another site's make-up (templates' code, versions): start over
        return Records(parse(document), parse_sources(document)), None
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        return NONE, f"{path}: {exc}; every page is rendered"


def parse_sources(document: dict) -> dict[str, SourceFacts]:
    sources = document.get("sources")
    if not isinstance(sources, dict):
        raise RecordProblem("'sources': want an object")
    found = {}
    for digest, entry in sources.items():
        if not (_hex(digest) and isinstance(entry, list) and len(entry) == 3
                and all(isinstance(part, list) and all(_text(n) for n in part)
                        for part in entry[:2]) and isinstance(entry[2], bool)):
            raise RecordProblem(f"'sources'[{digest!r}]: want [[names], [templates], "
                                "true or false]")
        found[digest] = (tuple(entry[0]), tuple(entry[1]), entry[2])
    return found


def parse(document: object) -> dict[str, PageRecord]:
    """The pages of a record document. Raises RecordProblem naming the first key that is
    wrong."""
    if not isinstance(document, dict) or document.get("schema") != SCHEMA:
        raise RecordProblem(f"not a page record (want schema {SCHEMA!r})")
    identities = _list(document, "identities")
    attributes = _list(document, "attributes")
    pages = document.get("pages")
    if not isinstance(pages, dict):
        raise RecordProblem("'pages': want an object")
    for index, entry in enumerate(identities):
        if not (isinstance(entry, list) and len(entry) == 3 and all(_text(p) for p in entry)):
            raise RecordProblem(f"'identities'[{index}]: want [class, key, lang]")
    if not all(_text(a) for a in attributes):
        raise RecordProblem("'attributes': want short strings")
    records = {}
    for name, entry in pages.items():
        if not (_text(name) and isinstance(entry, list) and len(entry) == 6
                and _text(entry[0]) and all(_hex(v) for v in entry[1:5])
                and isinstance(entry[5], list) and len(entry[5]) % 2 == 0
                and all(type(i) is int for i in entry[5])):
            raise RecordProblem(f"'pages'[{name!r}]: want [template, 4 SHA-256 digests, "
                                "[identity index, attribute index, …]]")
        pairs = entry[5]
        try:
            reads = tuple((tuple(identities[pairs[i]]), attributes[pairs[i + 1]])
                          for i in range(0, len(pairs), 2) if min(pairs[i:i + 2]) >= 0)
        except IndexError:
            reads = ()
        if len(reads) * 2 != len(pairs):
            raise RecordProblem(f"'pages'[{name!r}]: an index out of range")
        records[name] = PageRecord(entry[0], entry[1], entry[2], entry[3], entry[4], reads)
    return records


def dump(records: dict[str, PageRecord], sources: dict[str, SourceFacts], key: str) -> bytes:
    identities: dict[tuple, int] = {}
    attributes: dict[str, int] = {}
    pages = {}
    for name in sorted(records):
        record = records[name]
        pairs = []
        for identity, attribute in record.reads:
            pairs += [identities.setdefault(tuple(identity), len(identities)),
                      attributes.setdefault(attribute, len(attributes))]
        pages[name] = [record.template, record.template_digest, record.context_digest,
                       record.reads_digest, record.sha256, pairs]
    document = {"schema": SCHEMA, "key": key, "identities": [list(i) for i in identities],
                "attributes": list(attributes), "pages": pages,
                "sources": {digest: [list(names), list(used), dynamic]
                            for digest, (names, used, dynamic) in sorted(sources.items())}}
    return (json.dumps(document, ensure_ascii=False, separators=(",", ":")) + "\n"
            ).encode("utf-8")


def save(folder: Path, records: dict[str, PageRecord], sources: dict[str, SourceFacts],
         key: str) -> None:
    """Write the records atomically (a build killed meanwhile leaves the last file)."""
    folder.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{NAME}.", dir=folder)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(dump(records, sources, key))
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temporary, folder / NAME)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _list(document: dict, name: str) -> list:
    value = document.get(name)
    if not isinstance(value, list):
        raise RecordProblem(f"{name!r}: want a list")
    return value


def _text(value: object) -> bool:
    return isinstance(value, str) and len(value) <= MAX_TEXT


def _hex(value: object) -> bool:
    return isinstance(value, str) and _HEX64.fullmatch(value) is not None
