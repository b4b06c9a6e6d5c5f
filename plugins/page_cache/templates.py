"""What a template is made of: the names it can read from its context and the source of
every template it uses (following extends, include, import and from), once per template
name and environment; a source's own facts are kept in the record file.

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
    names: tuple[str, ...] | None   # the context names it can read, sorted; None: every one


# What one template's source names: (context names it reads, templates it uses, whether it
# names one by an expression), by the SHA-256 of the source. Kept in the record file:
# parsing the theme was a tenth of a cached build's page cost.
SourceFacts = tuple[tuple[str, ...], tuple[str, ...], bool]


def source_facts(env: Environment, source: str) -> SourceFacts:
    parsed = env.parse(source)
    used = list(meta.find_referenced_templates(parsed))
    return (tuple(sorted(meta.find_undeclared_variables(parsed))),
            tuple(sorted(u for u in used if u is not None)), None in used)


def source_key(source: str) -> str:
    return hashlib.sha256(source.encode("utf-8", "surrogatepass")).hexdigest()


def facts(env: Environment, name: str, known: dict[str, SourceFacts],
          used_now: dict[str, SourceFacts]) -> TemplateFacts:
    """The template `name` of `env` (its loader's sources, read now). `known`: the facts of
    sources parsed by the last build; `used_now` gets those of every source used."""
    names: set[str] = set()
    sources: dict[str, str] = {}
    pending, dynamic = [name], False
    while pending:
        current = pending.pop()
        if current in sources:
            continue
        source, _, _ = env.loader.get_source(env, current)  # type: ignore[union-attr]
        sources[current] = source
        key = source_key(source)
        if key not in used_now:
            used_now[key] = known[key] if key in known else source_facts(env, source)
        read, used, by_expression = used_now[key]
        names.update(read)
        pending.extend(used)
        dynamic = dynamic or by_expression
    if dynamic:
        for other in env.list_templates():
            if other not in sources:
                sources[other] = env.loader.get_source(env, other)[0]  # type: ignore
    digest = hashlib.sha256()
    for template in sorted(sources):
        for part in (template, sources[template]):
            data = part.encode("utf-8", "surrogatepass")
            digest.update(str(len(data)).encode() + b":" + data)
    return TemplateFacts(digest.hexdigest(), None if dynamic else tuple(sorted(names)))
