"""Server-rendered SVG chart geometry (no JavaScript library): the template only draws it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    label: str
    value: int


@dataclass(frozen=True)
class BarChart:
    width: int
    height: int
    bars: list[Bar]
    max_value: int
    first_label: str
    last_label: str
    total: int


def daily_bar_chart(days: list[tuple[date, int]], *, width: int = 640, height: int = 160) -> BarChart:
    """Bars for registrations per day, scaled to the busiest day."""
    top = max((value for _, value in days), default=0)
    scale = (height - 20) / top if top else 0
    slot = width / max(len(days), 1)
    bars = [
        Bar(x=round(i * slot + 1, 2), y=round(height - 16 - value * scale, 2), width=round(max(slot - 2, 1), 2),
            height=round(value * scale, 2), label=day.strftime("%a %b %-d"), value=value)
        for i, (day, value) in enumerate(days)
    ]
    return BarChart(width=width, height=height, bars=bars, max_value=top,
                    first_label=days[0][0].strftime("%b %-d") if days else "",
                    last_label=days[-1][0].strftime("%b %-d") if days else "",
                    total=sum(value for _, value in days))
