"""One article's campaign header → values. Pure: no Pelican, no clock, no files.

Keys arrive lowercased, values as strings (the reader, reader.py, has already refused
unknown and repeated keys and joined continued lines). Problems come back as Problems
(plugins/campaign/problems.py) without a file; the caller adds the file name.
"""

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from ..posts.weighing import NETWORKS
from ..problems import Problem
from .dates import parse_absolute, parse_when, relative_problem
from .engagement import parse_engagement
from .identity import KEYS as IDENTITY_KEYS
from .identity import parse_identity
from .keys import display_key

# Keys the plugin reads; numbered Social_<n>[_At|_Networks] keys (n >= 2) match SLOT_RE.
FIXED_KEYS = [
    "social", "social_at", "social_networks",
    "coupon", "coupon_offer", "coupon_starts", "coupon_expires", "coupon_terms",
    "coupon_social", "campaign", "social_x_link", *IDENTITY_KEYS,
]
ENGAGEMENT_PREFIX_RE = re.compile(r"^engagement[_-]")
# Key names the campaign keeps for itself: a site's extra key may not start like these.
_OWN_NAMESPACE_RE = re.compile(r"^(social|coupon|campaign|engagement)([_-]|$)", re.IGNORECASE)
CODE_RE = re.compile(r"^[A-Z0-9-]{3,32}$")
SLOT_RE = re.compile(r"^social_([1-9]\d*)(_at|_networks)?$")
# A text for one network only: Social_Bluesky, Social_2_Mastodon, Coupon_Social_X.
NETWORK_TEXT_RE = re.compile(
    rf"^(social(?:_([1-9]\d*))?|coupon_social)_({'|'.join(NETWORKS)})$")
PLACEHOLDER_RE = re.compile(r"\{([^{}]*)\}")
POST_PLACEHOLDERS = ("url", "code")
OFF = "off"


@dataclass(frozen=True)
class SocialSlot:
    number: int
    key: str  # "Social", "Social_2", … as shown in messages
    text: str | None  # template with {url}/{code}; None: the plugin writes the post
    at: datetime | timedelta | None  # None: the article's date
    networks: tuple[str, ...]
    # network → its own template (Social_Bluesky, Social_2_Mastodon), in place of `text`
    texts: Mapping[str, str] = field(default_factory=dict)

    def text_for(self, network: str) -> tuple[str, str | None]:
        """(the key shown in messages, the template) for one network."""
        if network in self.texts:
            return f"{self.key}_{NETWORKS[network].label}", self.texts[network]
        return self.key, self.text


@dataclass(frozen=True)
class Coupon:
    code: str
    offer: str
    terms: str | None
    starts: datetime | None
    expires: datetime | None
    social: str | None  # announcement template with {url}/{code}
    socials: Mapping[str, str] = field(default_factory=dict)  # Coupon_Social_<Network>

    def social_for(self, network: str) -> tuple[str, str | None]:
        if network in self.socials:
            return f"Coupon_Social_{NETWORKS[network].label}", self.socials[network]
        return "Coupon_Social", self.social


@dataclass(frozen=True)
class CampaignMeta:
    slots: tuple[SocialSlot, ...] = ()
    social_off: bool = False
    networks: tuple[str, ...] = ()  # Social_Networks or the default: the coupon announcement's
    coupon: Coupon | None = None
    campaign: str | None = None
    engagement: dict = field(default_factory=dict)
    shared_id: str | None = None  # pinned by the publisher (identity.py)
    shared_urls: tuple[str, ...] = ()
    x_link: bool | None = None  # Social_X_Link: yes/no; None: the site's CAMPAIGN_X_LINK


def mentions_code(text: str, code: str) -> bool:
    if "{code}" in text:
        return True
    if text.isascii() and code.lower() not in text.lower():
        return False  # (only ASCII: case-insensitive re also matches e.g. the Kelvin sign K)
    pattern = rf"(?<![A-Za-z0-9-]){re.escape(code)}(?![A-Za-z0-9-])"
    return re.search(pattern, text, re.IGNORECASE) is not None


def check_template(text: str, allowed: tuple[str, ...] = POST_PLACEHOLDERS) -> str | None:
    """Why a post text cannot be used, or None."""
    if not text.strip():
        return "empty text"
    for name in PLACEHOLDER_RE.findall(text):
        if name not in allowed:
            shown = ", ".join(f"{{{a}}}" for a in allowed)
            return f"unknown placeholder {{{name}}} (only {shown})"
    count = text.count("{url}")
    if count > 1:
        return f"{{url}} appears {count} times; the link can appear only once"
    return None


