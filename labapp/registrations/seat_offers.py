"""Seats freed close to the start: offered to everyone waiting instead of given automatically.

An automatic promotion an hour before a session would surprise someone who has
made other plans, so inside PROMOTION_CUTOFF the waitlist gets one email each
and the first person to press "I'll take it" gets the seat.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from labapp.db import db, unit_of_work
from labapp.mail.kinds import EmailKind
from labapp.registrations.errors import NotWaitlisted, RegistrationClosed, SeatAlreadyTaken
from labapp.registrations.models import Registration, RegistrationStatus, SeatOffer
from labapp.registrations.notifications import queue_registration_email
from labapp.registrations.seats import lock_registration, promote, refresh_seat_counts
from labapp.sessions.models import LabSession
from labapp.settings import settings


def promotion_cutoff() -> timedelta:
    """PROMOTION_CUTOFF as a timedelta (default 2 h)."""
    return settings().promotion_cutoff


def is_inside_cutoff(lab: LabSession, now: datetime) -> bool:
    """True when a freed seat should be offered rather than given."""
    return now < lab.starts_at and lab.starts_at - now <= promotion_cutoff()


def offer_freed_seat(lab: LabSession, *, now: datetime) -> SeatOffer | None:
    """Record an open seat and email everyone waiting (caller holds the session lock)."""
    waiting = list(
        db.session.scalars(
            select(Registration)
            .where(Registration.lab_session_id == lab.id, Registration.status == RegistrationStatus.WAITLISTED)
            .order_by(Registration.id)
        )
    )
    if not waiting:
        return None
    offer = SeatOffer(lab_session_id=lab.id, created_at=now)
    db.session.add(offer)
    db.session.flush()
    for registration in waiting:
        queue_registration_email(registration, kind=EmailKind.SEAT_OPEN, now=now, offer=offer)
    return offer


def seats_on_offer(lab: LabSession) -> int:
    """Free seats held for the people waiting because they were offered one (caller holds the lock).

    A newcomer registering while an offer is open joins the waitlist behind the people it went to,
    so the seat goes to whoever takes the offer. Once nobody is waiting, nothing is held.
    """
    return held_seats([lab]).get(lab.id, 0)


def held_seats(labs: Iterable[LabSession]) -> dict[int, int]:
    """seats_on_offer for many sessions at once: {session id: seats held}, in at most one query."""
    # The usual case, from the counts on the session rows: nobody waits or no seat is free, so no query.
    candidates = [lab.id for lab in labs if lab.waitlisted_count and lab.confirmed_count < lab.capacity]
    if not candidates:
        return {}
    rows = db.session.execute(
        select(SeatOffer.lab_session_id, func.count())
        .where(SeatOffer.lab_session_id.in_(candidates), SeatOffer.taken_at.is_(None))
        .group_by(SeatOffer.lab_session_id)
    )
    return {lab_session_id: count for lab_session_id, count in rows}


def open_offer(lab_session_id: int) -> SeatOffer | None:
    """The oldest offer for this session nobody has taken yet."""
    return db.session.scalar(
        select(SeatOffer)
        .where(SeatOffer.lab_session_id == lab_session_id, SeatOffer.taken_at.is_(None))
        .order_by(SeatOffer.id)
        .limit(1)
    )


def take_offered_seat(*, registration_id: int, now: datetime) -> Registration:
    """Give the seat to this waitlisted person if it is still free; else SeatAlreadyTaken.

    The session row lock makes simultaneous clicks take turns: the first gets
    the seat, the rest find it taken and stay on the waitlist.
    """
    with unit_of_work():
        registration, lab = lock_registration(registration_id)
        if registration.is_confirmed:
            return registration
        if not registration.is_waitlisted:
            raise NotWaitlisted(_l("Only people on the waitlist can take an open seat."))
        if now >= lab.starts_at or lab.is_cancelled:
            raise RegistrationClosed(_l("This session has already started."))
        offer = open_offer(lab.id)
        if offer is None or refresh_seat_counts(lab).confirmed_count >= lab.capacity:
            raise SeatAlreadyTaken(_l("Sorry — someone else took that seat first. You're still on the waitlist."))
        offer.taken_at = now
        offer.taken_by_id = registration.id
        promote(registration, now=now)
    return registration
