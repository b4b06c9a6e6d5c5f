"""Post texts: fill in a marketer's template, or write a matching post from the article."""

import re
from html.parser import HTMLParser

from .weighing import weighted_length

ELLIPSIS = "…"  # counts 2 in X's weighting
_SPACES_RE = re.compile(r"\s+")
_WORD_RE = re.compile(r"[^\W_]+")
_TRAILING_RE = re.compile(r"[\s,;:.!?…\-\u2013\u2014]+$")


class _TextCollector(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts = []

    def handle_data(self, data):
        self.parts.append(data)


def plain_text(fragment: str) -> str:
    """HTML (a Pelican summary) → one line of text; entities are decoded once, by the
    parser, so `&amp;lt;b&amp;gt;` stays the text `&lt;b&gt;`."""
    collector = _TextCollector()
    collector.feed(fragment or "")
    collector.close()
    return one_line("".join(collector.parts))


def one_line(text: str) -> str:
    return _SPACES_RE.sub(" ", text).strip()


def hashtag(tag: str) -> str | None:
    """"customer service" → "#CustomerService"; None when nothing usable remains."""
    words = _WORD_RE.findall(tag)
    name = "".join(word[:1].upper() + word[1:] for word in words)
    if not name or name.isdigit():
        return None
    return "#" + name


def hashtags(tags, limit: int) -> list[str]:
    seen, result = set(), []
    for tag in tags:
        tagged = hashtag(str(tag))
        if tagged and tagged.lower() not in seen:
            seen.add(tagged.lower())
            result.append(tagged)
    return result[:limit]


def fill(template: str, link: str, code: str | None = None) -> str:
    """A marketer's text with {url} (or the link appended) and {code}. Without a link (a
    post without its link: Social_X_Link: no) {url} and the space before it go."""
    text = template.replace("{code}", code) if code else template
    if not link:
        return re.sub(r"[ \t]*\{url\}", "", text).strip()
    if "{url}" in text:
        return text.replace("{url}", link)
    return f"{text} {link}"


def shorten(text: str, words: int) -> str:
    """The first `words` words of `text`, with "…" if anything was cut."""
    parts = text.split(" ")
    if words >= len(parts):
        return text
    kept = _TRAILING_RE.sub("", " ".join(parts[:words]))
    return kept + ELLIPSIS if kept else ""


def _join(title: str, summary: str) -> str:
    if not summary:
        return title
    if summary.lower().startswith(title.lower()):
        return summary
    separator = " " if title.endswith((".", "!", "?", ":", ELLIPSIS)) else ": "
    return f"{title}{separator}{summary}"


def _assemble(lead: str, link: str, tags: list[str]) -> str:
    return " ".join(part for part in (lead, link, " ".join(tags)) if part)


def _longest_fitting(count: int, fits) -> int | None:
    """The largest n in 0..count with fits(n), assuming fits is monotone; None if none."""
    if not fits(0):
        return None
    low, high = 0, count
    while low < high:
        middle = (low + high + 1) // 2
        if fits(middle):
            low = middle
        else:
            high = middle - 1
    return low


def _hashtag_counts(lead: int, tag_lengths: list[int], max_length: int) -> list[int]:
    """How many hashtags to try, best first. Each hashtag is its own space-separated word,
    so it adds its weight plus one: the estimate needs no full count per candidate. Every
    count from all down to none follows, should a full count ever disagree."""
    estimate, used = 0, lead
    for tag_length in tag_lengths:
        used += 1 + tag_length
        if used > max_length:
            break
        estimate += 1
    return [estimate, *range(len(tag_lengths), -1, -1)]


def compose(title: str, summary: str, tags: list[str], link: str, max_length: int,
            measure=weighted_length) -> str | None:
    """A matching post: "<title>: <summary> <link> #Tag …", fitted to `max_length` (as
    `measure(text, links)` counts: the network's length) by dropping hashtags from the end,
    then shortening the summary at a word boundary, then the title. Never cuts a word or a
    hashtag. None if even one word of title will not fit. The title is plain text (shown as
    written); the summary is HTML (Pelican's)."""
    title, summary = one_line(title), plain_text(summary)
    links = (link,) if link else ()     # no link: a post without it (Social_X_Link: no)

    def length(text: str) -> int:
        return measure(text, links)

    full = _join(title, summary)
    tag_lengths = [measure(tag) for tag in tags]  # shared by every post: cached
    for count in _hashtag_counts(length(_assemble(full, link, [])), tag_lengths, max_length):
        text = _assemble(full, link, tags[:count])
        if length(text) <= max_length:
            return text
    summary_words = summary.split(" ") if summary else []

    def summary_fits(n: int) -> bool:
        return length(_assemble(_join(title, shorten(summary, n)), link, [])) <= max_length

    best = _longest_fitting(len(summary_words), summary_fits)
    if best is not None:
        return _assemble(_join(title, shorten(summary, best)), link, [])
    title_words = title.split(" ")

    def title_fits(n: int) -> bool:
        return n > 0 and length(_assemble(shorten(title, n), link, [])) <= max_length

    best = _longest_fitting(len(title_words), lambda n: n == 0 or title_fits(n))
    if not best:
        return None
    return _assemble(shorten(title, best), link, [])
