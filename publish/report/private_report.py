"""`publish report` (docs/report.md): a static private report (calendar, calendar.ics,
performance) for the people running campaigns. The history as a table (`publish export`) is
export_table.py; the performance chart, charts.py.

Pure: `calendar_weeks`, `scheduled_articles`, `performance`, `ics_calendar`. `write_report` renders
the pages with Jinja2 (autoescape on: plan and ledger text are data) into a fresh folder
next to the report folder and swaps it in, so a reader never sees half a report.
"""

from __future__ import annotations

import hashlib
import shutil
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, tzinfo
from pathlib import Path
from urllib.parse import urlsplit

from contract.plan import COUPON_ANNOUNCEMENT
from contract.x_pricing import usd
from publish import networks as registry
from publish.atomic import fresh_folder, recover_folder, swap_folder
from publish.errors import ConfigError
from publish.posting.ledger import Ledger
from publish.posting.plan_file import Plan, PlanCoupon, PlanItem
from publish.redaction import redact_bytes
from publish.report.charts import chart_svg
from publish.report.export_table import METRIC_NAMES, Snapshot, metric_number
from publish.report.previews import LinkCard, read_card
from publish.report.status import (
    SHOWN_STATES,
    UPCOMING,
    Row,
    cost_text,
    local_time,
    month_costs,
    shown_text,
)

UID_DOMAIN = "listening-brands"
MARKER = ".publish-report"          # a folder holding it is a report: it may be replaced
TEMPLATES = Path(__file__).parent / "templates"
TEXT_FILES = (".html", ".ics", ".css", ".svg", ".txt", MARKER)


class ReportError(ConfigError):
    """The report folder cannot be written (a usage error: exit 2)."""

    def step_line(self) -> str:
        return f"{super().step_line()}; not written"


# --- calendar ---------------------------------------------------------------------------

def network_label(name: str) -> str:
    return registry.capabilities(name).label


@dataclass(frozen=True)
class Week:
    year: int
    week: int
    first_day: str      # Monday, site time, 2026-11-16
    last_day: str
    rows: list[Row]

    @property
    def title(self) -> str:
        return f"Week {self.week}, {self.year}"


def calendar_weeks(rows: Sequence[Row], tz: tzinfo) -> list[Week]:
    """The rows grouped by ISO week of their due time in the site's zone, in time order."""
    groups: dict[tuple[int, int], list[Row]] = defaultdict(list)
    for row in sorted(rows, key=lambda r: (r.item.due, r.item.id)):
        local = row.item.due.astimezone(tz)
        year, week, _ = local.isocalendar()
        groups[(year, week)].append(row)
    result = []
    for (year, week), members in sorted(groups.items()):
        monday = date.fromisocalendar(year, week, 1)
        sunday = date.fromisocalendar(year, week, 7)
        result.append(Week(year, week, monday.isoformat(), sunday.isoformat(), members))
    return result


@dataclass(frozen=True)
class Article:
    source: str
    title: str
    lang: str
    first_due: datetime
    items: int
    link: str


def articles(plan: Plan) -> list[Article]:
    """Each article of the plan (by source file): its first item's due time and its count."""
    by_source: dict[str, list[PlanItem]] = defaultdict(list)
    for item in plan.items:
        by_source[item.source].append(item)
    found = [Article(source, its[0].title, its[0].lang, min(i.due for i in its), len(its),
                     its[0].link.split("?", 1)[0]) for source, its in by_source.items()]
    return sorted(found, key=lambda a: (a.first_due, a.source))


def scheduled_articles(plan: Plan, now: datetime) -> list[Article]:
    """Articles whose first item is due after `now`: future-dated, not announced yet."""
    return [a for a in articles(plan) if a.first_due > now]


# --- performance ------------------------------------------------------------------------

def latest_numbers(ledger: Ledger, shots: Sequence[Snapshot]) -> dict[str, dict[str, int]]:
    """Each item's latest numbers: its last history snapshot, else the ledger's metrics."""
    latest: dict[str, dict[str, int]] = {}
    for item_id, entry in ledger.items.items():
        if entry.metrics is not None:
            latest[item_id] = {n: metric_number(entry.metrics.get(n)) or 0
                               for n in METRIC_NAMES}
    for shot in shots:          # in time order: the last one wins
        latest[shot.record["id"]] = {n: metric_number(shot.record.get(n)) or 0
                                     for n in METRIC_NAMES}
    return latest


@dataclass
class Total:
    name: str               # article title or campaign
    network: str
    lang: str = ""
    items: int = 0
    numbers: dict[str, int] = field(default_factory=lambda: dict.fromkeys(METRIC_NAMES, 0))

    def value(self, metric: str) -> int | None:
        """The sum of `metric`, or None when the row's network has no such number (X has no
        favourites): the table shows a dash, never a 0 that was never counted."""
        return self.numbers[metric] if metric in metric_names(self.network) else None


