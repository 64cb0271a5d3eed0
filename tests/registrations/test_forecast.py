"""Registering renders its email from a forecast before taking the lock: a wrong forecast never shows."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import update
from sqlalchemy.orm.attributes import set_committed_value

from labapp.db import db
from labapp.registrations import services
from labapp.registrations.services import Outcome, register
from labapp.sessions.models import LabSession
from tests.factories import details, make_lab_session, make_registration, now_utc
from tests.helpers import outbox


@pytest.fixture(params=["idle", "in a transaction"])
def lab_id(request):
    """The session's id, with the database session left idle or inside a transaction.

    An idle session is how a request registers: on PostgreSQL it takes the one-statement path in
    autocommit first (services._register_outright); inside a transaction (a service calling another)
    it takes the transactional path. A wrong forecast must be caught on both.
    """

    def read(lab: LabSession) -> int:
        lab_session_id = lab.id
        if request.param == "idle":
            db.session.commit()  # ends the read's transaction, as at the start of a request
        return lab_session_id

    return read


def _forecast_from_a_moment_ago(monkeypatch, *, change=None, confirmed=None):
    """Make the forecast stale the way a rush does: the real one, then the world moves on."""
    real_lookup = services.session_for_registration

    def lookup(**kwargs):
        lab, existing_id = real_lookup(**kwargs)
        if change:
            # Another request commits an edit between the forecast and the lock.
            with db.engine.begin() as other:
                other.execute(update(LabSession).where(LabSession.id == lab.id).values(**change))
        if confirmed is not None:
            # As if read before other people's registrations (or cancellations) committed.
            set_committed_value(lab, "confirmed_count", confirmed)
            set_committed_value(lab, "waitlisted_count", 0)
        return lab, existing_id

    monkeypatch.setattr(services, "session_for_registration", lookup)


def test_when_the_last_seat_went_after_the_forecast_the_person_is_told_they_wait(app, monkeypatch, lab_id):
    lab = make_lab_session(capacity=2)
    make_registration(lab)
    make_registration(lab)
    make_registration(lab)  # first in line
    _forecast_from_a_moment_ago(monkeypatch, confirmed=0)  # it saw two free seats
    result = register(lab_session_id=lab_id(lab), details=details(email="late@example.edu"), now=now_utc())
    assert result.outcome == Outcome.WAITLISTED
    [email] = [m for m in outbox("registration_waitlisted") if m.to_address == "late@example.edu"]
    assert email.subject.startswith("Waitlist:") and email.calendar_ics is None
    assert "number 2 in line" in email.text_body and "number 2 in line" in email.html_body
    assert "{place-in-line}" not in email.text_body + email.html_body


def test_when_a_seat_freed_after_the_forecast_the_person_gets_it_and_an_invite(app, monkeypatch, lab_id):
    lab = make_lab_session(capacity=1)
    _forecast_from_a_moment_ago(monkeypatch, confirmed=1)  # it saw the session full
    result = register(lab_session_id=lab_id(lab), details=details(email="lucky@example.edu"), now=now_utc())
    assert result.outcome == Outcome.CONFIRMED
    [email] = outbox("registration_confirmed")
    assert email.subject.startswith("Confirmed:") and "BEGIN:VEVENT" in (email.calendar_ics or "")


def test_an_edit_to_the_session_after_the_forecast_shows_in_the_confirmation(app, monkeypatch, lab_id):
    now = now_utc()
    lab = make_lab_session(title="Listening to families", now=now)
    _forecast_from_a_moment_ago(monkeypatch, change={"title": "Listening to newcomer families",
                                                     "updated_at": now + timedelta(seconds=1)})
    register(lab_session_id=lab_id(lab), details=details(email="edit@example.edu"), now=now)
    [email] = outbox("registration_confirmed")
    assert "Listening to newcomer families" in email.subject
    assert "SUMMARY:Listening to newcomer families" in (email.calendar_ics or "")
