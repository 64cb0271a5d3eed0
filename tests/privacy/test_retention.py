"""Retention: sensitive answers go after N days, registrations are anonymised after M days."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from labapp.db import db
from labapp.mail.deliver import deliver_pending
from labapp.privacy.services import ANONYMOUS_NAME, purge_expired
from labapp.registrations.models import Registration
from labapp.worker import resolve_requests
from tests.factories import make_lab_session, make_registration, now_utc


def _reload(registration_id: int) -> Registration:
    db.session.expire_all()
    return db.session.get(Registration, registration_id)


def _past_session_with_one_person():
    start = now_utc() - timedelta(days=1)
    lab = make_lab_session(starts_at=start, now=start - timedelta(days=5))
    registration = make_registration(lab, now=start - timedelta(days=2), accommodations="Captions please",
                                     hopes="Hearing families", full_name="Ana Lopez", email="ana@example.org")
    return lab, registration


def test_sensitive_answers_are_erased_exactly_n_days_after_the_end_and_not_before(app):
    lab, registration = _past_session_with_one_person()
    deliver_pending(now=now_utc() + timedelta(seconds=1))
    thirty_days_after_end = lab.ends_at + timedelta(days=30)
    report = purge_expired(now=thirty_days_after_end - timedelta(seconds=1))
    assert report.sensitive_total == 0
    assert _reload(registration.id).accommodations == "Captions please"
    report = purge_expired(now=thirty_days_after_end)
    assert report.sensitive_total == 1
    after = _reload(registration.id)
    assert (after.accommodations, after.hopes, after.prework_answers) == ("", "", {})
    assert after.full_name == "Ana Lopez"  # the registration itself is kept until M days
    assert purge_expired(now=thirty_days_after_end).sensitive_total == 0  # idempotent


def test_registrations_are_anonymised_after_m_days_keeping_counts_and_attendance(app):
    lab, registration = _past_session_with_one_person()
    row = _reload(registration.id)
    row.checked_in_at = lab.starts_at
    db.session.commit()
    deliver_pending(now=now_utc() + timedelta(seconds=1))
    report = purge_expired(now=lab.ends_at + timedelta(days=730))
    assert report.anonymised_total == 1
    after = _reload(registration.id)
    assert after.full_name == ANONYMOUS_NAME and "ana" not in after.email
    assert after.checked_in_at is not None and after.role == "teacher"
    from labapp.mail.models import OutboxMessage

    assert db.session.scalars(select(OutboxMessage)).all() == []


def test_dry_run_reports_but_changes_nothing(runner, app):
    lab, registration = _past_session_with_one_person()
    when = (lab.ends_at + timedelta(days=31)).isoformat()
    result = runner.invoke(args=["privacy", "purge", "--now", when, "--dry-run"])
    assert "would erase sensitive answers of 1 registrations" in result.output
    assert _reload(registration.id).accommodations == "Captions please"
    result = runner.invoke(args=["privacy", "purge", "--now", when])
    assert "erased sensitive answers of 1 registrations" in result.output
    assert _reload(registration.id).accommodations == ""


def test_anonymising_a_persons_last_registration_erases_their_record_link_emails_too(app, client):
    lab, registration = _past_session_with_one_person()
    newer = make_registration(make_lab_session(), email="still.here@example.org")
    make_registration(lab, email="Still.Here@example.org", now=lab.starts_at - timedelta(days=2))
    for address in ("ANA@example.org", "still.here@example.org"):
        client.post("/my-record", data={"email": address})
    resolve_requests(now=now_utc())
    deliver_pending(now=now_utc() + timedelta(seconds=1))
    from tests.helpers import outbox

    assert len(outbox("record_link")) == 2
    purge_expired(now=lab.ends_at + timedelta(days=730))
    # Ana has nothing left, so no email names her; the other person's newer registration keeps theirs.
    assert [m.to_address for m in outbox()] == [newer.email, "still.here@example.org"]
    assert [m.kind for m in outbox()] == ["registration_confirmed", "record_link"]
