"""Charts drawn on the server as accessible SVG, so they show in pages and in the
PDF board pack alike, with no JavaScript.

Each chart is an image with a title and a description; every line is named in
text beside it (and drawn in its own dash pattern), so nothing depends on colour.
The page shows the same data in a table next to the chart.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from markupsafe import Markup, escape

from app.domain.kpi import Target, Unit, format_value, target_in_force
from app.indicators.parsing import month_end, month_label, next_month

SERIES_COLOUR = "#1d70b8"
TARGET_COLOUR = "#0b0c0c"
FLOOR_COLOUR = "#d4351c"
COMPARATOR_COLOUR = "#505a5f"


@dataclass(frozen=True)
class Line:
    """A named horizontal line, such as a floor or an alert threshold."""

    name: str
    value: Decimal


@dataclass(frozen=True)
class ChartData:
    title: str
    unit: Unit
    points: Sequence[tuple[date, Decimal | None]]  # (first day of month, value), month by month
    targets: Sequence[Target] = ()
    lines: Sequence[Line] = ()
    comparators: dict[str, dict[date, Decimal]] | None = None


def _months(first: date, last: date) -> list[date]:
    months, month = [], first
    while month <= last:
        months.append(month)
        month = next_month(month)
    return months


def _nice_step(span: float, ticks: int = 5) -> float:
    raw = span / ticks if span > 0 else 1.0
    magnitude = 10 ** math.floor(math.log10(raw))
    for multiple in (1, 2, 2.5, 5, 10):
        if raw <= multiple * magnitude:
            return multiple * magnitude
    return 10 * magnitude


def y_scale(numbers: Sequence[float], unit: Unit) -> tuple[float, float, float]:
    """The lowest and highest axis values and the step between ticks: round numbers
    that hold every value, and, for a percentage, stay within 0 to 100."""
    low, high = min(numbers), max(numbers)
    if low == high:
        low, high = low - 1, high + 1
    step = _nice_step(high - low)
    bottom = math.floor(low / step) * step
    top = math.ceil(high / step) * step
    if bottom == low:
        bottom -= step
    if top == high:
        top += step
    if unit is Unit.PERCENT:
        bottom, top = max(bottom, 0.0), min(top, 100.0)
    if low >= 0:
        bottom = max(bottom, 0.0)
    return bottom, top, step


def _tick_text(number: float, unit: Unit) -> str:
    text = f"{number:,.1f}".removesuffix(".0")
    return f"{text}%" if unit is Unit.PERCENT else text


def describe(data: ChartData) -> str:
    known = [(p, v) for p, v in data.points if v is not None]
    if not known:
        return f"No values recorded for {data.title}."
    first, last = data.points[0][0], data.points[-1][0]
    latest_period, latest = known[-1]
    parts = [
        f"Monthly values from {month_label(first)} to {month_label(last)}.",
        f"Latest: {format_value(latest, data.unit)} in {month_label(latest_period)}.",
    ]
    highest = max(known, key=lambda item: item[1])
    lowest = min(known, key=lambda item: item[1])
    parts.append(
        f"Highest {format_value(highest[1], data.unit)} in {month_label(highest[0])}; "
        f"lowest {format_value(lowest[1], data.unit)} in {month_label(lowest[0])}."
    )
    target = target_in_force(data.targets, month_end(last))
    if target is not None:
        parts.append(f"The dashed line is the stepped target, {_target_text(target, data.unit)} at the end.")
    for line in data.lines:
        parts.append(f"The {line.name.lower()} is {format_value(line.value, data.unit)}.")
    missing = len(data.points) - len(known)
    if missing:
        parts.append(f"{missing} month{'s have' if missing > 1 else ' has'} no value.")
    parts.append("The table after the chart gives every value.")
    return " ".join(parts)


def _target_text(target: Target, unit: Unit) -> str:
    if target.upper is not None:
        return f"{format_value(target.value, unit)} to {format_value(target.upper, unit)}"
    return format_value(target.value, unit)


def line_chart(data: ChartData, chart_id: str, *, width: int = 720, height: int = 320) -> Markup | None:
    """A line chart of the series with its stepped target, named lines and comparators."""
    if not data.points:
        return None
    months = _months(data.points[0][0], data.points[-1][0])
    values = dict(data.points)
    comparators = data.comparators or {}
    numbers = [float(v) for v in values.values() if v is not None]
    in_force = {m: target_in_force(data.targets, month_end(m)) for m in months}
    for target in in_force.values():
        if target is not None:
            numbers.append(float(target.value))
            if target.upper is not None:
                numbers.append(float(target.upper))
    numbers += [float(line.value) for line in data.lines]
    for series in comparators.values():
        numbers += [float(v) for m, v in series.items() if m in values]
    if not numbers:
        numbers = [0.0, 1.0]
    bottom, top, step = y_scale(numbers, data.unit)

    left, right, upper_margin, lower_margin = 64, 170, 16, 48
    plot_w, plot_h = width - left - right, height - upper_margin - lower_margin
    slot = plot_w / max(len(months), 1)

    def x(index: int) -> float:
        return round(left + slot * (index + 0.5), 1)

    def y(number: float) -> float:
        return round(upper_margin + plot_h * (1 - (number - bottom) / (top - bottom)), 1)

    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="pillar-chart" viewBox="0 0 {width} {height}" '
        f'width="100%" role="img" focusable="false" '
        f'aria-labelledby="{chart_id}-title {chart_id}-desc">',
        f'<title id="{chart_id}-title">{escape(data.title)}</title>',
        f'<desc id="{chart_id}-desc">{escape(describe(data))}</desc>',
        '<g font-family="arial, sans-serif" font-size="13" fill="#0b0c0c">',
    ]
    # Gridlines and the value axis.
    tick = bottom
    while tick <= top + step / 1000:
        ty = y(tick)
        out.append(f'<line x1="{left}" x2="{left + plot_w}" y1="{ty}" y2="{ty}" stroke="#b1b4b6" stroke-width="1"/>')
        out.append(f'<text x="{left - 8}" y="{ty + 4}" text-anchor="end">{escape(_tick_text(tick, data.unit))}</text>')
        tick += step
    out.append(
        f'<line x1="{left}" x2="{left}" y1="{upper_margin}" y2="{upper_margin + plot_h}" stroke="#0b0c0c"/>'
        f'<line x1="{left}" x2="{left + plot_w}" y1="{upper_margin + plot_h}" y2="{upper_margin + plot_h}" '
        'stroke="#0b0c0c"/>'
    )
    # Month labels: every month when few, else every third, always the last.
    every = 1 if len(months) <= 8 else 3
    for index, month in enumerate(months):
        if (len(months) - 1 - index) % every == 0:
            out.append(
                f'<text x="{x(index)}" y="{upper_margin + plot_h + 18}" text-anchor="middle">{month:%b}</text>'
                f'<text x="{x(index)}" y="{upper_margin + plot_h + 34}" text-anchor="middle">{month:%Y}</text>'
            )
    labels: list[tuple[float, str, str]] = []  # (y, text, colour) at the right-hand end

    # The stepped target: flat across each month, stepping where the target changes.
    if any(in_force.values()):
        for bound in ("value", "upper"):
            path = []
            for index, month in enumerate(months):
                target = in_force[month]
                number = None if target is None else getattr(target, bound)
                if number is None:
                    continue
                x0, x1, ty = round(left + slot * index, 1), round(left + slot * (index + 1), 1), y(float(number))
                path.append(f"{'M' if not path else 'L'}{x0},{ty} L{x1},{ty}")
            if path:
                out.append(
                    f'<path d="{" ".join(path)}" fill="none" stroke="{TARGET_COLOUR}" stroke-width="2" '
                    'stroke-dasharray="8 4"/>'
                )
        last_target = in_force[months[-1]]
        if last_target is not None:
            name = "Target range" if last_target.upper is not None else "Target"
            labels.append(
                (y(float(last_target.value)), f"{name} {_target_text(last_target, data.unit)}", TARGET_COLOUR)
            )
    for line in data.lines:
        ly = y(float(line.value))
        out.append(
            f'<line x1="{left}" x2="{left + plot_w}" y1="{ly}" y2="{ly}" stroke="{FLOOR_COLOUR}" stroke-width="2" '
            'stroke-dasharray="2 3"/>'
        )
        labels.append((ly, f"{line.name} {format_value(line.value, data.unit)}", FLOOR_COLOUR))
    for name, series in comparators.items():
        points = [(i, series[m]) for i, m in enumerate(months) if m in series]
        if not points:
            continue
        out.append(
            f'<polyline points="{" ".join(f"{x(i)},{y(float(v))}" for i, v in points)}" fill="none" '
            f'stroke="{COMPARATOR_COLOUR}" stroke-width="1.5" stroke-dasharray="1 3"/>'
        )
        labels.append((y(float(points[-1][1])), name, COMPARATOR_COLOUR))

    # The series itself: a solid line broken where a month has no value, a dot per value.
    run: list[str] = []
    runs: list[list[str]] = []
    for index, month in enumerate(months):
        value = values.get(month)
        if value is None:
            if run:
                runs.append(run)
            run = []
            continue
        run.append(f"{x(index)},{y(float(value))}")
    if run:
        runs.append(run)
    for points in runs:
        if len(points) > 1:
            out.append(f'<polyline points="{" ".join(points)}" fill="none" stroke="{SERIES_COLOUR}" stroke-width="3"/>')
    for index, month in enumerate(months):
        value = values.get(month)
        if value is not None:
            out.append(f'<circle cx="{x(index)}" cy="{y(float(value))}" r="4" fill="{SERIES_COLOUR}"/>')
    known = [(i, v) for i, m in enumerate(months) if (v := values.get(m)) is not None]
    if known:
        labels.append((y(float(known[-1][1])), f"Actual {format_value(known[-1][1], data.unit)}", SERIES_COLOUR))

    # Labels at the right, nudged apart so none overlaps another.
    labels.sort()
    placed: list[float] = []
    for ly, text, colour in labels:
        ly = max(ly, placed[-1] + 16) if placed else ly
        placed.append(ly)
        out.append(f'<text x="{left + plot_w + 8}" y="{ly + 4}" fill="{colour}">{escape(text)}</text>')
    out.append("</g></svg>")
    return Markup("".join(out))


def sparkline(title: str, points: Sequence[tuple[date, Decimal | None]], unit: Unit, chart_id: str,
              *, width: int = 120, height: int = 32) -> Markup | None:  # fmt: skip
    """A small line of the last months, for the indicator list; its title says what it shows."""
    known = [(p, v) for p, v in points if v is not None]
    if len(known) < 2:
        return None
    numbers = [float(v) for _, v in known]
    low, high = min(numbers), max(numbers)
    span = (high - low) or 1.0
    first = points[0][0]
    count = len(points)

    def position(period: date, number: float) -> str:
        index = (period.year - first.year) * 12 + period.month - first.month
        px = 3 + (width - 6) * (index / max(count - 1, 1))
        py = 3 + (height - 6) * (1 - (number - low) / span)
        return f"{round(px, 1)},{round(py, 1)}"

    summary = (
        f"{title}: {format_value(known[0][1], unit)} in {month_label(known[0][0])} to "
        f"{format_value(known[-1][1], unit)} in {month_label(known[-1][0])}"
    )
    line = " ".join(position(p, float(v)) for p, v in known)
    last_period, last_value = known[-1]
    ex, ey = position(last_period, float(last_value)).split(",")
    return Markup(
        f'<svg xmlns="http://www.w3.org/2000/svg" class="pillar-sparkline" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" role="img" focusable="false" aria-labelledby="{chart_id}-title">'
        f'<title id="{chart_id}-title">{escape(summary)}</title>'
        f'<polyline points="{line}" fill="none" stroke="{SERIES_COLOUR}" stroke-width="2"/>'
        f'<circle cx="{ex}" cy="{ey}" r="2.5" fill="{SERIES_COLOUR}"/></svg>'
    )


def chart_for(summary, comparators: dict[str, dict[date, Decimal]] | None = None) -> ChartData:
    """The chart data for an indicator's judged series (queries.Summary)."""
    indicator = summary.indicator
    unit = indicator.unit_enum
    rules = indicator.rules
    lines = []
    if rules.floor is not None:
        lines.append(Line("Ceiling" if rules.floor_name == "ceiling" else "Floor", Decimal(str(rules.floor))))
    if rules.alert_threshold is not None:
        lines.append(Line("Alert threshold", Decimal(str(rules.alert_threshold))))
    return ChartData(
        title=f"{indicator.code}: {indicator.title}",
        unit=unit,
        points=[(p.period, p.value) for p in summary.series],
        targets=rules.targets,
        lines=lines,
        comparators=comparators,
    )
