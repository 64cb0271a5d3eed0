"""Each session row carries its seat counts; they always equal its registrations, whoever changes them."""

from __future__ import annotations

from sqlalchemy import delete, func, select, update

from labapp.db import db
from labapp.privacy.services import erase_person
from labapp.registrations.models import Registration, RegistrationStatus
from labapp.registrations.services import cancel_registration
from labapp.sessions.models import LabSession
from tests.factories import make_lab_session, make_registration, now_utc


def _counts(lab_id: int) -> tuple[int, int]:
    """(confirmed, waitlisted) as the session row says, after checking the row says the truth."""
    db.session.expire_all()
    lab = db.session.get(LabSession, lab_id)
    rows = db.session.execute(
        select(Registration.status, func.count()).where(Registration.lab_session_id == lab_id)
        .group_by(Registration.status)
    ).all()
    actual = {status: number for status, number in rows}
    stored = (lab.confirmed_count, lab.waitlisted_count)
    assert stored == (actual.get(RegistrationStatus.CONFIRMED, 0), actual.get(RegistrationStatus.WAITLISTED, 0))
    return stored


def test_counts_follow_registering_cancelling_and_promotion(app):
    lab = make_lab_session(capacity=2)
    first, _, third, fourth = [make_registration(lab) for _ in range(4)]
    assert _counts(lab.id) == (2, 2)
    cancel_registration(registration_id=first.id, now=now_utc())  # third is promoted
    assert _counts(lab.id) == (2, 1)
    assert db.session.get(Registration, third.id).is_confirmed
    cancel_registration(registration_id=fourth.id, now=now_utc())
    assert _counts(lab.id) == (2, 0)


def test_erasing_a_person_frees_their_seat_in_the_counts(app):
    lab = make_lab_session(capacity=1)
    make_registration(lab, email="gone@example.edu")
    make_registration(lab)
    assert _counts(lab.id) == (1, 1)
    erase_person(email="gone@example.edu", now=now_utc())
    assert _counts(lab.id) == (1, 0)


def test_counts_follow_changes_made_outside_the_app(app):
    # An operator mending data at a psql prompt: the database keeps the counts, not the app.
    lab, other = make_lab_session(capacity=5), make_lab_session(capacity=5)
    moved, deleted, _ = [make_registration(lab) for _ in range(3)]
    with db.engine.begin() as connection:
        connection.execute(update(Registration).where(Registration.id == moved.id).values(lab_session_id=other.id))
        connection.execute(delete(Registration).where(Registration.id == deleted.id))
    assert _counts(lab.id) == (1, 0)
    assert _counts(other.id) == (1, 0)
    with db.engine.begin() as connection:
        connection.execute(update(Registration).where(Registration.id == moved.id)
                           .values(status=RegistrationStatus.WAITLISTED))
        # Writing a status without changing it must not count twice.
        connection.execute(update(Registration).where(Registration.lab_session_id == lab.id)
                           .values(status=RegistrationStatus.CONFIRMED))
    assert _counts(other.id) == (0, 1)
    assert _counts(lab.id) == (1, 0)
