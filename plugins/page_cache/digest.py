"""Stable digests of the values a template is given (pure: no I/O, no clock, no addresses).

A digest is the SHA-256 of a canonical encoding of the value, the same in every process on
every machine for equal values. `pelican.contents.Content` (articles, pages, drafts,
translations, static files) and `pelican.urlwrappers.URLWrapper` (tags, categories,
authors) are *tracked*: inside any value they stand for their identity (and their text, for
the classes that print one), never for what they hold; what a template reads from them is
recorded read by read (reads.py). Anything the encoding does not know raises Undigestable:
a `repr` with an address in it is never a digest.
"""

from __future__ import annotations

import dataclasses
import datetime
import decimal
import hashlib
import types
import zoneinfo
from collections.abc import Callable

from markupsafe import Markup
from pelican.contents import Content
from pelican.paginator import Page, Paginator
from pelican.urlwrappers import URLWrapper

# Attributes that point back at the whole site rather than at the object's own value: left
# out of an object's digest. `settings` and `_context` are Pelican's; the settings a class
# does read are put back as SETTINGS_READ says.
BACK_REFERENCES = frozenset({"settings", "_context"})
# The settings pelican's paginator classes read (their `url`/`save_as` come from them).
SETTINGS_READ: dict[type, tuple[str, ...]] = {
    Page: ("PAGINATION_PATTERNS",), Paginator: ("DEFAULT_ORPHANS", "PAGINATION_PATTERNS")}

Identity = tuple[str, str, str]


class Undigestable(ValueError):
    """A value the digest does not know: the page that reads it is rendered every build."""


def identity(value: object) -> Identity | None:
    """(class name, key, lang) of a tracked object; None for any other value. Raises
    Undigestable for a tracked object without a key (a Content made without a source)."""
    if isinstance(value, Content):
        path = getattr(value, "relative_source_path", None) or value.source_path
        if not isinstance(path, str) or not path:
            raise Undigestable(f"a {type(value).__name__} without a source_path")
        return (type(value).__name__, path, str(getattr(value, "lang", "") or ""))
    if isinstance(value, URLWrapper):
        return (type(value).__name__, str(value.slug), "")
    return None


def tracked(value: object) -> bool:
    return isinstance(value, Content | URLWrapper)


def qualified(value: object) -> str:
    return f"{getattr(value, '__module__', '?')}.{getattr(value, '__qualname__', '?')}"


class Digester:
    """Digests values, remembering each object's digest for the build (the objects are held,
    so an id is never reused): `articles`, a list of 1000 articles, is encoded once.

    Values are taken not to change while pages are written (Pelican makes them before its
    writer runs). `seen` is called with every tracked object met (reads.py indexes them)."""

    def __init__(self, seen: Callable[[Identity, object], None] | None = None):
        self._memo: dict[int, tuple[object, bytes]] = {}
        self._seen = seen or (lambda key, value: None)

    def digest(self, value: object) -> str:
        return hashlib.sha256(self.encode(value)).hexdigest()

    def encode(self, value: object) -> bytes:
        found = self._memo.get(id(value))
        if found is not None and found[0] is value:
            return found[1]
        if value is None or isinstance(value, bool | int | float | str | bytes):
            encoded = _scalar(value)
        else:
            encoded = b"#" + hashlib.sha256(self._encode(value)).digest()
        self._memo[id(value)] = (value, encoded)
        return encoded

    def _encode(self, value: object) -> bytes:
        key = identity(value)
        if key is not None:
            self._seen(key, value)
            shown = str(value) if type(value).__str__ is not object.__str__ else ""
            return _join(b"@", *(_scalar(part) for part in (*key, shown)))
        if isinstance(value, list | tuple):
            return _join(b"l" if isinstance(value, list) else b"t",
                         *(self.encode(item) for item in value))
        if isinstance(value, set | frozenset):
            return _join(b"S", *sorted(self.encode(item) for item in value))
        if isinstance(value, dict):
            return _join(b"d", *sorted(self.encode(k) + self.encode(v)
                                       for k, v in value.items()))
        if isinstance(value, datetime.date | datetime.time | datetime.timezone
                      | zoneinfo.ZoneInfo | decimal.Decimal):
            return _time_like(value)
        if isinstance(value, types.MethodType):
            return _join(b"M", _scalar(qualified(value.__func__)), self.encode(value.__self__))
        if isinstance(value, types.FunctionType | types.BuiltinFunctionType | type):
            return _join(b"F", _scalar(qualified(value)))
        if dataclasses.is_dataclass(value):
            return self.fields(value, {f.name: getattr(value, f.name)
                                       for f in dataclasses.fields(value)})
        if type(value).__module__.startswith("pelican."):
            return self.fields(value, _own_fields(value))
        raise Undigestable(f"a {qualified(type(value))}")

    def fields(self, value: object, fields: dict[str, object]) -> bytes:
        """An object as its class and its fields (back-references left out)."""
        return _join(b"o", _scalar(qualified(type(value))), *(
            _scalar(name) + self.encode(item) for name, item in sorted(fields.items())
            if name not in BACK_REFERENCES))


