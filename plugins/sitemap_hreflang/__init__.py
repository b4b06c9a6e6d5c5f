"""Two fixes for pelican-sitemap 1.2.2. Listed after "sitemap" in PLUGINS; remove each once
pelican-sitemap has it (tests check the behaviour either way).

1. Translation links: it writes `ref=` where the sitemap protocol needs `href=`, so search
   engines drop every `<xhtml:link hreflang>` it emits.
2. A failed build: it remembers the first Pelican of a process until that Pelican's
   `finalized` signal, which a failed build never sends, so every later build in the same
   process (the devserver's rebuilds, in-process tests) silently wrote no sitemap. Each run
   now starts afresh.
"""

from pelican import signals
from pelican.plugins.sitemap import sitemap

BROKEN = 'ref="{}/{}"'
FIXED = 'href="{}/{}"'


def fix_translation_template(_pelican) -> None:
    if BROKEN in sitemap.XML_TRANSLATION and FIXED not in sitemap.XML_TRANSLATION:
        sitemap.XML_TRANSLATION = sitemap.XML_TRANSLATION.replace(BROKEN, FIXED)


def forget_failed_run(_pelican) -> None:
    """Before the sitemap's own `get_generators` receiver: this run is the main one."""
    sitemap.generator._main_pelican = None
    sitemap.generator.page_queue = []


def register() -> None:
    signals.initialized.connect(fix_translation_template)
    # Receivers run in the order they were connected: put ours before the sitemap's.
    signals.get_generators.connect(forget_failed_run)
    signals.get_generators.disconnect(sitemap.generator.init)
    signals.get_generators.connect(sitemap.generator.init)
