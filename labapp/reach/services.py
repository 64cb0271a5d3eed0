"""Reach figures for a date range, in a constant number of queries whatever the number of registrations.

Every count of people from 1 to 4 is withheld (None, shown as "fewer than 5") so that nobody can be
picked out of a breakdown; sessions held is a count of sessions, not people, and is always shown.
"""

from __future__ import annotations

import functools
import json
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from flask_babel import gettext
from sqlalchemy import String, and_, case, cast, distinct, func, select, text

from labapp.core.csv_export import csv_lines
from labapp.db import db, is_postgres
from labapp.feedback.models import FeedbackResponse
from labapp.registrations.models import FOCUS_POPULATIONS, EducatorRole, Registration, RegistrationStatus
from labapp.sessions.models import LabSession, SessionFormat, SessionStatus

# Counts of 1 to 4 people are withheld: with fewer than 5 in a group, a reader could tell who they are.
SMALLEST_SHOWN = 5
WITHHELD = "fewer than 5"
TOP_ORGANISATIONS = 20
# A session's local date can be a day either side of its UTC date.
ZONE_MARGIN = timedelta(days=1)
NOT_GIVEN = "Not given"


def shown(count: int) -> int | None:
    """The count, or None when it is 1–4 (withheld)."""
    return None if 0 < count < SMALLEST_SHOWN else count


def school_year_start(today: date) -> date:
    """August 1 of the school year that contains `today`."""
    return date(today.year if today.month >= 8 else today.year - 1, 8, 1)


@dataclass(frozen=True)
class BreakdownRow:
    label: str
    registered: int | None
    attended: int | None


@dataclass(frozen=True)
class ReachReport:
    """Every figure of the report; counts of people are already withheld where 1–4."""

    starts_on: date
    ends_on: date
    sessions_held: int
    people_registered: int | None
    people_attended: int | None
    attendance_rate: float | None  # checked-in seats / confirmed seats at the sessions held
    new_people: int | None  # attended in the range, never before it
    returning_people: int | None  # attended in the range and before it
    by_role: list[BreakdownRow]
    by_focus: list[BreakdownRow]
    by_organisation: list[BreakdownRow]
    by_format: list[BreakdownRow]
    responses: int | None
    response_rate: float | None
    average_usefulness: float | None

    @property
    def breakdowns(self) -> list[tuple[str, str, list[BreakdownRow]]]:
        """(key, title, rows) of each breakdown, in the order the page shows them."""
        # Titles are for the page, in its language; the CSV and JSON name each breakdown by its key.
        return [("role", gettext("Role"), self.by_role),
                ("focus_population", gettext("Focus population"), self.by_focus),
                ("organisation", gettext("Organisation (top %(count)s)", count=TOP_ORGANISATIONS),
                 self.by_organisation),
                ("format", gettext("Session format"), self.by_format)]


def _held_sessions(starts_on: date, ends_on: date, now: datetime) -> dict[int, str]:
    """{id: format} of published sessions that started on a local date in the range and have ended."""
    rows = db.session.execute(
        select(LabSession.id, LabSession.starts_at, LabSession.duration_minutes, LabSession.timezone,
               LabSession.format)
        .where(LabSession.status == SessionStatus.PUBLISHED,
               LabSession.starts_at >= datetime.combine(starts_on, time(), UTC) - ZONE_MARGIN,
               LabSession.starts_at < datetime.combine(ends_on, time(), UTC) + timedelta(days=1) + ZONE_MARGIN,
               LabSession.starts_at <= now)
    )
    return {
        lab_id: str(fmt) for lab_id, starts_at, minutes, zone, fmt in rows
        if starts_on <= starts_at.astimezone(ZoneInfo(zone)).date() <= ends_on
        and starts_at + timedelta(minutes=minutes) <= now
    }


