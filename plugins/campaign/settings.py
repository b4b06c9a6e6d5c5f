"""CAMPAIGN_* settings: defaults, validation, and the resolved per-build configuration."""

import copy
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from contract.x_pricing import DEFAULT as DEFAULT_X_PRICES
from contract.x_pricing import XPrices, parse_prices, prices_problems

from .header.dates import parse_absolute
from .header.identity import KEYS as IDENTITY_KEYS
from .header.keys import KEY_RE, PELICAN_KEYS, suggest
from .header.metadata import classify, in_own_namespace
from .posts.weighing import NETWORKS
from .problems import Problem

DEFAULTS = {
    # Absolute production URL that shared links point to; None means SITEURL.
    "CAMPAIGN_SITE_URL": None,
    # Where the publish plan is written (relative paths: to the current folder); None: not written.
    "CAMPAIGN_PLAN_PATH": "state/plan.json",
    # Networks an article posts to when it names none (Social_Networks).
    "CAMPAIGN_NETWORKS": ["x"],
    # Query parameters added to every shared link; {network} and {campaign} are filled in.
    "CAMPAIGN_UTM": {
        "utm_source": "{network}",
        "utm_medium": "social",
        "utm_campaign": "{campaign}",
    },
    # Where the build writes when its site next changes by time alone (docs/contract.md
    # §1.1); None: not written. `publish cycle` sets it for every build it runs.
    "CAMPAIGN_NEXT_CHANGE_PATH": None,
    # Build time for coupon states (ISO 8601); None reads the clock once per build.
    "CAMPAIGN_NOW": None,
    # Most hashtags (from Tags) in a post the plugin writes itself.
    "CAMPAIGN_MAX_HASHTAGS": 3,
    "CAMPAIGN_OFFERS_URL": "offers/",
    "CAMPAIGN_OFFERS_SAVE_AS": "offers/index.html",
    "CAMPAIGN_OFFERS_JSON_SAVE_AS": "offers/offers.json",
    # Articles dated after CAMPAIGN_NOW: "show" (listed, marked as scheduled) or "hide"
    # (not written at all until their date; publishconf.py).
    "CAMPAIGN_FUTURE_POSTS": "show",
    # Header keys a site allows besides Pelican's and the campaign's (other plugins' keys).
    "CAMPAIGN_EXTRA_KEYS": [],
    # True: raw HTML in Markdown bodies is not checked for scripts and active content.
    "CAMPAIGN_ALLOW_RAW_HTML": False,
    # How many articles the "Most shared" list shows (0: no list).
    "CAMPAIGN_MOST_SHARED": 5,
    # Worker processes that render Markdown bodies while the build reads (prerender.py);
    # 0: every body is rendered by the reader, in the build's own process.
    "CAMPAIGN_READ_WORKERS": 0,
    # X's prices (docs/settings.md): None keeps contract/x_pricing.py's defaults; a mapping
    # overrides some, with the date they were read: {"post_usd": 0.02, "as_of": "2026-09"}.
    "CAMPAIGN_X_PRICES": None,
    # False: X posts go out without the article's link (cheaper on X: docs/settings.md); an
    # article's Social_X_Link: yes/no decides for its own posts.
    "CAMPAIGN_X_LINK": True,
}

FUTURE_POSTS = ("show", "hide")

_UTM_FIELDS = {"network", "campaign"}


@dataclass(frozen=True)
class Config:
    site_url: str
    plan_path: str | None
    networks: tuple[str, ...]
    utm: tuple[tuple[str, str], ...] | None
    now: datetime
    tz: ZoneInfo
    max_hashtags: int
    future_posts: str
    most_shared: int = 5
    x_prices: XPrices = DEFAULT_X_PRICES
    x_link: bool = True


def apply_defaults(settings: dict) -> None:
    for key, value in DEFAULTS.items():
        settings.setdefault(key, copy.deepcopy(value))


def site_url_of(settings: dict) -> str:
    value = settings.get("CAMPAIGN_SITE_URL")
    return settings.get("SITEURL", "") if value is None else value


