"""One article's plan items (docs/contract.md §1) from its parsed campaign values. Pure."""

import functools
from dataclasses import dataclass, fields
from datetime import datetime

from ..header.dates import resolve_due, utc_iso
from ..header.identity import identity
from ..header.metadata import CampaignMeta, mentions_code
from ..settings import Config
from . import lengths
from .links import shared_link
from .text import compose, fill, hashtags, plain_text
from .weighing import NETWORKS

ARTICLE_POST = "article-post"
COUPON_ANNOUNCEMENT = "coupon-announcement"


@dataclass(frozen=True)
class ArticleInfo:
    """What the plugin needs from a Pelican article."""

    source: str  # relative to the content folder, "/" separators
    slug: str
    lang: str
    title: str
    url: str  # Pelican's article.url (relative)
    date: datetime  # aware
    summary: str  # HTML
    tags: tuple[str, ...]
    shared_id: str | None = None  # Shared_Id: the ids' <lang>/<slug> once first shared


def item_id(info: ArticleInfo, slot: str, network: str) -> str:
    return f"{identity(info.lang, info.slug, info.shared_id)}/{slot}/{network}"


def _local(moment: datetime, tz) -> str:
    return moment.astimezone(tz).strftime("%Y-%m-%d %H:%M")


def _window_problem(due: datetime, coupon, tz) -> str | None:
    """Why `due` is outside the coupon's validity, in site time, or None."""
    when = f"is due {_local(due, tz)}"
    if coupon.starts and due < coupon.starts:
        return f"{when}, before Coupon_Starts ({_local(coupon.starts, tz)})"
    if coupon.expires and due >= coupon.expires:
        return f"{when}, at or after Coupon_Expires ({_local(coupon.expires, tz)})"
    return None


@dataclass(frozen=True, slots=True)
class PlanItem:
    """One plan item (docs/contract.md §1). Slotted: a build holds one per post and network
    (4,000 at 1,000 posts on three networks), about a fifth of a dict's memory each. Read
    like a dict too (`item["id"]`), as templates and the JSON writer do."""
    id: str
    kind: str
    network: str
    due: str
    text: str
    link: str
    weighted_length: int
    max_length: int
    source: str
    slug: str
    lang: str
    title: str
    description: str
    campaign: str
    coupon: str | None
    warnings: tuple[str, ...]

    def __getitem__(self, key: str):
        return getattr(self, key)

    def as_json(self) -> dict:
        return {f.name: getattr(self, f.name) for f in fields(self)}


def _item(info, meta, *, kind, slot, network, due, text, link, warnings, coupon_code):
    net = NETWORKS[network]
    return PlanItem(
        id=item_id(info, slot, network),
        kind=kind,
        network=network,
        due=utc_iso(due),
        text=text,
        link=link,
        weighted_length=lengths.of(net)(text, (link,)),
        max_length=net.max_length,
        source=info.source,
        slug=info.slug,
        lang=info.lang,
        title=info.title,
        description=_description(info.summary),
        campaign=meta.campaign or info.slug,
        coupon=coupon_code,
        warnings=tuple(([net.link_warning] if net.link_warning else []) + warnings
                       + net.warnings(text)),
    )


@functools.lru_cache(maxsize=1)   # an article's items share one copy of its summary
def _description(summary: str) -> str:
    return plain_text(summary)


def _link(info, meta, config, network) -> str:
    campaign = meta.campaign or info.slug
    return shared_link(config.site_url, info.url, config.utm, network, campaign)


def _length_problem(text: str, link: str, network: str) -> str | None:
    net = NETWORKS[network]
    length = lengths.of(net)(text, (link,))
    if length > net.max_length:
        return (
            f"{length} {net.length_unit} on {net.label}, the limit is {net.max_length} "
            f"({net.length_help})"
        )
    return next(iter(net.problems(text)), None)


def _post_items(info, meta, config, problems):
    coupon = meta.coupon
    items = []
    for slot in meta.slots:
        due, warnings = resolve_due(slot.at, info.date)
        for network in slot.networks:
            link = _link(info, meta, config, network)
            key, template = slot.text_for(network)
            if template is None:
                net = NETWORKS[network]
                tags = hashtags(info.tags, config.max_hashtags)
                text = compose(info.title, info.summary, tags, link, net.max_length,
                               lengths.of(net))
                if text is None:
                    problems.append((key, "no room for a matching post; write Social",
                                     network))
                    continue
                if reason := next(iter(net.problems(text)), None):
                    problems.append((key, reason))
                    continue
            else:
                text = fill(template, link, coupon.code if coupon else None)
                reason = _length_problem(text, link, network)
                if reason:
                    problems.append((key, reason))
                    continue
            code = None
            if coupon and mentions_code(template or text, coupon.code):
                code = coupon.code
                outside = _window_problem(due, coupon, config.tz)
                if outside:
                    problems.append((key, f"mentions coupon {coupon.code} but {outside}",
                                     network))
                    continue
            slot_name = f"social-{slot.number}"
            items.append(
                _item(info, meta, kind=ARTICLE_POST, slot=slot_name, network=network, due=due,
                      text=text, link=link, warnings=warnings, coupon_code=code)
            )
    return items


def _announcement_items(info, meta, config, problems):
    coupon = meta.coupon
    if coupon is None or (coupon.social is None and not coupon.socials):
        return []
    due, warnings = resolve_due(coupon.starts, info.date)
    outside = _window_problem(due, coupon, config.tz)
    if outside:
        key = ("Coupon_Social" if coupon.social is not None
               else coupon.social_for(next(iter(coupon.socials)))[0])
        problems.append((key, f"the announcement {outside}"))
        return []
    items = []
    for network in meta.networks:
        key, template = coupon.social_for(network)
        if template is None:
            continue
        link = _link(info, meta, config, network)
        text = fill(template, link, coupon.code)
        reason = _length_problem(text, link, network)
        if reason:
            problems.append((key, reason))
            continue
        items.append(
            _item(info, meta, kind=COUPON_ANNOUNCEMENT, slot="coupon", network=network, due=due,
                  text=text, link=link, warnings=warnings, coupon_code=coupon.code)
        )
    return items


def article_items(info: ArticleInfo, meta: CampaignMeta, config: Config):
    """(items, problems as (Key, reason) or, when found on one network, (Key, reason,
    network): problems.merged() says each once)."""
    problems: list[tuple] = []
    items = _post_items(info, meta, config, problems)
    items += _announcement_items(info, meta, config, problems)
    return items, problems
