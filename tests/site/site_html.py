"""Small html.parser helpers for the site tests: links, meta tags, JSON-LD, ids, scripts and
event-handler attributes, the text of chosen elements."""

from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

LINK_ATTRS = {"href", "src"}


class PageScan(HTMLParser):
    """Collects what the tests look at in one HTML document."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.html_lang = None
        self.links = []  # (tag, attr, value)
        self.meta = {}  # name or property -> content (first wins)
        self.link_tags = []  # attribute dicts of <link>
        self.ids = set()
        self.json_ld = []
        self.scripts = []  # attribute dicts of every <script>
        self.event_handlers = []  # (tag, attribute) for every on* attribute
        self.title = ""
        self._in = None
        self._buffer = []

    def handle_starttag(self, tag, attrs):
        self.event_handlers += [(tag, name) for name, _ in attrs if name.startswith("on")]
        attrs = dict(attrs)
        if tag == "script":
            self.scripts.append(attrs)
        if tag == "html":
            self.html_lang = attrs.get("lang")
        if "id" in attrs:
            self.ids.add(attrs["id"])
        for name in LINK_ATTRS & attrs.keys():
            self.links.append((tag, name, attrs[name]))
        if tag == "meta":
            key = attrs.get("name") or attrs.get("property")
            if key:
                self.meta.setdefault(key, attrs.get("content"))
        if tag == "link":
            self.link_tags.append(attrs)
        if tag == "script" and attrs.get("type") == "application/ld+json":
            self._in, self._buffer = "json_ld", []
        if tag == "title":
            self._in, self._buffer = "title", []

    def handle_data(self, data):
        if self._in:
            self._buffer.append(data)

    def handle_endtag(self, tag):
        if self._in == "json_ld" and tag == "script":
            self.json_ld.append("".join(self._buffer))
            self._in = None
        elif self._in == "title" and tag == "title":
            self.title = "".join(self._buffer)
            self._in = None

    def links_with(self, **wanted):
        return [a for a in self.link_tags if all(a.get(k) == v for k, v in wanted.items())]


VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
        "track", "wbr"}


class TextScan(HTMLParser):
    """The text of every `tag` element with the wanted attributes (`class` matches one of
    the element's classes), exactly as the page has it: entities decoded, spaces kept."""

    def __init__(self, tag, wanted):
        super().__init__(convert_charrefs=True)
        self.tag, self.wanted = tag, wanted
        self.texts = []
        self._depth = 0

    def _matches(self, attrs) -> bool:
        for name, value in self.wanted.items():
            have = attrs.get(name) or ""
            if not (value in have.split() if name == "class" else value == have):
                return False
        return True

    def handle_starttag(self, tag, attrs):
        if self._depth:
            self._depth += tag not in VOID
        elif tag == self.tag and self._matches(dict(attrs)):
            self._depth = 1
            self.texts.append("")

    def handle_endtag(self, tag):
        if self._depth:
            self._depth -= 1

    def handle_data(self, data):
        if self._depth:
            self.texts[-1] += data


def texts(path: Path, tag: str, **wanted) -> list[str]:
    """texts(path, "a", rel="tag"); texts(path, "p", class_="kicker") for class."""
    parser = TextScan(tag, {k.rstrip("_"): v for k, v in wanted.items()})
    parser.feed(path.read_text(encoding="utf-8"))
    parser.close()
    return parser.texts


def scan(path: Path) -> PageScan:
    parser = PageScan()
    parser.feed(path.read_text(encoding="utf-8"))
    parser.close()
    return parser


def page_url(output: Path, path: Path) -> str:
    """Site-relative URL a file is served at: folder URLs for index.html files."""
    rel = path.relative_to(output).as_posix()
    return "/" + (rel[: -len("index.html")] if rel.endswith("index.html") else rel)


def resolve(output: Path, site_host: str, from_url: str, link: str):
    """The output file a link points to, or None when it leaves the site (other host,
    mailto:, …). Returns (file_path, fragment)."""
    parts = urlsplit(urljoin(f"https://{site_host}{from_url}", link))
    if parts.scheme not in ("http", "https") or parts.netloc != site_host:
        return None
    target = output / unquote(parts.path).lstrip("/")
    if parts.path.endswith("/") or target.is_dir():
        target = target / "index.html"
    return target, parts.fragment
