"""One article's plan items (docs/contract.md §1, contract/plan.py PlanItem) from its parsed
campaign values. Pure."""

import functools
from dataclasses import dataclass
from datetime import UTC, datetime

from contract.plan import ARTICLE_POST, COUPON_ANNOUNCEMENT, PlanItem

from ..header.dates import resolve_due
from ..header.identity import identity
from ..header.metadata import CampaignMeta, mentions_code
from ..problems import Problem
from ..settings import Config
from .lengths import Lengths
from .links import shared_link
from .text import compose, fill, hashtags, plain_text
from .weighing import NETWORKS


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


def _item(info, meta, counts, *, kind, slot, network, due, text, link, warnings,
          coupon_code):
    net = NETWORKS[network]
    link_warning = [net.link_warning] if net.link_warning and link in text else []
    return PlanItem(
        id=item_id(info, slot, network),
        kind=kind,
        network=network,
        due=_plan_due(due),
        text=text,
        link=link,
        weighted_length=counts.of(net)(text, (link,)),
        max_length=net.max_length,
        source=info.source,
        slug=info.slug,
        lang=info.lang,
        title=info.title,
        description=_description(info.summary),
        campaign=meta.campaign or info.slug,
        coupon=coupon_code,
        warnings=tuple(link_warning + warnings + net.warnings(text)),
    )


@functools.lru_cache(maxsize=16)  # a slot's items (one per network) share one instant
def _plan_due(due: datetime) -> datetime:
    """The plan's form of an instant: UTC, whole seconds, a plain datetime (an article's date
    is Pelican's SafeDatetime, whose strftime, about 70 µs, would format every item's `due`
    when the plan is written)."""
    moment = due.astimezone(UTC)
    return datetime(moment.year, moment.month, moment.day, moment.hour, moment.minute,
                    moment.second, tzinfo=UTC)


@functools.lru_cache(maxsize=1)   # an article's items share one copy of its summary
def _description(summary: str) -> str:
    return plain_text(summary)


def _link(info, meta, config, network) -> str:
    campaign = meta.campaign or info.slug
    return shared_link(config.site_url, info.url, config.utm, network, campaign)


def _link_in_text(meta, config, network) -> bool:
    """False for an X post without its link (Social_X_Link: no, or CAMPAIGN_X_LINK = False):
    X charges less for it. The item keeps its `link` (the page checked before posting)."""
    if network != "x":
        return True
    return config.x_link if meta.x_link is None else meta.x_link


def _length_problem(text: str, link: str, network: str, counts: Lengths) -> str | None:
    net = NETWORKS[network]
    length = counts.of(net)(text, (link,))
    if length > net.max_length:
        return (
            f"{length} {net.length_unit} on {net.label}, the limit is {net.max_length} "
            f"({net.length_help})"
        )
    return next(iter(net.problems(text)), None)


def _post_items(info, meta, config, counts, problems):
    coupon = meta.coupon
    items = []
    for slot in meta.slots:
        due, warnings = resolve_due(slot.at, info.date)
        for network in slot.networks:
            link = _link(info, meta, config, network)
            shown = link if _link_in_text(meta, config, network) else ""
            key, template = slot.text_for(network)
            if template is None:
                net = NETWORKS[network]
                tags = hashtags(info.tags, config.max_hashtags)
                text = compose(info.title, info.summary, tags, shown, net.max_length,
                               counts.of(net))
                if text is None:
                    problems.append(Problem("no room for a matching post; write Social", key,
                                            network=network))
                    continue
                if reason := next(iter(net.problems(text)), None):
                    problems.append(Problem(reason, key))
                    continue
            else:
                text = fill(template, shown, coupon.code if coupon else None)
                reason = _length_problem(text, link, network, counts)
                if reason:
                    problems.append(Problem(reason, key))
                    continue
            code = None
            if coupon and mentions_code(template or text, coupon.code):
                code = coupon.code
                outside = _window_problem(due, coupon, config.tz)
                if outside:
                    problems.append(Problem(f"mentions coupon {coupon.code} but {outside}", key,
                                            network=network))
                    continue
            slot_name = f"social-{slot.number}"
            items.append(
                _item(info, meta, counts, kind=ARTICLE_POST, slot=slot_name, network=network,
                      due=due, text=text, link=link, warnings=warnings, coupon_code=code)
            )
    return items


def _announcement_items(info, meta, config, counts, problems):
    coupon = meta.coupon
    if coupon is None or (coupon.social is None and not coupon.socials):
        return []
    due, warnings = resolve_due(coupon.starts, info.date)
    outside = _window_problem(due, coupon, config.tz)
    if outside:
        key = ("Coupon_Social" if coupon.social is not None
               else coupon.social_for(next(iter(coupon.socials)))[0])
        problems.append(Problem(f"the announcement {outside}", key))
        return []
    items = []
    for network in meta.networks:
        key, template = coupon.social_for(network)
        if template is None:
            continue
        link = _link(info, meta, config, network)
        text = fill(template, link if _link_in_text(meta, config, network) else "",
                    coupon.code)
        reason = _length_problem(text, link, network, counts)
        if reason:
            problems.append(Problem(reason, key))
            continue
        items.append(
            _item(info, meta, counts, kind=COUPON_ANNOUNCEMENT, slot="coupon", network=network,
                  due=due, text=text, link=link, warnings=warnings, coupon_code=coupon.code)
        )
    return items


def article_items(info: ArticleInfo, meta: CampaignMeta, config: Config, counts: Lengths):
    """(items, problems: one found on one network names it; problems.merged() says each
    once). Texts are measured through `counts`, the
    build's remembered lengths (posts/lengths.py)."""
    problems: list[Problem] = []
    items = _post_items(info, meta, config, counts, problems)
    items += _announcement_items(info, meta, config, counts, problems)
    return items, problems
