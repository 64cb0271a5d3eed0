"""Per-person hours for a date range: the dashboard's export of the same rows as a person's record."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import contains_eager

from labapp.core.csv_export import csv_lines
from labapp.db import db
from labapp.records.errors import InvalidDateRange
from labapp.records.services import CSV_COLUMNS, RecordEntry, record_row
from labapp.registrations.models import Registration, RegistrationStatus
from labapp.sessions.models import LabSession

MAX_RANGE_YEARS = 3
# Local dates run from UTC-12 to UTC+14: a day's margin on each side finds every session by its UTC start.
ZONE_MARGIN = timedelta(days=1)


def _years_later(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def check_date_range(*, starts_on: date | None, ends_on: date | None) -> tuple[date, date]:
    """The range as (first day, last day), both inclusive, or InvalidDateRange with a readable message."""
    if starts_on is None or ends_on is None:
        raise InvalidDateRange(_l("Please give both a first and a last date."))
    if starts_on > ends_on:
        raise InvalidDateRange(_l("The first date must be on or before the last date."))
    if ends_on > _years_later(starts_on, MAX_RANGE_YEARS):
        raise InvalidDateRange(_l("Please choose at most %(years)s years at a time.", years=MAX_RANGE_YEARS))
    return starts_on, ends_on


def sessions_on_local_dates(*, starts_on: date, ends_on: date, session_ids: Sequence[int] | None) -> list[int]:
    """Ids of the sessions whose start, in their own time zone, falls in the range (one query).

    `session_ids` limits the choice (a facilitator's own sessions); None means every session.
    """
    query = select(LabSession.id, LabSession.starts_at, LabSession.timezone).where(
        LabSession.starts_at >= datetime.combine(starts_on, time(), UTC) - ZONE_MARGIN,
        LabSession.starts_at < datetime.combine(ends_on, time(), UTC) + timedelta(days=1) + ZONE_MARGIN,
    )
    if session_ids is not None:
        query = query.where(LabSession.id.in_(list(session_ids) or [-1]))
    chosen = []
    for session_id, starts_at, zone in db.session.execute(query):
        if starts_on <= starts_at.astimezone(ZoneInfo(zone)).date() <= ends_on:
            chosen.append(session_id)
    return chosen


def attended_entries(session_ids: Sequence[int], *, batch: int = 1000) -> Iterator[RecordEntry]:
    """Checked-in, confirmed, not anonymised registrations of these sessions, by person then date (streamed)."""
    if not session_ids:
        return
    query = (
        select(Registration)
        .join(Registration.lab_session)
        # Facilitators are not in the export: don't load them with each batch.
        .options(contains_eager(Registration.lab_session).lazyload(LabSession.facilitators))
        .where(
            Registration.lab_session_id.in_(list(session_ids)),
            Registration.status == RegistrationStatus.CONFIRMED,
            Registration.checked_in_at.is_not(None),
            Registration.anonymised_at.is_(None),
        )
        .order_by(func.lower(Registration.full_name), Registration.email_key, LabSession.starts_at, Registration.id)
        .execution_options(yield_per=batch)
    )
    for registration in db.session.scalars(query):
        yield RecordEntry(registration)


def hours_csv(*, starts_on: date, ends_on: date, session_ids: Sequence[int] | None) -> Iterator[str]:
    """The export as CSV chunks: name, email, role, school, session, date (local), hours; BOM and formula-safe."""
    chosen = sessions_on_local_dates(starts_on=starts_on, ends_on=ends_on, session_ids=session_ids)
    return csv_lines(CSV_COLUMNS, (record_row(entry) for entry in attended_entries(chosen)))
