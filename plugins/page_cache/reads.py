"""Recording what a render reads from the tracked objects (articles, pages, tags, …).

Compiled Jinja code reads `article.title` as `environment.getattr(article, "title")`, and
Jinja's own filters given `attribute=` read through `environment.getitem`: both are replaced
on the environment (an instance attribute) by functions that, while a page renders, record
(identity, attribute) and the digest of the value the template got. The theme's and
plugins' filters and tests are wrapped once: a tracked object given to one as an argument
(or inside a list, tuple or dict given to it) records (identity, "*"): the digest of the
object's whole `__dict__` (digest.BACK_REFERENCES left out), since the filter may read any of
it. So does a bound method of a tracked object that a template calls. A filter that reaches
other objects some other way (a global, a module's state) is not seen: see docs/publisher.md.

Check: the last build's reads are read again from this build's objects (found by identity)
through the same getattr, digested and combined; equal combined digests, same values.
"""

from __future__ import annotations

import functools
import hashlib
import types
from collections.abc import Callable, Iterable

from jinja2 import Environment, Undefined
from jinja2.filters import FILTERS
from jinja2.tests import TESTS

from .digest import (
    BACK_REFERENCES,
    Digester,
    Identity,
    Undigestable,
    identity,
    tracked,
    visible_fields,
)

WHOLE = "*"
Read = tuple[Identity, str]
UNDEFINED = b"undefined"


