"""Seats: how many are taken and how many are left, for one session or many."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask_babel import gettext, ngettext
from sqlalchemy import select

from labapp.db import db
from labapp.registrations.seat_offers import held_seats, seats_on_offer
from labapp.sessions.models import LabSession, SessionLanguage, SessionStatus


@dataclass(frozen=True)
class SeatCounts:
    confirmed: int = 0
    waitlisted: int = 0

    @classmethod
    def of(cls, lab: LabSession) -> SeatCounts:
        """The counts the database keeps on the session row (migration 0007), as loaded with it.

        Fresh when the session was loaded in this request or locked; an object loaded before a
        registration changed in the same transaction holds the old counts.
        """
        return cls(lab.confirmed_count, lab.waitlisted_count)


@dataclass(frozen=True)
class SessionListing:
    """A session with its seat counts, as the public list and the CLI show it."""

    lab_session: LabSession
    counts: SeatCounts
    # Free seats on offer to the people waiting (seat_offers.py): a newcomer would join the waitlist.
    held: int = 0

    @property
    def seats_left(self) -> int:
        return max(self.lab_session.capacity - self.counts.confirmed - self.held, 0)


def list_upcoming_sessions(*, now: datetime, language: SessionLanguage | None = None) -> list[SessionListing]:
    """Published sessions that have not ended, soonest first, with seat counts (one query).

    With `language`, only sessions held in it (bilingual ones count for English and Spanish).
    """
    query = select(LabSession).where(LabSession.status == SessionStatus.PUBLISHED, LabSession.starts_at > now)
    if language is not None:
        query = query.where(LabSession.language.in_(language.listed_with()))
    sessions = list(db.session.scalars(query.order_by(LabSession.starts_at, LabSession.id)))
    held = held_seats(sessions)
    return [SessionListing(s, SeatCounts.of(s), held.get(s.id, 0)) for s in sessions]


def get_listing(lab: LabSession) -> SessionListing:
    """One session with its seat counts."""
    return SessionListing(lab, SeatCounts.of(lab), seats_on_offer(lab))




def availability_label(listing: SessionListing, now: datetime) -> str:
    """What the public list says about seats: '3 seats left', 'Full — join the waitlist', ..."""
    lab = listing.lab_session
    if lab.is_cancelled:
        return str(gettext("Cancelled"))
    if now >= lab.starts_at:
        return str(gettext("Already started"))
    if not lab.is_open_for_registration(now):
        if lab.registration_opens_at and now < lab.registration_opens_at:
            return str(gettext("Registration not open yet"))
        return str(gettext("Registration closed"))
    if listing.seats_left == 0:
        return str(gettext("Full — join the waitlist"))
    return str(ngettext("%(num)d seat left", "%(num)d seats left", listing.seats_left))