def parse_networks(value: str, enabled: tuple[str, ...]) -> tuple[str, ...]:
    names = [part.strip().lower() for part in value.split(",") if part.strip()]
    if not names:
        raise ValueError("empty: name at least one network, e.g. x")
    for name in names:
        if name not in NETWORKS:
            raise ValueError(f"unknown network {name!r} (known: {', '.join(NETWORKS)})")
        if name not in enabled:
            raise ValueError(f"network {name!r} is not enabled in CAMPAIGN_NETWORKS")
    return tuple(dict.fromkeys(names))


def classify(key: str) -> str:
    """"own" (a campaign key), "engagement" (written by the publisher) or "other"."""
    if key in FIXED_KEYS or ((m := SLOT_RE.match(key)) and m.group(1) != "1"):
        return "own"
    if (m := NETWORK_TEXT_RE.match(key)) and m.group(2) != "1":
        return "own"
    if ENGAGEMENT_PREFIX_RE.match(key):
        return "engagement"
    return "other"


def in_own_namespace(key: str) -> bool:
    """`Social*`, `Coupon*`, `Campaign*`, `Engagement*` (any case): the campaign's keys,
    present and future."""
    return _OWN_NAMESPACE_RE.match(key) is not None


def known_keys_like(key: str) -> list[str]:
    """Campaign keys to suggest for `key`, with the numbered keys for any number (>= 2) in it."""
    numbers = [n for n in re.findall(r"\d+", key) if int(n) >= 2]
    # A one-letter network (x) is left out: `Social_1` means `Social`, not `Social_X`.
    per_network = [f"{base}_{network}" for network in NETWORKS if len(network) > 1
                   for base in ("social", "coupon_social", *(f"social_{n}" for n in numbers))]
    return (FIXED_KEYS + per_network
            + [f"social_{n}{s}" for n in numbers for s in ("", "_at", "_networks")])


def _split_keys(meta: Mapping) -> tuple[dict, dict]:
    own, engagement = {}, {}
    for key in sorted(meta):
        kind = classify(key)
        if kind == "own":
            own[key] = str(meta[key])
        elif kind == "engagement":
            engagement[key] = str(meta[key])
    return own, engagement


def _parse_slot_networks(own, key, enabled, problems) -> tuple[str, ...]:
    if key not in own:
        return enabled
    try:
        return parse_networks(own[key], enabled)
    except ValueError as error:
        problems.append(Problem(str(error), display_key(key)))
        return enabled


def _parse_at(value: str, tz: ZoneInfo, article_date: datetime | None):
    """A slot's time; ValueError when it is unreadable or lands outside the years."""
    at = parse_when(value, tz)
    if isinstance(at, timedelta) and article_date is not None:
        reason = relative_problem(value, at, article_date)
        if reason:
            raise ValueError(reason)
    return at


def _parse_slots(own: dict, tz: ZoneInfo, networks: tuple, problems: list,
                 article_date: datetime | None):
    numbers = {1} | {int(m.group(1)) for k in own if (m := SLOT_RE.match(k))}
    bases = {n: "social" if n == 1 else f"social_{n}" for n in numbers}
    texts = {n: own.get(bases[n]) for n in numbers}
    off = texts[1] is not None and texts[1].strip().lower() == OFF
    slots = []
    for n in sorted(numbers):
        base, name, text = bases[n], display_key(bases[n]), texts[n]
        if n > 1 and text is None:
            for suffix in ("_at", "_networks"):
                if base + suffix in own:
                    problems.append(Problem(f"set without {name}", display_key(base + suffix)))
            continue
        if n > 2 and texts.get(n - 1) is None:
            problems.append(
                Problem(f"Social_{n - 1} is missing (number the posts 2, 3, … without gaps)", name)
            )
        at = None
        if base + "_at" in own:
            try:
                at = _parse_at(own[base + "_at"], tz, article_date)
            except ValueError as error:
                problems.append(Problem(str(error), display_key(base + "_at")))
        slot_networks = networks
        if n > 1:
            slot_networks = _parse_slot_networks(own, base + "_networks", networks, problems)
        if text is not None and not (n == 1 and off):
            if text.strip().lower() == OFF:
                problems.append(Problem("off works only on Social (it opts the article out)", name))
                continue
            reason = check_template(text)
            if reason:
                problems.append(Problem(reason, name))
                continue
            text = text.strip()
        per_network = _network_texts(own, base, name, slot_networks, problems)
        if off and n == 1:
            for network in per_network:
                problems.append(Problem("set, but Social is off (the article is not shared)",
                                        f"{name}_{NETWORKS[network].label}"))
        slots.append(SocialSlot(n, name, text, at, slot_networks, per_network))
    for key in own:
        m = NETWORK_TEXT_RE.match(key)
        if m and m.group(2) and int(m.group(2)) not in {s.number for s in slots}:
            base = display_key(f"social_{m.group(2)}")
            problems.append(Problem(f"set without {base}", display_key(key)))
    return (() if off else tuple(slots)), off


