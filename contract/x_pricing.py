"""What posting to X costs: the price list (defaults written here once), its validation, and
the estimated cost of one planned post. Both sides use it: the plugin validates the site's
CAMPAIGN_X_PRICES and writes the resolved prices into the plan document (`x_prices`), the
publisher reads them back from the plan (`plan`, `status`, `diff`, the report and the monthly
budget), so both price a post alike. Pure; imports neither side.

X's pay-per-use prices since 20 April 2026 (X developer docs, "Pricing" page and changelog,
as of 2026-08): a post whose text carries a link costs $0.20, any other post $0.015; reading
a post $0.005, reading one's own posts $0.001. Mastodon and Bluesky cost nothing to post.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, fields
from datetime import date, datetime, tzinfo

SOURCE = "X developer docs, Pricing page"
_LINK = re.compile(r"https?://", re.IGNORECASE)
_AS_OF = re.compile(r"\d{4}-\d{2}(-\d{2})?")


@dataclass(frozen=True)
class XPrices:
    """X's prices in US dollars, and the date they were read off X's pricing page."""
    post_with_link_usd: float = 0.20
    post_usd: float = 0.015
    read_usd: float = 0.005
    own_read_usd: float = 0.001
    as_of: str = "2026-08"

    def as_json(self) -> dict[str, float | str]:
        return asdict(self)


DEFAULT = XPrices()
PRICE_KEYS = tuple(f.name for f in fields(XPrices) if f.name != "as_of")


def _as_of_problem(value: object) -> str | None:
    if not isinstance(value, str) or not _AS_OF.fullmatch(value):
        return f"must be a date like 2026-08 or 2026-08-01, got {value!r}"
    try:
        date.fromisoformat(value if len(value) == 10 else value + "-01")
    except ValueError:
        return f"not a real date: {value!r}"
    return None


def prices_problems(raw: object) -> list[str]:
    """Every problem with a price mapping (the setting's or the plan's), as `key: reason`.
    Keys left out keep their defaults."""
    if not isinstance(raw, Mapping):
        return [f"must be a mapping of {', '.join(PRICE_KEYS)} and as_of, got {raw!r}"]
    problems = []
    known = (*PRICE_KEYS, "as_of")
    for key in raw:
        if key not in known:
            problems.append(f"{key}: unknown key (known: {', '.join(known)})")
    for key in PRICE_KEYS:
        value = raw.get(key, 0)
        if isinstance(value, bool) or not isinstance(value, int | float) or not (
                0 <= value < 1000):
            problems.append(f"{key}: must be a price in US dollars, 0 or more, "
                            f"got {value!r}")
    if "as_of" in raw and (problem := _as_of_problem(raw["as_of"])):
        problems.append(f"as_of: {problem}")
    if "as_of" not in raw and any(key in raw for key in PRICE_KEYS):
        problems.append("as_of: missing: say when the prices were read off X's pricing page")
    return problems


class PricesError(ValueError):
    """A price mapping that fails validation; one problem a line."""


def parse_prices(raw: object | None) -> XPrices:
    """The prices a mapping gives (None: the defaults); PricesError naming each bad key."""
    if raw is None:
        return DEFAULT
    problems = prices_problems(raw)
    if problems:
        raise PricesError("\n".join(problems))
    assert isinstance(raw, Mapping)
    return XPrices(**{**DEFAULT.as_json(), **{k: raw[k] for k in raw}})


def _field(item: object, name: str) -> object:
    return item.get(name) if isinstance(item, Mapping) else getattr(item, name, None)


def has_link(text: str) -> bool:
    """X bills a post as a link post when its text carries a URL."""
    return bool(_LINK.search(text))


def estimated_cost_usd(item: object, prices: XPrices = DEFAULT) -> float:
    """The estimated price in US dollars of posting `item` once: a plan item as the plan
    file has it (a mapping with `network` and `text`) or an object with those attributes."""
    if _field(item, "network") != "x":
        return 0.0
    text = str(_field(item, "text") or "")
    return prices.post_with_link_usd if has_link(text) else prices.post_usd


def month_of(when: datetime, tz: tzinfo) -> str:
    """The calendar month (`2026-12`) `when` falls in, in the site's time zone: the budget's
    month and the month the totals are summed over."""
    return when.astimezone(tz).strftime("%Y-%m")


def total_usd(costs: Iterable[float]) -> float:
    """A sum of prices, rounded to a tenth of a cent (no 0.30000000000000004)."""
    return round(sum(costs), 4)


def usd(amount: float) -> str:
    """`$0.20`, `$0.015`: at least cents, at most a tenth of a cent."""
    text = f"{amount:.3f}"
    return "$" + (text[:-1] if text.endswith("0") else text)
