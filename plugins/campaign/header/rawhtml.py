"""Raw HTML in a post's rendered body that runs code or loads active content. Pure.

The rendered HTML is read twice: by html.parser, and by html5lib, an HTML5 parser that reads
markup as browsers do (its comments, bogus comments, raw-text elements such as <textarea>
and <noscript>, foreign content). Both lowercase names and decode character references in
attribute values, so `JaVa&#x73;cript:` is seen as the browser sees it. The rule:

- every start tag either reading sees (html5lib's include those its tree builder then drops,
  as in <select>) must pass the element, event-handler and address checks;
- the HTML5 tokenizer must read the body without a parse error: comments are plain
  `<!-- text -->`, there is no other `<!…>`, `<?…>` or `</ …>` markup, nothing unfinished.
  Where browsers recover from an error they may see markup a checker does not;
- both readings must see the same start tags with the same attribute names; where they part,
  one of them is not reading the HTML as a browser does.
"""

import html as html_text
import re
from html.parser import HTMLParser

# Elements that run code, embed other documents or change how the page loads.
ACTIVE_ELEMENTS = frozenset({
    "script", "iframe", "frame", "frameset", "object", "embed", "applet", "param", "base",
    "meta", "link", "style", "svg", "portal",
})
# Attributes that hold addresses (srcset-like ones hold a comma list, ping a space list).
URL_ATTRIBUTES = frozenset({
    "href", "src", "action", "formaction", "poster", "xlink:href", "data", "cite",
    "background", "longdesc", "manifest", "codebase", "classid", "lowsrc", "dynsrc", "icon",
    "usemap", "profile",
})
SRCSET_ATTRIBUTES = frozenset({"srcset", "imagesrcset"})
SPACE_LIST_ATTRIBUTES = frozenset({"ping", "archive"})
SAFE_SCHEMES = ("http", "https", "mailto", "tel")
ALLOW_HINT = "CAMPAIGN_ALLOW_RAW_HTML = True allows raw HTML for a site"
UNFINISHED_TAG = "the text ends inside an unfinished HTML tag"
UNFINISHED_COMMENT = "the text ends inside an unfinished HTML comment"
MARKUP = (f"<!…>, <?…> and </ …> markup is not allowed, apart from plain comments "
          f"<!-- like this --> (no -- inside): browsers and this check read it differently "
          f"({ALLOW_HINT})")
_SCHEME_RE = re.compile(r"([A-Za-z][A-Za-z0-9+.-]*):")
_UNFINISHED_TAG_RE = re.compile(r"<[A-Za-z][^>]*\Z")

# Plain markup, what Markdown writes for ordinary posts: text, the five entities it writes,
# and start and end tags of ordinary elements with lowercase names and double-quoted
# attributes. Both readings see such HTML alike, tag for tag: no comment or other <!…>, <?…>
# or </ …> markup, no raw-text or foreign element that switches the HTML5 tokenizer (script,
# style, textarea, title, xmp, noembed, noframes, noscript, plaintext, iframe, svg, math),
# no bare & and no code point the tokenizer reports. Such HTML needs only the tag checks
# (tests/plugins/campaign/header/test_rawhtml_fast_path.py compares this with both readings
# on random HTML).
_ORDINARY_ELEMENTS = (
    "a", "abbr", "b", "blockquote", "br", "code", "dd", "del", "div", "dl", "dt", "em", "h1",
    "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "ins", "li", "ol", "p", "pre", "span",
    "strong", "sub", "sup", "table", "tbody", "td", "th", "thead", "tr", "ul",
)
_ENTITY = "&(?:amp|lt|gt|quot|#39);"
# The code points html5lib's input stream reports (its `invalid_unicode_no_surrogate`, copied
# so that a build of plain bodies never imports html5lib: 1.5 MB; tests/plugins/campaign/
# header/test_rawhtml_fast_path.py pins it to the library's), NUL and surrogates.
HTML5LIB_REPORTED = (
    "\u0001-\u0008\u000B\u000E-\u001F\u007F-\u009F\uFDD0-\uFDEF\uFFFE\uFFFF"
    + "".join(f"{chr(plane << 16 | 0xFFFE)}{chr(plane << 16 | 0xFFFF)}" for plane in range(1, 17))
)
_REPORTED = HTML5LIB_REPORTED + "\x00\ud800-\udfff"
_TEXT = rf"[^<&{_REPORTED}]++"
_VALUE = rf'(?:[^"<>&{_REPORTED}]++|{_ENTITY})*+'
_NAMES = "|".join(sorted(_ORDINARY_ELEMENTS, key=len, reverse=True))
_ATTRIBUTE = rf' [a-z][a-z0-9-]*+="{_VALUE}"'
_ATTRIBUTES = rf"(?:{_ATTRIBUTE})*+"
# (No capturing group inside a possessive repeat: Python 3.11's re rejects the match.)
_PLAIN_MARKUP = re.compile(
    rf"(?:{_TEXT}|{_ENTITY}|<(?:{_NAMES}){_ATTRIBUTES}>|</(?:{_NAMES})>)*+")
