"""Read-only views of registrations for facilitators: roster pages, room summary, statistics, export rows.

Every function runs a fixed number of queries whatever the number of rows, so pages stay fast.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC as _UTC
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import Select, func, or_, select

from labapp.db import db
from labapp.registrations.models import FOCUS_POPULATIONS, ROLE_LABELS, Registration, RegistrationStatus
from labapp.sessions.models import LabSession

PAGE_SIZE = 50
SORTS = {
    "registered": (Registration.id,),
    "name": (func.lower(Registration.full_name), Registration.id),
    "organisation": (func.lower(Registration.organisation), func.lower(Registration.full_name), Registration.id),
    "role": (Registration.role, func.lower(Registration.full_name), Registration.id),
    "checked_in": (Registration.checked_in_at.is_(None), Registration.checked_in_at, Registration.id),
}


@dataclass(frozen=True)
class RosterPage:
    rows: list[Registration]
    total: int
    page: int
    pages: int
    counts: dict[RegistrationStatus, int]


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def status_counts(lab_session_id: int) -> dict[RegistrationStatus, int]:
    """How many registrations of a session are confirmed, waitlisted and cancelled.

    Confirmed and waitlisted are the trigger-kept counts on the session row; only cancellations are counted.
    """
    counts = dict.fromkeys(RegistrationStatus, 0)
    row = db.session.execute(
        select(LabSession.confirmed_count, LabSession.waitlisted_count).where(LabSession.id == lab_session_id)
    ).one_or_none()
    if row is not None:
        counts[RegistrationStatus.CONFIRMED], counts[RegistrationStatus.WAITLISTED] = row
    counts[RegistrationStatus.CANCELLED] = db.session.scalar(
        select(func.count()).where(Registration.lab_session_id == lab_session_id,
                                   Registration.status == RegistrationStatus.CANCELLED)
    ) or 0
    return counts


def roster_page(*, lab_session_id: int, status: RegistrationStatus, search: str = "", sort: str = "registered",
                page: int = 1, per_page: int = PAGE_SIZE) -> RosterPage:
    """One page of a session's roster for a tab, filtered by name, email or organisation (three queries)."""
    query = select(Registration).where(Registration.lab_session_id == lab_session_id, Registration.status == status)
    search = " ".join(search.split())[:100]
    if search:
        pattern = f"%{_escape_like(search.lower())}%"
        query = query.where(or_(
            func.lower(Registration.full_name).like(pattern, escape="\\"),
            func.lower(Registration.email).like(pattern, escape="\\"),
            func.lower(Registration.organisation).like(pattern, escape="\\"),
        ))
    counts = status_counts(lab_session_id)
    total = counts[status] if not search else db.session.scalar(
        select(func.count()).select_from(query.order_by(None).subquery())) or 0
    pages = max((total + per_page - 1) // per_page, 1)
    page = min(max(page, 1), pages)
    rows = list(db.session.scalars(
        query.order_by(*SORTS.get(sort, SORTS["registered"])).limit(per_page).offset((page - 1) * per_page)
    ).unique())
    return RosterPage(rows=rows, total=total, page=page, pages=pages, counts=counts)


@dataclass(frozen=True)
class RoomSummary:
    """Who is coming, to prepare the conversation."""

    people: int
    by_role: list[tuple[str, int]]
    by_focus: list[tuple[str, int]]
    hopes: list[str]


def room_summary(lab_session_id: int) -> RoomSummary:
    """Counts by role and focus population, and what confirmed people hope to explore (one query)."""
    rows = db.session.execute(
        select(Registration.role, Registration.focus_populations, Registration.hopes)
        .where(Registration.lab_session_id == lab_session_id, Registration.status == RegistrationStatus.CONFIRMED)
        .order_by(Registration.id)
    ).all()
    roles = Counter(role for role, _, _ in rows)
    focus = Counter(key for _, keys, _ in rows for key in (keys or []))
    by_role = [(str(label), roles[role]) for role, label in ROLE_LABELS.items() if roles[role]]
    by_focus = [(str(label), focus[key]) for key, label in FOCUS_POPULATIONS.items() if focus[key]]
    return RoomSummary(
        people=len(rows), by_role=by_role, by_focus=by_focus,
        hopes=[hopes for _, _, hopes in rows if hopes and hopes.strip()],
    )


def registrations_per_day(*, session_ids: Sequence[int] | None, since: date, until: date) -> list[tuple[date, int]]:
    """New registrations per UTC day from `since` to `until` inclusive, zero days included (one query)."""
    start_at = datetime.combine(since, datetime.min.time()).replace(tzinfo=_UTC)
    end_at = datetime.combine(until + timedelta(days=1), datetime.min.time()).replace(tzinfo=_UTC)
    query = select(Registration.registered_at).where(
        Registration.registered_at >= start_at, Registration.registered_at < end_at)
    if session_ids is not None:
        query = query.where(Registration.lab_session_id.in_(list(session_ids) or [-1]))
    days = Counter(value.astimezone(_UTC).date() for value in db.session.scalars(query))
    return [(since + timedelta(days=n), days[since + timedelta(days=n)]) for n in range((until - since).days + 1)]


def attendance_by_session(session_ids: Sequence[int]) -> dict[int, tuple[int, int]]:
    """Per session: (confirmed people, of whom checked in), in one query; sessions nobody confirmed for are left out."""
    if not session_ids:
        return {}
    checked_in = (
        select(func.count()).where(Registration.lab_session_id == LabSession.id,
                                   Registration.status == RegistrationStatus.CONFIRMED,
                                   Registration.checked_in_at.is_not(None))
        .scalar_subquery()
    )
    rows = db.session.execute(
        select(LabSession.id, LabSession.confirmed_count, checked_in)
        .where(LabSession.id.in_(list(session_ids)), LabSession.confirmed_count > 0)
    )
    return {sid: (int(total), int(attended or 0)) for sid, total, attended in rows}


EXPORT_COLUMNS: list[tuple[str, Any]] = [
    ("session_id", LabSession.id),
    ("session_title", LabSession.title),
    ("session_starts_at", LabSession.starts_at),
    ("session_timezone", LabSession.timezone),
    ("registration_id", Registration.id),
    ("status", Registration.status),
    ("full_name", Registration.full_name),
    ("email", Registration.email),
    ("role", Registration.role),
    ("organisation", Registration.organisation),
    ("focus_populations", Registration.focus_populations),
    ("accommodations", Registration.accommodations),
    ("hopes", Registration.hopes),
    ("registered_at", Registration.registered_at),
    ("confirmed_at", Registration.confirmed_at),
    ("waitlisted_at", Registration.waitlisted_at),
    ("cancelled_at", Registration.cancelled_at),
    ("checked_in_at", Registration.checked_in_at),
]


def export_query(session_ids: Sequence[int] | None) -> Select[Any]:
    """Columns for the CSV export, one row per registration, by session start then registration."""
    query = (
        select(*[column for _, column in EXPORT_COLUMNS])
        .join(LabSession, LabSession.id == Registration.lab_session_id)
        .where(Registration.anonymised_at.is_(None))
        .order_by(LabSession.starts_at, LabSession.id, Registration.id)
    )
    if session_ids is not None:
        query = query.where(Registration.lab_session_id.in_(list(session_ids) or [-1]))
    return query


def export_rows(session_ids: Sequence[int] | None, *, batch: int = 1000) -> Iterator[dict[str, Any]]:
    """Stream export rows in batches (server-side cursor on PostgreSQL), as {column: value}."""
    names = [name for name, _ in EXPORT_COLUMNS]
    result = db.session.execute(export_query(session_ids).execution_options(yield_per=batch))
    for row in result:
        record = dict(zip(names, row, strict=True))
        record["role"] = str(ROLE_LABELS[record["role"]])  # loaded as an EducatorRole
        focus = record["focus_populations"] or []
        record["focus_populations"] = "; ".join(str(FOCUS_POPULATIONS.get(k, k)) for k in focus)
        yield record


