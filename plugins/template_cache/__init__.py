"""template_cache: Jinja2 keeps the theme's compiled templates between builds.

With `TEMPLATE_BYTECODE_CACHE_PATH` set (the publisher sets it to its content cache's
folder, whose name is a hash of the settings, plugins and packages: publish/site/
contentcache.py), every generator's Jinja environment loads and stores its compiled
templates there (jinja2.FileSystemBytecodeCache: a template whose source changed is compiled
again). Unset, nothing changes.

See docs/publisher.md, "Skipping a build".
"""

from .template_cache import register

__all__ = ["register"]