def _network_texts(own: dict, base: str, name: str, networks: tuple[str, ...],
                   problems: list) -> dict[str, str]:
    """The slot's (or announcement's) texts for one network only: `<base>_<network>`."""
    texts = {}
    for network in NETWORKS:
        key = f"{base}_{network}"
        if key not in own:
            continue
        shown = display_key(key)
        if network not in networks:
            listed = ", ".join(networks) or "none"
            problems.append(Problem(f"{network} is not among the networks of {name} "
                                    f"({listed}): add it to Social_Networks or remove this key",
                                    shown))
            continue
        reason = check_template(own[key])
        if reason:
            problems.append(Problem(reason, shown))
            continue
        texts[network] = own[key].strip()
    return texts


def _parse_date(own, key, tz, problems) -> datetime | None:
    if key not in own:
        return None
    try:
        return parse_absolute(own[key], tz)
    except ValueError as error:
        problems.append(Problem(str(error), display_key(key)))
        return None


def _yes_or_no(own, key, problems) -> bool | None:
    if key not in own:
        return None
    value = own[key].strip().lower()
    if value not in ("yes", "no"):
        problems.append(Problem(f"must be yes or no, got {own[key].strip()!r}",
                                display_key(key)))
        return None
    return value == "yes"


def _optional_text(own, key, problems) -> str | None:
    if key not in own:
        return None
    text = own[key].strip()
    if not text:
        problems.append(Problem("empty (leave the key out instead)", display_key(key)))
        return None
    return text


def _parse_coupon(own: dict, tz: ZoneInfo, networks: tuple[str, ...],
                  problems: list) -> Coupon | None:
    if "coupon" not in own:
        for key in sorted(k for k in own if k.startswith("coupon_")):
            problems.append(Problem("set without Coupon", display_key(key)))
        return None
    before = len(problems)
    code = own["coupon"].strip()
    if not CODE_RE.match(code):
        problems.append(Problem(
            f"{code!r} is not a coupon code: use 3 to 32 characters A-Z, 0-9 or -", "Coupon"))
    offer = own.get("coupon_offer", "").strip()
    if not offer:
        problems.append(Problem("missing: what the reader gets (required with Coupon)",
                                "Coupon_Offer"))
    starts = _parse_date(own, "coupon_starts", tz, problems)
    expires = _parse_date(own, "coupon_expires", tz, problems)
    if starts and expires and expires <= starts:
        problems.append(Problem(
            f"must be after Coupon_Starts ({own['coupon_starts'].strip()})", "Coupon_Expires"))
    terms = _optional_text(own, "coupon_terms", problems)
    social = _optional_text(own, "coupon_social", problems)
    if social is not None:
        reason = check_template(social)
        if reason:
            problems.append(Problem(reason, "Coupon_Social"))
    socials = _network_texts(own, "coupon_social", "the coupon announcement", networks,
                             problems)
    if len(problems) > before:
        return None
    return Coupon(code, offer, terms, starts, expires, social, socials)


def parse_campaign_meta(
    meta: Mapping, tz: ZoneInfo, enabled: tuple[str, ...], article_date: datetime | None = None
) -> tuple[CampaignMeta, list[Problem]]:
    """The article's campaign values and every problem found in its header (one found on one
    network names it: problems.merged() says each once). With the article's date, relative
    times are checked to stay inside the years."""
    problems: list[Problem] = []
    own, engagement_lines = _split_keys(meta)
    networks = _parse_slot_networks(own, "social_networks", enabled, problems)
    slots, off = _parse_slots(own, tz, networks, problems, article_date)
    coupon = _parse_coupon(own, tz, networks, problems)
    if "coupon" not in own:
        for slot in slots:
            for network in slot.networks:
                key, text = slot.text_for(network)
                if text and "{code}" in text:
                    problems.append(Problem("{code} needs a Coupon", key, network=network))
    campaign = None
    if "campaign" in own:
        campaign = own["campaign"].strip()
        if not campaign:
            problems.append(Problem("empty (leave it out to use the article's slug)", "Campaign"))
    x_link = _yes_or_no(own, "social_x_link", problems)
    engagement, engagement_problems = parse_engagement(engagement_lines)
    problems += engagement_problems
    shared_id, shared_urls = parse_identity(own, problems)
    meta_value = CampaignMeta(slots, off, networks, coupon, campaign or None, engagement,
                              shared_id, shared_urls, x_link)
    return meta_value, problems
