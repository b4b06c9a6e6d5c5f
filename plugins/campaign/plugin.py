"""Signal handlers: read every article's campaign header, fail the build on any mistake,
set article attributes for the theme, write the offers page/JSON and the publish plan.

Receivers are module-level functions: blinker keeps only weak references.
"""

import contextlib
import json
import logging
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from jinja2 import FileSystemLoader, PrefixLoader
from pelican import signals
from pelican.generators import (
    ArticlesGenerator,
    Generator,
    PagesGenerator,
    PelicanTemplateNotFound,
)

from . import build_state
from . import settings as campaign_settings
from .header import identity, reader
from .header.metadata import CampaignMeta, parse_campaign_meta
from .posts import weighing as networks
from .posts.items import ArticleInfo, article_items
from .posts.links import article_url, forget_links, site_path
from .posts.plan_document import (
    CouponUse,
    coupon_conflicts,
    coupon_entry,
    duplicate_ids,
    plan_document,
    sort_items,
    write_plan,
)
from .problems import Problem, lines, merged
from .site import frozen_urls
from .site import future_posts as scheduling
from .site import site_changes as changes
from .site.most_shared import most_shared
from .site.offers import article_coupon, live_offers, offers_feed, offers_jsonld
from .site.output_collisions import collisions, relative_source, site_outputs
from .site.redirects import TEMPLATES, RedirectsGenerator

logger = logging.getLogger(__name__)

OFFERS_TEMPLATE = "offers"


class CampaignBuildFailed(SystemExit):
    """Content or settings mistakes. A SystemExit, because Pelican's main() prints a Python
    traceback for any Exception; this one ends the run with status 1 and one line."""

    def __init__(self, problems: list[str]):  # each problem's line
        count = len(problems)
        super().__init__(
            f"campaign: {count} problem{'s' if count != 1 else ''} found (listed above); "
            "the build stopped before writing the site or the plan"
        )
        self.problems = list(problems)


def fail_on(problems: list[Problem]) -> None:
    """Log every problem once, then stop the build (nothing written yet)."""
    if not problems:
        return
    said = lines(problems)
    for line in said:
        # `pelican --fatal errors` raises after the first error record; report them all.
        with contextlib.suppress(RuntimeError):
            logger.error("%s", line)
    raise CampaignBuildFailed(said)


# --- settings ---------------------------------------------------------------------


def initialized(pelican) -> None:
    campaign_settings.apply_defaults(pelican.settings)
    fail_on(campaign_settings.validate(pelican.settings))


def get_generators(pelican):
    """The first signal of every run (`pelican -lr` runs one instance again and again): the
    run's state begins here, before anything is read."""
    build_state.begin(pelican.settings)
    return OffersGenerator, RedirectsGenerator


# --- articles -----------------------------------------------------------------------


def article_info(article, shared_id: str | None = None) -> ArticleInfo:
    return ArticleInfo(
        source=relative_source(article),
        slug=article.slug,
        lang=article.lang,
        title=article.title,
        url=article.url,
        date=article.date,
        summary=article.summary or "",
        tags=tuple(tag.name for tag in getattr(article, "tags", None) or ()),
        shared_id=shared_id,
    )


def set_neighbours(articles) -> None:
    """prev_article (older) / next_article (newer) among published articles of one language."""
    by_lang = defaultdict(list)
    for article in articles:
        by_lang[article.lang].append(article)
    for group in by_lang.values():
        group.sort(key=lambda a: (a.date, relative_source(a)))
        for index, article in enumerate(group):
            article.prev_article = group[index - 1] if index > 0 else None
            article.next_article = group[index + 1] if index + 1 < len(group) else None


def article_generator_pretaxonomy(generator) -> None:
    config = build_state.of(generator.settings).config
    scheduling.apply(generator, config.now, config.future_posts)


def article_generator_finalized(generator) -> None:
    for article in generator.hidden_articles + generator.hidden_translations + \
            generator.drafts + generator.drafts_translations + generator.withheld_articles:
        article.prev_article = article.next_article = None
    set_neighbours(generator.articles + generator.translations)


def _has_real_date(article, header_problems) -> bool:
    """False for a draft without a date and for the reader's placeholder."""
    date = getattr(article, "date", None)
    # year < 9999: Pelican dates a draft without a Date datetime.max (contents.py); a
    # relative Social_At from it would overflow.
    return (isinstance(date, datetime) and date.tzinfo is not None and date.year < 9999
            and not any(problem.label in ("Date", "") for problem in header_problems)
            and "date" not in reader.attempted_of(article))


def _not_attempted(problems: list[Problem], attempted) -> list[Problem]:
    """Leave out "missing" for a key a bad line of the file was meant as (`Coupon_Offer :`):
    that line is already reported."""
    return [problem for problem in problems
            if not (problem.key.lower() in attempted and problem.reason.startswith("missing"))]


