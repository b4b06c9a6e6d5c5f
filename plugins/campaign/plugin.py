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

from . import settings as campaign_settings
from .header import identity, prerender, reader
from .header.metadata import CampaignMeta, parse_campaign_meta
from .posts import lengths
from .posts import weighing as networks
from .posts.items import ArticleInfo, article_items
from .posts.links import article_url, site_path
from .posts.plan_document import (
    CouponUse,
    coupon_conflicts,
    coupon_entry,
    duplicate_ids,
    plan_document,
    sort_items,
    write_plan,
)
from .posts.problems import merged
from .site import future_posts as scheduling
from .site import site_changes as changes
from .site.most_shared import most_shared
from .site.offers import article_coupon, live_offers, offers_feed, offers_jsonld
from .site.output_collisions import collisions, relative_source, site_outputs
from .site.redirects import TEMPLATES, RedirectsGenerator

logger = logging.getLogger(__name__)

OFFERS_TEMPLATE = "offers"
# Plans waiting for the end of a successful run, by id of the run's settings dict.
_PENDING_PLANS: dict[int, tuple[str | None, dict]] = {}
# The same for the next-change file (CAMPAIGN_NEXT_CHANGE_PATH, docs/contract.md §1.1).
_PENDING_CHANGES: dict[int, tuple[str, dict]] = {}


class CampaignBuildFailed(SystemExit):
    """Content or settings mistakes. A SystemExit, because Pelican's main() prints a Python
    traceback for any Exception; this one ends the run with status 1 and one line."""

    def __init__(self, problems: list[str]):
        count = len(problems)
        super().__init__(
            f"campaign: {count} problem{'s' if count != 1 else ''} found (listed above); "
            "the build stopped before writing the site or the plan"
        )
        self.problems = list(problems)


def fail_on(problems: list[str]) -> None:
    """Log every problem once, then stop the build (nothing written yet). A text shared by
    several networks is checked once per network: its problem is still one line."""
    if not problems:
        return
    problems = list(dict.fromkeys(problems))
    for problem in problems:
        # `pelican --fatal errors` raises after the first error record; report them all.
        with contextlib.suppress(RuntimeError):
            logger.error("%s", problem)
    raise CampaignBuildFailed(problems)


# --- settings ---------------------------------------------------------------------


def initialized(pelican) -> None:
    campaign_settings.apply_defaults(pelican.settings)
    lengths.start(pelican.settings)
    _PENDING_PLANS.pop(id(pelican.settings), None)
    _PENDING_CHANGES.pop(id(pelican.settings), None)
    fail_on(campaign_settings.validate(pelican.settings))


def get_generators(pelican):
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
    config = campaign_settings.for_build(generator)
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
            and not any(label in ("Date", "") for label, _ in header_problems)
            and "date" not in reader.attempted_of(article))


def _not_attempted(problems, attempted) -> list[tuple[str, str]]:
    """Leave out "missing" for a key a bad line of the file was meant as (`Coupon_Offer :`):
    that line is already reported."""
    return [(key, reason) for key, reason in problems
            if not (key.lower() in attempted and reason.startswith("missing"))]


def _file_problems(content) -> list[str]:
    """What the reader found in the file, as `file: Key: reason` lines."""
    source = relative_source(content)
    return [f"{source}: {label}: {reason}" if label else f"{source}: {reason}"
            for label, reason in reader.problems_of(content)]


def template_problems(generator, content) -> list[tuple[str, str]]:
    """A `Template:` the theme does not have: Pelican would stop with a traceback while
    writing the pages. Checked with the generator that writes the content."""
    name = content.metadata.get("template")
    if not name:
        return []
    try:
        generator.get_template(name)
    except PelicanTemplateNotFound:
        extension = (generator.settings.get("TEMPLATE_EXTENSIONS") or [".html"])[0]
        return [("Template", f"no template {name + extension!r} in the theme")]
    return []


def page_problems(generator) -> list[str]:
    pages = (generator.pages + generator.translations + generator.hidden_pages
             + generator.hidden_translations + generator.draft_pages
             + generator.draft_translations)
    return [line for page in sorted(pages, key=relative_source)
            for line in _file_problems(page) + [
                f"{relative_source(page)}: {key}: {reason}"
                for key, reason in template_problems(generator, page)]]


@dataclass(frozen=True)
class Analysed:
    """One article after the campaign's checks."""
    article: Any
    meta: CampaignMeta
    items: list        # its plan items (none unless it is published or planned)
    published: bool    # written to the site by this build


def analyse(generator, config):
    """Parse and check every article.

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
            own_items, item_problems = article_items(info, meta, config)
            article_problems += item_problems
        problems += _file_problems(article)
        article_problems += template_problems(generator, article)
        if own_items or meta.shared_id:  # the campaign shares it (or will, once published)
            article_problems += identity.override_problems(article.metadata)
        if meta.shared_id or (own_items and id(article) in planned_ids):
            identities.append((source, identity.identity(article.lang, article.slug,
                                                         meta.shared_id), bool(meta.shared_id)))
        article_problems = _not_attempted(merged(article_problems),
                                          reader.attempted_of(article))
        problems += [f"{source}: {key}: {reason}" for key, reason in article_problems]
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
    config = campaign_settings.for_build(articles)  # the one clock read of the build
    problems, results, items, planned_coupons = analyse(articles, config)
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
    _PENDING_PLANS[id(articles.settings)] = (
        config.plan_path, plan_document(config.site_url, items, config.tz.key, planned_coupons))
    changes_path = articles.settings.get("CAMPAIGN_NEXT_CHANGE_PATH")
    if changes_path:
        _PENDING_CHANGES[id(articles.settings)] = (
            changes_path, next_change_document(articles.settings, config.now, results))


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
    """The run wrote the whole site without an exception: now the plan."""
    path, plan = _PENDING_PLANS.pop(id(pelican.settings), (None, None))
    if path and plan is not None:
        write_plan(path, plan)
    pending = _PENDING_CHANGES.pop(id(pelican.settings), None)
    if pending is not None:
        changes.write(*pending)
    lengths.finish()


# --- offers page ----------------------------------------------------------------------


class OffersGenerator(Generator):
    """Writes the offers page (theme's offers.html, else the bundled one) and offers JSON."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        bundled = FileSystemLoader(TEMPLATES)
        self.env.loader.loaders.append(bundled)  # after the theme: the theme wins
        for loader in self.env.loader.loaders:
            if isinstance(loader, PrefixLoader):
                loader.mapping["!campaign"] = bundled  # {% extends "!campaign/offers.html" %}
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
    signals.initialized.connect(prerender.start)  # after the settings are checked
    signals.all_generators_finalized.connect(prerender.reading_done)  # before the checks
    signals.finalized.connect(prerender.stop)
    signals.get_generators.connect(get_generators)
    signals.article_generator_pretaxonomy.connect(article_generator_pretaxonomy)
    signals.article_generator_finalized.connect(article_generator_finalized)
    signals.all_generators_finalized.connect(all_generators_finalized)
    signals.finalized.connect(finalized)
