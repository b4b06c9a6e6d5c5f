"""The plain-markup short cut in campaign.header.rawhtml: it passes only HTML that both readings
pass, and it passes what Markdown writes for ordinary posts (so the parsers rarely run)."""

import random
from pathlib import Path

import pytest
from campaign.header.rawhtml import active_content, both_readings, plainly_clean
from markdown import Markdown
from pelican.settings import DEFAULT_CONFIG

ROOT = Path(__file__).resolve().parents[4]

# Pieces of HTML, ordinary and hostile: random strings of them probe the short cut's edges.
PIECES = [
    "text", " ", "\n", "\r\n", "\t", "é", "日本", "😀", "…", "<p>", "</p>", "<h2>", "</h2>",
    "<ul>", "<li>", "</li>", "</ul>", "<em>", "</em>", "<strong>", "</strong>", "<hr>", "<br>",
    "<pre>", "<code>", "</code>", "</pre>", "<table>", "<tr>", "<td>", "</td>", "<sup>",
    '<a href="https://example.com/a?b=1&amp;c=2">', '<a href="/about/">', '<a href="#fn:1">',
    '<a href="mailto:a@b.example">', '<a href="{filename}/posts/x.md">', "</a>",
    '<a href="javascript:alert(1)">', '<a href=" java&#x09;script:x">', '<a href="jav\tascript:x">',
    '<a href="data:text/html,x">', '<a href="x" onclick="y">', '<a href="x" href="y">',
    '<a title="x &quot;y&quot;" href="z">', '<a href=x>', "<a href='x'>", '<a  href="x">',
    '<img alt="a" src="b.png">', '<img alt="a" src="javascript:x">', '<img srcset="a 1x, b 2x">',
    '<img srcset="a 1x, javascript:x 2x">', '<img src="x" onerror="y">', '<img src="x"/>',
    '<td style="color: red">', '<span class="n">', '<div class="codehilite">', "<P>", "<A HREF=x>",
    "&amp;", "&lt;", "&gt;", "&quot;", "&#39;", "&#x27;", "&copy", "&copy;", "&#0;", "&#128;",
    "&", "<", ">", '"', "'", "=", "<!-- c -->", "<!-->", "<!DOCTYPE html>", "<?x?>", "</ p>",
    "<![CDATA[x]]>", "<script>", "</script>", "<style>", "<textarea>", "<title>", "<noscript>",
    "<xmp>", "<plaintext>", "<svg>", "<math>", "<iframe>", "<select>", "<template>", "<p",
    "\x00", "\x01", "\x0b", "\x7f", "\x85", "\ufdd0", "\ufffe", "\U0001ffff", "\U0010fffe",
]


def random_html(rng: random.Random) -> str:
    return "".join(rng.choice(PIECES) for _ in range(rng.randint(0, 12)))


@pytest.mark.slow
def test_the_short_cut_passes_only_what_both_readings_pass():
    rng = random.Random(20261123)
    passed = 0
    for _ in range(20000):
        html = random_html(rng)
        if plainly_clean(html):
            passed += 1
            assert both_readings(html) == [], html
    assert passed > 2000  # the random HTML reaches both sides of the short cut


@pytest.mark.parametrize("html", [piece for piece in PIECES if not plainly_clean(piece)])
def test_each_piece_the_short_cut_refuses_gets_the_full_check(html, monkeypatch):
    monkeypatch.setattr("campaign.header.rawhtml.both_readings", lambda h: ["full check"])
    assert active_content(html) == ["full check"]


@pytest.mark.slow
def test_markdown_of_ordinary_posts_takes_the_short_cut(tmp_path):
    from bench.synth import write_posts

    paths = sorted((ROOT / "content" / "posts").glob("*.md"))
    paths += sorted((write_posts(tmp_path, 60) / "posts").glob("*.md"))
    md = Markdown(**DEFAULT_CONFIG["MARKDOWN"])
    for path in paths:
        html = md.reset().convert(path.read_text(encoding="utf-8").split("\n\n", 1)[1])
        assert plainly_clean(html), path.name
        assert both_readings(html) == []


def test_the_reported_code_points_are_html5libs():
    """rawhtml copies html5lib's list (so that plain bodies never import html5lib)."""
    from campaign.header.rawhtml import HTML5LIB_REPORTED
    from html5lib._inputstream import invalid_unicode_no_surrogate

    assert f"[{HTML5LIB_REPORTED}]" == invalid_unicode_no_surrogate


def test_no_ordinary_element_is_an_active_one():
    """plainly_clean checks only the start tags with attributes."""
    from campaign.header.rawhtml import _ORDINARY_ELEMENTS, ACTIVE_ELEMENTS

    assert not ACTIVE_ELEMENTS & set(_ORDINARY_ELEMENTS)