def _file_problems(content) -> list[Problem]:
    """What the reader found in the file."""
    source = relative_source(content)
    return [problem.in_file(source) for problem in reader.problems_of(content)]


def template_problems(generator, content) -> list[Problem]:
    """A `Template:` the theme does not have: Pelican would stop with a traceback while
    writing the pages. Checked with the generator that writes the content."""
    name = content.metadata.get("template")
    if not name:
        return []
    try:
        generator.get_template(name)
    except PelicanTemplateNotFound:
        extension = (generator.settings.get("TEMPLATE_EXTENSIONS") or [".html"])[0]
        return [Problem(f"no template {name + extension!r} in the theme", "Template",
                        file=relative_source(content))]
    return []


def page_problems(generator) -> list[Problem]:
    pages = (generator.pages + generator.translations + generator.hidden_pages
             + generator.hidden_translations + generator.draft_pages
             + generator.draft_translations)
    return [problem for page in sorted(pages, key=relative_source)
            for problem in _file_problems(page) + template_problems(generator, page)]


@dataclass(frozen=True)
class Analysed:
    """One article after the campaign's checks."""
    article: Any
    meta: CampaignMeta
    items: list        # its plan items (none unless it is published or planned)
    published: bool    # written to the site by this build


def analyse(generator, config, counts):
    """Parse and check every article (its texts measured through `counts`).

    Returns (problems, [Analysed], plan items, plan coupons).
    """
    published = generator.articles + generator.translations
    others = (generator.hidden_articles + generator.hidden_translations
              + generator.drafts + generator.drafts_translations + generator.withheld_articles)
    published_ids = {id(article) for article in published}
    # Not live yet, but in the plan: its items are never due before its date.
    planned_ids = published_ids | {id(article) for article in scheduling.planned(generator)}
    problems, results, items, coupons, identities, planned_coupons = [], [], [], [], [], []
    for article in sorted(published + others, key=relative_source):
        source = relative_source(article)
        dated = _has_real_date(article, reader.problems_of(article))
        meta, article_problems = parse_campaign_meta(article.metadata, config.tz,
                                                     config.networks,
                                                     article.date if dated else None)
        own_items = []
        if dated:
            info = article_info(article, meta.shared_id)
            own_items, item_problems = article_items(info, meta, config, counts)
            article_problems += item_problems
        problems += _file_problems(article)
        article_problems += template_problems(generator, article)
        if own_items or meta.shared_id:  # the campaign shares it (or will, once published)
            article_problems += identity.override_problems(article.metadata)
        if meta.shared_id or (own_items and id(article) in planned_ids):
            identities.append((source, identity.identity(article.lang, article.slug,
                                                         meta.shared_id), bool(meta.shared_id)))
        problems += _not_attempted(
            merged([problem.in_file(source) for problem in article_problems],
                   networks.NETWORKS),
            reader.attempted_of(article))
        if meta.coupon:
            coupons.append(CouponUse(source, article.slug, article.lang, meta.coupon,
                                     "slug" in article.metadata))
        if id(article) not in planned_ids:
            own_items = []
        elif meta.coupon:
            planned_coupons.append(coupon_entry(meta.coupon, source, article.title,
                                                article.lang, article.slug))
        items += own_items
        results.append(Analysed(article, meta, own_items, id(article) in published_ids))
    problems += coupon_conflicts(coupons, generator.settings.get("DEFAULT_LANG"))
    conflicts, involved = identity.identity_conflicts(identities)
    problems += conflicts  # the same clash again, item by item, would only add noise:
    problems += duplicate_ids([item for item in items if item["source"] not in involved])
    return problems, results, items, planned_coupons


def redirects(results, written) -> list[identity.Redirect]:
    """Redirect pages for the old addresses of every article whose page is written (not a
    draft, and not withheld until its date)."""
    written_ids = {id(article) for article in written}
    found = []
    for result in results:
        article, meta = result.article, result.meta
        if meta.shared_urls and id(article) in written_ids:
            found += identity.redirects_for(
                relative_source(article), meta.shared_urls, site_path(article.url), article.save_as,
                article.url, article.title, article.lang)
    return found


