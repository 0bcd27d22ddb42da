"""Server-rendered SVG charts: geometry here, markup in templates/scorecards/_charts.html.

No JavaScript library: a bar is a <rect>. Every chart has a <title> and a <desc> that state
its numbers, and the page shows the same numbers in a table beside it, so nothing is only in
a picture. Colours and the hatch pattern come from classes in static/css/scorecards.css
(strict CSP: no style attributes); the two series differ by pattern and a text legend too.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import format_date, format_percent
from flask_babel import gettext as _

from app.scorecards.queries import Month

WIDTH, HEIGHT = 640, 260
LEFT, RIGHT, TOP, BOTTOM = 48, 8, 28, 40


@dataclass
class Bar:
    x: float
    y: float
    width: float
    height: float
    value: int | float | None
    label: str  # the value as written above the bar


@dataclass
class Tick:
    y: float
    label: str


@dataclass
class Chart:
    title: str
    desc: str
    months: list[tuple[float, str]]  # x of the label's centre, short month name
    ticks: list[Tick]
    series: list[list[Bar]]
    baseline: float


def _step(top: int) -> int:
    """A round step for about four grid lines up to `top`."""
    for step in (1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 2500, 5000):
        if top / step <= 5:
            return step
    return 10 ** len(str(top // 5))


def _month_label(month: Month) -> str:
    return format_date(month.first_day, "MMM yy")


def _long_month(month: Month) -> str:
    return format_date(month.first_day, "MMMM yyyy")


def _frame(months: list[Month], top_value: float, step: float, fmt) -> tuple:  # noqa: ANN001
    plot_h = HEIGHT - TOP - BOTTOM
    slot = (WIDTH - LEFT - RIGHT) / max(len(months), 1)
    scale = plot_h / top_value if top_value else 0
    ticks = []
    value = 0.0
    while value <= top_value + 1e-9:
        ticks.append(Tick(HEIGHT - BOTTOM - value * scale, fmt(value)))
        value += step
    labels = [(LEFT + slot * (i + 0.5), _month_label(m)) for i, m in enumerate(months)]
    return slot, scale, ticks, labels


def trend_chart(months: list[Month], place: str) -> Chart:
    """Received and resolved per month, side by side."""
    top = max([m.received for m in months] + [m.resolved for m in months] + [1])
    step = _step(top)
    top = -(-top // step) * step
    slot, scale, ticks, labels = _frame(months, top, step, lambda v: str(int(v)))
    width = slot * 0.36
    received, resolved = [], []
    for i, m in enumerate(months):
        x = LEFT + slot * i + slot * 0.12
        for series, value, offset in ((received, m.received, 0), (resolved, m.resolved, width)):
            height = value * scale
            series.append(
                Bar(x + offset, HEIGHT - BOTTOM - height, width, height, value, str(value))
            )
    desc = "; ".join(
        _("%(month)s: %(received)d received, %(resolved)d resolved")
        % {"month": _long_month(m), "received": m.received, "resolved": m.resolved}
        for m in months
    )
    return Chart(
        _("Reports received and resolved per month, %(place)s") % {"place": place},
        desc + ".",
        labels,
        ticks,
        [received, resolved],
        HEIGHT - BOTTOM,
    )


def in_time_chart(months: list[Month], place: str) -> Chart:
    """The share of first responses within the deadline, per month."""
    slot, scale, ticks, labels = _frame(months, 1.0, 0.25, lambda v: format_percent(v, "#,##0%"))
    width = slot * 0.6
    bars = []
    parts = []
    for i, m in enumerate(months):
        share = m.in_time_share
        height = (share or 0) * scale
        label = format_percent(share, "#,##0%") if share is not None else "–"
        bars.append(
            Bar(LEFT + slot * i + slot * 0.2, HEIGHT - BOTTOM - height, width, height, share, label)
        )
        if share is None:
            parts.append(_("%(month)s: no first responses") % {"month": _long_month(m)})
        else:
            parts.append(
                _("%(month)s: %(share)s (%(in_time)d of %(responded)d)")
                % {
                    "month": _long_month(m),
                    "share": label,
                    "in_time": m.in_time,
                    "responded": m.responded,
                }
            )
    return Chart(
        _("Share of first responses within the deadline per month, %(place)s") % {"place": place},
        "; ".join(parts) + ".",
        labels,
        ticks,
        [bars],
        HEIGHT - BOTTOM,
    )
