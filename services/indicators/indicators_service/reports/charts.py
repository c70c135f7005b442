"""Trend charts drawn on the server as inline SVG: nothing fetched when the report is viewed or printed."""

import math
from datetime import date
from html import escape

WIDTH, HEIGHT, LEFT, RIGHT, TOP, BOTTOM = 360, 130, 40, 24, 10, 24


def trend_svg(points: list[tuple[date, float | None]], unit: str, target: float | None = None, title: str = "") -> str:
    """A line of month-end values (gaps where there is no data), with the target as a dashed line."""
    values = [v for _, v in points if v is not None] + ([target] if target is not None else [])
    if not values:
        return f'<svg class="trend" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" aria-label="{escape(title)}: no data">' \
               f'<text x="{WIDTH / 2}" y="{HEIGHT / 2}" text-anchor="middle">no data</text></svg>'
    low, high = 0.0, _round_up(max(values) * 1.05)
    if unit == "percent":
        high = min(100.0, high)
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    step = plot_w / max(len(points) - 1, 1)

    def xy(index: int, value: float) -> tuple[float, float]:
        return LEFT + index * step, TOP + plot_h * (1 - (value - low) / (high - low))

    parts = [f'<svg class="trend" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" aria-label="{escape(title)}: 12-month trend">',
             f'<line x1="{LEFT}" y1="{TOP + plot_h}" x2="{WIDTH - RIGHT}" y2="{TOP + plot_h}" class="axis"/>']
    for value in (low, high):
        _, y = xy(0, value)
        parts.append(f'<text x="{LEFT - 4}" y="{y + 4:.1f}" text-anchor="end" class="tick">{_label(value, unit)}</text>')
    if target is not None:
        _, y = xy(0, target)
        parts.append(f'<line x1="{LEFT}" y1="{y:.1f}" x2="{WIDTH - RIGHT}" y2="{y:.1f}" class="target"/>')
    segment: list[str] = []
    for index, (_, value) in enumerate(points):
        if value is None:  # a month with no data breaks the line rather than dropping to 0
            if len(segment) > 1:
                parts.append(f'<polyline points="{" ".join(segment)}" class="line"/>')
            segment = []
            continue
        x, y = xy(index, value)
        segment.append(f"{x:.1f},{y:.1f}")
        parts.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="2.5" class="point"><title>{points[index][0]:%b %Y}: '
                     f'{_label(value, unit)}</title></circle>')
    if len(segment) > 1:
        parts.append(f'<polyline points="{" ".join(segment)}" class="line"/>')
    for index in (0, len(points) - 1):
        x, _ = xy(index, 0)
        parts.append(f'<text x="{x:.1f}" y="{HEIGHT - 6}" text-anchor="middle" class="tick">{points[index][0]:%b %y}</text>')
    parts.append("</svg>")
    return "".join(parts)


def _round_up(value: float) -> float:
    """The next 1, 2 or 5 times a power of ten: a y-axis that ends on a round number."""
    if value <= 0:
        return 1.0
    power = 10 ** math.floor(math.log10(value))
    return next(step * power for step in (1, 2, 5, 10) if step * power >= value)


def _label(value: float, unit: str) -> str:
    return f"{value:.0f}%" if unit == "percent" else f"{value:,.0f}"
