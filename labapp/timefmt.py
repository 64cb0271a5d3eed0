"""Show instants the way people read them: in the session's own zone, with its abbreviation."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo


def _clock(value: datetime, with_meridiem: bool = True) -> str:
    text = value.strftime("%-I:%M")
    return f"{text} {value.strftime('%p')}" if with_meridiem else text


def format_clock(value: datetime, zone: str) -> str:
    """'4:00 PM EST'."""
    local = value.astimezone(ZoneInfo(zone))
    return f"{_clock(local)} {local.tzname()}"


def format_day(value: datetime, zone: str) -> str:
    """'Tue, Dec 8'."""
    return value.astimezone(ZoneInfo(zone)).strftime("%a, %b %-d")


def format_long_day(value: datetime, zone: str) -> str:
    """'Tuesday, December 8, 2026'."""
    return value.astimezone(ZoneInfo(zone)).strftime("%A, %B %-d, %Y")


def format_time_range(start: datetime, end: datetime, zone: str, *, with_zone: bool = True) -> str:
    """'4:00–5:30 PM EST', or '11:30 AM–1:00 PM EST' when the meridiem changes ('4:00–5:30 PM' without zone)."""
    tz = ZoneInfo(zone)
    local_start, local_end = start.astimezone(tz), end.astimezone(tz)
    same_half = local_start.strftime("%p") == local_end.strftime("%p") and local_start.date() == local_end.date()
    first = _clock(local_start, with_meridiem=not same_half)
    text = f"{first}–{_clock(local_end)}"
    return f"{text} {local_end.tzname()}" if with_zone else text


def format_when(start: datetime, end: datetime, zone: str) -> str:
    """'Tue, Dec 8 · 4:00–5:30 PM EST'."""
    return f"{format_day(start, zone)} · {format_time_range(start, end, zone)}"


def format_duration(minutes: int) -> str:
    """'90 minutes' under two hours, else '2 h 15 min'."""
    if minutes < 120:
        return f"{minutes} minutes"
    hours, rest = divmod(minutes, 60)
    return f"{hours} h {rest} min" if rest else f"{hours} hours"