def metric_names(network: str) -> tuple[str, ...]:
    """The numbers `network` counts (its capabilities); every one for a network this
    publisher does not know."""
    return registry.capabilities(network).metric_names if registry.known(network) \
        else METRIC_NAMES


def totals(plan: Plan, latest: Mapping[str, Mapping[str, int]], key: str) -> list[Total]:
    """Sums of the latest numbers per article (key 'article') or campaign ('campaign') and
    network, over the plan's items that have numbers."""
    found: dict[tuple[str, str], Total] = {}
    for item in plan.items:
        numbers = latest.get(item.id)
        if numbers is None:
            continue
        name = item.title if key == "article" else (item.campaign or "(no campaign)")
        total = found.setdefault((name, item.network), Total(
            name, item.network, item.lang if key == "article" else ""))
        total.items += 1
        for metric in METRIC_NAMES:
            total.numbers[metric] += numbers.get(metric, 0)
    return sorted(found.values(), key=lambda t: (t.name.casefold(), t.network))


def sort_totals(rows: Sequence[Total], metric: str | None) -> list[Total]:
    if metric is None:
        return list(rows)
    return sorted(rows, key=lambda t: (t.value(metric) is None, -(t.value(metric) or 0),
                                       t.name.casefold(), t.network))


def series(shots: Sequence[Snapshot], metric: str) -> list[tuple[datetime, int]]:
    """The sum over items of each item's latest `metric` at every fetch time."""
    current: dict[str, int] = {}
    points: list[tuple[datetime, int]] = []
    total = 0                   # kept as a running sum: one pass over the history
    for shot in shots:
        number = metric_number(shot.record.get(metric)) or 0
        total += number - current.get(shot.record["id"], 0)
        current[shot.record["id"]] = number
        if points and points[-1][0] == shot.at:
            points[-1] = (shot.at, total)
        else:
            points.append((shot.at, total))
    return points


# --- calendar.ics -----------------------------------------------------------------------

def item_uid(item_id: str) -> str:
    """Stable across runs and unique per item: a subscriber's calendar updates, never
    duplicates, an event."""
    return f"{hashlib.sha1(item_id.encode('utf-8')).hexdigest()}@{UID_DOMAIN}"


def ics_calendar(plan: Plan, rows: Sequence[Row], now: datetime) -> bytes:
    from icalendar import Calendar, Event

    cal = Calendar()
    cal.add("prodid", "-//Listening Brands//publish report//EN")
    cal.add("version", "2.0")
    cal.add("x-wr-calname", "Listening Brands: social posts")
    cal.add("x-wr-timezone", plan.timezone)
    for row in rows:
        item = row.item
        event = Event()
        event.add("uid", item_uid(item.id))
        event.add("dtstamp", now.astimezone(UTC))
        event.add("dtstart", item.due.astimezone(UTC))
        event.add("summary", f"{network_label(item.network)}: {item.title}")
        # The text holds the link already (it is the post exactly); URL carries it alone.
        event.add("description", f"{shown_text(item, row.text)}\n\nstate: {row.state}"
                  + (f"\npost: {row.post_url}" if row.post_url else ""))
        event.add("url", item.link)
        event.add("categories", [item.kind, row.state])
        cal.add_component(event)
    return cal.to_ical()


# --- writing the report -------------------------------------------------------------------

@dataclass
class ReportInput:
    plan: Plan
    ledger: Ledger
    rows: list[Row]              # status rows at `now`
    shots: list[Snapshot]
    now: datetime
    site: Path | None = None     # the built site (output/): the link cards of the previews


@dataclass(frozen=True)
class Written:
    out: Path
    pages: int
    items: int
    snapshots: int

    def summary(self) -> str:
        return (f"report: {self.pages} pages, {self.items} items, {self.snapshots} snapshots "
                f"→ {self.out}/")


def _environment():
    from jinja2 import Environment, FileSystemLoader, StrictUndefined

    env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=True,
                      undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True,
                      keep_trailing_newline=True)
    return env


@dataclass(frozen=True)
class CouponRow:
    coupon: PlanCoupon
    state: str                  # upcoming / live / expired at the report's time
    announcements: tuple        # the status rows of its coupon-announcement items


def coupon_rows(plan: Plan, rows, now: datetime) -> list[CouponRow]:
    """Each coupon's window and state, with whether its announcement went out."""
    by_source: dict[str, list] = {}
    for row in rows:
        if row.item.kind == COUPON_ANNOUNCEMENT:
            by_source.setdefault(row.item.source, []).append(row)
    return [CouponRow(c, c.state(now), tuple(by_source.get(c.source, ())))
            for c in plan.coupons]


