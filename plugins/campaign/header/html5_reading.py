"""html5lib's reading of a rendered body: the start tags and parse errors a browser's HTML5
parser sees (rawhtml.py's second reading). Its own module so that html5lib (1.5 MB, about
20 modules) is imported only when a body is not plain markup (rawhtml.plainly_clean)."""

from typing import cast

from html5lib._tokenizer import HTMLTokenizer
from html5lib.constants import tokenTypes
from html5lib.html5parser import HTMLParser as HTML5Parser

from .rawhtml import ALLOW_HINT, MARKUP, UNFINISHED_COMMENT, UNFINISHED_TAG

_START_TAG = tokenTypes["StartTag"]
_DOCTYPE = tokenTypes["Doctype"]
_PARSE_ERROR = tokenTypes["ParseError"]
# Tokenizer errors about <!…>, <?…> and </ …> markup that are not named after it.
_MARKUP_ERRORS = frozenset({
    "expected-dashes-or-doctype", "expected-tag-name-but-got-question-mark",
    "expected-closing-tag-but-got-char", "expected-closing-tag-but-got-right-bracket",
})


def _error_reason(code: str) -> str:
    if code.startswith("eof-in-comment"):
        return UNFINISHED_COMMENT
    if "eof" in code.lower():
        return UNFINISHED_TAG
    if "comment" in code or "doctype" in code or code in _MARKUP_ERRORS:
        return MARKUP
    return (f"malformed HTML ({code}) is not allowed: browsers guess how to read it and may "
            f"see active content this check does not ({ALLOW_HINT})")


class _Tokens(HTMLTokenizer):
    """html5lib's tokenizer, noting each token as the tree builder receives it (the tree
    builder switches the tokenizer into raw text, RCDATA and the like as browsers do)."""

    def __iter__(self):
        for token in super().__iter__():
            if token["type"] == _START_TAG:
                # html5lib's stubs say a str or a list: emitCurrentToken made it a dict
                # (an attributeMap) before the tree builder sees it.
                attributes = cast(dict[str, str], token["data"])
                self.parser.tags.append((token["name"], list(attributes.items())))
            elif token["type"] == _DOCTYPE:
                self.parser.reasons.append(MARKUP)
            elif token["type"] == _PARSE_ERROR:
                self.parser.reasons.append(_error_reason(cast(str, token["data"])))  # its code
            yield token


class BrowserReading(HTML5Parser):
    """The HTML5 reading of a fragment inside a <div>, with scripting on (<noscript>)."""

    def __init__(self):
        super().__init__()
        self.tags: list[tuple[str, list]] = []
        self.reasons: list[str] = []

    def mainLoop(self):
        self.tokenizer.__class__ = _Tokens
        super().mainLoop()
