"""Dates and times from Babel, in the session's own zone with its abbreviation, in each language."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from flask_babel import force_locale

from labapp.timefmt import format_clock, format_day, format_duration, format_long_day, format_time_range, format_when

START = datetime(2026, 12, 10, 21, 0, tzinfo=UTC)  # Thursday 4:00 PM EST
NY = "America/New_York"


def test_english_reads_as_it_always_has_with_plain_spaces():
    assert format_when(START, START + timedelta(minutes=90), NY) == "Thu, Dec 10 · 4:00–5:30 PM EST"
    morning = datetime(2026, 12, 10, 16, 30, tzinfo=UTC)
    assert format_time_range(morning, morning + timedelta(minutes=90), NY) == "11:30 AM–1:00 PM EST"
    assert format_time_range(START, START + timedelta(minutes=90), NY, with_zone=False) == "4:00–5:30 PM"
    assert format_clock(START, NY) == "4:00 PM EST"
    assert format_long_day(datetime(2026, 12, 8, 21, tzinfo=UTC), NY) == "Tuesday, December 8, 2026"
    assert (format_duration(90), format_duration(135), format_duration(120)) == ("90 minutes", "2 h 15 min", "2 hours")
    everything = format_when(START, START + timedelta(minutes=90), NY) + format_long_day(START, NY)
    assert "\u202f" not in everything and "\u2009" not in everything and "\xa0" not in everything


def test_spanish_uses_the_24_hour_clock_and_spanish_names():
    assert format_when(START, START + timedelta(minutes=90), NY, locale="es") == "jue, 10 dic · 16:00–17:30 EST"
    assert format_clock(START, NY, locale="es") == "16:00 EST"
    assert format_day(START, "Europe/Madrid", locale="es") == "jue, 10 dic"
    assert format_long_day(datetime(2026, 12, 8, 21, tzinfo=UTC), NY, locale="es") == "martes, 8 de diciembre de 2026"


def test_the_language_being_rendered_is_the_default(app):
    with app.test_request_context("/?lang=es"):
        assert format_when(START, START + timedelta(minutes=90), NY) == "jue, 10 dic · 16:00–17:30 EST"
        assert (format_duration(90), format_duration(120)) == ("90 minutos", "2 horas")
        with force_locale("en"):
            assert format_clock(START, NY) == "4:00 PM EST"


def test_a_range_past_midnight_shows_both_clocks():
    late = datetime(2026, 12, 11, 4, 0, tzinfo=UTC)  # 11:00 PM EST
    assert format_time_range(late, late + timedelta(hours=2), NY) == "11:00 PM–1:00 AM EST"
    assert format_time_range(late, late + timedelta(hours=2), NY, locale="es") == "23:00–1:00 EST"
    assert format_time_range(START, START + timedelta(hours=30), NY) == "4:00 PM–10:00 PM EST"
