"""Raw HTML in a post's rendered body that runs code or loads active content. Pure.

The rendered HTML is read with html.parser, which lowercases names and decodes character
references in attribute values, so `JaVa&#x73;cript:` is seen as the browser sees it.
"""

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
_SCHEME_RE = re.compile(r"([A-Za-z][A-Za-z0-9+.-]*):")
_UNFINISHED_TAG_RE = re.compile(r"<[A-Za-z][^>]*\Z")


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


class _Scanner(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.reasons: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in ACTIVE_ELEMENTS:
            self.reasons.append(f"<{tag}> is not allowed: it runs or loads active content "
                                f"({ALLOW_HINT})")
        for name, value in attrs:
            if name.startswith("on"):
                self.reasons.append(f"<{tag} {name}=…> is not allowed: event handlers run code "
                                    f"({ALLOW_HINT})")
            elif value and (name in URL_ATTRIBUTES or name in SRCSET_ATTRIBUTES
                            or name in SPACE_LIST_ATTRIBUTES):
                for address in _addresses(name, value):
                    if scheme(address) not in (None, *SAFE_SCHEMES):
                        self.reasons.append(
                            f"<{tag} {name}={_shown(address)}> is not allowed: addresses may "
                            f"use http, https, mailto or tel, or be relative ({ALLOW_HINT})"
                        )


def active_content(html: str) -> list[str]:
    """Why `html` may not be published as it is (each reason once), or []."""
    scanner = _Scanner()
    scanner.feed(html)
    scanner.close()
    if _UNFINISHED_TAG_RE.search(html):
        scanner.reasons.append("the text ends inside an unfinished HTML tag")
    return list(dict.fromkeys(scanner.reasons))