def visible_fields(value: object) -> dict[str, object]:
    """The object's `__dict__` without the entries a class property hides (attribute access
    never sees them: pelican's URLWrapper.as_dict copies `name` and `slug` there)."""
    kind = type(value)
    return {name: item for name, item in getattr(value, "__dict__", {}).items()
            if not hasattr(getattr(kind, name, None), "__set__")}


def _own_fields(value: object) -> dict[str, object]:
    fields = visible_fields(value)
    for name in getattr(type(value), "__slots__", ()):
        if hasattr(value, name):
            fields[name] = getattr(value, name)
    settings = getattr(value, "settings", None)
    for name in SETTINGS_READ.get(type(value), ()):
        fields[f"settings:{name}"] = settings.get(name) if isinstance(settings, dict) else None
    if not fields and not SETTINGS_READ.get(type(value)):
        raise Undigestable(f"a {qualified(type(value))} (no fields to go by)")
    return fields


def _scalar(value: object) -> bytes:
    if value is None:
        return b"N"
    if isinstance(value, bool):
        return b"T" if value else b"F"
    if isinstance(value, int):
        return b"i" + str(value).encode() + b";"
    if isinstance(value, float):
        return b"f" + value.hex().encode() + b";"
    if isinstance(value, str):
        data = value.encode("utf-8", "surrogatepass")
        kind = b"m" if isinstance(value, Markup) else b"s"
        if type(value) not in (str, Markup):
            raise Undigestable(f"a {qualified(type(value))} (a str of its own kind)")
        return kind + str(len(data)).encode() + b":" + data
    if isinstance(value, bytes):
        return b"b" + str(len(value)).encode() + b":" + value
    raise Undigestable(f"a {qualified(type(value))}")


def _time_like(value: object) -> bytes:
    if isinstance(value, datetime.datetime | datetime.time):
        zone = value.tzinfo
        zone_text = "" if zone is None else _zone_name(zone)
        return _join(b"D", _scalar(type(value).__name__), _scalar(value.isoformat()),
                     _scalar(zone_text), _scalar(getattr(value, "fold", 0)))
    if isinstance(value, datetime.date):
        return _join(b"D", _scalar("date"), _scalar(value.isoformat()))
    if isinstance(value, datetime.timezone | zoneinfo.ZoneInfo):
        return _join(b"Z", _scalar(_zone_name(value)))
    return _join(b"q", _scalar(str(value)))           # Decimal


def _zone_name(zone: datetime.tzinfo) -> str:
    if isinstance(zone, zoneinfo.ZoneInfo):
        return f"zoneinfo:{zone.key}"
    if isinstance(zone, datetime.timezone):
        return f"timezone:{zone.utcoffset(None)}:{zone.tzname(None)}"
    raise Undigestable(f"a time zone of kind {qualified(type(zone))}")


def _join(tag: bytes, *parts: bytes) -> bytes:
    return tag + str(len(parts)).encode() + b"(" + b"".join(
        str(len(part)).encode() + b":" + part for part in parts) + b")"
