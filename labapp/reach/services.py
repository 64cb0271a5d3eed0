"""Reach figures for a date range, in four queries whatever the number of registrations.

Every count of people from 1 to 4 is withheld (None, shown as "fewer than 5") so that nobody can be
picked out of a breakdown; sessions held is a count of sessions, not people, and is always shown.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from labapp.core.csv_export import csv_lines
from labapp.db import db
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
        return [("role", "Role", self.by_role), ("focus_population", "Focus population", self.by_focus),
                ("organisation", f"Organisation (top {TOP_ORGANISATIONS})", self.by_organisation),
                ("format", "Session format", self.by_format)]


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


class _People:
    """Sets of people (normalised email keys) per category, registered and attended."""

    def __init__(self) -> None:
        self.registered: dict[str, set[str]] = defaultdict(set)
        self.attended: dict[str, set[str]] = defaultdict(set)

    def add(self, category: str, person: str, came: bool) -> None:
        self.registered[category].add(person)
        if came:
            self.attended[category].add(person)

    def rows(self, order: list[str] | None = None, limit: int | None = None) -> list[BreakdownRow]:
        keys = order if order is not None else sorted(self.registered, key=lambda k: (-len(self.registered[k]), k))
        keys = [k for k in keys if self.registered.get(k)][:limit]
        return [BreakdownRow(label=k, registered=shown(len(self.registered[k])),
                             attended=shown(len(self.attended.get(k, ())))) for k in keys]


def reach_report(*, starts_on: date, ends_on: date, now: datetime) -> ReachReport:
    """The figures for sessions held from `starts_on` to `ends_on` (local dates, inclusive), as of `now`."""
    sessions = _held_sessions(starts_on, ends_on, now)
    ids = list(sessions) or [-1]
    rows = db.session.execute(
        select(Registration.email_key, Registration.role, Registration.organisation, Registration.focus_populations,
               Registration.status, Registration.checked_in_at, Registration.lab_session_id)
        .where(Registration.lab_session_id.in_(ids), Registration.status != RegistrationStatus.CANCELLED)
    )
    registered: set[str] = set()
    attended: set[str] = set()
    seats = came_seats = 0
    roles, focus, organisations, formats = _People(), _People(), _People(), _People()
    spellings: dict[str, Counter[str]] = defaultdict(Counter)
    for email_key, role, organisation, populations, status, checked_in_at, lab_id in rows:
        came = status == RegistrationStatus.CONFIRMED and checked_in_at is not None
        seats += status == RegistrationStatus.CONFIRMED
        came_seats += came
        registered.add(email_key)
        if came:
            attended.add(email_key)
        roles.add(_role_label(role), email_key, came)
        for key in populations or [NOT_GIVEN]:
            focus.add(FOCUS_POPULATIONS.get(key, key), email_key, came)
        name = " ".join((organisation or "").split())
        org_key = name.casefold() or NOT_GIVEN
        spellings[org_key][name or NOT_GIVEN] += 1
        organisations.add(org_key, email_key, came)
        formats.add(SessionFormat(sessions[lab_id]).label, email_key, came)
    returning = _attended_before(ids, datetime.combine(starts_on, time(), UTC)) & attended
    responses, average = _feedback(ids)
    org_rows = [BreakdownRow(label=spellings[row.label].most_common(1)[0][0], registered=row.registered,
                             attended=row.attended) for row in organisations.rows(limit=TOP_ORGANISATIONS)]
    return ReachReport(
        starts_on=starts_on, ends_on=ends_on, sessions_held=len(sessions),
        people_registered=shown(len(registered)), people_attended=shown(len(attended)),
        attendance_rate=came_seats / seats if seats else None,
        new_people=shown(len(attended - returning)), returning_people=shown(len(returning)),
        by_role=roles.rows(order=[role.label for role in EducatorRole] + sorted(
            set(roles.registered) - {role.label for role in EducatorRole})),
        by_focus=focus.rows(order=[*FOCUS_POPULATIONS.values(), NOT_GIVEN]),
        by_organisation=org_rows,
        by_format=formats.rows(order=[f.label for f in SessionFormat]),
        responses=shown(responses),
        # A rate or an average of fewer than 5 answers would describe individuals: withheld too.
        response_rate=responses / came_seats if came_seats and shown(responses) else None,
        average_usefulness=average if shown(responses) else None,
    )


def _role_label(role: str) -> str:
    try:
        return EducatorRole(role).label
    except ValueError:
        return str(role)


def _attended_before(session_ids: list[int], before: datetime) -> set[str]:
    """People who attended any session before `before` and also attended one of these sessions (one query)."""
    in_range = select(Registration.email_key).where(
        Registration.lab_session_id.in_(session_ids), Registration.status == RegistrationStatus.CONFIRMED,
        Registration.checked_in_at.is_not(None))
    rows = db.session.scalars(
        select(Registration.email_key).distinct()
        .join(LabSession, LabSession.id == Registration.lab_session_id)
        .where(LabSession.starts_at < before, Registration.status == RegistrationStatus.CONFIRMED,
               Registration.checked_in_at.is_not(None), Registration.email_key.in_(in_range))
    )
    return set(rows)


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
