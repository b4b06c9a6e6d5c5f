"""An article's identity once the campaign has shared it. Pure: no Pelican, no files.

The publisher pins two header lines when the first item of an article goes out
(docs/contract.md §3, contract/header_lines.py):

    Shared_Id: en/answering-customers-on-twitter
    Shared_Urls: 2026/answering-customers-on-twitter/, 2026/an-older-slug/

`Shared_Id` replaces `<lang>/<slug>` in the article's item ids, so a new Title, Slug, file
name, folder, Lang or Date keeps the ids (the publisher never posts them again).
`Shared_Urls` lists every site path a link of the article was posted with; each one that is
not the article's current address gets a redirect page.
"""

import posixpath
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar
from urllib.parse import unquote, urlsplit

from contract.header_lines import SHARED_ID_KEY, SHARED_URLS_KEY, split_list

from ..problems import Problem
from .keys import display_key

ID_KEY, URLS_KEY = SHARED_ID_KEY.lower(), SHARED_URLS_KEY.lower()  # as Pelican gives keys
KEYS = (ID_KEY, URLS_KEY)
_ID_RE = re.compile(r"^[A-Za-z0-9_-]+(/[^/\s]+)+$")
_CONTROL_RE = re.compile(r"[\x00-\x1f\x7f\\]")
OVERRIDES = {"url": "Url", "save_as": "Save_as"}
OVERRIDE_REASON = ("not allowed on an article the campaign shares: its shared link must be "
                   "its own address")


def parse_shared_id(value: str) -> str:
    text = value.strip()
    if not _ID_RE.match(text) or _CONTROL_RE.search(text):
        raise ValueError(f"expected <lang>/<slug> as the publisher writes it, got {text!r}")
    return text


def _check_path(path: str) -> str | None:
    """Why `path` is not a relative site path, or None."""
    parts = urlsplit(path)
    if parts.scheme or parts.netloc or path.startswith("/"):
        return "is not relative to the site (no scheme, host or leading /)"
    if parts.query or parts.fragment or "?" in path or "#" in path:
        return "has a query or a fragment"
    if _CONTROL_RE.search(path) or any(c.isspace() for c in path):
        return "has a space, a backslash or a control character"
    segments = unquote(path).split("/")
    if any(s in (".", "..") for s in segments) or "" in segments[:-1]:
        return "has an empty, . or .. segment"
    return None


def parse_shared_urls(value: str) -> tuple[str, ...]:
    paths = split_list(value)
    for path in paths:
        if not path:
            raise ValueError("an empty entry (paths are separated by a comma and a space)")
        reason = _check_path(path)
        if reason:
            raise ValueError(f"{path!r} {reason}")
    return tuple(dict.fromkeys(paths))


T = TypeVar("T")


def parse_identity(own: dict, problems: list) -> tuple[str | None, tuple[str, ...]]:
    """(Shared_Id or None, Shared_Urls) from the header values; problems added to `problems`.
    Either line may be missing (a lost line heals on the publisher's next run)."""
    shared_id = _publisher_line(own, ID_KEY, parse_shared_id, problems)
    urls = _publisher_line(own, URLS_KEY, parse_shared_urls, problems)
    return shared_id, urls or ()


def _publisher_line(own: dict, key: str, parse: Callable[[str], T],
                    problems: list) -> T | None:
    """A line the publisher writes, parsed; None when missing or wrong (a problem then)."""
    if key not in own:
        return None
    try:
        return parse(own[key])
    except ValueError as error:
        problems.append(Problem(f"{error} (written by the publisher: restore the line "
                                "from git, or delete it and run `python -m publish run`)",
                                display_key(key)))
        return None


def identity(lang: str, slug: str, shared_id: str | None) -> str:
    """The `<lang>/<slug>` part of the article's item ids."""
    return shared_id or f"{lang}/{slug}"


def override_problems(metadata) -> list[Problem]:
    """Url/Save_as on an article the campaign shares: its link would point elsewhere."""
    return [Problem(OVERRIDE_REASON, name) for key, name in OVERRIDES.items() if key in metadata]


def identity_conflicts(entries) -> tuple[list[Problem], set[str]]:
    """Files whose items would share ids with a pinned article. `entries`: (source,
    identity, pinned) for every article the campaign shares. Returns the problems (on the
    later file) and every file involved. Two unpinned files with one `<lang>/<slug>` are
    left to plan.duplicate_ids."""
    first: dict[str, tuple[str, bool]] = {}
    problems, involved = [], set()
    for source, ident, pinned in sorted(entries):
        if ident not in first:
            first[ident] = (source, pinned)
            continue
        other, other_pinned = first[ident]
        if not (pinned or other_pinned):
            continue
        involved |= {source, other}
        if pinned and other_pinned:
            problems.append(Problem(f"{ident} is also the Shared_Id of {other} (a copied post? "
                                    "delete the Shared_* lines from the copy)",
                                    "Shared_Id", file=source))
        else:
            owner, shared = (other, source) if pinned else (source, other)
            problems.append(Problem(f"its items would be {ident}/…, the ids {shared} was shared "
                                    f"under (Shared_Id): give {owner} another Slug or Lang",
                                    "Slug", file=owner))
    return problems, involved


# --- redirects ------------------------------------------------------------------------


@dataclass(frozen=True)
class Redirect:
    source: str  # the article's file
    path: str  # the old site path, as in Shared_Urls
    save_as: str  # the file written for it
    target: str  # the article's current URL (Pelican's article.url)
    title: str
    lang: str


def save_as_for(path: str) -> str:
    """The output file that answers a site path: `a/b/` → `a/b/index.html`, `a/b.html` as
    it is, `a/b` → `a/b/index.html`."""
    plain = unquote(path)
    if plain.endswith("/") or not plain:
        return plain + "index.html"
    if "." in plain.rsplit("/", 1)[-1]:
        return plain
    return plain + "/index.html"


def redirects_for(source: str, shared_urls, current_path: str, save_as: str, url: str,
                  title: str, lang: str) -> list[Redirect]:
    """A redirect for every shared path that is no longer the article's own address."""
    result, files = [], {posixpath.normpath(save_as)}
    for path in shared_urls:
        target_file = save_as_for(path)
        if path == current_path or posixpath.normpath(target_file) in files:
            continue  # its own address, or one file for two spellings (`a/b`, `a/b/`)
        files.add(posixpath.normpath(target_file))
        result.append(Redirect(source, path, target_file, url, title, lang))
    return result


def relative_target(redirect: Redirect) -> str:
    """The article's URL relative to the redirect page, so the page works on any host and
    in a local preview."""
    folder = posixpath.dirname(redirect.save_as) or "."
    target = redirect.target
    relative = posixpath.relpath(target or ".", folder)
    if target.endswith("/") and not relative.endswith("/"):
        relative += "/"
    return relative
