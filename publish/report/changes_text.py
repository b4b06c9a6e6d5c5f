"""`publish diff` for people: plain text for a terminal, and Markdown for a pull request's
comment (publish/report/pr_comment.py). Pure: Changes (publish/report/plan_changes.py) in,
text out.

In Markdown every value that comes from a header or a page (texts, titles, descriptions,
ids, paths, the base's name) is data: `markdown_text` escapes Markdown and HTML, and keeps
an `@name` or `#123` in a post from mentioning a GitHub user or linking an issue.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from contract.x_pricing import usd
from publish.report.plan_changes import CARD_FIELDS, Changes, Edit, Shown, articles
from publish.report.previews import LinkCard

MARKER = "<!-- publish-diff -->"     # how the pull request's comment is found again
_MARKDOWN_PUNCTUATION = re.compile(r"([\\`*_{}\[\]()#!|~])")
# A list item or a heading's underline if the value began a line: `- a`, `12. a`, `=`.
_LINE_START = re.compile(r"^(\d*)([-+=.)])(?=\s|$)")
_SAFE_LINK = re.compile(r"https://[A-Za-z0-9.-]+/[A-Za-z0-9._~:/@%+=-]*")
_URL = re.compile(r"https?://[^\s<>\"'`]+")
_WORD_JOINER = "\u2060"     # invisible: `@name` and `#12` stop being a mention or a link


def money(value: float, *, sign: bool = False) -> str:
    """'$0.20', '$0.015'; with `sign`: '+$0.40', '-$0.20', '$0.00'."""
    if not sign or value == 0:
        return usd(abs(value))
    return f"{'+' if value > 0 else '-'}{usd(abs(value))}"


def headline(changes: Changes, base: str) -> str:
    cost = money(changes.cost, sign=True)
    return (f"diff {base} → working tree: {changes.counts()}; estimated cost of what is "
            f"still to be posted: {cost}")


def facts(shown: Shown) -> str:
    """'X, 2026-11-23 09:00 GMT, 84/280, scheduled, estimated $0.20'."""
    return (f"{shown.label}, {shown.when}, {shown.length}, {shown.state}, "
            f"estimated {money(shown.cost)}")


def card_line(card: LinkCard) -> str:
    if not card.found:
        return "no page for this link in the build"
    parts = [card.title or "(no title)", card.description or "(no description)",
             f"image {card.image_url}" if card.image_url else "no image"]
    return " | ".join(parts)


# --- text ---------------------------------------------------------------------------------

def _text_item(shown: Shown, indent: str, card: bool = True) -> list[str]:
    lines = [f"{indent}{facts(shown)}", f"{indent}{' '.join(shown.text.split())}"]
    return [*lines, f"{indent}card: {card_line(shown.card)}"] if card else lines


def card_changed(edit: Edit) -> bool:
    """Show the card before the edit too only when a reader would see another one."""
    return any(getattr(edit.before.card, name) != getattr(edit.after.card, name)
               for name in (*CARD_FIELDS, "found"))


def text(changes: Changes, base: str) -> str:
    """For a terminal: a headline, then each article's changed items."""
    lines = [headline(changes, base)]
    pad = " " * 4
    for title, source, entries in articles(changes):
        lines += ["", f"{' '.join(title.split())} ({source})"]
        for what, entry in entries:
            if isinstance(entry, Edit):
                lines.append(f"  {what}  {entry.id}")
                if what == "already sent":
                    lines.append(f"{pad}the ledger says it was sent"
                                 + (f" ({entry.post_url})" if entry.post_url else "")
                                 + ": the edit is not posted, and it is not posted again")
                lines += [f"{pad}before:",
                          *_text_item(entry.before, pad * 2, card=card_changed(entry)),
                          f"{pad}after:", *_text_item(entry.after, pad * 2)]
            else:
                lines += [f"  {what}  {entry.item.id}", *_text_item(entry, pad)]
    return "\n".join(lines) + "\n"


# --- Markdown -----------------------------------------------------------------------------

def markdown_text(value: str) -> str:
    """`value` as literal text in Markdown (GitHub's): HTML and Markdown escaped, on one line,
    no mention or issue link; an http(s) link stays a link (`<URL>`)."""
    value = " ".join(str(value).split())
    parts, last = [], 0
    for link in _URL.finditer(value):
        parts += [_literal(value[last:link.start()]), f"<{link.group(0)}>"]
        last = link.end()
    parts.append(_literal(value[last:]))
    return _LINE_START.sub(r"\1\\\2", "".join(parts))


