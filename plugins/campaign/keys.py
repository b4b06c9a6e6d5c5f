"""Header key names as a marketer writes them, and typo suggestions."""

import difflib


def display_key(key: str) -> str:
    """`coupon_expires` → `Coupon_Expires` (Pelican lowercases keys; messages show them
    the way the reference writes them)."""
    return "_".join(part[:1].upper() + part[1:] for part in key.split("_"))


def suggest(key: str, known: list[str]) -> str | None:
    matches = difflib.get_close_matches(key, known, n=1, cutoff=0.6)
    return display_key(matches[0]) if matches else None


def unknown_key_reason(key: str, known: list[str]) -> str:
    hint = suggest(key, known)
    return f"unknown key (did you mean {hint}?)" if hint else "unknown key"