# The same for ASCII text (most posts), with only the reported code points below U+0080 in its
# character classes: several times as fast as the full classes.
_ASCII_REPORTED = "".join(re.escape(chr(code)) for code in range(0x80)
                          if re.match(f"[{_REPORTED}]", chr(code)))
_PLAIN_ASCII_MARKUP = re.compile(_PLAIN_MARKUP.pattern.replace(_REPORTED, _ASCII_REPORTED))
# Start tags with attributes: no ordinary element is an active one (a test pins it), so a
# plain start tag without attributes passes the tag checks (most of a body's: p, h2, li).
_PLAIN_START_TAG_WITH_ATTRIBUTES = re.compile(rf"<({_NAMES})((?:{_ATTRIBUTE})++)>")
_PLAIN_ATTRIBUTE = re.compile(rf' ([a-z][a-z0-9-]*+)="({_VALUE})"')


def scheme(url: str) -> str | None:
    """The scheme a browser would read (lowercased), or None for a relative address.
    Browsers drop surrounding controls and spaces and every tab and newline first."""
    cleaned = re.sub(r"[\t\n\r]", "", url.strip("".join(map(chr, range(0x21)))))
    match = _SCHEME_RE.match(cleaned)
    return match.group(1).lower() if match else None


def _addresses(name: str, value: str) -> list[str]:
    if name in SRCSET_ATTRIBUTES:
        return [part.split()[0] for part in value.split(",") if part.split()]
    if name in SPACE_LIST_ATTRIBUTES:
        return value.split()
    return [value]


def _shown(value: str) -> str:
    return repr(value if len(value) <= 40 else value[:40] + "…")


def _tag_reasons(tag: str, attrs) -> list[str]:
    """Why the start tag `<tag attrs…>` may not be published, or []."""
    reasons = []
    if tag in ACTIVE_ELEMENTS:
        reasons.append(f"<{tag}> is not allowed: it runs or loads active content ({ALLOW_HINT})")
    for name, value in attrs:
        if name.startswith("on"):
            reasons.append(f"<{tag} {name}=…> is not allowed: event handlers run code "
                           f"({ALLOW_HINT})")
        elif value and (name in URL_ATTRIBUTES or name in SRCSET_ATTRIBUTES
                        or name in SPACE_LIST_ATTRIBUTES):
            for address in _addresses(name, value):
                if scheme(address) not in (None, *SAFE_SCHEMES):
                    reasons.append(
                        f"<{tag} {name}={_shown(address)}> is not allowed: addresses may "
                        f"use http, https, mailto or tel, or be relative ({ALLOW_HINT})"
                    )
    return reasons


class _Scanner(HTMLParser):
    """The html.parser reading: the start tags, in order."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, list]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, [(name, value or "") for name, value in attrs]))


def _parting(scanned: list, read: list) -> str | None:
    """Where the two readings' start tags (names and attribute names) first differ."""
    def shape(tags):
        return [(tag, sorted({name for name, _ in attrs})) for tag, attrs in tags]
    one, other = shape(scanned), shape(read)
    if one == other:
        return None
    pairs = zip(one, other, strict=False)
    agreed = next((i for i, (a, b) in enumerate(pairs) if a != b), min(len(one), len(other)))
    where = f"after <{one[agreed - 1][0]}>" if agreed else "from the start"
    return (f"browsers and this check read the HTML differently {where}: write plain, "
            f"well-formed HTML ({ALLOW_HINT})")


def plainly_clean(html: str) -> bool:
    """True when `html` is plain markup (above) whose every tag passes the tag checks: then
    both readings find nothing, and the parsers need not run. False says nothing."""
    if not (_PLAIN_ASCII_MARKUP if html.isascii() else _PLAIN_MARKUP).fullmatch(html):
        return False
    for tag in _PLAIN_START_TAG_WITH_ATTRIBUTES.finditer(html):
        attrs = [(name, html_text.unescape(value))
                 for name, value in _PLAIN_ATTRIBUTE.findall(tag.group(2))]
        if len({name for name, _ in attrs}) < len(attrs) or _tag_reasons(tag.group(1), attrs):
            return False  # a repeated attribute is a parse error; a bad one, a reason
    return True


def active_content(html: str) -> list[str]:
    """Why `html` may not be published as it is (each reason once), or []."""
    return [] if plainly_clean(html) else both_readings(html)


def both_readings(html: str) -> list[str]:
    """active_content without the short cut: html.parser's and html5lib's readings."""
    scanner = _Scanner()
    reasons = []
    try:
        scanner.feed(html)
        scanner.close()
    except AssertionError as error:  # html.parser gives up on some <![…> markup
        reasons.append(f"this check cannot read the HTML ({error}): write plain, "
                       f"well-formed HTML ({ALLOW_HINT})")
    from .html5_reading import BrowserReading  # html5lib: only for bodies that need it

    browser = BrowserReading()
    browser.parseFragment(html, container="div", scripting=True)
    reasons += [reason for tag, attrs in scanner.tags + browser.tags
                for reason in _tag_reasons(tag, attrs)]
    if _UNFINISHED_TAG_RE.search(html):
        reasons.append(UNFINISHED_TAG)
    reasons += browser.reasons
    if parting := _parting(scanner.tags, browser.tags):
        reasons.append(parting)
    return list(dict.fromkeys(reasons))
