"""How X will show a post's link: the `summary_large_image` card it reads from the page.

X reads the card from the page's `twitter:*` tags (falling back to Open Graph), so the
preview reads the same tags from the built page in the site folder (`output/`): title,
description, image, and the link's domain. Pure parsing and path mapping; `read_card` is
the one function that reads files. Every path is confined to the site folder.
"""

from __future__ import annotations

import posixpath
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

# X's order of preference for each field of the card.
FIELDS = {
    "title": ("twitter:title", "og:title"),
    "description": ("twitter:description", "og:description", "description"),
    "image": ("twitter:image", "og:image"),
    "image_alt": ("twitter:image:alt", "og:image:alt"),
}
IMAGE_TYPES = {".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg",
               ".gif": "image/gif", ".webp": "image/webp"}


@dataclass(frozen=True)
class LinkCard:
    domain: str
    title: str = ""
    description: str = ""
    image_url: str = ""
    image_alt: str = ""
    image_path: Path | None = None     # the image in the site folder, when it is there
    found: bool = False                 # False: no page in the site folder for this link


class _MetaTags(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags: dict[str, str] = {}

    def handle_starttag(self, tag, attrs):
        if tag != "meta":
            return
        values = dict(attrs)
        name = values.get("property") or values.get("name")
        if name and values.get("content") is not None:
            self.tags.setdefault(name.strip().lower(), values["content"])


def meta_tags(html: str) -> dict[str, str]:
    """The page's <meta property|name=… content=…> values (the first of each name)."""
    parser = _MetaTags()
    parser.feed(html)
    parser.close()
    return parser.tags


def card_fields(tags: dict[str, str]) -> dict[str, str]:
    return {field: next((tags[n] for n in names if tags.get(n)), "")
            for field, names in FIELDS.items()}


def site_file(site: Path, url: str, site_url: str) -> Path | None:
    """The file in the site folder that serves `url` on `site_url` (a folder URL: its
    index.html); None for another site or a path that leaves the folder."""
    parts, base = urlsplit(url), urlsplit(site_url)
    if (parts.scheme, parts.netloc) != (base.scheme, base.netloc):
        return None
    path = unquote(parts.path)
    prefix = base.path.rstrip("/")
    if prefix and not (path == prefix or path.startswith(prefix + "/")):
        return None
    relative = posixpath.normpath(path[len(prefix):].lstrip("/") or ".")
    if relative.startswith("..") or "\x00" in relative:
        return None
    if relative == "." or path.endswith("/"):
        relative = posixpath.join("" if relative == "." else relative, "index.html")
    candidate = (site / relative).resolve()
    root = site.resolve()
    return candidate if candidate.is_relative_to(root) else None


def read_card(site: Path, link: str, site_url: str) -> LinkCard:
    """The card X would show for `link`, from the built page (found=False: no page)."""
    domain = urlsplit(link).netloc
    page = site_file(site, link.split("?", 1)[0].split("#", 1)[0], site_url)
    if page is None or not page.is_file():
        return LinkCard(domain=domain)
    fields = card_fields(meta_tags(page.read_text(encoding="utf-8", errors="replace")))
    image = site_file(site, fields["image"], site_url) if fields["image"] else None
    if image is not None and (not image.is_file() or image.suffix.lower() not in IMAGE_TYPES):
        image = None
    return LinkCard(domain=domain, title=fields["title"], description=fields["description"],
                    image_url=fields["image"], image_alt=fields["image_alt"],
                    image_path=image, found=True)
