"""Load and validate the campaign plan (docs/contract.md §1) into its records
(contract/plan.py, shared with the plugin that writes it). Pure validation over values;
`load_plan` is the only function that touches the disk."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from contract.plan import (
    COUPON_TEXT_FIELDS,
    COUPON_TIME_FIELDS,
    ITEM_INT_FIELDS,
    ITEM_OPTIONAL_TEXT_FIELDS,
    ITEM_TEXT_FIELDS,
    KINDS,
    SCHEMA,
    PlanCoupon,
    PlanItem,
)
from contract.x_pricing import DEFAULT as DEFAULT_X_PRICES
from contract.x_pricing import XPrices, parse_prices, prices_problems
from publish.clock import TimeFormatError, parse_time
from publish.errors import ConfigError


class PlanError(ConfigError):
    """The plan is missing or not in the contract's format (a configuration error)."""


class PlanMissing(PlanError):
    """There is no plan file at all."""


@dataclass(frozen=True)
class Plan:
    site_url: str
    items: tuple[PlanItem, ...] = field(default_factory=tuple)
    timezone: str = "UTC"   # the site's TIMEZONE (IANA name): how people read the times
    coupons: tuple[PlanCoupon, ...] = ()
    x_prices: XPrices = DEFAULT_X_PRICES   # the site's CAMPAIGN_X_PRICES (older plans: defaults)

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def by_id(self) -> dict[str, PlanItem]:
        return {item.id: item for item in self.items}


def source_problem(source: str) -> str | None:
    """None when `source` has the contract's form (docs/contract.md §1): a relative path inside
    the content folder with `/` separators; else what is wrong. The write-back checks the
    resolved path again (symlinks), see publish.posting.writeback.content_file."""
    if "\x00" in source or any(not c.isprintable() for c in source):
        return "contains a NUL or control character"
    if "\\" in source:
        return "contains a backslash (use / separators)"
    if source.startswith("/"):
        return "is absolute (it must be relative to the content folder)"
    if any(part in ("", ".", "..") for part in source.split("/")):
        return "has an empty, '.' or '..' part (it must stay inside the content folder)"
    return None


def _item(raw: object, index: int) -> PlanItem:
    where = f"items[{index}]"
    if not isinstance(raw, dict):
        raise PlanError(f"{where} is not an object")
    if isinstance(raw.get("id"), str):
        where = f"item {raw['id']!r}"
    for key in ITEM_TEXT_FIELDS:
        if not isinstance(raw.get(key), str) or not raw[key]:
            raise PlanError(f"{where}: '{key}' must be a non-empty string")
    for key in ITEM_INT_FIELDS:
        if not isinstance(raw.get(key), int) or isinstance(raw.get(key), bool):
            raise PlanError(f"{where}: '{key}' must be an integer")
    if raw["kind"] not in KINDS:
        raise PlanError(f"{where}: unknown kind {raw['kind']!r} (expected one of {KINDS})")
    try:
        due = parse_time(raw["due"])
    except TimeFormatError as exc:
        raise PlanError(f"{where}: 'due': {exc}") from None
    warnings = raw.get("warnings", [])
    if not isinstance(warnings, list) or not all(isinstance(w, str) for w in warnings):
        raise PlanError(f"{where}: 'warnings' must be a list of strings")
    if not isinstance(raw.get("description", ""), str):
        raise PlanError(f"{where}: 'description' must be a string")
    for key in ITEM_OPTIONAL_TEXT_FIELDS:
        if raw.get(key) is not None and not isinstance(raw[key], str):
            raise PlanError(f"{where}: '{key}' must be a string or null")
    if problem := source_problem(raw["source"]):
        raise PlanError(f"{where}: 'source' {raw['source']!r} {problem}")
    return PlanItem(
        id=raw["id"], kind=raw["kind"], network=raw["network"], due=due, text=raw["text"],
        link=raw["link"], weighted_length=raw["weighted_length"],
        max_length=raw["max_length"], source=raw["source"], slug=raw["slug"],
        lang=raw["lang"], title=raw["title"], campaign=raw.get("campaign"),
        coupon=raw.get("coupon"), warnings=tuple(warnings),
        description=raw.get("description", ""),
    )