def _is_absolute_http(url: object) -> bool:
    if not isinstance(url, str):
        return False
    parts = urlsplit(url)
    return parts.scheme in ("http", "https") and bool(parts.netloc)


def _check_utm(value: object) -> str | None:
    if value is None:
        return None
    if not isinstance(value, dict) or not all(
        isinstance(k, str) and k and isinstance(v, str) for k, v in value.items()
    ):
        return "must be a dict of query parameters or None"
    for name, template in value.items():
        fields = set(re.findall(r"\{([^{}]*)\}", template))
        unknown = sorted(fields - _UTM_FIELDS)
        if unknown:
            return f"{name}: unknown placeholder {{{unknown[0]}}} (use {{network}}, {{campaign}})"
    return None


def _check_save_as(value: object) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str) or not value or value.startswith("/") or ".." in value:
        return "must be a path relative to the output folder, or None"
    return None


def _check_extra_keys(value: object) -> str | None:
    if not isinstance(value, list | tuple) or not all(isinstance(k, str) for k in value):
        return "must be a list of header key names"
    for key in value:
        if not KEY_RE.fullmatch(key):
            return f"{key!r} is not a header key (an ASCII letter, then letters, digits, _ or -)"
        lowered = key.lower()
        if lowered in PELICAN_KEYS or lowered in IDENTITY_KEYS or classify(lowered) != "other":
            return f"{key!r} is already a known key"
        if in_own_namespace(key):
            return f"{key!r} is in the campaign plugin's namespace (Social*, Coupon*, " \
                "Campaign*, Engagement*)"
    return None


PREFIX = "CAMPAIGN_"


def unknown_settings(settings: dict) -> list[Problem]:
    """A CAMPAIGN_* name the plugin does not read is a typo: silently ignored, it would
    leave the default in effect (CAMPAIGN_FUTURE_POST = "hide" would publish future posts)."""
    problems = []
    for name in sorted(k for k in settings if isinstance(k, str) and k.startswith(PREFIX)):
        if name in DEFAULTS:
            continue
        # Compared without the prefix, which every name shares.
        hint = suggest(name.removeprefix(PREFIX).lower(),
                       [known.removeprefix(PREFIX).lower() for known in DEFAULTS])
        problems.append(Problem("unknown setting " + (
            f"(did you mean {PREFIX}{hint.upper()}?)" if hint
            else "(the campaign's settings are listed in docs/settings.md)"), name))
    return problems


