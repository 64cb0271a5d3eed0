"""Show instants the way people read them: in the session's own zone, with its abbreviation.

Babel formats them for the language being rendered (`current_language()`, or `locale=`): English
"Thu, Dec 10 · 4:00–5:30 PM EST", Spanish "jue, 10 dic · 16:00–17:30 EST". The zone's abbreviation
comes from the tz database (Babel's own names would read "GMT-5" or "hora estándar del este").
"""

from __future__ import annotations

from datetime import datetime
from functools import lru_cache
from zoneinfo import ZoneInfo

from babel import Locale
from babel.dates import format_date, format_interval, format_skeleton
from flask_babel import gettext, ngettext

from labapp.i18n import current_language

# CLDR puts a narrow no-break space before AM/PM and thin spaces around an interval's dash; emails
# and plain-text parts read best (and stay as they always were in English) with plain spaces.
_PLAIN = str.maketrans({"\u202f": " ", "\u00a0": " "})


def _plain(text: str) -> str:
    return text.translate(_PLAIN).replace("\u2009–\u2009", "–").replace(" – ", "–")


@lru_cache(maxsize=8)
def _clock_skeleton(locale: str) -> str:
    # 12- or 24-hour clock, as the language's own short time pattern says ("h:mm a" or "H:mm").
    pattern = Locale.parse(locale).time_formats["short"].pattern
    return "hmm" if "h" in pattern else "Hmm"


def _locale(locale: str | None) -> str:
    return locale or current_language()


def format_clock(value: datetime, zone: str, *, locale: str | None = None) -> str:
    """'4:00 PM EST' ('16:00 EST' in Spanish)."""
    loc = _locale(locale)
    local = value.astimezone(ZoneInfo(zone))
    return f"{_plain(format_skeleton(_clock_skeleton(loc), local, locale=loc))} {local.tzname()}"


def format_day(value: datetime, zone: str, *, locale: str | None = None) -> str:
    """'Tue, Dec 8' ('mar, 8 dic')."""
    loc = _locale(locale)
    return _plain(format_skeleton("MMMEd", value.astimezone(ZoneInfo(zone)), locale=loc))


def format_long_day(value: datetime, zone: str, *, locale: str | None = None) -> str:
    """'Tuesday, December 8, 2026' ('martes, 8 de diciembre de 2026')."""
    loc = _locale(locale)
    return _plain(format_date(value.astimezone(ZoneInfo(zone)).date(), "full", locale=loc))


def format_time_range(start: datetime, end: datetime, zone: str, *, with_zone: bool = True,
                      locale: str | None = None) -> str:
    """'4:00–5:30 PM EST', or '11:30 AM–1:00 PM EST' when the meridiem changes ('4:00–5:30 PM' without zone)."""
    loc = _locale(locale)
    tz = ZoneInfo(zone)
    local_start, local_end = start.astimezone(tz), end.astimezone(tz)
    skeleton = _clock_skeleton(loc)
    if local_start.date() == local_end.date():
        text = _plain(format_interval(local_start, local_end, skeleton, locale=loc))
    else:
        # Babel compares only the skeleton's fields, so a range past midnight is two whole clocks.
        text = "–".join(_plain(format_skeleton(skeleton, value, locale=loc)) for value in (local_start, local_end))
    return f"{text} {local_end.tzname()}" if with_zone else text


def format_when(start: datetime, end: datetime, zone: str, *, locale: str | None = None) -> str:
    """'Tue, Dec 8 · 4:00–5:30 PM EST' ('mar, 8 dic · 16:00–17:30 EST')."""
    return f"{format_day(start, zone, locale=locale)} · {format_time_range(start, end, zone, locale=locale)}"


def format_duration(minutes: int) -> str:
    """'90 minutes' under two hours, else '2 h 15 min' (or '2 hours'), in the current language."""
    if minutes < 120:
        return str(ngettext("%(num)d minute", "%(num)d minutes", minutes))
    hours, rest = divmod(minutes, 60)
    if rest:
        return str(gettext("%(hours)d h %(minutes)d min", hours=hours, minutes=rest))
    return str(ngettext("%(num)d hour", "%(num)d hours", hours))
