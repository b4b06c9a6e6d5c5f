"""Production settings: `make publish` builds with these (absolute URLs, feeds, sitemap)."""

import sys
from pathlib import Path

sys.path.append(str(Path(__file__).resolve().parent))

from pelicanconf import *  # noqa: F403

SITEURL = PRODUCTION_SITEURL  # noqa: F405
RELATIVE_URLS = False

FEED_DOMAIN = SITEURL
FEED_ALL_ATOM = "feeds/all.atom.xml"
FEED_ALL_RSS = "feeds/all.rss.xml"
CATEGORY_FEED_ATOM = "feeds/category/{slug}.atom.xml"
TRANSLATION_FEED_ATOM = "feeds/all-{lang}.atom.xml"

DELETE_OUTPUT_DIRECTORY = True
OUTPUT_RETENTION = [".git", "CNAME"]