def reach_report(*, starts_on: date, ends_on: date, now: datetime) -> ReachReport:
    """The figures for sessions held from `starts_on` to `ends_on` (local dates, inclusive), as of `now`.

    Five queries whatever the number of registrations (on PostgreSQL two `SET LOCAL` more).
    """
    sessions = _held_sessions(starts_on, ends_on, now)
    ids = list(sessions) or [-1]
    came = and_(Registration.status == RegistrationStatus.CONFIRMED, Registration.checked_in_at.is_not(None))
    # Seats taken are the trigger-kept counts on the session rows (README, "Seat counts"), never recounted.
    seats_taken = select(func.coalesce(func.sum(LabSession.confirmed_count), 0)).where(LabSession.id.in_(ids))
    seats, came_seats = db.session.execute(
        select(seats_taken.scalar_subquery(), func.count(case((came, 1))))
        .where(Registration.lab_session_id.in_(ids))
    ).one()
    counts = _people_counts(ids)
    registered, attended = counts.get(("total", ""), ("", 0, 0))[1:]

    def rows(kind: str, keys: list[str], label: Any) -> list[BreakdownRow]:
        found = [(label(key, counts[(kind, key)][0]), *counts[(kind, key)][1:])
                 for key in keys if (kind, key) in counts]
        return [BreakdownRow(label=name, registered=shown(r), attended=shown(a)) for name, r, a in found]

    roles = [role.value for role in EducatorRole]
    roles += sorted(key for kind, key in counts if kind == "role" and key not in roles)
    organisations = sorted((key for kind, key in counts if kind == "organisation"),
                           key=lambda key: (-counts[("organisation", key)][1], key))[:TOP_ORGANISATIONS]
    returning = _returning(ids, datetime.combine(starts_on, time(), UTC))
    responses, average = _feedback(ids)
    return ReachReport(
        starts_on=starts_on, ends_on=ends_on, sessions_held=len(sessions),
        people_registered=shown(registered), people_attended=shown(attended),
        attendance_rate=came_seats / seats if seats else None,
        new_people=shown(attended - returning), returning_people=shown(returning),
        by_role=rows("role", roles, lambda key, _: _role_label(key)),
        by_focus=rows("focus", [*FOCUS_POPULATIONS, NOT_GIVEN], lambda key, _: str(FOCUS_POPULATIONS.get(key, key))),
        by_organisation=rows("organisation", organisations, lambda key, spelling: spelling or NOT_GIVEN),
        by_format=rows("format", [f.value for f in SessionFormat], lambda key, _: SessionFormat(key).label),
        responses=shown(responses),
        # A rate or an average of fewer than 5 answers would describe individuals: withheld too.
        response_rate=responses / came_seats if came_seats and shown(responses) else None,
        average_usefulness=average if shown(responses) else None,
    )


@functools.cache
def _focus_keys(focus_text: str | None) -> tuple[str, ...]:
    """The keys in a stored focus list (JSON text); few distinct lists exist, so each is parsed once."""
    keys = json.loads(focus_text) if focus_text else []
    return tuple(keys) if keys else (NOT_GIVEN,)


def _people_counts(session_ids: list[int]) -> dict[tuple[str, str], tuple[str, int, int]]:
    """{(kind, key): (a spelling, people registered, people attended)} for the total and every breakdown.

    One query groups the registrations by person and the values a breakdown needs (one row per
    person in most cases: a person keeps their role and school), so the database does the heavy
    part in one pass and Python counts people in sets of email keys.
    """
    came = case((and_(Registration.status == RegistrationStatus.CONFIRMED,
                      Registration.checked_in_at.is_not(None)), 1), else_=0)
    # Spelling variants of one organisation ("Lincoln Middle", " lincoln  middle") count as one.
    org_key = func.lower(func.trim(Registration.organisation))
    for _ in range(3):
        org_key = func.replace(org_key, "  ", " ")
    focus_text = cast(Registration.focus_populations, String)
    if is_postgres():
        # Let PostgreSQL hash the groups in memory rather than sort on disk, and skip JIT compilation,
        # which costs more than it saves on one pass over some 50,000 rows.
        db.session.execute(text("SET LOCAL work_mem = '32MB'"))
        db.session.execute(text("SET LOCAL jit = off"))
    rows = db.session.execute(
        select(Registration.email_key, Registration.role, org_key, func.min(func.trim(Registration.organisation)),
               focus_text, LabSession.format, func.max(came))
        .join(LabSession, LabSession.id == Registration.lab_session_id)
        .where(Registration.lab_session_id.in_(session_ids), Registration.status != RegistrationStatus.CANCELLED)
        .group_by(Registration.email_key, Registration.role, org_key, focus_text, LabSession.format)
    )
    registered: dict[tuple[str, str], set[str]] = defaultdict(set)
    attended: dict[tuple[str, str], set[str]] = defaultdict(set)
    spellings: dict[str, str] = {}
    for person, role, org, spelling, focus, fmt, came_here in rows:
        keys = [("total", ""), ("role", str(role)), ("organisation", org or ""), ("format", str(fmt))]
        keys += [("focus", key) for key in _focus_keys(focus)]
        # The same spelling whatever order the rows come in (capitalised spellings sort first).
        spellings[org or ""] = min(spellings.get(org or "", spelling or ""), spelling or "")
        for key in keys:
            registered[key].add(person)
            if came_here:
                attended[key].add(person)
    return {key: (spellings.get(key[1], "") if key[0] == "organisation" else "", len(people),
                  len(attended.get(key, ()))) for key, people in registered.items()}