def parse_plan(data: object) -> Plan:
    """Validate a decoded plan document → Plan (items sorted by (due, id))."""
    if not isinstance(data, dict):
        raise PlanError("the plan is not a JSON object")
    if data.get("schema") != SCHEMA:
        raise PlanError(f"unsupported plan schema {data.get('schema')!r} (expected {SCHEMA!r})")
    if not isinstance(data.get("site_url"), str):
        raise PlanError("'site_url' must be a string")
    raw_items = data.get("items")
    if not isinstance(raw_items, list):
        raise PlanError("'items' must be a list")
    items, problems = [], []
    for index, raw in enumerate(raw_items):
        try:
            items.append(_item(raw, index))
        except PlanError as exc:
            problems.append(str(exc))
    seen: set[str] = set()
    for item in items:
        if item.id in seen:
            problems.append(f"duplicate item id {item.id!r}")
        seen.add(item.id)
    if problems:
        raise PlanError("\n".join(problems))      # every bad item at once, one per line
    coupons = _coupons(data.get("coupons", []), problems)
    problems += [f"'x_prices': {p}" for p in prices_problems(data.get("x_prices", {}))]
    if problems:
        raise PlanError("\n".join(problems))
    items.sort(key=lambda it: (it.due, it.id))
    return Plan(site_url=data["site_url"], items=tuple(items),
                timezone=_timezone(data.get("timezone", "UTC")), coupons=coupons,
                x_prices=parse_prices(data.get("x_prices", {})))


def _coupons(raw: object, problems: list[str]) -> tuple[PlanCoupon, ...]:
    """The optional `coupons` list (absent in older plans: none)."""
    if not isinstance(raw, list):
        problems.append("'coupons' must be a list")
        return ()
    found = []
    for index, entry in enumerate(raw):
        where = f"coupons[{index}]"
        if not isinstance(entry, dict):
            problems.append(f"{where} is not an object")
            continue
        bad = [k for k in COUPON_TEXT_FIELDS if not isinstance(entry.get(k), str) or not entry[k]]
        if bad:
            problems.append(f"{where}: {', '.join(repr(k) for k in bad)} must be "
                            "non-empty strings")
            continue
        times: dict[str, datetime | None] = {}
        for key in COUPON_TIME_FIELDS:
            value = entry.get(key)
            if value is not None and not isinstance(value, str):
                problems.append(f"{where}: '{key}' must be a time or null")
                continue
            try:
                times[key] = None if value is None else parse_time(value)
            except TimeFormatError as exc:
                problems.append(f"{where}: '{key}': {exc}")
        if len(times) == 2:
            found.append(PlanCoupon(**{k: entry[k] for k in COUPON_TEXT_FIELDS},
                                    starts=times["starts"], expires=times["expires"]))
    return tuple(found)


def _timezone(name: object) -> str:
    """The optional `timezone` field: an IANA name (absent: UTC)."""
    example = "an IANA time zone name such as 'Atlantic/Reykjavik'"
    if not isinstance(name, str) or not name:
        raise PlanError(f"'timezone' must be {example}")
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise PlanError(f"'timezone': unknown time zone {name!r} (expected {example})") from None
    return name


def load_plan(path: Path) -> Plan:
    path = Path(path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise PlanMissing(f"no plan at {path}: run `make html` first") from None
    except OSError as exc:
        raise PlanError(f"cannot read the plan {path}: {exc.strerror}") from None
    try:
        data = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise PlanError(f"{path} is not valid UTF-8 JSON: {exc}") from None
    try:
        return parse_plan(data)
    except PlanError as exc:
        raise PlanError("\n".join(f"{path}: {line}" for line in str(exc).splitlines())) \
            from None
