"""Pelican glue for the strict header: the Markdown reader every post and page goes through.

The reader parses the header strictly (header.py), checks every key and Pelican's values
(fields.py) and the rendered body (rawhtml.py), and never raises: the problems travel with
the content object, in its metadata under PROBLEMS, to the campaign's one report
(campaign.py). Carried in the metadata, they belong to the run that read the file (a
`pelican -lr` rebuild reads it again) and survive Pelican's content caches. A file with
problems still gets a title and, if it is an article, a date, so Pelican keeps it quietly
until the report stops the build.

Other formats (reStructuredText, HTML) are refused the same way: headers are Markdown only.
"""

import functools
import hashlib
import html
from datetime import UTC
from pathlib import Path

from markdown import Markdown
from pelican import signals
from pelican.readers import BaseReader, HTMLReader, MarkdownReader, RstReader
from pelican.utils import SafeDatetime, slugify

from ..build_state import current as current_build
from ..problems import Problem
from ..settings import site_timezone
from .fields import check_fields
from .keys import display_key
from .metadata import classify
from .rawhtml import active_content
from .strict_header import Header, decode, parse

PROBLEMS = "campaign_problems"  # metadata key: (Problem, …), without their file
# Metadata key: the lowercased keys a bad line was meant as (`Date : …`); such a key is not
# reported missing on top of the bad line.
ATTEMPTED = "campaign_attempted"
PLACEHOLDER_DATE = SafeDatetime(1970, 1, 1, tzinfo=UTC)
# Values Pelican turns into its own objects (Tag, Category, Author).
_PELICAN_OBJECTS = ("tags", "category", "author", "authors")
# The Pelican class whose <CLASS>_REGEX_SUBSTITUTIONS slugify a key's names (urlwrappers.py).
_WRAPPER_CLASSES = {"tags": "TAG", "category": "CATEGORY", "author": "AUTHOR",
                    "authors": "AUTHOR"}
EMPTY_TITLE_SLUG = "gives an empty address (add a Slug: line)"
NOT_MARKDOWN = ("not Markdown: posts and pages are Markdown files (.md), the only format "
                "whose header the campaign plugin checks")


def problems_of(content) -> tuple[Problem, ...]:
    """What the reader found in a content object's file (without the file's name)."""
    return tuple(content.metadata.get(PROBLEMS, ()))


def attempted_of(content) -> frozenset[str]:
    """The keys the file's bad lines were meant as (lowercased)."""
    return frozenset(content.metadata.get(ATTEMPTED, ()))


def placeholder_title(source_path: str) -> str:
    """The file's path: unique, so its slug never makes Pelican warn about duplicates."""
    return str(source_path)


def placeholder_slug(source_path: str) -> str:
    """A slug unique to the file, for one whose title gives none (the build stops anyway)."""
    return "empty-slug-" + hashlib.sha256(str(source_path).encode()).hexdigest()[:12]


def pelican_slug(settings: dict, value: str, wrapper: str | None = None) -> str:
    """The slug Pelican makes of `value`, with the site's settings: as Content does for a
    title (`wrapper` None), as its Tag/Category/Author classes do for a name."""
    subs = settings.get("SLUG_REGEX_SUBSTITUTIONS", [])
    if wrapper:
        subs = settings.get(f"{wrapper}_REGEX_SUBSTITUTIONS", subs)
    return _slug(value, tuple(tuple(pair) for pair in subs),
                 settings.get("SLUGIFY_PRESERVE_CASE", False),
                 settings.get("SLUGIFY_USE_UNICODE", False))


# Tags, categories and authors repeat from post to post (slugify: 0.5 ms a name at N=5000).
@functools.lru_cache(maxsize=4096)
def _slug(value: str, subs: tuple, preserve_case: bool, use_unicode: bool) -> str:
    return slugify(value, regex_subs=subs, preserve_case=preserve_case,
                   use_unicode=use_unicode)


def empty_addresses(values: dict, lines: dict[str, int], settings: dict, source_path: str
                    ) -> list[Problem]:
    """Names whose slug is empty: Pelican would only warn, then write the post as
    `2026/index.html` or merge every such tag into one `tag/index.html`. The names are
    taken out of `values` (and a placeholder slug put in for the title), so Pelican does
    not warn as well while the build goes on to the report."""
    problems = []
    if ("title" in values and "slug" not in values
            and settings.get("SLUGIFY_SOURCE", "title") == "title"
            and not pelican_slug(settings, values["title"])):
        problems.append(Problem(EMPTY_TITLE_SLUG, "Title", lines.get("title")))
        values["slug"] = placeholder_slug(source_path)
    for key, wrapper in _WRAPPER_CLASSES.items():
        if key not in values:
            continue
        names = values[key] if isinstance(values[key], list) else [values[key]]
        empty = [name for name in names if not pelican_slug(settings, name, wrapper)]
        problems += [Problem(f"{name!r} gives an empty address", display_key(key), lines.get(key))
                     for name in empty]
        if empty:
            kept = [name for name in names if name not in empty]
            if isinstance(values[key], list) and kept:
                values[key] = kept
            else:
                del values[key]
    return problems


