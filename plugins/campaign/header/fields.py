"""A header's fields → the values Pelican and the campaign get, and every problem. Pure.

Known keys: Pelican's own (each value checked here), the campaign's (checked by
metadata.py), the identity keys the publisher writes, and the site's CAMPAIGN_EXTRA_KEYS
(passed through as text). Any other key is a problem, with the closest known key suggested.
So is a continued value's line that reads as a key (`\tSocial: …` under `Summary:`): the
indentation would make it part of the value above, and the post would go out with a literal
`Social:` in it.
"""

import re
from collections.abc import Callable, Iterable
from datetime import datetime
from zoneinfo import ZoneInfo

from ..problems import Problem
from .dates import parse_date
from .identity import KEYS as IDENTITY_KEYS
from .keys import PELICAN_KEYS, display_key, suggest, unknown_key_reason
from .metadata import classify, in_own_namespace, known_keys_like
from .strict_header import Field

STATUSES = ("published", "draft", "hidden")
_LANG_RE = re.compile(r"[a-z]{2,3}(?:-[A-Za-z0-9]{1,8})*")
_SLUG_RE = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
_TEMPLATE_RE = re.compile(r"[A-Za-z0-9_-]+")
_SCHEME_RE = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:")


def _text(value: str, _tz) -> str:
    return value


def _date(value: str, tz: ZoneInfo) -> datetime:
    return parse_date(value, tz)


def _category(value: str, _tz) -> str:
    if "," in value:
        raise ValueError(f"{value!r}: a post has one category (use Tags for more)")
    return value


def _names(parts: list[str], what: str) -> list[str]:
    names = [part.strip() for part in parts]
    if not all(names):
        raise ValueError(f"an empty {what} between the separators")
    return list(dict.fromkeys(names))


def _tags(value: str, _tz) -> list[str]:
    if ";" in value:
        raise ValueError("separate tags with commas, not semicolons")
    return _names(value.split(","), "tag")


def _authors(value: str, _tz) -> list[str]:
    # Pelican's rule: "Jane Doe, John Doe" or "Doe, Jane; Doe, John".
    return _names(value.split(";" if ";" in value else ","), "author")


def _choice(choices: tuple[str, ...]) -> Callable[[str, object], str]:
    def check(value: str, _tz) -> str:
        if value.lower() not in choices:
            raise ValueError(f"{value!r} is not one of {', '.join(choices)}")
        return value.lower()

    return check


def _pattern(pattern: re.Pattern, help_text: str) -> Callable[[str, object], str]:
    def check(value: str, _tz) -> str:
        if not pattern.fullmatch(value):
            raise ValueError(f"{value!r} is not {help_text}")
        return value

    return check


def _site_path(value: str, _tz) -> str:
    if (_SCHEME_RE.match(value) or value.startswith("/") or "//" in value or "\\" in value
            or ".." in value.split("/")):
        raise ValueError(f"{value!r} is not a path inside the site: write it relative, like "
                         "2026/my-post/, without a scheme, a leading /, // or ..")
    return value


RULES: dict[str, Callable[[str, ZoneInfo], object]] = {
    "title": _text,
    "date": _date,
    "modified": _date,
    "tags": _tags,
    "keywords": _text,
    "category": _category,
    "slug": _pattern(_SLUG_RE, "a slug: lowercase letters a-z, digits and hyphens "
                     "(answering-customers)"),
    "author": _text,
    "authors": _authors,
    "summary": _text,
    "lang": _pattern(_LANG_RE, "a language tag like en, is or pt-BR"),
    "translation": _choice(("true", "false")),
    "status": _choice(STATUSES),
    "template": _pattern(_TEMPLATE_RE, "a template name like article-wide (letters, digits, "
                         "_ and -)"),
    "save_as": _site_path,
    "url": _site_path,
}
assert set(RULES) == set(PELICAN_KEYS)


def _empty_reason(key: str) -> str:
    if key == "title":
        return "empty: every post needs a title"
    return "empty (leave the key out instead)"


# How alike a continued line's `Word:` must be to a campaign key to be its typo (`Socail`,
# `Coupn`: 0.83, 0.91), stricter than an unknown key's suggestion: prose such as `Spoiler:`
# (0.62 to Social) or `Share:` (0.71 to Shared_Id) continues the value.
TYPO_CUTOFF = 0.8


def _reads_as_key(word: str, extra: set[str]) -> bool:
    """Whether `word` (lowercased, from `Word: …`) is a key the header knows, is shaped like
    the campaign's keys (`Social…`, `Coupon…`, a word with `_`), or is a typo of one of
    them. Prose such as `Update: …` or `Note: …` continues a value as written."""
    if word in RULES or word in IDENTITY_KEYS or word in extra or classify(word) != "other":
        return True
    if in_own_namespace(word) or "_" in word:
        return True
    return suggest(word, known_keys_like(word), cutoff=TYPO_CUTOFF) is not None


def indented_key_problems(field: Field, extra: set[str]) -> list[Problem]:
    """A continuation line of `field` that reads as a key of its own."""
    return [Problem(f"line {line} is indented, so it is read as part of "
                    f"{display_key(field.key)} (line {field.line}); start "
                    f"{display_key(word)}: at the beginning of the line", display_key(word), line,
                    attempted=word)
            for word, line in field.indented_keys if _reads_as_key(word, extra)]


def check_fields(fields: Iterable[Field], tz: ZoneInfo, extra_keys: Iterable[str] = ()
                 ) -> tuple[dict[str, object], list[Problem]]:
    """Values by lowercased key (Pelican's parsed; the others as text) and the problems."""
    extra = {key.lower() for key in extra_keys}
    values: dict[str, object] = {}
    problems: list[Problem] = []
    for field in fields:
        key = field.key
        problems += indented_key_problems(field, extra)
        if key in RULES:
            if not field.value:
                problems.append(Problem(_empty_reason(key), display_key(key), field.line))
                continue
            try:
                values[key] = RULES[key](field.value, tz)
            except ValueError as error:
                problems.append(Problem(str(error), display_key(key), field.line))
        elif key in IDENTITY_KEYS or key in extra or classify(key) != "other":
            values[key] = field.value
        else:
            known = [*PELICAN_KEYS, *IDENTITY_KEYS, *known_keys_like(key), *sorted(extra)]
            problems.append(Problem(unknown_key_reason(key, known), display_key(key), field.line))
    return values, problems