@dataclass(frozen=True)
class Preview:
    row: Row
    card: LinkCard
    image: str | None            # the card's image, copied into the report (cards/…)


def previews(rows: Sequence[Row], site: Path | None, site_url: str,
             files: dict[str, bytes]) -> list[Preview]:
    """The items still to go out, each with the card X will show for its link; each card
    image is copied once into `files` (the report is read offline, and is private)."""
    found: dict[str, LinkCard] = {}
    shown = []
    for row in rows:
        if row.state not in UPCOMING:
            continue
        link = row.item.link
        if link not in found:
            found[link] = (read_card(site, link, site_url) if site is not None
                           else LinkCard(domain=urlsplit(link).netloc))
        card = found[link]
        image = None
        if card.image_path is not None:
            suffix = card.image_path.suffix.lower()
            image = f"cards/{hashlib.sha1(str(card.image_path).encode()).hexdigest()}{suffix}"
            if image not in files:
                files[image] = card.image_path.read_bytes()
        shown.append(Preview(row, card, image))
    return shown


def render_pages(data: ReportInput) -> dict[str, bytes]:
    """Every file of the report: name → bytes."""
    plan, now, tz = data.plan, data.now, data.plan.tz
    env = _environment()
    env.filters["site_time"] = lambda value: local_time(value, tz)
    env.globals.update(network_label=network_label, shown_text=shown_text,
                       length_rule=lambda name: registry.post_id_rule(name).length_rule,
                       metrics=METRIC_NAMES,
                       generated=local_time(now, tz), timezone=plan.timezone,
                       states=SHOWN_STATES, usd=usd, cost_text=cost_text)
    nav = [("index.html", "Calendar"), ("previews.html", "Previews"),
           ("performance.html", "Performance")]
    files: dict[str, bytes] = {}

    def page(name: str, template: str, **values) -> None:
        html = env.get_template(template).render(nav=nav, current=name, **values)
        files[name] = html.encode("utf-8")

    page("previews.html", "previews.html",
         previews=previews(data.rows, data.site, plan.site_url, files),
         site=str(data.site) if data.site is not None else None)
    page("index.html", "calendar.html", weeks=calendar_weeks(data.rows, tz),
         scheduled=scheduled_articles(plan, now), coupons=coupon_rows(plan, data.rows, now),
         x_costs=month_costs(plan, data.rows), x_prices=plan.x_prices)

    latest = latest_numbers(data.ledger, data.shots)
    by_article, by_campaign = totals(plan, latest, "article"), totals(plan, latest, "campaign")
    total_row = env.get_template("performance_rows.html").module.total_row
    rendered = {id(t): total_row(t) for t in [*by_article, *by_campaign]}
    views = [("performance.html", None), *((f"performance-by-{m}.html", m)
                                           for m in METRIC_NAMES)]
    for name, metric in views:
        shown = metric or "impressions"
        points = series(data.shots, shown)
        page(name, "performance.html", views=views, metric=metric,
             by_article=[rendered[id(t)] for t in sort_totals(by_article, metric)],
             by_campaign=[rendered[id(t)] for t in sort_totals(by_campaign, metric)],
             chart_metric=shown, points=points,
             chart=chart_svg(points, f"Total {shown} over time", "chart", tz))
    files["style.css"] = (TEMPLATES / "style.css").read_bytes()
    files["calendar.ics"] = ics_calendar(plan, data.rows, now)
    files[MARKER] = b"publish-report/1\n"
    return files


def check_out(out: Path) -> None:
    """Refuse to replace a folder that is not a report (e.g. `--out .` or `--out output`)."""
    if out.exists() and (not out.is_dir() or (any(out.iterdir())
                                              and not (out / MARKER).is_file())):
        raise ReportError(f"--out: {out} exists and is not a report folder (no {MARKER}); "
                          "it would be replaced: choose another folder")


def write_report(out: Path, files: Mapping[str, bytes], secrets: Sequence[str] = ()) -> None:
    """Write `files` into a fresh folder next to `out`, then swap it in (old one aside,
    new one in, old one removed): a reader sees the old report or the new one. Every
    credential value in `secrets` is redacted from the text files (pages, calendar)."""
    out = Path(out)
    check_out(out)
    recover_folder(out)             # a run killed halfway
    fresh = fresh_folder(out)
    try:
        for name, data in files.items():
            (fresh / name).parent.mkdir(parents=True, exist_ok=True)
            text = name.endswith(TEXT_FILES)
            (fresh / name).write_bytes(redact_bytes(data, secrets) if text else data)
        swap_folder(fresh, out)
    except BaseException:
        shutil.rmtree(fresh, ignore_errors=True)
        raise


def pages_count(files: Mapping[str, bytes]) -> int:
    return sum(1 for name in files if name.endswith(".html"))
