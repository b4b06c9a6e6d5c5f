"""Pelican glue: each generator's templates come wrapped (`generator_init`), so that
`template.render(localcontext)` first asks whether the last build's page can be kept; the
record is written at `finalized` (a build that fails before keeps the last one).

Settings: PAGE_CACHE_PATH (the record's folder; unset: the plugin does nothing) and
PAGE_CACHE_PREVIOUS_OUTPUT (the last build's output folder, whose pages may be kept;
unset: every page is rendered, and recorded for the next build).
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import inspect
import logging
import os
from pathlib import Path

from jinja2 import Environment, Template
from pelican import signals
from pelican.log import console

from . import page_records
from .digest import Digester, Undigestable, qualified
from .page_records import PageRecord
from .reads import Recorder
from .templates import SourceFacts, TemplateFacts, facts

logger = logging.getLogger(__name__)

PATH_SETTING = "PAGE_CACHE_PATH"
PREVIOUS_SETTING = "PAGE_CACHE_PREVIOUS_OUTPUT"
MISSING = b"missing"


class PageCache:
    """One build's state: the last build's records, this build's, and the counts."""

    def __init__(self, folder: Path, previous: Path | None, settings: dict):
        self.folder, self.previous = folder, previous
        self.recorder = Recorder(memoise_reads=not settings.get("RELATIVE_URLS"))
        self.key = build_key(settings)
        last, warning = page_records.load(folder, self.key)
        self.old, self.known_sources = last.pages, last.sources
        self.sources: dict[str, SourceFacts] = {}
        if warning:
            logger.warning("page_cache: %s", warning)
        self.new: dict[str, PageRecord] = {}
        self.twice: set[str] = set()
        self.facts: dict[tuple[int, str], TemplateFacts] = {}
        self.env_keys: dict[int, str] = {}
        self.rendered = self.kept = self.uncacheable = 0

    def render(self, template: Template, args: tuple, kwargs: dict) -> str:
        # Hooked at its first render, when every plugin has added its filters.
        self.recorder.install(template.environment)
        context = args[0] if len(args) == 1 and not kwargs and isinstance(args[0], dict) \
            else None
        name = context.get("output_file") if context is not None else None
        if context is None or not isinstance(name, str) or name in self.new:
            if isinstance(name, str):       # written twice: which one Pelican keeps varies
                self.twice.add(name)
            self.uncacheable += 1
            self.rendered += 1
            return template.render(*args, **kwargs)
        made_of = self.made_of(template, context)
        why = "its context cannot be digested" if made_of is None else \
            self.changed(name, made_of)
        if why is None and (text := self.previous_text(name)) is not None:
            self.new[name] = self.old[name]
            self.kept += 1
            return text
        self.recorder.start()
        try:
            text = template.render(context)
        finally:
            reads, reads_digest, problem = self.recorder.stop()
        self.rendered += 1
        if made_of is None or reads_digest is None:
            self.uncacheable += 1
            logger.debug("page_cache: %s rendered, and every build: %s", name,
                         problem or why)
            return text
        logger.debug("page_cache: %s rendered: %s", name,
                     why or "the last build's file is missing or changed")
        self.new[name] = PageRecord(*made_of, reads_digest, _written_sha256(text),
                                    tuple(reads))
        return text

    def made_of(self, template: Template, context: dict) -> tuple[str, str, str] | None:
        """(template name, template digest, digest of the context names it can read); None
        when one cannot be digested."""
        env = template.environment
        name = template.name or ""
        found = self.facts.get((id(env), name))
        if found is None:
            found = facts(env, name, self.known_sources, self.sources)
            self.facts[(id(env), name)] = found
        names = sorted(context) if found.names is None else found.names
        digester = self.recorder.digester
        try:
            parts = [digester.encode(n) + (digester.encode(context[n]) if n in context
                                           else MISSING) for n in names]
            env_key = self.env_key(env)
        except Undigestable as exc:
            logger.debug("page_cache: %s: %s", context.get("output_file"), exc)
            return None
        digest = hashlib.sha256(b"".join(parts)).hexdigest()
        template_digest = hashlib.sha256(f"{found.digest}\0{env_key}".encode()).hexdigest()
        return name, template_digest, digest

    def env_key(self, env: Environment) -> str:
        """The environment's filters, tests and globals: names, code and code's files."""
        if id(env) not in self.env_keys:
            digest = hashlib.sha256()
            for kind, table in (("filter", env.filters), ("test", env.tests),
                                ("global", env.globals)):
                for name in sorted(table):
                    digest.update(f"{kind}\0{name}\0{_code(table[name])}\n".encode())
            self.env_keys[id(env)] = digest.hexdigest()
        return self.env_keys[id(env)]

    def changed(self, name: str, made_of: tuple[str, str, str]) -> str | None:
        """Why the last build's page `name` cannot be kept; None: it can."""
        record = self.old.get(name)
        if self.previous is None:
            return f"no {PREVIOUS_SETTING}"
        if record is None:
            return "no record of it"
        if record.template != made_of[0]:
            return "another template"
        if record.template_digest != made_of[1]:
            return "its template, a template it uses or a filter changed"
        if record.context_digest != made_of[2]:
            return "a name of its context changed"
        if self.recorder.current(record.reads) != record.reads_digest:
            return "a value it read changed"
        return None

    def previous_text(self, name: str) -> str | None:
        """The last build's file `name`, when it is what was recorded."""
        record = self.old[name]
        assert self.previous is not None
        if os.linesep != "\n":     # Pelican's writer would turn a kept "\r\n" into "\r\r\n"
            return None
        try:
            with open(self.previous / name, "rb") as stream:
                data = stream.read()
            if hashlib.sha256(data).hexdigest() != record.sha256:
                return None
            # As read with newline="": the writer's newline translation gives these bytes.
            return data.decode("utf-8")
        except (OSError, UnicodeDecodeError):
            return None

    def finish(self) -> None:
        for name in self.twice:
            self.new.pop(name, None)
        try:
            page_records.save(self.folder, self.new, self.sources, self.key)
        except OSError as exc:
            logger.warning("page_cache: %s: cannot be written (%s); the next build renders "
                           "every page", self.folder / page_records.NAME,
                           exc.strerror or exc)
        # Printed as Pelican prints its own `Done: …` summary (shown without -v).
        console.print(summary(self.rendered, self.kept, self.uncacheable), soft_wrap=True,
                      markup=False, highlight=False)


