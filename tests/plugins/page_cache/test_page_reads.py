"""The page_cache plugin in real Pelican builds of a tiny theme: a page is kept when nothing
it read changed, rendered when something did, and always equal to a clean build."""

import filecmp
import json
import logging
from pathlib import Path

import pytest
from page_cache import page_records, templates
from page_cache.digest import identity
from page_cache.reads import Recorder
from pelican import Pelican
from pelican.log import LimitFilter
from pelican.settings import DEFAULT_CONFIG
from pelican.urlwrappers import Tag

from tests.plugins.conftest import settings_for

ARTICLE = """\
Title: {title}
Slug: {slug}
Date: 2026-11-{day:02d} 09:00
Summary: {summary}

{body}
"""
TEMPLATES = {
    "article.html": "<h1>{{ article.title }}</h1>\n",
    "index.html": "{% for a in articles_page.object_list %}<p>{{ a.summary }}</p>\n"
                  "{% endfor %}",
    "page.html": "<p>{{ page|words }} words</p>\n",
}


def words(content) -> int:
    """A filter that reads the page's whole body in Python (the template cannot see it)."""
    return len(content.content.split())


class Site:
    def __init__(self, tmp: Path, caplog):
        self.tmp, self.caplog, self.runs = tmp, caplog, 0
        self.content = tmp / "content"
        for day, name in ((20, "one"), (21, "two")):
            self.write(name, title=name.title(), summary=f"About {name}.", body="Body.",
                       day=day)
        (self.content / "pages").mkdir()
        (self.content / "pages" / "about.md").write_text("Title: About\n\nWho we are.\n")
        for name, text in TEMPLATES.items():
            self.template(name, text)
        self.output: Path | None = None

    def write(self, name: str, **fields) -> None:
        path = self.content / "posts" / f"{name}.md"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(ARTICLE.format(slug=name, **fields), encoding="utf-8")

    def template(self, name: str, text: str) -> None:
        path = self.tmp / "theme" / "templates" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")

    def settings(self, output: Path, **extra):
        return settings_for(
            self.content, self.tmp, OUTPUT_PATH=str(output), THEME=str(self.tmp / "theme"),
            PLUGINS=["campaign", "page_cache"], DIRECT_TEMPLATES=["index"],
            JINJA_FILTERS={"words": words}, DEFAULT_PAGINATION=False,
            **{f"{kind}_SAVE_AS": "" for kind in ("TAG", "TAGS", "CATEGORY", "CATEGORIES",
                                                   "AUTHOR", "AUTHORS", "ARCHIVES")},
            CAMPAIGN_OFFERS_SAVE_AS=None, CAMPAIGN_OFFERS_JSON_SAVE_AS=None, **extra)

    def build(self, *, cached: bool = True) -> set[str]:
        """Build into a new folder, the last one as the previous output; the pages
        rendered."""
        self.runs += 1
        output = self.tmp / f"output-{self.runs}"
        extra = {"PAGE_CACHE_PATH": str(self.tmp / "cache")} if cached else {}
        if cached and self.output is not None:
            extra["PAGE_CACHE_PREVIOUS_OUTPUT"] = str(self.output)
        self.caplog.clear()
        LimitFilter._raised_messages.clear()     # Pelican drops a message it logged before
        with self.caplog.at_level(logging.DEBUG, logger="page_cache"):
            Pelican(self.settings(output, **extra)).run()
        if cached:
            self.output = output
        return {r.args[0] for r in self.caplog.records
                if r.name.startswith("page_cache") and " rendered" in r.msg}

    def equals_clean_build(self) -> bool:
        clean = self.tmp / f"clean-{self.runs}"
        saved = self.output
        self.build(cached=False)
        self.runs -= 1
        (self.tmp / f"output-{self.runs + 1}").rename(clean)
        self.output = saved
        assert self.output is not None
        return _same(self.output, clean)


def _same(left: Path, right: Path) -> bool:
    names = {p.relative_to(left) for p in left.rglob("*") if p.is_file()}
    names |= {p.relative_to(right) for p in right.rglob("*") if p.is_file()}
    return all((left / n).is_file() and (right / n).is_file()
               and filecmp.cmp(left / n, right / n, shallow=False) for n in names)


PAGES = {"index.html", "2026/one/index.html", "2026/two/index.html", "pages/about.html"}


@pytest.fixture
def site(tmp_path, caplog):
    built = Site(tmp_path, caplog)
    assert built.build() == PAGES
    return built


def test_a_page_is_kept_when_its_body_changes_and_rendered_when_what_it_shows_does(site):
    site.write("one", title="One", summary="About one.", body="A new body.", day=20)
    assert site.build() == set()        # article.html shows the title, index the summaries
    assert site.equals_clean_build()
    site.write("one", title="Number one", summary="About one.", body="A new body.", day=20)
    assert site.build() == {"2026/one/index.html"}
    assert site.equals_clean_build()


def test_a_listing_is_rendered_when_one_of_its_articles_summary_changes(site):
    site.write("two", title="Two", summary="All about two.", body="Body.", day=21)
    assert site.build() == {"index.html"}
    assert site.equals_clean_build()


def test_a_filter_given_an_object_depends_on_all_of_it(site):
    (site.content / "pages" / "about.md").write_text("Title: About\n\nWho we are, and why.\n")
    assert site.build() == {"pages/about.html"}
    assert site.equals_clean_build()


