"""The safe_text plugin's pure parts: the `plaintext` filter and its cut at a word."""

from hypothesis import given
from hypothesis import strategies as st
from markupsafe import Markup, escape
from safe_text.feeds import feed_title
from safe_text.plaintext import cut, plaintext


def test_tags_are_dropped_and_entities_decoded_once():
    assert plaintext("<p>Less <em>is</em> more &amp; better</p>") == "Less is more & better"
    assert plaintext("&amp;lt;script&amp;gt;") == "&lt;script&gt;"
    assert plaintext("&lt;script&gt;alert(1)&lt;/script&gt;") == "<script>alert(1)</script>"
    assert plaintext("Why &#34;fast&#34; beats &lt;perfect&gt;") == 'Why "fast" beats <perfect>'


def test_blocks_do_not_run_into_each_other_and_spaces_collapse():
    assert plaintext("<p>One.</p><p>Two.</p>") == "One. Two."
    assert plaintext("<ul><li>a</li><li>b</li></ul>line<br>break") == "a b line break"
    assert plaintext("  spread \n\t out  ") == "spread out"
    assert plaintext("in<em>line</em>") == "inline"


def test_script_and_style_contents_are_not_text():
    assert plaintext("<script>alert(1)</script>Text<style>p{}</style>") == "Text"
    assert plaintext('<img src=x onerror="alert(1)">after') == "after"


def test_nothing_gives_empty_text():
    assert plaintext(None) == "" and plaintext("") == "" and plaintext("<p></p>") == ""


def test_markup_is_read_as_the_html_it_is():
    assert plaintext(Markup("&lt;b&gt; &amp; <i>x</i>")) == "<b> & x"


def test_cut_at_a_word_with_an_ellipsis():
    text = "one two three four"
    assert cut(text, 100) == text
    assert cut(text, len(text)) == text
    assert cut(text, 10) == "one two…"
    assert cut(text, 8) == "one two…"  # the space after "two" is where it ends
    assert cut("unbreakable", 5) == "unbr…"  # a first word longer than the room is cut
    assert plaintext("<p>one &amp; two &amp; three</p>", 10) == "one & two…"
    assert cut(text, 10, end="...") == "one two..."
    assert cut(text, 9, end="...") == "one..."


@given(st.text())
def test_escaped_text_comes_back_exactly(text):
    """What the theme relies on: a block holds escaped text, and |plaintext gives back that
    text (spaces collapsed), never more and never less decoded."""
    assert plaintext(escape(text)) == " ".join(text.split())


@given(st.text(), st.integers(min_value=1, max_value=400))
def test_a_cut_is_never_longer_than_asked(text, length):
    result = cut(" ".join(text.split()), length)
    assert len(result) <= max(length, 1)


def test_feed_titles_name_the_site_and_the_list():
    assert feed_title("Listening Brands", None) == "Listening Brands"
    assert feed_title("Listening Brands", "<script>") == "Listening Brands - <script>"