class Recorder:
    """The reads of the page being rendered (None between renders), and every tracked object
    met this build, by identity (an identity two different objects share is ambiguous:
    a page that reads it is rendered every build)."""

    def __init__(self, *, memoise_reads: bool = True) -> None:
        # A read's value digest, once per (identity, attribute) for the build; not with
        # RELATIVE_URLS, where an article's content depends on the page that shows it.
        self._values: dict[Read, bytes] | None = {} if memoise_reads else None
        self.objects: dict[Identity, object] = {}
        self.ambiguous: set[Identity] = set()
        self._wholes: dict[int, tuple[object, bytes]] = {}
        self._busy: set[int] = set()
        self._identities: dict[int, tuple[object, Identity]] = {}
        self._made: dict[tuple[int, str], object] = {}
        self.digester = Digester(seen=self.seen)
        self.reads: dict[Read, bytes] | None = None
        self.problem: str | None = None
        self._getattr: Callable[[object, str], object] | None = None

    def seen(self, key: Identity, value: object) -> None:
        """Index a tracked object. Pelican makes a tag's or category's object once per
        article: objects with the same identity and equal fields are one; unequal ones make
        the identity ambiguous."""
        known = self.objects.setdefault(key, value)
        if known is value or key in self.ambiguous:
            return
        if _same_plain_fields(known, value):
            return
        try:
            if self._whole(known) == self._whole(value):
                return
        except Undigestable:
            pass
        self.ambiguous.add(key)

    def _whole(self, obj: object) -> bytes:
        found = self._wholes.get(id(obj))
        if found is None or found[0] is not obj:
            if id(obj) in self._busy:
                raise Undigestable("an object whose fields lead back to itself")
            self._busy.add(id(obj))
            try:
                found = (obj, self.digester.fields(obj, visible_fields(obj)))
            finally:
                self._busy.discard(id(obj))
            self._wholes[id(obj)] = found
        return found[1]

    # --- the hooks -----------------------------------------------------------------------

    def install(self, env: Environment) -> None:
        """Hook `env` (once): its getattr/getitem, and its non-Jinja filters and tests."""
        if getattr(env, "_page_cache_hooked", False):
            return
        original_getattr, original_getitem = env.getattr, env.getitem
        if self._getattr is None:
            self._getattr = original_getattr

        def getattr_(obj, attribute):
            value = original_getattr(obj, attribute)
            if self.reads is not None and self._made.get((id(obj), attribute)) is not obj \
                    and tracked(obj):
                self.record(obj, attribute, value)
            return value

        def getitem(obj, argument):
            value = original_getitem(obj, argument)
            if self.reads is not None and isinstance(argument, str) \
                    and self._made.get((id(obj), argument)) is not obj and tracked(obj):
                self.record(obj, argument, value)
            return value

        env.getattr = getattr_              # type: ignore[method-assign]
        env.getitem = getitem               # type: ignore[method-assign]
        for table, builtin in ((env.filters, FILTERS), (env.tests, TESTS)):
            for name, function in list(table.items()):
                if builtin.get(name) is not function:
                    table[name] = self.watching(function)
        env._page_cache_hooked = True       # type: ignore[attr-defined]

    def watching(self, function: Callable) -> Callable:
        """`function` (a filter or test) recording the tracked objects it is given."""
        @functools.wraps(function)          # keeps jinja_pass_arg (pass_context, …)
        def watched(*args, **kwargs):
            if self.reads is not None:
                for arg in (*args, *kwargs.values()):
                    self.given(arg)
            return function(*args, **kwargs)
        return watched

    def given(self, value: object, depth: int = 2) -> None:
        if tracked(value):
            self.record(value, WHOLE, None)
        elif isinstance(value, types.MethodType) and tracked(value.__self__):
            self.record(value.__self__, WHOLE, None)
        elif depth and isinstance(value, list | tuple | set | frozenset):
            for item in value:
                self.given(item, depth - 1)
        elif depth and isinstance(value, dict):
            for item in value.values():
                self.given(item, depth - 1)

    def identity(self, obj: object) -> Identity:
        """The object's identity, worked out once per object for the build."""
        found = self._identities.get(id(obj))
        if found is None or found[0] is not obj:
            key = identity(obj)
            assert key is not None
            self.seen(key, obj)
            found = (obj, key)
            self._identities[id(obj)] = found
        return found[1]

    def record(self, obj: object, attribute: str, value: object) -> None:
        assert self.reads is not None
        # The page's reads so far by object and attribute (the object held, so its id is
        # not another's): a template reads `article.title` more than once.
        self._made[(id(obj), attribute)] = obj
        try:
            key = self.identity(obj)
            if (key, attribute) not in self.reads:
                memo = self._values
                found = memo.get((key, attribute)) if memo is not None else None
                if found is None:
                    found = entry((key, attribute), self.value_digest(obj, attribute, value))
                    if memo is not None:
                        memo[(key, attribute)] = found
                self.reads[(key, attribute)] = found
            if isinstance(value, types.MethodType) and tracked(value.__self__):
                self.record(value.__self__, WHOLE, None)
        except Undigestable as exc:
            self.problem = self.problem or f"{type(obj).__name__}.{attribute}: {exc}"

    def value_digest(self, obj: object, attribute: str, value: object) -> bytes:
        if attribute == WHOLE:
            return self._whole(obj)
        if isinstance(value, Undefined):
            return UNDEFINED
        return self.digester.encode(value)

    # --- a render ------------------------------------------------------------------------

    def start(self) -> None:
        self.reads, self.problem, self._made = {}, None, {}

    def stop(self) -> tuple[list[Read], str | None, str | None]:
        """(the reads in the order they were first made, their combined digest, the reason
        the page cannot be kept, if any)."""
        reads, self.reads, self._made = self.reads or {}, None, {}
        if self.problem is None and (shared := self.ambiguous & {k for k, _ in reads}):
            self.problem = f"two objects are {sorted(shared)[0]}"
        if self.problem is not None:
            return [], None, self.problem
        return list(reads), combined(reads.values()), None

    def current(self, reads: Iterable[Read]) -> str | None:
        """The combined digest of `reads` read now; None when one cannot be read."""
        values = []
        memo = self._values if self._values is not None else {}
        for read in reads:
            if read[0] in self.ambiguous:
                return None
            found = memo.get(read)
            if found is None:
                key, attribute = read
                obj = self.objects.get(key)
                if obj is None or key in self.ambiguous or self._getattr is None:
                    return None
                try:
                    value = None if attribute == WHOLE else self._getattr(obj, attribute)
                    found = entry(read, self.value_digest(obj, attribute, value))
                except Undigestable:
                    return None
                if self._values is not None:
                    memo[read] = found
            values.append(found)
        return combined(values)


def entry(read: Read, value: bytes) -> bytes:
    """A read as it enters the combined digest: identity, attribute, value digest."""
    (kind, key, lang), attribute = read
    return b"".join(str(len(data)).encode() + b":" + data for data in (
        *(part.encode("utf-8", "surrogatepass") for part in (kind, key, lang, attribute)),
        value))


def combined(entries: Iterable[bytes]) -> str:
    """One digest of a page's reads, in the order they were first made."""
    return hashlib.sha256(b"".join(entries)).hexdigest()


_PLAIN = (str, int, float, bool, type(None))


def _same_plain_fields(known: object, other: object) -> bool:
    """Equal fields of plain values only (a tag's name and slug): the same without
    digesting them."""
    if type(known) is not type(other):
        return False
    mine, theirs = visible_fields(known), visible_fields(other)
    for fields in (mine, theirs):
        for name in BACK_REFERENCES:
            fields.pop(name, None)
    return mine == theirs and all(type(v) in _PLAIN for v in mine.values())
