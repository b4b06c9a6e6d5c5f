"""What a template is made of: the names it can read from its context and the source of
every template it uses (following extends, include, import and from), once per template
name and environment.

A template that names another by an expression (`{% include page.template %}`) may use any
template and read any name: it depends on every template the loader lists and on every key
of its context.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from jinja2 import Environment, meta


@dataclass(frozen=True)
class TemplateFacts:
    digest: str                     # the sources of the template and all it uses
    names: frozenset[str] | None    # the context names it can read; None: every name


def facts(env: Environment, name: str) -> TemplateFacts:
    """The template `name` of `env` (its loader's sources, read now)."""
    names: set[str] = set()
    sources: dict[str, str] = {}
    pending, dynamic = [name], False
    while pending:
        current = pending.pop()
        if current in sources:
            continue
        source, _, _ = env.loader.get_source(env, current)  # type: ignore[union-attr]
        sources[current] = source
        parsed = env.parse(source)
        names |= meta.find_undeclared_variables(parsed)
        for used in meta.find_referenced_templates(parsed):
            if used is None:
                dynamic = True
            else:
                pending.append(used)
    if dynamic:
        for other in env.list_templates():
            if other not in sources:
                sources[other] = env.loader.get_source(env, other)[0]  # type: ignore
    digest = hashlib.sha256()
    for used in sorted(sources):
        for part in (used, sources[used]):
            data = part.encode("utf-8", "surrogatepass")
            digest.update(str(len(data)).encode() + b":" + data)
    return TemplateFacts(digest.hexdigest(), None if dynamic else frozenset(names))
