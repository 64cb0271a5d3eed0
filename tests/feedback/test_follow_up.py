"""The automatic follow-up goes only to checked-in attendees, once."""

from __future__ import annotations

from datetime import timedelta

from labapp.db import db
from labapp.feedback.follow_up import send_due_follow_ups
from labapp.registrations.models import Registration
from tests.factories import make_lab_session, make_registration, now_utc
from tests.helpers import outbox


def test_follow_up_goes_only_to_checked_in_attendees_once(app):
    start = now_utc() - timedelta(hours=5)
    lab = make_lab_session(starts_at=start, duration_minutes=60, now=start - timedelta(days=3))
    lab.follow_up_after_hours = 2
    came = make_registration(lab, now=start - timedelta(days=1))
    absent = make_registration(lab, now=start - timedelta(days=1))
    db.session.get(Registration, came.id).checked_in_at = start
    db.session.commit()
    assert send_due_follow_ups(now=lab.ends_at + timedelta(hours=1)) == 0  # not yet
    assert send_due_follow_ups(now=lab.ends_at + timedelta(hours=2)) == 1
    assert send_due_follow_ups(now=lab.ends_at + timedelta(hours=3)) == 0
    [message] = outbox("registration_follow_up")
    assert message.to_address == came.email and message.to_address != absent.email
    assert message.subject.startswith("Thank you: ")
    assert "/certificate" in message.text_body


def test_sessions_without_follow_up_send_nothing(app):
    start = now_utc() - timedelta(hours=5)
    lab = make_lab_session(starts_at=start, duration_minutes=60, now=start - timedelta(days=3),
                           follow_up_after_hours=None)  # new sessions have it on: this one turned it off
    registration = make_registration(lab, now=start - timedelta(days=1))
    db.session.get(Registration, registration.id).checked_in_at = start
    db.session.commit()
    assert send_due_follow_ups(now=lab.ends_at + timedelta(days=1)) == 0
