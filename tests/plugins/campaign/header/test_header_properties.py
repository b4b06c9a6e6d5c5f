"""Properties of the strict header parser (campaign/header.py), with hypothesis: it never
raises, a valid header reads back exactly, and the body is exactly what follows it, in LF,
CRLF and BOM forms, with and without a `---` fence."""

import pytest
from campaign.header.strict_header import BOM, FORBIDDEN_RE, Field, decode, parse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

SETTINGS = settings(max_examples=150, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow])
NEWLINES = st.sampled_from(["\n", "\r\n"])
KEYS = st.from_regex(r"[A-Za-z][A-Za-z0-9_-]{0,12}", fullmatch=True)
# Value text: no line breaks, controls or bidi characters (those are refused), stripped.
VALUE_CHARS = st.characters(blacklist_categories=("Cc", "Cs"),
                            blacklist_characters="\u202a\u202b\u202c\u202d\u202e"
                                                 "\u2066\u2067\u2068\u2069")
PARTS = st.text(VALUE_CHARS, min_size=1, max_size=30).map(str.strip).filter(bool)
VALUES = st.one_of(st.just([""]), st.lists(PARTS, min_size=1, max_size=3))
HEADERS = st.lists(st.tuples(KEYS, VALUES), min_size=1, max_size=8,
                   unique_by=lambda field: field[0].lower())
INDENTS = st.sampled_from([" ", "    ", "\t", "  \t"])


@st.composite
def documents(draw):
    """(text, expected fields, body) for a valid header in one of the written forms."""
    newline = draw(NEWLINES)
    fenced = draw(st.booleans())
    lines, fields = (["---" + newline] if fenced else []), []
    for key, parts in draw(HEADERS):
        if fenced:  # a line that is only --- or ... closes a fenced header, indented or not
            parts = [part for part in parts if part not in ("---", "...")] or [""]
        fields.append(Field(key.lower(), " ".join(parts), len(lines) + 1))
        lines.append(f"{key}: {parts[0]}{newline}")
        lines += [f"{draw(INDENTS)}{part}{newline}" for part in parts[1:]]
    lines.append(draw(st.sampled_from(["---", "..."])) + newline if fenced else newline)
    body = draw(st.text(max_size=200))
    bom = draw(st.sampled_from(["", BOM]))
    return bom + "".join(lines) + body, tuple(fields), body


@pytest.mark.slow
@SETTINGS
@given(documents())
def test_a_valid_header_reads_back_and_the_body_is_exact(document):
    text, fields, body = document
    header = parse(text)
    assert header.problems == ()
    assert header.fields == fields
    assert header.body == body


LINES = st.one_of(
    KEYS.map(lambda key: key + ": "), PARTS, INDENTS, st.just(""), st.just("---"),
    st.just("..."), st.text(max_size=20), KEYS.map(lambda key: key + " : x"),
)


@pytest.mark.slow
@SETTINGS
@given(st.lists(st.lists(LINES, min_size=1, max_size=3).map("".join), max_size=12),
       st.sampled_from(["\n", "\r\n", "\r"]), st.sampled_from(["", BOM]), st.text(max_size=50))
def test_any_text_parses_without_raising(lines, newline, bom, tail):
    text = bom + newline.join(lines) + tail
    header = parse(text)
    assert text.endswith(header.body)  # the body is what follows the header
    keys = [field.key for field in header.fields]
    assert len(keys) == len(set(keys))
    assert all(not FORBIDDEN_RE.search(field.value) for field in header.fields)
    assert all(problem.reason for problem in header.problems)


@SETTINGS
@given(st.binary(max_size=200))
def test_any_bytes_decode_or_name_the_bad_byte(data):
    text, problem = decode(data)
    assert (text is None) != (problem is None)
    if problem is not None:
        assert problem.reason.startswith("not UTF-8 (invalid byte 0x")
        parse(data.decode("utf-8", "replace"))
    else:
        assert parse(text) is not None
