"""What a Mastodon status says, read from the server's answer and checked: its text and links
(from the status HTML), its own link (on our server, naming its id), its id, its time and its
counts. Pure: the adapter (mastodon_adapter.py) fetches, this reads."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from html.parser import HTMLParser
from typing import Any

from publish.clock import TimeFormatError, parse_time
from publish.networks import FoundPost
from publish.networks.mastodon.mastodon_capabilities import CAPABILITIES, link_host_problem


class _ContentParser(HTMLParser):
    """Status HTML → plain text and the links it contains."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.links: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "br":
            self.parts.append("\n")
        elif tag == "p":
            if "".join(self.parts).strip():
                self.parts.append("\n\n")
        elif tag == "a":
            href = dict(attrs).get("href")
            if href and href.startswith(("https://", "http://")):
                self.links.append(href)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def content_text(content: str) -> tuple[str, tuple[str, ...]]:
    """Mastodon's status HTML → (plain text, links). <br> is a line end, a new paragraph a
    blank line, tags go and entities are decoded; Mastodon splits a link's text into
    invisible/ellipsis spans, which joined give the whole URL back."""
    parser = _ContentParser()
    parser.feed(content)
    parser.close()
    text = "".join(parser.parts)
    return "\n".join(line.rstrip() for line in text.strip().split("\n")), tuple(parser.links)


def id_text(value: Any) -> Any:
    """An id from an answer as a plain str when it is a str or an int (Mastodon.py wraps ids
    in a str subclass); anything else unchanged, for post_id_problem to describe."""
    if isinstance(value, str):
        return str(value)
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return value


def created_at(value: Any) -> datetime | None:
    if isinstance(value, datetime):
        return value.astimezone(UTC) if value.tzinfo else value.replace(tzinfo=UTC)
    if isinstance(value, str):
        try:
            return parse_time(value)
        except (TimeFormatError, ValueError, OverflowError):
            return None
    return None


def status_link_problem(post_id: Any, url: Any, base_url: str) -> str | None:
    """None when `post_id` is a valid id and `url` a status link naming that same id on the
    server of MASTODON_BASE_URL (`base_url`)."""
    if problem := CAPABILITIES.post_id_problem(post_id):
        return problem
    if problem := CAPABILITIES.link_problem(url):
        return problem
    if CAPABILITIES.post_id_from_link(url) != post_id:
        return f"the link names another status than {post_id}"
    return link_host_problem(url, base_url)


def status_link(raw: Mapping, post_id: Any, base_url: str) -> tuple[str | None, str | None]:
    """(the status's own link, None), or (None, what is wrong): its `url` when that is a
    status link naming `post_id` on our server, else its `uri` when that is (Mastodon's
    `uri` is `/users/NAME/statuses/ID`; Akkoma's is `/objects/UUID`, not a status link)."""
    url = raw.get("url")
    problem = status_link_problem(post_id, url, base_url)
    if problem is None:
        return url, None
    uri = raw.get("uri")
    if uri != url and status_link_problem(post_id, uri, base_url) is None:
        return uri, None
    return None, problem


def found_post(raw: Any, base_url: str) -> FoundPost | None:
    """A status from a timeline → FoundPost (its id as the server gave it: the runner ignores
    and reports an invalid one), or None when it is not one of ours to consider (a boost, no
    content, or a valid id with a link that is not a status link)."""
    if not isinstance(raw, Mapping) or raw.get("reblog"):
        return None
    content = raw.get("content")
    if not isinstance(content, str):
        return None
    post_id = id_text(raw.get("id"))
    text, links = content_text(content)
    card = raw.get("card")
    if isinstance(card, Mapping) and isinstance(card.get("url"), str):
        links += (card["url"],)
    if CAPABILITIES.valid_post_id(post_id):
        url, _ = status_link(raw, post_id, base_url)
        if url is None:
            return None
    else:
        url = ""            # never used: the runner drops a post whose id is not valid
    return FoundPost(post_id=post_id, url=url, text=text,
                     created_at=created_at(raw.get("created_at")), expanded_urls=links)


def contains_link(post: FoundPost, link: str) -> bool:
    return link in post.expanded_urls or link in post.text


def map_metrics(raw: Mapping) -> dict[str, int] | None:
    """Mastodon status counts → our names; None when one is not a non-negative int."""
    out = {}
    for name, key in (("favourites", "favourites_count"), ("boosts", "reblogs_count"),
                      ("replies", "replies_count")):
        value = raw.get(key)
        if not isinstance(value, int) or isinstance(value, bool) or value < 0:
            return None
        out[name] = value
    return out
