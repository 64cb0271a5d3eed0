"""On PostgreSQL the usual registration is one statement that commits by itself (issue 18).

Two round trips fewer (no BEGIN, no COMMIT), and still whole or nothing: one statement is one transaction.
"""

from __future__ import annotations

import pytest
from sqlalchemy import event, func, select
from sqlalchemy.exc import IntegrityError

from labapp.db import db
from labapp.mail.models import OutboxMessage
from labapp.registrations import claim
from labapp.registrations.models import Registration
from labapp.registrations.services import Outcome, register
from labapp.sessions.models import LabSession
from tests.factories import details, make_lab_session, now_utc


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
    db.session.commit()  # idle, as at the start of a request
    return slug


def test_a_registration_is_a_lookup_and_one_statement_each_committed_by_itself(app, postgres, statements):
    slug = _idle_slug(make_lab_session(capacity=1))
    statements.clear()
    assert register(slug=slug, details=details(), now=now_utc()).outcome == Outcome.CONFIRMED
    assert register(slug=slug, details=details(), now=now_utc()).outcome == Outcome.WAITLISTED
    assert statements == [("SELECT", True), ("WITH", True)] * 2


def test_a_statement_that_fails_halfway_leaves_nothing_behind(app, postgres, monkeypatch):
    lab = make_lab_session(capacity=5)
    real = claim.chained_email_params

    def email_without_address(message):
        columns, params = real(message)
        return columns, {**params, "e_to_address": None}  # the email's INSERT fails after the registration's

    monkeypatch.setattr(claim, "chained_email_params", email_without_address)
    slug = _idle_slug(lab)
    with pytest.raises(IntegrityError):
        register(slug=slug, details=details(), now=now_utc())
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(Registration)) == 0
    assert db.session.scalar(select(func.count()).select_from(OutboxMessage)) == 0
    assert db.session.scalar(select(LabSession.confirmed_count).where(LabSession.id == lab.id)) == 0
