"""What facilitators do to one registration from the roster: check in, promote, resend."""

from __future__ import annotations

from datetime import datetime

from flask_babel import lazy_gettext as _l

from labapp.db import db, unit_of_work
from labapp.mail.kinds import EmailKind
from labapp.registrations.errors import NotConfirmed, NotWaitlisted, RegistrationError, RegistrationNotFound
from labapp.registrations.models import Registration
from labapp.registrations.notifications import queue_registration_email
from labapp.registrations.seats import promote, refresh_seat_counts
from labapp.registrations.services import waitlist_position
from labapp.sessions.services import lock_lab_session


def registration_in_session(lab_session_id: int, registration_id: int) -> Registration:
    """The registration if it belongs to this session, else RegistrationNotFound (IDs are checked, never trusted)."""
    registration = db.session.get(Registration, registration_id)
    if registration is None or registration.lab_session_id != lab_session_id:
        raise RegistrationNotFound(_l("That registration is not part of this session."))
    return registration


def set_checked_in(*, lab_session_id: int, registration_id: int, is_checked_in: bool, now: datetime) -> Registration:
    """Mark a confirmed person as here (or undo it); a second tap changes nothing."""
    with unit_of_work():
        registration = registration_in_session(lab_session_id, registration_id)
        if is_checked_in and not registration.is_confirmed:
            raise NotConfirmed(_l("Only people with a seat can be checked in. Promote them first."))
        if is_checked_in and registration.checked_in_at is None:
            registration.checked_in_at = now
        elif not is_checked_in:
            registration.checked_in_at = None
        registration.updated_at = now
    return registration


def promote_from_waitlist(*, lab_session_id: int, registration_id: int, now: datetime) -> tuple[Registration, bool]:
    """Give this waitlisted person a seat now; when the session is full, capacity grows by one for them.

    Returns (registration, capacity_was_raised). The person is emailed `You're in: …`.
    """
    with unit_of_work():
        lab = lock_lab_session(lab_session_id)
        registration = registration_in_session(lab_session_id, registration_id)
        db.session.refresh(registration)
        if not registration.is_waitlisted:
            raise NotWaitlisted(_l("This person is not on the waitlist."))
        raised = refresh_seat_counts(lab).confirmed_count >= lab.capacity
        if raised:
            # The facilitator chose this person explicitly: they get a seat without bumping anyone.
            lab.capacity += 1
            lab.updated_at = now
        promote(registration, now=now)
    return registration, raised


def resend_confirmation(*, lab_session_id: int, registration_id: int, now: datetime) -> Registration:
    """Queue the person's confirmation (or waitlist) email again, with their manage link."""
    with unit_of_work():
        registration = registration_in_session(lab_session_id, registration_id)
        if registration.is_cancelled:
            raise RegistrationError(_l("This registration is cancelled, so there is no confirmation to resend."))
        if registration.is_confirmed:
            queue_registration_email(registration, kind=EmailKind.CONFIRMED, now=now)
        else:
            queue_registration_email(registration, kind=EmailKind.WAITLISTED, now=now,
                                     position=waitlist_position(registration))
    return registration