def summary(rendered: int, kept: int, uncacheable: int) -> str:
    return (f"page_cache: {rendered} of {rendered + kept} pages rendered, {kept} kept "
            f"({uncacheable} uncacheable)")


def build_key(settings: dict) -> str:
    """What every record depends on: this plugin's schema and code, Pelican's and Jinja2's
    versions, the Jinja options (JINJA_ENVIRONMENT)."""
    digest = hashlib.sha256(page_records.SCHEMA.encode())
    for package in ("pelican", "jinja2", "markupsafe"):
        digest.update(f"{package}={importlib.metadata.version(package)}\n".encode())
    for path in sorted(Path(__file__).parent.glob("*.py")):
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    try:
        options = Digester().digest(settings.get("JINJA_ENVIRONMENT") or {})
    except Undigestable as exc:
        options = f"undigestable: {exc}"      # never equal to a digest: nothing is kept
        logger.warning("page_cache: JINJA_ENVIRONMENT: %s; every page is rendered", exc)
    return hashlib.sha256(digest.digest() + options.encode()).hexdigest()


def _code(value: object) -> str:
    """A filter's, test's or global's code: its qualified name and its source file's hash."""
    target = getattr(value, "__wrapped__", value)
    target = getattr(target, "func", target)            # functools.partial
    shown = qualified(target) if hasattr(target, "__qualname__") else qualified(type(target))
    try:
        source = inspect.getsourcefile(target if inspect.isroutine(target) or
                                       inspect.isclass(target) else type(target))
    except TypeError:
        source = None
    if source and os.path.isfile(source):
        with open(source, "rb") as stream:
            shown += ":" + hashlib.sha256(stream.read()).hexdigest()
    return shown


def _written_sha256(text: str) -> str:
    """The SHA-256 of the file Pelican writes from `text` (UTF-8; where a newline is
    written as "\n": elsewhere no page is kept, see previous_text)."""
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


class TemplateProxy:
    """A generator's template whose `render` goes through the page cache."""

    def __init__(self, template: Template, cache: PageCache):
        self._template, self._cache = template, cache

    def render(self, *args, **kwargs) -> str:
        return self._cache.render(self._template, args, kwargs)

    def __getattr__(self, name: str):
        return getattr(self._template, name)


_cache: PageCache | None = None


def start(pelican) -> None:
    """`get_generators`, the first signal of every run (`pelican -lr` and the dev server run
    one instance again and again): this run's cache begins, whatever an earlier run in this
    process left (one that failed never reached `finalized`)."""
    global _cache
    folder = pelican.settings.get(PATH_SETTING)
    previous = pelican.settings.get(PREVIOUS_SETTING)
    _cache = None
    if not folder:
        return
    for name, value in ((PATH_SETTING, folder), (PREVIOUS_SETTING, previous)):
        if value is not None and not isinstance(value, str):
            raise ValueError(f"{name}: want a folder's path (a string), not "
                             f"{type(value).__name__}")
    _cache = PageCache(Path(folder), Path(previous) if previous else None, pelican.settings)
    # A get_generators receiver answers with generator classes: None adds none.


def wrap_templates(generator) -> None:
    """`generator_init`: the generator's templates come through the page cache."""
    cache = _cache
    if cache is None:
        return
    get_template = generator.get_template

    def cached_template(name):
        template = get_template(name)
        return template if isinstance(template, TemplateProxy) else \
            TemplateProxy(template, cache)

    generator.get_template = cached_template


def finish(pelican) -> None:
    """`finalized`: the build ran to its end: keep this build's records."""
    global _cache
    if _cache is not None:
        _cache.finish()
    _cache = None


def register() -> None:
    signals.get_generators.connect(start)
    signals.generator_init.connect(wrap_templates)
    signals.finalized.connect(finish)
