"""Server-rendered SVG chart geometry (no JavaScript library): the template only draws it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from babel.dates import format_date

from labapp.i18n import current_language

# Day labels in the reader's language; English keeps the strftime look it always had ("Thu Dec 3").
_DAY_PATTERNS = {"en": ("EEE MMM d", "MMM d"), "es": ("EEE d MMM", "d MMM")}


def _day_label(day: date, *, weekday: bool) -> str:
    language = current_language()
    with_weekday, without = _DAY_PATTERNS.get(language, _DAY_PATTERNS["en"])
    return format_date(day, with_weekday if weekday else without, locale=language)


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
            height=round(value * scale, 2), label=_day_label(day, weekday=True), value=value)
        for i, (day, value) in enumerate(days)
    ]
    return BarChart(width=width, height=height, bars=bars, max_value=top,
                    first_label=_day_label(days[0][0], weekday=False) if days else "",
                    last_label=_day_label(days[-1][0], weekday=False) if days else "",
                    total=sum(value for _, value in days))


@dataclass(frozen=True)
class CategoryBar:
    label: str
    value: int | None  # None: withheld (fewer than 5), drawn as an empty row
    y: float
    width: float


@dataclass(frozen=True)
class CategoryChart:
    width: int
    height: int
    label_width: int
    row_height: int
    bars: list[CategoryBar]
    max_value: int


def category_chart(items: list[tuple[str, int | None]], *, width: int = 560, label_width: int = 190,
                   row_height: int = 26) -> CategoryChart:
    """Horizontal bars, one row per category (usefulness 1–5, roles, formats …), scaled to the largest."""
    top = max((value or 0 for _, value in items), default=0)
    room = width - label_width - 60  # space on the right for the number
    bars = [
        CategoryBar(label=label, value=value, y=i * row_height,
                    width=round((value or 0) * room / top, 2) if top else 0)
        for i, (label, value) in enumerate(items)
    ]
    return CategoryChart(width=width, height=max(len(items), 1) * row_height, label_width=label_width,
                         row_height=row_height, bars=bars, max_value=top)
