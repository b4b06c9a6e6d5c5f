"""Development settings: `make html` builds the site with these into output/."""

from pathlib import Path

ROOT = Path(__file__).resolve().parent

AUTHOR = "The Brand Team"
SITENAME = "Listening Brands"
SITESUBTITLE = "Customer relations in the age of social media"
SITEURL = ""
# The production address. Shared social links always point here, even in dev builds,
# so the plan written by `make html` and by `make publish` is the same.
PRODUCTION_SITEURL = "https://blog.listening-brands.example"

PATH = "content"
ARTICLE_PATHS = ["posts"]
PAGE_PATHS = ["pages"]
STATIC_PATHS = ["images", "extra"]
EXTRA_PATH_METADATA = {"extra/robots.txt": {"path": "robots.txt"}}

TIMEZONE = "Atlantic/Reykjavik"
DEFAULT_LANG = "en"
DEFAULT_DATE_FORMAT = "%d %B %Y"
# Icelandic posts get Icelandic-style numeric dates (no locale needed on the build machine).
DATE_FORMATS = {"is": "%d.%m.%Y"}

THEME = "theme"
PLUGIN_PATHS = ["plugins"]
PLUGINS = ["campaign", "reading_time", "sitemap", "sitemap_hreflang", "safe_text", "social_cards",
           "template_cache", "page_cache"]
# Every template autoescapes: header text (titles, tags, coupon offers) is plain text and
# reaches the page as written. Only the rendered body is marked |safe (docs/theme.md).
JINJA_ENVIRONMENT = {"trim_blocks": True, "lstrip_blocks": True, "autoescape": True}

# Folder-style URLs: a tag slug ending in a digit never collides with a page of another tag.
ARTICLE_URL = "{date:%Y}/{slug}/"
ARTICLE_SAVE_AS = "{date:%Y}/{slug}/index.html"
ARTICLE_LANG_URL = "{lang}/{date:%Y}/{slug}/"
ARTICLE_LANG_SAVE_AS = "{lang}/{date:%Y}/{slug}/index.html"
PAGE_URL = "{slug}/"
PAGE_SAVE_AS = "{slug}/index.html"
PAGE_LANG_URL = "{lang}/{slug}/"
PAGE_LANG_SAVE_AS = "{lang}/{slug}/index.html"
CATEGORY_URL = "category/{slug}/"
CATEGORY_SAVE_AS = "category/{slug}/index.html"
CATEGORIES_URL = "categories/"
CATEGORIES_SAVE_AS = "categories/index.html"
TAG_URL = "tag/{slug}/"
TAG_SAVE_AS = "tag/{slug}/index.html"
TAGS_URL = "tags/"
TAGS_SAVE_AS = "tags/index.html"
AUTHOR_URL = "author/{slug}/"
AUTHOR_SAVE_AS = "author/{slug}/index.html"
AUTHORS_URL = "authors/"
AUTHORS_SAVE_AS = "authors/index.html"
# The home page is "/", not "/index.html" (links, canonical URL, page 1 of the pagination).
INDEX_URL = ""
ARCHIVES_URL = "archives/"
ARCHIVES_SAVE_AS = "archives/index.html"
DEFAULT_PAGINATION = 5
PAGINATION_PATTERNS = (
    (1, "{url}", "{save_as}"),
    (2, "{base_name}/page/{number}/", "{base_name}/page/{number}/index.html"),
)
# "404" renders theme/templates/404.html to output/404.html, where static hosts look for it.
DIRECT_TEMPLATES = ["index", "tags", "categories", "authors", "archives", "404"]
PAGINATED_TEMPLATES = {"index": None, "tag": None, "category": None, "author": None}
TEMPLATE_PAGES = {}

# No feeds in development (they need an absolute SITEURL); publishconf.py turns them on.
FEED_ALL_ATOM = None
CATEGORY_FEED_ATOM = None
TRANSLATION_FEED_ATOM = None
AUTHOR_FEED_ATOM = None
AUTHOR_FEED_RSS = None

SITEMAP = {"format": "xml", "exclude": [r"^404\.html$"]}

# Campaign plugin (plugins/campaign): see docs/writing-posts.md and docs/settings.md.
# Its reader reads every Markdown header strictly; header values are plain text, so no
# field is rendered as Markdown (a header Summary is stored HTML-escaped).
FORMATTED_FIELDS = []
CAMPAIGN_SITE_URL = PRODUCTION_SITEURL
CAMPAIGN_PLAN_PATH = str(ROOT / "state" / "plan.json")
# The brand answers on all three; a post without Social_Networks goes to every one of them.
CAMPAIGN_NETWORKS = ["x", "mastodon", "bluesky"]
# `Image:` is the social_cards plugin's key: the article's own share image (docs/social-cards.md).
CAMPAIGN_EXTRA_KEYS = ["Image"]

# Social cards (plugins/social_cards): one 1200x630 PNG per article, in output/images/cards/,
# rendered once into cache/social-cards/ (keyed by a hash of what shapes it) and reused.
SOCIAL_CARDS_CACHE_PATH = str(ROOT / "cache" / "social-cards")

# Every cache stays out of the way: builds are always from source.
CACHE_CONTENT = False
LOAD_CONTENT_CACHE = False
