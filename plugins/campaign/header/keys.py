"""Header key names: which exist, how messages show them, and typo suggestions."""

import difflib
import re

# A header key: an ASCII letter, then ASCII letters, digits, `_` and `-`.
KEY_RE = re.compile(r"[A-Za-z][A-Za-z0-9_-]*")
# Pelican's own keys (https://docs.getpelican.com/en/latest/content.html), lowercased.
PELICAN_KEYS = (
    "title", "date", "modified", "tags", "keywords", "category", "slug", "author", "authors",
    "summary", "lang", "translation", "status", "template", "save_as", "url",
)


def display_key(key: str) -> str:
    """`coupon_expires` → `Coupon_Expires` (keys are case-insensitive; messages show them
    the way the reference writes them)."""
    return "_".join(part[:1].upper() + part[1:] for part in key.split("_"))


def suggest(key: str, known: list[str], cutoff: float = 0.6) -> str | None:
    matches = difflib.get_close_matches(key, known, n=1, cutoff=cutoff)
    return display_key(matches[0]) if matches else None


def unknown_key_reason(key: str, known: list[str]) -> str:
    hint = suggest(key, known)
    return f"unknown key (did you mean {hint}?)" if hint else "unknown key"
