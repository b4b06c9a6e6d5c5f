"""Which file of the output folder each part of the site writes, and the paths two of them
would both write. Pelican lets a `Save_as` override replace another page silently (the home
page, a feed, another article); the build stops instead, naming both sides."""

import os
import posixpath
from dataclasses import dataclass

from pelican.generators import ArticlesGenerator, PagesGenerator, StaticGenerator
from pelican.paginator import Paginator

from ..header.identity import Redirect
from ..problems import Problem

CONTENT_LISTS = ("articles", "translations", "hidden_articles", "hidden_translations",
                 "drafts", "drafts_translations", "pages", "hidden_pages", "draft_pages",
                 "draft_translations")
FEEDS = ("FEED_ATOM", "FEED_RSS", "FEED_ALL_ATOM", "FEED_ALL_RSS")
TERM_FEEDS = (("categories", "CATEGORY_FEED_ATOM"), ("categories", "CATEGORY_FEED_RSS"),
              ("authors", "AUTHOR_FEED_ATOM"), ("authors", "AUTHOR_FEED_RSS"),
              ("tags", "TAG_FEED_ATOM"), ("tags", "TAG_FEED_RSS"))
TERMS = (("tags", "tag", "TAG_SAVE_AS"), ("categories", "category", "CATEGORY_SAVE_AS"),
         ("authors", "author", "AUTHOR_SAVE_AS"))


@dataclass(frozen=True)
class Owner:
    """Who writes a file: the problem is on `key` (of `file`: content), `name` is how
    others refer to it."""

    key: str  # a setting, or the content's key that places it (Slug, Save_as, Shared_Urls)
    name: str
    fixed: bool = False  # a page of the site itself (home page, feed…) rather than content
    file: str = ""


def normalise(path: str) -> str:
    return posixpath.normpath(str(path).replace(os.sep, "/")).lstrip("/")


def relative_source(content) -> str:
    """The content's file, relative to the content folder, with `/`: how problems name it."""
    return content.relative_source_path.replace(os.sep, "/")


def _content_key(content) -> str:
    if "save_as" in content.metadata:
        return "Save_as"
    return "Slug"


def _fixed(setting: str, what: str) -> Owner:
    return Owner(setting, f"{what} ({setting})", fixed=True)


def _paginated(settings, template: str, save_as: str, url: str, count: int) -> list[str]:
    per_page = settings.get("PAGINATED_TEMPLATES", {})
    if template not in per_page:
        return [save_as]
    paginator = Paginator(save_as, url, list(range(count)), settings,
                          per_page[template] or settings.get("DEFAULT_PAGINATION"))
    return [paginator.page(n).save_as for n in range(1, paginator.num_pages + 1)]


def _terms(generator, attribute: str):
    terms = getattr(generator, attribute, None) or ()
    return list(terms.items()) if isinstance(terms, dict) else list(terms)


def _blog_outputs(generator, settings):
    """The article generator's own pages: direct templates, term pages, feeds."""
    for template in settings.get("DIRECT_TEMPLATES", ()):
        setting = f"{template.upper()}_SAVE_AS"
        save_as = settings.get(setting, f"{template}.html")
        if not save_as:
            continue
        url = settings.get(f"{template.upper()}_URL", f"{template}.html")
        what = "the home page" if template == "index" else f"the {template} page"
        for page in _paginated(settings, template, save_as, url, len(generator.articles)):
            yield page, _fixed(setting, what)
    for attribute, template, setting in TERMS:
        for term, articles in _terms(generator, attribute):
            for page in _paginated(settings, template, term.save_as, term.url, len(articles)):
                yield page, _fixed(setting, f"the {template} page of {term.name!r}")
    for setting in FEEDS:
        if settings.get(setting):
            yield settings[setting], _fixed(setting, "a feed")
    for attribute, setting in TERM_FEEDS:
        if settings.get(setting):
            for term, _ in _terms(generator, attribute):
                yield str(settings[setting]).format(slug=term.slug), _fixed(
                    setting, f"the feed of {term.name!r}")
    for setting in ("TRANSLATION_FEED_ATOM", "TRANSLATION_FEED_RSS"):
        if settings.get(setting):
            langs = {a.lang for a in generator.articles + generator.translations}
            for lang in sorted(langs):
                yield str(settings[setting]).format(lang=lang), _fixed(
                    setting, f"the {lang} feed")