def all_generators_finalized(generators) -> None:
    articles = next((g for g in generators if isinstance(g, ArticlesGenerator)), None)
    if articles is None:
        return
    state = build_state.of(articles.settings)
    config = state.config  # the one clock read of the build
    problems, results, items, planned_coupons = analyse(articles, config, state.lengths)
    networks.forget_texts()
    pages = next((g for g in generators if isinstance(g, PagesGenerator)), None)
    moved = redirects(results, written=articles.articles + articles.translations
                      + articles.hidden_articles + articles.hidden_translations)
    fail_on((page_problems(pages) if pages else []) + problems
            + collisions(site_outputs(generators, articles.settings, moved)))
    offers = []
    for result in results:
        article, meta, own_items = result.article, result.meta, result.items
        url = article_url(config.site_url, article.url)
        article.social_items = sort_items(own_items)  # plan order
        article.coupon = article_coupon(meta.coupon, config.now, url, config.tz)
        article.engagement = meta.engagement
        if result.published:
            offers.append((article, article.coupon, url))
    forget_links()  # every link the pages need is on its article or item now
    articles.context["most_shared"] = most_shared(
        [result.article for result in results if result.published],
        config.most_shared)
    for generator in generators:
        if isinstance(generator, OffersGenerator):
            generator.offers = live_offers(offers)
        if isinstance(generator, RedirectsGenerator):
            generator.redirects, generator.site_url = moved, config.site_url
    # Kept as the document (its items are shared with article.social_items); serialised
    # only once the site is written, so the text is not held through the whole build.
    state.plan = (config.plan_path,
                  plan_document(config.site_url, items, config.tz.key, planned_coupons,
                                 config.x_prices))
    changes_path = articles.settings.get("CAMPAIGN_NEXT_CHANGE_PATH")
    if changes_path:
        state.next_change = (changes_path,
                             next_change_document(articles.settings, config.now, results))


def next_change_document(settings, now, results) -> dict:
    """When this site changes by time alone (plugins/campaign/site/site_changes.py): every article's
    date (drafts and hidden ones too: over-counting costs a build, never a stale page) and
    every coupon's window."""
    candidates = []
    for result in results:
        article = result.article
        dated = _has_real_date(article, reader.problems_of(article))
        candidates += changes.instants(relative_source(article),
                                       article.date if dated else None, result.meta.coupon)
    sources = [settings["PATH"], settings["THEME"], *settings.get("PLUGIN_PATHS", [])]
    return changes.document(now, changes.next_change(now, candidates), sources)


def finalized(pelican) -> None:
    """The run wrote the whole site without an exception: now the plan; the run ends."""
    state = build_state.end(pelican.settings)
    if state is None:
        return
    if state.plan is not None:
        path, document = state.plan
        if path:
            write_plan(path, document)
    if state.next_change is not None:
        changes.write(*state.next_change)
    state.lengths.finish()


def reading_done(generators) -> None:
    """Every generator has read its files: the Markdown workers go (before the checks)."""
    for generator in generators[:1]:
        state = build_state.current(generator.settings)
        if state:
            state.stop_workers()


# --- offers page ----------------------------------------------------------------------


class OffersGenerator(Generator):
    """Writes the offers page (theme's offers.html, else the bundled one) and offers JSON."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        bundled = FileSystemLoader(TEMPLATES)
        self.env.loader.loaders.append(bundled)  # after the theme: the theme wins
        for loader in self.env.loader.loaders:
            if isinstance(loader, PrefixLoader):
                # {% extends "!campaign/offers.html" %}. jinja2 types `mapping` a Mapping;
                # Pelican gives its PrefixLoader a dict.
                loader.mapping["!campaign"] = bundled  # type: ignore[index]
        self.offers = []

    def generate_output(self, writer) -> None:
        save_as = self.settings["CAMPAIGN_OFFERS_SAVE_AS"]
        if save_as:
            writer.write_file(
                save_as,
                self.get_template(OFFERS_TEMPLATE),
                self.context,
                relative_urls=self.settings["RELATIVE_URLS"],
                url=self.settings["CAMPAIGN_OFFERS_URL"],
                offers=self.offers,
                offers_jsonld=offers_jsonld(self.offers),
                page_name=OFFERS_TEMPLATE,
            )
        json_save_as = self.settings["CAMPAIGN_OFFERS_JSON_SAVE_AS"]
        if json_save_as:
            path = Path(self.output_path) / json_save_as
            path.parent.mkdir(parents=True, exist_ok=True)
            text = json.dumps(offers_feed(self.offers), indent=2, ensure_ascii=False,
                              sort_keys=True) + "\n"
            path.write_text(text, encoding="utf-8")


def register() -> None:
    reader.register()
    signals.initialized.connect(initialized)
    signals.all_generators_finalized.connect(reading_done)  # before the checks
    signals.all_generators_finalized.connect(frozen_urls.all_generators_finalized)
    signals.get_generators.connect(get_generators)
    signals.article_generator_pretaxonomy.connect(article_generator_pretaxonomy)
    signals.article_generator_finalized.connect(article_generator_finalized)
    signals.all_generators_finalized.connect(all_generators_finalized)
    signals.finalized.connect(finalized)