def test_a_changed_template_renders_the_pages_made_with_it(site):
    site.template("article.html", "<h2>{{ article.title }}</h2>\n")
    assert site.build() == {"2026/one/index.html", "2026/two/index.html"}
    assert site.equals_clean_build()


def test_a_previous_file_edited_or_missing_is_rendered_again(site):
    assert site.output is not None
    (site.output / "index.html").write_text("defaced\n", encoding="utf-8")
    (site.output / "2026" / "one" / "index.html").unlink()
    assert site.build() == {"index.html", "2026/one/index.html"}
    assert site.equals_clean_build()


@pytest.mark.parametrize("record, warned", [
    ("{not json", 1),
    ('{"schema": "someone-else/1"}', 1),
    ('{"schema": "pelican-page-cache/1", "key": "k", "identities": [], "attributes": [],'
     ' "pages": {"index.html": ["index.html", "0", "0", "0", "0", [0, 0]]}}', 0),
    (None, 2),                       # a folder: cannot be read, nor replaced at the end
])
def test_a_damaged_or_foreign_record_renders_every_page_with_one_warning(site, record,
                                                                         warned):
    path = site.tmp / "cache" / page_records.NAME
    if record is None:
        path.unlink()
        path.mkdir()
    else:
        path.write_text(record, encoding="utf-8")
    if not warned:         # the right schema with another key: another site, no warning
        assert page_records.load(path.parent, "another key") == (page_records.NONE, None)
    assert site.build() == PAGES
    warnings = [r.getMessage() for r in site.caplog.records if r.levelno >= logging.WARNING]
    assert len(warnings) == warned, warnings
    if warned:
        assert warnings[0].startswith(f"page_cache: {path}: ")
        assert warnings[0].endswith("; every page is rendered")
    if warned == 2:
        assert warnings[1] == (f"page_cache: {path}: cannot be written (Is a directory); the "
                               "next build renders every page")
    assert site.equals_clean_build()


def test_a_wrong_entry_is_named_in_the_warning(site):
    path = site.tmp / "cache" / page_records.NAME
    document = json.loads(path.read_text(encoding="utf-8"))
    document["pages"]["index.html"][5] = [999, 0]
    path.write_text(json.dumps(document), encoding="utf-8")
    assert site.build() == PAGES
    (warning,) = [r.getMessage() for r in site.caplog.records if r.levelno >= logging.WARNING]
    assert "'pages'['index.html']: an index out of range" in warning


def test_the_record_is_written_only_when_the_build_finishes(site):
    path = site.tmp / "cache" / page_records.NAME
    before = path.read_bytes()
    site.write("one", title="Number one", summary="About one.", body="Body.", day=20)
    site.template("index.html", "{% for a in articles_page.object_list %}{{ a.summary|nope }}"
                                "{% endfor %}")
    with pytest.raises(Exception, match="nope"):
        site.build()
    assert path.read_bytes() == before
    assert [p.name for p in path.parent.iterdir()] == [page_records.NAME]


def test_every_run_of_one_pelican_instance_keeps_what_it_can(site, tmp_path):
    """`pelican -lr` runs one instance again and again, into the same output folder."""
    output = tmp_path / "in-place"
    pelican = Pelican(site.settings(output, PAGE_CACHE_PATH=str(tmp_path / "in-place-cache"),
                                    PAGE_CACHE_PREVIOUS_OUTPUT=str(output)))
    for title, rendered in (("One", PAGES), ("Number one", {"2026/one/index.html"}),
                            ("Number one", set())):
        site.write("one", title=title, summary="About one.", body="Body.", day=20)
        site.caplog.clear()
        LimitFilter._raised_messages.clear()
        with site.caplog.at_level(logging.DEBUG, logger="page_cache"):
            pelican.run()
        assert {r.args[0] for r in site.caplog.records
                if r.name.startswith("page_cache") and " rendered" in r.msg} == rendered
    assert (tmp_path / "in-place-cache" / page_records.NAME).is_file()


def test_a_template_source_is_parsed_once_and_its_names_kept_in_the_record(site,
                                                                          monkeypatch):
    parsed = []
    real = templates.source_facts
    monkeypatch.setattr(templates, "source_facts",
                        lambda env, source: parsed.append(source) or real(env, source))
    site.write("one", title="Number one", summary="About one.", body="Body.", day=20)
    assert site.build() == {"2026/one/index.html"}
    assert parsed == []                     # the last build's record named what they read
    site.template("article.html", "<h2>{{ article.title }}</h2>\n")
    site.build()
    assert parsed == ["<h2>{{ article.title }}</h2>\n"]


def test_objects_of_one_identity_are_one_while_their_fields_are_equal():
    """Pelican makes a tag's object once per article; `url` copies name and slug into one's
    `__dict__` (URLWrapper.as_dict), which changes nothing a template sees."""
    settings = dict(DEFAULT_CONFIG)
    recorder = Recorder()
    first, second = Tag("Customer service", settings), Tag("Customer service", settings)
    assert second.url
    for tag in (first, second):
        recorder.seen(identity(tag), tag)
    assert recorder.ambiguous == set()
    other = Tag("customer service", settings)         # the same slug, another name
    recorder.seen(identity(other), other)
    assert recorder.ambiguous == {("Tag", "customer-service", "")}
