"""The report's performance chart: an SVG line of one total over time, drawn without
JavaScript (docs/report.md). Pure."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime, tzinfo

CHART_WIDTH, CHART_HEIGHT = 640, 260
DIGIT_WIDTH = 8         # a digit of the chart's 12px labels, in its units (generous)
DATE_LABEL_WIDTH = 56   # "20 Nov" and the room between two of them


def date_ticks(xs: Sequence[float], days: Sequence[date]) -> list[int]:
    """Which points get a date under the x axis: the first, the last, and the first point of
    each other day where its label does not run into its neighbours (x in chart units)."""
    if not xs:
        return []
    ticks = [0]
    for i in range(1, len(xs)):
        if days[i] != days[i - 1] and xs[i] - xs[ticks[-1]] >= DATE_LABEL_WIDTH:
            ticks.append(i)
    last = len(xs) - 1
    if ticks[-1] != last and days[last] != days[ticks[-1]]:
        if xs[last] - xs[ticks[-1]] < DATE_LABEL_WIDTH and len(ticks) > 1:
            ticks.pop()
        ticks.append(last)
    return ticks


def chart_svg(points: Sequence[tuple[datetime, int]], title: str, chart_id: str,
              tz: tzinfo = UTC) -> str:
    """A line chart as inline SVG (no script): role=img with a title and description; the
    same numbers are in a table next to it. The y axis is labelled 0 and its top, with room
    for the widest number; the x axis has the dates (site time) of the first and last fetch
    and of each day between that has room. Only numbers, dates and the fixed title."""
    if not points:
        return ""
    width, height = CHART_WIDTH, CHART_HEIGHT
    top = max(max(p[1] for p in points), 1)
    left = 14 + DIGIT_WIDTH * len(str(top))
    right, over, under = 28, 16, 40
    times = [p[0].timestamp() for p in points]
    span = (times[-1] - times[0]) or 1.0

    def x(value: float) -> float:
        return left + (value - times[0]) / span * (width - left - right)

    def y(value: int) -> float:
        return height - under - value / top * (height - over - under)

    xs = [x(t) for t in times]
    days = [at.astimezone(tz).date() for at, _ in points]
    line = " ".join(f"{px:.1f},{y(v):.1f}" for px, (_, v) in zip(xs, points, strict=True))
    dots = "".join(f'<circle cx="{px:.1f}" cy="{y(v):.1f}" r="3"/>'
                   for px, (_, v) in zip(xs, points, strict=True))
    base = height - under
    ticks = date_ticks(xs, days)
    labels = "".join(
        f'<line x1="{xs[i]:.1f}" y1="{base}" x2="{xs[i]:.1f}" y2="{base + 5}" class="axis"/>'
        f'<text x="{xs[i]:.1f}" y="{base + 20}" text-anchor="'
        f'{"start" if i == 0 and len(ticks) > 1 else "end" if i == ticks[-1] else "middle"}">'
        f'{days[i].day} {days[i]:%b}</text>' for i in ticks)
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'role="img" aria-labelledby="{chart_id}-t {chart_id}-d" class="chart">'
        f'<title id="{chart_id}-t">{title}</title>'
        f'<desc id="{chart_id}-d">From {points[0][1]} on {days[0].isoformat()} to '
        f'{points[-1][1]} on {days[-1].isoformat()} over {len(points)} fetches; the table '
        f'next to the chart has every point.</desc>'
        f'<line x1="{left}" y1="{base}" x2="{width - right}" y2="{base}" class="axis"/>'
        f'<line x1="{left}" y1="{over}" x2="{left}" y2="{base}" class="axis"/>'
        f'<text x="{left - 6}" y="{over + 4}" text-anchor="end">{top}</text>'
        f'<text x="{left - 6}" y="{base + 4}" text-anchor="end">0</text>{labels}'
        f'<polyline points="{line}" class="line"/><g class="dots">{dots}</g></svg>')