def validate(settings: dict) -> list[Problem]:
    """Every problem with the CAMPAIGN_* settings, each on its setting."""
    problems = unknown_settings(settings)
    site = site_url_of(settings)
    if not _is_absolute_http(site):
        source = "CAMPAIGN_SITE_URL" if settings.get("CAMPAIGN_SITE_URL") is not None else (
            "CAMPAIGN_SITE_URL (unset, so SITEURL)"
        )
        problems.append(Problem(f"must be an absolute http(s) URL, got {site!r}", source))
    plan = settings.get("CAMPAIGN_PLAN_PATH")
    if plan is not None and (not isinstance(plan, str) or not plan):
        problems.append(Problem("must be a file path or None", "CAMPAIGN_PLAN_PATH"))
    changes = settings.get("CAMPAIGN_NEXT_CHANGE_PATH")
    if changes is not None and (not isinstance(changes, str) or not changes):
        problems.append(Problem("must be a file path or None", "CAMPAIGN_NEXT_CHANGE_PATH"))
    nets = settings.get("CAMPAIGN_NETWORKS")
    if not isinstance(nets, list | tuple) or not nets or not all(n in NETWORKS for n in nets):
        problems.append(Problem(
            f"must be a non-empty list of known networks ({', '.join(NETWORKS)})",
            "CAMPAIGN_NETWORKS"))
    utm = _check_utm(settings.get("CAMPAIGN_UTM"))
    if utm:
        problems.append(Problem(utm, "CAMPAIGN_UTM"))
    now = settings.get("CAMPAIGN_NOW")
    if now is not None and not _is_date_time(now):
        problems.append(Problem("must be an ISO 8601 date-time string or None", "CAMPAIGN_NOW"))
    for key in ("CAMPAIGN_MAX_HASHTAGS", "CAMPAIGN_MOST_SHARED", "CAMPAIGN_READ_WORKERS"):
        number = settings.get(key)
        if not isinstance(number, int) or isinstance(number, bool) or number < 0:
            problems.append(Problem("must be a whole number, 0 or more", key))
    url = settings.get("CAMPAIGN_OFFERS_URL")
    if not isinstance(url, str):
        problems.append(Problem("must be a string (URL of the offers page)",
                                "CAMPAIGN_OFFERS_URL"))
    for key in ("CAMPAIGN_OFFERS_SAVE_AS", "CAMPAIGN_OFFERS_JSON_SAVE_AS"):
        reason = _check_save_as(settings.get(key))
        if reason:
            problems.append(Problem(reason, key))
    future = settings.get("CAMPAIGN_FUTURE_POSTS")
    if future not in FUTURE_POSTS:
        problems.append(Problem(f'must be "show" or "hide", got {future!r}',
                                "CAMPAIGN_FUTURE_POSTS"))
    if not settings.get("WITH_FUTURE_DATES", True):
        problems.append(Problem(
            "must stay True (Pelican's default): False turns future posts "
            "into drafts, written to drafts/ and left out of the plan; "
            'use CAMPAIGN_FUTURE_POSTS = "hide" to keep them off the site until their date',
            "WITH_FUTURE_DATES"))
    extra = _check_extra_keys(settings.get("CAMPAIGN_EXTRA_KEYS"))
    if extra:
        problems.append(Problem(extra, "CAMPAIGN_EXTRA_KEYS"))
    if not isinstance(settings.get("CAMPAIGN_ALLOW_RAW_HTML"), bool):
        problems.append(Problem("must be True or False", "CAMPAIGN_ALLOW_RAW_HTML"))
    if not isinstance(settings.get("CAMPAIGN_X_LINK"), bool):
        problems.append(Problem("must be True or False", "CAMPAIGN_X_LINK"))
    prices = settings.get("CAMPAIGN_X_PRICES")
    if prices is not None:
        problems += [Problem(p, "CAMPAIGN_X_PRICES") for p in prices_problems(prices)]
    try:
        site_timezone(settings)
    except ZoneInfoNotFoundError:
        problems.append(Problem(f"unknown time zone {settings.get('TIMEZONE')!r}", "TIMEZONE"))
    return problems


def _is_date_time(value: object) -> bool:
    if not isinstance(value, str):
        return False
    try:
        parse_absolute(value, ZoneInfo("UTC"))
    except ValueError:
        return False
    return True


def site_timezone(settings: dict) -> ZoneInfo:
    return ZoneInfo(settings.get("TIMEZONE") or "UTC")


def resolve(settings: dict) -> Config:
    """The validated settings as one value; the clock is read here, once per build, unless
    CAMPAIGN_NOW pins it (tests do)."""
    tz = site_timezone(settings)
    now_setting = settings["CAMPAIGN_NOW"]
    now = datetime.now(UTC) if now_setting is None else parse_absolute(now_setting, tz)
    utm = settings["CAMPAIGN_UTM"]
    return Config(
        site_url=site_url_of(settings),
        plan_path=settings["CAMPAIGN_PLAN_PATH"],
        networks=tuple(settings["CAMPAIGN_NETWORKS"]),
        utm=None if utm is None else tuple(utm.items()),
        now=now,
        tz=tz,
        max_hashtags=settings["CAMPAIGN_MAX_HASHTAGS"],
        future_posts=settings["CAMPAIGN_FUTURE_POSTS"],
        most_shared=settings["CAMPAIGN_MOST_SHARED"],
        x_prices=parse_prices(settings["CAMPAIGN_X_PRICES"]),
        x_link=settings["CAMPAIGN_X_LINK"],
    )

