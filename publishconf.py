"""Production settings: `make publish` and `make deploy` build with these (absolute URLs,
feeds, sitemap)."""

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

# A post dated in the future is not live until its date: not written at all (no page, listing,
# feed, sitemap entry or offer), while its social posts stay in the plan. The first build at or
# after the date puts it live. Development builds show it with a "Scheduled for …" mark.
CAMPAIGN_FUTURE_POSTS = "hide"

# No DELETE_OUTPUT_DIRECTORY / OUTPUT_RETENTION: `python -m publish build` always builds into a
# fresh folder and swaps it in only on success, so output/ holds exactly what the build wrote.
# A file the site needs besides (a CNAME, .well-known/…) goes in content/extra/ with an
# EXTRA_PATH_METADATA entry, like robots.txt; GitHub Pages' CNAME comes from DEPLOY_CNAME.