def _add(metadata: dict, problem: Problem) -> None:
    metadata[PROBLEMS] = (*metadata.get(PROBLEMS, ()), problem)


def _aware(moment) -> SafeDatetime:
    return SafeDatetime(moment.year, moment.month, moment.day, moment.hour, moment.minute,
                        moment.second, tzinfo=moment.tzinfo)


class CampaignMarkdownReader(MarkdownReader):
    """Pelican's Markdown reader (same MARKDOWN settings and extensions) with the strict
    header in place of Python-Markdown's `meta` extension."""

    def read(self, source_path):
        text, problem = decode(Path(source_path).read_bytes())
        if problem is not None:
            header = Header((), "", (problem,))
        else:
            assert text is not None          # decode gives the text or the problem
            header = parse(text)
        values, value_problems = check_fields(
            header.fields, site_timezone(self.settings),
            self.settings.get("CAMPAIGN_EXTRA_KEYS", ()),
        )
        value_problems += empty_addresses(values, {f.key: f.line for f in header.fields},
                                          self.settings, source_path)
        problems = sorted([*header.problems, *value_problems], key=lambda p: p.line or 0)
        metadata = {key: self._pelican_value(key, value) for key, value in values.items()}
        self._fill_in(metadata, problems, source_path)
        found = list(problems)
        build = current_build(self.settings)  # its workers (CAMPAIGN_READ_WORKERS)
        early = build.take_rendered(source_path, header.body) if build else None
        content = early[0] if early else self._render(header.body)
        if not self.settings.get("CAMPAIGN_ALLOW_RAW_HTML", False):
            found += [Problem(reason, "body")
                      for reason in (early[1] if early else active_content(content))]
        if found:
            metadata[PROBLEMS] = tuple(found)
        attempted = sorted({problem.attempted for problem in problems if problem.attempted})
        if attempted:
            metadata[ATTEMPTED] = tuple(attempted)
        return content, metadata

    def _render(self, body: str) -> str:
        # One Markdown instance per reader, reset between files (Python-Markdown's way to
        # convert many documents): building one, extensions and all, cost 1.8 ms a file.
        if getattr(self, "_md", None) is None:
            self._md = Markdown(**self.settings["MARKDOWN"])
            if "meta" in self._md.preprocessors:
                self._md.preprocessors.deregister("meta")  # the header is already gone
        return self._md.reset().convert(body)

    def _pelican_value(self, key: str, value):
        if key in ("date", "modified"):
            return _aware(value)
        if key == "summary":
            return html.escape(value, quote=False)  # plain text; Pelican's summary is HTML
        if key in _PELICAN_OBJECTS:
            return self.process_metadata(key, value)
        return value

    @staticmethod
    def _fill_in(metadata: dict, problems: list[Problem], source_path: str) -> None:
        """Placeholders where a problem already explains the missing value; a missing title
        is a problem of its own."""
        unreadable = any(not p.key and p.line is None for p in problems)
        bad = {p.key.lower() for p in problems} | {p.attempted for p in problems}
        if "title" not in metadata:
            if not (unreadable or "title" in bad):
                problems.append(Problem("missing: every post and page needs a Title", "Title"))
            metadata["title"] = placeholder_title(source_path)
        if "date" not in metadata and (unreadable or "date" in bad):
            metadata["date"] = PLACEHOLDER_DATE


class NotMarkdownReader(BaseReader):
    """Reads reStructuredText and HTML files only to report them (registered for their
    extensions by readers_init; no extensions of its own, so Pelican does not pick it)."""

    file_extensions = ()

    def read(self, source_path):
        metadata = {"title": placeholder_title(source_path), "date": PLACEHOLDER_DATE}
        _add(metadata, Problem(NOT_MARKDOWN))
        return "", metadata


# --- signal receivers (module level: blinker keeps weak references) -----------------------


def readers_init(readers) -> None:
    for extension, cls in list(readers.reader_classes.items()):
        if cls is MarkdownReader:
            readers.reader_classes[extension] = CampaignMarkdownReader
        elif cls in (RstReader, HTMLReader):
            readers.reader_classes[extension] = NotMarkdownReader


def article_context(generator, metadata) -> None:
    """An article needs a date (drafts excepted, as in Pelican)."""
    if "date" not in metadata and metadata.get("status") != "draft":
        _add(metadata, Problem("missing: every post needs a Date (YYYY-MM-DD HH:MM)", "Date"))
        metadata["date"] = PLACEHOLDER_DATE


def page_context(generator, metadata) -> None:
    """Pages are not shared: campaign keys there would be silently ignored."""
    for key in sorted(metadata):
        if classify(key) != "other":
            _add(metadata, Problem("campaign keys work only in posts, not in pages",
                                  display_key(key)))


def register() -> None:
    signals.readers_init.connect(readers_init)
    signals.article_generator_context.connect(article_context)
    signals.page_generator_context.connect(page_context)
