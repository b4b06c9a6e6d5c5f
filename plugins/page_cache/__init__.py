"""page_cache: a build renders only the pages whose inputs changed.

With `PAGE_CACHE_PATH` set (the publisher sets it to its content cache's folder) and
`PAGE_CACHE_PREVIOUS_OUTPUT` naming the last build's output folder, a page whose template,
template context names and every value its last render read from the articles, pages, tags,
categories and authors are as they were is not rendered again: its previous file's text is
handed to Pelican's writer, which writes it (and tells the sitemap and other plugins) as
usual. The byte-identical result is checked file by file against a clean build in
tests/publish/site/test_publish_skip.py. Unset, nothing changes. Feeds are written as before.

Modules: page_cache (signals, the template proxy), templates (what a template uses),
reads (recording what a render reads), digest (stable value digests), page_records (the
record file).

See docs/publisher.md, "Skipping a build".
"""

from .page_cache import register

__all__ = ["register"]
