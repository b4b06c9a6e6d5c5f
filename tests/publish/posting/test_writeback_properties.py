"""Properties of the header write-back (publish/posting/writeback.py), with hypothesis: for valid
headers and bodies in LF, CRLF and BOM forms, with or without a `---` fence and with the
Engagement lines absent, partly present or present (continued, in any case), setting the
lines never changes the body or the other header lines, and the build's strict header
parser (plugins/campaign/header/strict_header.py) reads the written values back."""

import tempfile
from datetime import datetime
from pathlib import Path

import pytest
from campaign.header.strict_header import BOM, parse
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from publish.posting.writeback import set_header_lines, update_file
from tests.plugins.campaign.header.test_header_properties import INDENTS, KEYS, PARTS

SETTINGS = settings(max_examples=150, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow])
MANAGED = ("Engagement_X", "Engagement_X_As_Of", "Engagement_X_Posts")
OTHER_KEYS = KEYS.filter(lambda key: not key.lower().startswith("engagement"))
# Continued text may look like a key after its indentation ("    note: this").
CONTINUED = st.one_of(PARTS, KEYS.map(lambda key: key + ": x"))


@st.composite
def engagement_values(draw):
    numbers = draw(st.lists(st.integers(0, 10**9), min_size=6, max_size=6))
    names = ("likes", "reposts", "replies", "quotes", "bookmarks", "impressions")
    as_of = draw(st.datetimes(min_value=datetime(2020, 1, 1), max_value=datetime(2199, 12, 31)))
    ids = draw(st.lists(st.integers(1, 10**19), min_size=1, max_size=4))
    return [
        (MANAGED[0], ", ".join(f"{name} {n}" for name, n in zip(names, numbers, strict=True))),
        (MANAGED[1], as_of.strftime("%Y-%m-%dT%H:%M:%SZ")),
        (MANAGED[2], ", ".join(f"https://x.com/i/web/status/{i}" for i in ids)),
    ]


@st.composite
def posts(draw):
    """(text, body, other fields as (key, value)) of a valid post header and body."""
    newline = draw(st.sampled_from(["\n", "\r\n"]))
    fenced = draw(st.booleans())
    others = draw(st.lists(st.tuples(OTHER_KEYS, st.lists(CONTINUED, min_size=1, max_size=3)),
                           min_size=1, max_size=6, unique_by=lambda f: f[0].lower()))
    present = draw(st.lists(st.sampled_from(MANAGED), unique=True))
    fields = list(others)
    for key in present:  # old engagement lines, anywhere after the first line
        spelled = draw(st.sampled_from([key, key.lower(), key.upper()]))
        old = draw(st.lists(CONTINUED, min_size=1, max_size=2))
        fields.insert(draw(st.integers(1, len(fields))), (spelled, old))
    lines = ["---" + newline] if fenced else []
    for key, parts in fields:
        if fenced:  # a line that is only --- or ... closes a fenced header
            parts = [p for p in parts if p not in ("---", "...")] or ["x"]
        lines.append(f"{key}: {parts[0]}{newline}")
        lines += [f"{draw(INDENTS)}{part}{newline}" for part in parts[1:]]
    lines.append(draw(st.sampled_from(["---", "..."])) + newline if fenced else newline)
    body = draw(st.text(max_size=120))
    text = draw(st.sampled_from(["", BOM])) + "".join(lines) + body
    return text, body


def other_fields(text: str) -> list[tuple[str, str]]:
    managed = {key.lower() for key in MANAGED}
    return [(f.key, f.value) for f in parse(text).fields if f.key not in managed]


FOUND = [  # what the property found first: " A: x" was taken for a key, not a continuation
    ("Engagement_X", "likes 0, reposts 0, replies 0, quotes 0, bookmarks 0, impressions 0"),
    ("Engagement_X_As_Of", "2020-01-01T00:00:00Z"),
    ("Engagement_X_Posts", "https://x.com/i/web/status/1"),
]


@pytest.mark.slow
@SETTINGS
@given(posts(), engagement_values())
@example(("A: 0\nEngagement_X: 0\n A: x\n\n", ""), FOUND)
@example(("A: 0\nEngagement_X_Posts: 0\n A: x\nEngagement_X_As_Of: 0\nEngagement_X: 0\n\n", ""),
         FOUND)
def test_setting_engagement_lines_changes_only_those_lines(post, values):
    text, body = post
    new = set_header_lines(text, values)
    header = parse(new)
    assert header.problems == ()
    assert header.body == body and new.endswith(body)  # the body's characters, untouched
    assert other_fields(new) == other_fields(text)
    assert {f.key: f.value for f in header.fields if f.key.startswith("engagement")} == {
        key.lower(): value for key, value in values}
    assert new.startswith(BOM) == text.startswith(BOM)
    newline = "\r\n" if "\r\n" in text[: len(text) - len(body)] else "\n"
    head = new[: len(new) - len(body)]
    assert head.count(newline) == head.count("\n")  # one line-ending style throughout
    assert set_header_lines(new, values) == new  # a second run changes nothing


@pytest.mark.slow
@SETTINGS
@given(posts(), engagement_values())
def test_update_file_writes_exactly_those_bytes(post, values):
    text, _ = post
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "post.md"
        path.write_bytes(text.encode("utf-8"))
        changed = update_file(path, values)
        expected = set_header_lines(text, values).encode("utf-8")
        assert path.read_bytes() == expected
        assert changed == (expected != text.encode("utf-8"))
        assert update_file(path, values) is False