def _site_outputs(settings):
    """Files written by settings rather than content: template pages, offers, sitemap."""
    for name, save_as in (settings.get("TEMPLATE_PAGES") or {}).items():
        yield save_as, _fixed("TEMPLATE_PAGES", f"the template page {name}")
    for setting, what in (("CAMPAIGN_OFFERS_SAVE_AS", "the offers page"),
                          ("CAMPAIGN_OFFERS_JSON_SAVE_AS", "the offers JSON")):
        if settings.get(setting):
            yield settings[setting], _fixed(setting, what)
    plugins = [getattr(p, "__name__", p) for p in settings.get("PLUGINS") or ()]
    if any(str(name).split(".")[-1] == "sitemap" for name in plugins):
        fmt = (settings.get("SITEMAP") or {}).get("format", "xml")
        yield f"sitemap.{fmt}", _fixed("SITEMAP", "the sitemap")


def _theme_static(theme: str, settings):
    """The theme's static files, copied as Pelican's StaticGenerator copies them: a folder of
    THEME_STATIC_PATHS into THEME_STATIC_DIR, a file to THEME_STATIC_DIR/<its name>."""
    target = settings.get("THEME_STATIC_DIR", "theme")
    for path in settings.get("THEME_STATIC_PATHS") or ():
        source = os.path.join(theme, path)
        if os.path.isfile(source):
            files = [os.path.basename(source)]
        else:
            files = [os.path.relpath(os.path.join(folder, name), source)
                     for folder, _, names in os.walk(source) for name in names]
        for name in files:
            yield posixpath.join(target, name.replace(os.sep, "/")), _fixed(
                "THEME_STATIC_PATHS", f"the theme's file {name}")


def site_outputs(generators, settings, redirects: list[Redirect]):
    """(output path, Owner) for everything the build writes that could collide."""
    seen = set()
    for generator in generators:
        if isinstance(generator, ArticlesGenerator | PagesGenerator):
            for attribute in CONTENT_LISTS:
                for content in getattr(generator, attribute, None) or ():
                    if id(content) in seen or not content.save_as:
                        continue
                    seen.add(id(content))
                    source = relative_source(content)
                    yield content.save_as, Owner(_content_key(content), source, file=source)
        if isinstance(generator, StaticGenerator):
            for static in generator.staticfiles:
                source = relative_source(static)
                yield static.save_as, _fixed("STATIC_PATHS", f"the static file {source}")
            yield from _theme_static(generator.theme, settings)
        if isinstance(generator, ArticlesGenerator):
            yield from _blog_outputs(generator, settings)
    yield from _site_outputs(settings)
    for redirect in redirects:
        yield redirect.save_as, Owner(
            "Shared_Urls",
            f"the redirect page of {redirect.source} for {redirect.path} (Shared_Urls)",
            file=redirect.source)


def collisions(outputs) -> list[Problem]:
    """One problem per owner that shares its output path with an earlier one (the site's
    own pages first, then content in file order)."""
    by_path: dict[str, list[Owner]] = {}
    for path, owner in outputs:
        owners = by_path.setdefault(normalise(path), [])
        if owner not in owners:
            owners.append(owner)
    problems = []
    for path, owners in sorted(by_path.items()):
        if len(owners) < 2:
            continue
        owners.sort(key=lambda w: (not w.fixed, w.file, w.key))
        first = owners[0]
        for owner in owners[1:]:
            problems.append(Problem(f"writes {path}, which {first.name} also writes",
                                    owner.key, file=owner.file))
    return problems