def _role_label(role: str) -> str:
    try:
        return EducatorRole(role).label
    except ValueError:
        return str(role)


def _returning(session_ids: list[int], before: datetime) -> int:
    """How many people who attended one of these sessions had attended a session before `before` (one query)."""
    came = (Registration.status == RegistrationStatus.CONFIRMED, Registration.checked_in_at.is_not(None))
    earlier = (select(Registration.email_key).join(LabSession, LabSession.id == Registration.lab_session_id)
               .where(*came, LabSession.starts_at < before))
    return db.session.scalar(
        select(func.count(distinct(Registration.email_key)))
        .where(Registration.lab_session_id.in_(session_ids), *came, Registration.email_key.in_(earlier))
    ) or 0


def _feedback(session_ids: list[int]) -> tuple[int, float | None]:
    count, average = db.session.execute(
        select(func.count(), func.avg(FeedbackResponse.usefulness))
        .where(FeedbackResponse.lab_session_id.in_(session_ids))
    ).one()
    return count, round(float(average), 1) if average is not None else None


# --- The same figures for machines ------------------------------------------------------------------


def report_data(report: ReachReport) -> dict[str, Any]:
    """JSON-ready figures; a withheld count is null (see `withheld`)."""
    return {
        "starts_on": report.starts_on.isoformat(), "ends_on": report.ends_on.isoformat(),
        "withheld": f"counts of 1 to {SMALLEST_SHOWN - 1} people are null",
        "sessions_held": report.sessions_held,
        "people_registered": report.people_registered, "people_attended": report.people_attended,
        "attendance_rate": _rounded(report.attendance_rate),
        "new_people": report.new_people, "returning_people": report.returning_people,
        "feedback_responses": report.responses, "response_rate": _rounded(report.response_rate),
        "average_usefulness": report.average_usefulness,
        "breakdowns": {key: [{"label": row.label, "registered": row.registered, "attended": row.attended}
                             for row in rows] for key, _, rows in report.breakdowns},
    }


def _rounded(rate: float | None) -> float | None:
    return round(rate, 3) if rate is not None else None


CSV_COLUMNS = ["figure", "label", "registered", "attended"]


def report_csv(report: ReachReport) -> Iterator[str]:
    """The figures as formula-safe CSV; a withheld count reads "fewer than 5", never its number."""
    def cell(value: int | float | None) -> object:
        return WITHHELD if value is None else value

    data = report_data(report)
    totals = [(name, data[name]) for name in (
        "sessions_held", "people_registered", "people_attended", "attendance_rate", "new_people",
        "returning_people", "feedback_responses", "response_rate", "average_usefulness")]
    lines: list[dict[str, object]] = [
        {"figure": "range", "label": f"{data['starts_on']} to {data['ends_on']}", "registered": "", "attended": ""}]
    for name, value in totals:
        withheld = value is None and name not in ("attendance_rate", "response_rate", "average_usefulness")
        lines.append({"figure": name, "label": "", "registered": WITHHELD if withheld else (
            "" if value is None else value), "attended": ""})
    for key, _, rows in report.breakdowns:
        lines += [{"figure": key, "label": row.label, "registered": cell(row.registered),
                   "attended": cell(row.attended)} for row in rows]
    return csv_lines(CSV_COLUMNS, lines)
