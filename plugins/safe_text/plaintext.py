"""HTML fragment → plain text. Pure: no Pelican, no Jinja."""

from functools import lru_cache
from html.parser import HTMLParser

ELLIPSIS = "…"
# Elements whose text is not text a reader sees.
SKIPPED = frozenset({"script", "style", "template", "noscript"})
# Elements that end a line: their text must not run into the next word.
BREAKING = frozenset({
    "address", "article", "aside", "blockquote", "br", "dd", "details", "div", "dl", "dt",
    "figcaption", "figure", "footer", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr",
    "li", "main", "nav", "ol", "p", "pre", "section", "summary", "table", "td", "th", "tr",
    "ul",
})


class _Text(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)  # every entity decoded once, in data
        self.parts: list[str] = []
        self.skipping = 0

    def handle_starttag(self, tag, attrs):
        if tag in SKIPPED:
            self.skipping += 1
        elif tag in BREAKING:
            self.parts.append(" ")

    def handle_startendtag(self, tag, attrs):
        if tag in BREAKING:
            self.parts.append(" ")

    def handle_endtag(self, tag):
        if tag in SKIPPED:
            self.skipping = max(0, self.skipping - 1)
        elif tag in BREAKING:
            self.parts.append(" ")

    def handle_data(self, data):
        if not self.skipping:
            self.parts.append(data)


def cut(text: str, length: int, end: str = ELLIPSIS) -> str:
    """`text` if it has at most `length` characters, else its start cut at a word boundary
    with `end`, `length` characters at most in all. A first word longer than that is cut."""
    if len(text) <= length:
        return text
    room = max(0, length - len(end))
    head = text[:room]
    if text[room:room + 1] != " " and " " in head:
        head = head.rsplit(" ", 1)[0]
    return head.rstrip() + end


def plaintext(html, length: int | None = None, end: str = ELLIPSIS) -> str:
    """The text of an HTML fragment: tags dropped (and what is inside script and style),
    entities decoded once, whitespace collapsed to single spaces; cut at a word boundary
    with `end` when `length` is given. None or an undefined value gives ""."""
    return _plaintext(str(html) if html else "", length, end)


# The same summary is read on every listing its article is in (home, tags, category, author):
# each HTML fragment is parsed once. Pure, so a cached answer is the answer.
@lru_cache(maxsize=1024)
def _plaintext(html: str, length: int | None, end: str) -> str:
    parser = _Text()
    parser.feed(html)
    parser.close()
    text = " ".join("".join(parser.parts).split())
    return cut(text, length, end) if length else text
