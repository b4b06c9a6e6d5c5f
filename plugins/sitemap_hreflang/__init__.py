"""Three fixes for pelican-sitemap 1.2.2. Listed after "sitemap" in PLUGINS; remove each once
pelican-sitemap has it (tests check the behaviour either way).

1. Translation links: it writes `ref=` where the sitemap protocol needs `href=`, so search
   engines drop every `<xhtml:link hreflang>` it emits.
2. A failed build: it remembers the first Pelican of a process until that Pelican's
   `finalized` signal, which a failed build never sends, so every later build in the same
   process (the devserver's rebuilds, in-process tests) silently wrote no sitemap. Each run
   now starts afresh.
3. `lastmod` of the pages without a date (home, listings, tags, plain pages): the moment the
   Python process imported the plugin, so no two builds of the same sources wrote the same
   sitemap (and `publish cycle` could never keep a built site as it is). It is now the newest
   date (or `Modified`) among the articles the site lists: what those pages show changes
   with it. A site without articles gets 1970-01-01T00:00:00Z.
"""

from datetime import UTC, datetime

from pelican import signals
from pelican.generators import ArticlesGenerator
from pelican.plugins.sitemap import sitemap

NO_ARTICLES = datetime(1970, 1, 1, tzinfo=UTC)

BROKEN = 'ref="{}/{}"'
FIXED = 'href="{}/{}"'


def fix_translation_template(_pelican) -> None:
    if BROKEN in sitemap.XML_TRANSLATION and FIXED not in sitemap.XML_TRANSLATION:
        sitemap.XML_TRANSLATION = sitemap.XML_TRANSLATION.replace(BROKEN, FIXED)


def forget_failed_run(_pelican) -> None:
    """Before the sitemap's own `get_generators` receiver: this run is the main one."""
    sitemap.generator._main_pelican = None
    sitemap.generator.page_queue = []


def newest_listed(articles) -> datetime:
    """The newest `modified` (else `date`) of `articles`, as the sitemap reads each one."""
    return max((getattr(a, "modified", None) or a.date for a in articles),
               default=NO_ARTICLES)


def date_undated_pages(generators) -> None:
    """After the campaign plugin took articles not live yet out of the lists."""
    for generator in generators:
        if isinstance(generator, ArticlesGenerator):
            sitemap.generator.now = newest_listed(generator.articles + generator.translations)
            return
    sitemap.generator.now = NO_ARTICLES


def register() -> None:
    signals.initialized.connect(fix_translation_template)
    signals.all_generators_finalized.connect(date_undated_pages)
    # Receivers run in the order they were connected: put ours before the sitemap's.
    signals.get_generators.connect(forget_failed_run)
    signals.get_generators.disconnect(sitemap.generator.init)
    signals.get_generators.connect(sitemap.generator.init)
