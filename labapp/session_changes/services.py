"""Changing a published session: notify the people registered, refill seats and re-arm reminders.

These rules span sessions, registrations and reminders, so they sit above all three (README, Architecture).
"""

from __future__ import annotations

from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import update

from labapp.accounts.models import User
from labapp.db import db, unit_of_work
from labapp.registrations.availability import get_listing
from labapp.registrations.models import Registration, RegistrationStatus
from labapp.registrations.notifications import notify_session_cancelled, notify_session_updated
from labapp.registrations.seats import fill_free_seats, refresh_seat_counts
from labapp.reminders.services import reschedule_reminders
from labapp.sessions.errors import CapacityBelowConfirmed, InvalidSession, SessionChangeNotAllowed
from labapp.sessions.models import LabSession, SessionStatus
from labapp.sessions.services import SCHEDULE_FIELDS, SessionFields, lock_lab_session, validate_schedule


def update_session(*, lab_session_id: int, changes: SessionFields, now: datetime,
                   facilitators: list[User] | None = None) -> LabSession:
    """Save a session's new fields; a new time, place or link tells confirmed people, more seats fill the waitlist.

    A new start also makes the reminders due again for the new time (reminders.services.reschedule_reminders).

    Lowering capacity below the confirmed count raises CapacityBelowConfirmed and changes nothing.
    `facilitators`, when given (admins only), replaces who runs the session.
    """
    changes.validate()
    with unit_of_work():
        lab = lock_lab_session(lab_session_id)
        if lab.is_cancelled:
            raise SessionChangeNotAllowed(_l("This session is cancelled, so it can no longer be changed."))
        if now >= lab.ends_at:
            raise SessionChangeNotAllowed(_l("This session is over, so it can no longer be changed."))
        if changes.starts_at != lab.starts_at or (changes.registration_opens_at, changes.registration_closes_at) != (
            lab.registration_opens_at, lab.registration_closes_at
        ):
            validate_schedule(starts_at=changes.starts_at, registration_opens_at=changes.registration_opens_at,
                              registration_closes_at=changes.registration_closes_at, now=now)
        confirmed = refresh_seat_counts(lab).confirmed_count
        if changes.capacity < confirmed:
            raise CapacityBelowConfirmed(_l(
                "%(confirmed)s people already have a seat, so capacity cannot go below %(confirmed)s. "
                "Cancel registrations first if the room really is smaller.", confirmed=confirmed
            ))
        before = {name: getattr(lab, name) for name in SCHEDULE_FIELDS}
        start_moved = lab.starts_at != changes.starts_at
        changes.apply_to(lab)
        schedule_changed = any(getattr(lab, name) != value for name, value in before.items())
        lab.updated_at = now
        if facilitators is not None:
            if not facilitators:
                raise InvalidSession(_l("A session needs at least one facilitator."))
            lab.facilitators = list(facilitators)
        if schedule_changed:
            lab.sequence += 1
            if lab.is_published:
                notify_session_updated(lab, now=now)
        if start_moved:
            reschedule_reminders(lab, now=now)
        db.session.flush()
        if changes.capacity > confirmed and now < lab.starts_at:
            fill_free_seats(lab, now=now)
    return lab


def unpublish_session(*, lab_session_id: int, now: datetime) -> LabSession:
    """Take a session back to draft, only while nobody is registered (otherwise: cancel it)."""
    with unit_of_work():
        lab = lock_lab_session(lab_session_id)
        if lab.is_cancelled:
            raise SessionChangeNotAllowed(_l("This session is cancelled."))
        counts = get_listing(lab).counts
        if counts.confirmed or counts.waitlisted:
            raise SessionChangeNotAllowed(_l(
                "People are registered, so the session cannot be hidden. Cancel it to tell them."
            ))
        lab.status = SessionStatus.DRAFT
        lab.updated_at = now
    return lab


def cancel_session(*, lab_session_id: int, now: datetime, reason: str = "") -> LabSession:
    """Cancel a session and tell everyone registered (confirmed and waitlisted), in one transaction."""
    with unit_of_work():
        lab = lock_lab_session(lab_session_id)
        if lab.is_cancelled:
            return lab
        if now >= lab.ends_at:
            raise SessionChangeNotAllowed(_l("This session is over, so it can no longer be cancelled."))
        was_published = lab.is_published
        lab.status = SessionStatus.CANCELLED
        lab.cancelled_at = now
        lab.updated_at = now
        lab.sequence += 1
        if was_published:
            notify_session_cancelled(lab, now=now, reason=reason.strip())
        # Nobody should get a reminder for a session that will not happen.
        db.session.execute(
            update(Registration)
            .where(Registration.lab_session_id == lab.id, Registration.reminders_stopped_at.is_(None),
                   Registration.status != RegistrationStatus.CANCELLED)
            .values(reminders_stopped_at=now)
        )
    return lab
