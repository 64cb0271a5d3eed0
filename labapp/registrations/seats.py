"""Seat changes under the session lock, and the one way to read how many seats are taken.

The session row carries `confirmed_count` and `waitlisted_count`, kept by database triggers on
every change to `registrations` (migration 0007). Nothing else counts confirmed rows: code that
changed registrations in this transaction calls `refresh_seat_counts` to read the counts again.
"""

from __future__ import annotations

from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from labapp.db import db
from labapp.mail.kinds import EmailKind
from labapp.registrations.errors import RegistrationNotFound
from labapp.registrations.models import Registration, RegistrationStatus
from labapp.registrations.notifications import queue_registration_email
from labapp.sessions.models import LabSession
from labapp.sessions.services import lock_lab_session


def refresh_seat_counts(lab: LabSession) -> LabSession:
    """Write pending changes, then reload the trigger-kept counts on `lab` (call under its lock)."""
    db.session.flush()
    db.session.refresh(lab, ["confirmed_count", "waitlisted_count"])
    return lab


def lock_registration(registration_id: int) -> tuple[Registration, LabSession]:
    """Load a registration and lock its session row (inside the caller's unit of work).

    Every change to a seat locks the session first, so seat changes take turns;
    the registration is re-read after the lock so its status is current.
    """
    registration = db.session.get(Registration, registration_id)
    if registration is None:
        raise RegistrationNotFound(_l("That registration no longer exists."))
    lab = lock_lab_session(registration.lab_session_id)
    db.session.refresh(registration)
    return registration, lab


def promote(registration: Registration, *, now: datetime) -> None:
    """Give a waitlisted person a seat and tell them (caller holds the session lock)."""
    registration.status = RegistrationStatus.CONFIRMED
    registration.confirmed_at = now
    registration.promoted_at = now
    registration.updated_at = now
    queue_registration_email(registration, kind=EmailKind.PROMOTED, now=now)


def fill_free_seats(lab: LabSession, *, now: datetime) -> list[Registration]:
    """Promote waitlisted people, first come first served, while seats are free.

    Call with the session locked (inside the caller's unit of work).
    """
    free = lab.capacity - refresh_seat_counts(lab).confirmed_count
    if free <= 0:
        return []
    waiting = list(
        db.session.scalars(
            select(Registration)
            .where(Registration.lab_session_id == lab.id, Registration.status == RegistrationStatus.WAITLISTED)
            .order_by(Registration.id)
            .limit(free)
        )
    )
    for registration in waiting:
        promote(registration, now=now)
    return waiting
