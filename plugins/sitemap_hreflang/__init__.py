"""Correct pelican-sitemap 1.2.2's translation links: it writes `ref=` where the sitemap
protocol needs `href=`, so search engines drop every `<xhtml:link hreflang>` it emits.

Listed after "sitemap" in PLUGINS. Remove this plugin once pelican-sitemap writes `href=`
(tests/site/test_site_output.py checks the attribute either way).
"""

from pelican import signals
from pelican.plugins.sitemap import sitemap

BROKEN = 'ref="{}/{}"'
FIXED = 'href="{}/{}"'


def fix_translation_template(_pelican) -> None:
    if BROKEN in sitemap.XML_TRANSLATION and FIXED not in sitemap.XML_TRANSLATION:
        sitemap.XML_TRANSLATION = sitemap.XML_TRANSLATION.replace(BROKEN, FIXED)


def register() -> None:
    signals.initialized.connect(fix_translation_template)