def _literal(value: str) -> str:
    value = value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    value = _MARKDOWN_PUNCTUATION.sub(r"\\\1", value)
    return re.sub(r"([@#])(?=\w)", lambda m: m.group(1) + _WORD_JOINER, value)


def _md_facts(what: str, shown: Shown) -> str:
    return (f"**{what}** · {markdown_text(shown.label)} · {markdown_text(shown.when)} · "
            f"{markdown_text(shown.length)} · {markdown_text(shown.state)} · "
            f"estimated {markdown_text(money(shown.cost))}")


def _md_card(card: LinkCard) -> str:
    if not card.found:
        return "> *Link card:* no page for this link in the build"
    parts = [f"**{markdown_text(card.title)}**" if card.title else "*(no title)*",
             markdown_text(card.description) if card.description else "*(no description)*",
             f"image `{_code(card.image_url)}`" if card.image_url else "*no image*"]
    return "> *Link card:* " + " — ".join(parts)


def _code(value: str) -> str:
    """Inside a code span (or a link's target): one line, no backtick; the rest is shown
    as it is."""
    return " ".join(str(value).split()).replace("`", "'")


def _post_link(url: str) -> str:
    """A link to the post when the ledger's URL is a plain https one, else the URL as code."""
    if _SAFE_LINK.fullmatch(url):
        return f"[the post]({url})"
    return f"the post: `{_code(url)}`"


def _md_item(what: str, shown: Shown, card: bool = True) -> list[str]:
    lines = [_md_facts(what, shown), "", f"> {markdown_text(shown.text)}"]
    return [*lines, ">", _md_card(shown.card), ""] if card else [*lines, ""]


def _md_entry(what: str, entry: Shown | Edit) -> list[str]:
    if not isinstance(entry, Edit):
        return [f"`{_code(entry.item.id)}`", "", *_md_item(what.capitalize(), entry)]
    lines = [f"`{_code(entry.id)}`", ""]
    if what == "already sent":
        where = f" ({_post_link(entry.post_url)})" if entry.post_url else ""
        lines += [f"**Already sent{where}, not posted again:** the header's text was edited, "
                  "but the ledger says this item went out; the edit changes nothing on "
                  f"{markdown_text(entry.after.label)}.", ""]
    return [*lines, *_md_item("Before", entry.before, card=card_changed(entry)),
            *_md_item("After", entry.after)]


def _table(changes: Changes) -> list[str]:
    rows = ["| | item | state | estimated |", "|---|---|---|---|"]
    for _title, _source, entries in articles(changes):
        for what, entry in entries:
            shown = entry.after if isinstance(entry, Edit) else entry
            cell = _code(shown.item.id).replace("|", "\\|")    # a table's cell
            rows.append(f"| {what} | `{cell}` | "
                        f"{markdown_text(shown.state)} | {money(shown.cost)} |")
    return rows


def markdown(changes: Changes, base: str, *, marker: bool = True) -> str:
    """A pull request comment's body: the marker, a headline, each article's posts as
    previews, then a table of every item. One short paragraph when no post changes."""
    head = [MARKER] if marker else []
    base_shown = f"`{_code(base)}`"
    if changes.empty:
        short = f"**Social posts:** no change (compared with {base_shown})."
        return "\n".join([*head, short]) + "\n"
    lines = [*head, f"### Social posts: {changes.counts()}", "",
             f"Compared with {base_shown}. Estimated cost of what is still to be posted: "
             f"**{money(changes.cost, sign=True)}** (X's prices; Mastodon and Bluesky are "
             "free).", ""]
    for title, source, entries in articles(changes):
        lines += [f"#### {markdown_text(title)}", "", f"`{_code(source)}`", ""]
        for what, entry in entries:
            lines += _md_entry(what, entry)
    lines += ["<details><summary>Every item of this change</summary>", "", *_table(changes),
              "", "</details>"]
    return "\n".join(_trim(lines)) + "\n"


def failure_markdown(lines: Iterable[str], base: str, *, marker: bool = True) -> str:
    """The comment when there is no preview (a side does not build, an unknown base): the
    lines said, as a code block (data: nothing in it is Markdown, a mention or a link)."""
    text = "\n".join(lines)
    fence = "`" * max(3, 1 + max((len(run) for run in re.findall(r"`+", text)), default=0))
    return "\n".join([*([MARKER] if marker else []),
                      f"**Social posts:** no preview (compared with `{_code(base)}`): "
                      "fix what is listed here, and push again.",
                      "", fence, text, fence]) + "\n"


def _trim(lines: Iterable[str]) -> list[str]:
    """No two blank lines in a row."""
    kept: list[str] = []
    for line in lines:
        if line or (kept and kept[-1]):
            kept.append(line)
    return kept
