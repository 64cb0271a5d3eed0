"""On PostgreSQL the usual registration is one statement that commits by itself (issue 18).

Two round trips fewer (no BEGIN, no COMMIT), and still whole or nothing: one statement is one transaction.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest
from sqlalchemy import delete, event, func, select
from sqlalchemy.exc import IntegrityError

from labapp.db import db
from labapp.mail.models import OutboxMessage
from labapp.registrations import claim
from labapp.registrations.models import Registration
from labapp.registrations.services import Outcome, register
from labapp.session_changes.services import update_session
from labapp.sessions.errors import SessionNotFound
from labapp.sessions.models import LabSession
from labapp.sessions.services import session_fields
from tests.factories import details, make_lab_session, make_registration, now_utc
from tests.helpers import outbox


@pytest.fixture
def postgres(backend: str) -> None:
    if backend != "postgresql":
        pytest.skip("the one-statement registration is PostgreSQL's; SQLite keeps the transaction")


@pytest.fixture
def statements(app) -> list[tuple[str, bool]]:
    """Each statement's first word, and whether it ran in autocommit (so committed by itself)."""
    seen: list[tuple[str, bool]] = []

    def before(conn, cursor, statement, parameters, context, executemany) -> None:
        seen.append((statement.split()[0], conn.connection.dbapi_connection.autocommit))

    event.listen(db.engine, "before_cursor_execute", before)
    yield seen
    event.remove(db.engine, "before_cursor_execute", before)


def _idle_slug(lab: LabSession) -> str:
    slug = lab.slug
    _new_request()
    return slug


def _new_request() -> None:
    """An idle database session with nothing loaded, as at the start of a request."""
    db.session.commit()
    db.session.remove()


def test_a_registration_is_one_statement_committed_by_itself_once_the_session_was_seen(app, postgres, statements):
    slug = _idle_slug(make_lab_session(capacity=1))
    statements.clear()
    for outcome in (Outcome.CONFIRMED, Outcome.WAITLISTED, Outcome.WAITLISTED):
        assert register(slug=slug, details=details(), now=now_utc()).outcome == outcome
        _new_request()
    # The first reads the session; the next ones register against what this worker saw (forecast.py).
    assert statements == [("SELECT", True), ("WITH", True), ("WITH", True), ("WITH", True)]
    assert "number 2 in line" in outbox("registration_waitlisted")[-1].text_body


def test_a_forecast_from_memory_that_the_lock_disproves_is_never_what_anyone_is_told(app, postgres):
    lab = make_lab_session(title="Listening to families", capacity=2)
    lab_id, now = lab.id, now_utc()
    slug = _idle_slug(lab)
    register(slug=slug, details=details(), now=now)  # this worker now remembers one seat left
    make_registration(db.session.get(LabSession, lab_id))  # another worker takes the last seat
    fields = replace(session_fields(db.session.get(LabSession, lab_id)), title="Listening to newcomer families")
    update_session(lab_session_id=lab_id, changes=fields, now=now + timedelta(seconds=1))
    _new_request()
    late = register(slug=slug, details=details(email="late@example.edu"), now=now)
    assert late.outcome == Outcome.WAITLISTED
    [email] = outbox("registration_waitlisted")
    assert email.to_address == "late@example.edu" and "number 1 in line" in email.text_body
    assert "Listening to newcomer families" in email.subject
    _new_request()
    again = register(slug=slug, details=details(email="late@example.edu"), now=now)
    assert again.outcome == Outcome.ALREADY_REGISTERED  # and their link is sent again, as always
    assert [m.kind for m in outbox() if m.to_address == "late@example.edu"] == [
        "registration_waitlisted", "registration_manage_link"]


def test_a_statement_that_fails_halfway_leaves_nothing_behind(app, postgres, monkeypatch):
    lab = make_lab_session(capacity=5)
    real = claim.chained_email_params

    def email_without_address(message):
        columns, params = real(message)
        return columns, {**params, "e_to_address": None}  # the email's INSERT fails after the registration's

    monkeypatch.setattr(claim, "chained_email_params", email_without_address)
    lab_id, slug = lab.id, _idle_slug(lab)
    with pytest.raises(IntegrityError):
        register(slug=slug, details=details(), now=now_utc())
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(Registration)) == 0
    assert db.session.scalar(select(func.count()).select_from(OutboxMessage)) == 0
    assert db.session.scalar(select(LabSession.confirmed_count).where(LabSession.id == lab_id)) == 0


def test_a_session_deleted_after_it_was_seen_is_not_found_and_forgotten(app, postgres):
    lab = make_lab_session(capacity=5)
    lab_id, slug = lab.id, _idle_slug(lab)
    register(slug=slug, details=details(), now=now_utc())  # remembered
    _new_request()
    db.session.execute(delete(Registration).where(Registration.lab_session_id == lab_id))
    db.session.execute(delete(LabSession).where(LabSession.id == lab_id))
    _new_request()
    for _ in range(2):
        with pytest.raises(SessionNotFound):
            register(slug=slug, details=details(), now=now_utc())
        _new_request()
    assert app.extensions["labapp_session_forecasts"] == {}
