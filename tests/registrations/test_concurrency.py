"""Never overbook: many people at once for the last seats, on real PostgreSQL connections."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import select

from labapp.db import db
from labapp.registrations.models import Registration, RegistrationStatus
from labapp.registrations.services import register
from tests.factories import details, make_lab_session, now_utc
from tests.helpers import outbox


def test_fifty_concurrent_registrations_fill_ten_seats_exactly(app, backend):
    if backend != "postgresql":
        pytest.skip("row locks are a PostgreSQL property; SQLite serialises writers instead")
    lab_id = make_lab_session(capacity=10).id
    people = [details(email=f"rush{i}@example.org") for i in range(50)]

    def attempt(person):
        with app.app_context():
            try:
                return register(lab_session_id=lab_id, details=person, now=now_utc()).registration.id
            finally:
                db.session.remove()

    with ThreadPoolExecutor(max_workers=16) as pool:
        ids = list(pool.map(attempt, people))
    assert len(set(ids)) == 50
    db.session.expire_all()
    rows = list(db.session.scalars(select(Registration).order_by(Registration.id)))
    confirmed = [r for r in rows if r.status == RegistrationStatus.CONFIRMED]
    waitlisted = [r for r in rows if r.status == RegistrationStatus.WAITLISTED]
    assert len(confirmed) == 10 and len(waitlisted) == 40
    # Seats went to the first ten to get the lock; everyone after them waits, in order.
    assert max(r.id for r in confirmed) < min(r.id for r in waitlisted)
    # Emails are rendered from a forecast before the lock: under a rush many forecasts are wrong,
    # and each email must still tell what the lock decided, with the true place in line.
    emails = {message.registration_id: message for message in outbox()}
    for row in confirmed:
        assert emails[row.id].subject.startswith("Confirmed:") and emails[row.id].calendar_ics
    for place, row in enumerate(waitlisted, start=1):
        assert emails[row.id].subject.startswith("Waitlist:") and emails[row.id].calendar_ics is None
        assert f"number {place} in line" in emails[row.id].text_body
        assert f"number {place} in line" in emails[row.id].html_body


@pytest.mark.parametrize("named_by", ["id", "slug"])
def test_concurrent_double_submit_makes_one_registration(app, named_by):
    lab = make_lab_session(capacity=10)
    session = {"lab_session_id": lab.id} if named_by == "id" else {"slug": lab.slug}
    person = details(email="double@example.org")

    def attempt(_):
        with app.app_context():
            try:
                return register(**session, details=person, now=now_utc()).registration.id
            finally:
                db.session.remove()

    with ThreadPoolExecutor(max_workers=4) as pool:
        ids = set(pool.map(attempt, range(4)))
    assert len(ids) == 1
