"""The private manage link: see, update, cancel; the freed seat goes to the first person waiting."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import select, text

from labapp.db import db
from labapp.registrations.links import manage_token
from labapp.registrations.models import Registration, RegistrationStatus
from tests.factories import make_lab_session, make_registration
from tests.helpers import outbox, resolve_mail_requests


def test_manage_token_is_long_random_and_never_stored(app):
    registration = make_registration(make_lab_session())
    token = manage_token(registration)
    assert len(token) >= 22  # >= 128 bits in URL-safe base64
    rows = db.session.execute(text("SELECT * FROM registrations")).mappings().all()
    assert not any(token in str(value) for value in rows[0].values())
    outbox_rows = db.session.execute(text("SELECT token_hash FROM registrations")).scalars().all()
    assert outbox_rows[0] != token


def test_the_manage_link_is_the_same_in_every_email(app):
    lab = make_lab_session()
    registration = make_registration(lab, email="same@example.org")
    from labapp.registrations.services import resend_manage_link
    from tests.factories import now_utc

    resend_manage_link(lab_session_id=lab.id, email="SAME@example.org", now=now_utc())
    resolve_mail_requests()
    links = {re.search(r"/manage/[\w-]+", m.text_body).group(0) for m in outbox()}
    assert links == {f"/manage/{manage_token(registration)}"}


def test_unknown_manage_token_is_a_404(client):
    assert client.get("/manage/not-a-real-token").status_code == 404


def test_person_updates_their_details_from_the_link(client):
    registration = make_registration(make_lab_session())
    token = manage_token(registration)
    response = client.post(f"/manage/{token}", data={
        "full_name": "New Name", "role": "school_leader", "organisation": "New School",
        "focus_populations": ["english_learners", "newcomers"], "hopes": "More listening",
    }, follow_redirects=True)
    assert "Your details are saved" in response.get_data(as_text=True)
    db.session.expire_all()
    updated = db.session.get(Registration, registration.id)
    assert (updated.full_name, updated.role, updated.focus_populations) == (
        "New Name", "school_leader", ["english_learners", "newcomers"])


def test_cancel_link_get_only_asks_and_post_cancels(client):
    registration = make_registration(make_lab_session())
    token = manage_token(registration)
    page = client.get(f"/manage/{token}/cancel").get_data(as_text=True)
    assert "Cancel your registration?" in page
    db.session.expire_all()
    assert db.session.get(Registration, registration.id).status == RegistrationStatus.CONFIRMED
    client.post(f"/manage/{token}/cancel")
    db.session.expire_all()
    assert db.session.get(Registration, registration.id).status == RegistrationStatus.CANCELLED
    assert outbox()[-1].subject.startswith("Cancelled: ")


def test_cancelling_a_seat_promotes_the_first_waitlisted_person(client):
    lab = make_lab_session(capacity=1)
    seated = make_registration(lab)
    first_waiting = make_registration(lab)
    second_waiting = make_registration(lab)
    client.post(f"/manage/{manage_token(seated)}/cancel")
    db.session.expire_all()
    statuses = {r.id: r.status for r in db.session.scalars(select(Registration))}
    assert statuses[first_waiting.id] == RegistrationStatus.CONFIRMED
    assert statuses[second_waiting.id] == RegistrationStatus.WAITLISTED
    promoted = [m for m in outbox() if m.kind == "registration_promoted"]
    assert [m.to_address for m in promoted] == [first_waiting.email]
    assert promoted[0].subject.startswith("You're in: ")


def test_registering_again_after_cancelling_is_allowed(client):
    lab = make_lab_session()
    registration = make_registration(lab, email="again@example.org")
    client.post(f"/manage/{manage_token(registration)}/cancel")
    from tests.factories import registration_form

    response = client.post(f"/sessions/{lab.slug}/register", data=registration_form(email="again@example.org"),
                           follow_redirects=True)
    assert "You're confirmed" in response.get_data(as_text=True)


def test_every_confirmation_and_reminder_has_a_cant_make_it_link_to_the_one_button_page(client):
    lab = make_lab_session()
    registration = make_registration(lab)
    from labapp.reminders.services import queue_due_reminders

    queue_due_reminders(now=lab.starts_at - timedelta(hours=1))
    cancel_link = f"/manage/{manage_token(registration)}/cancel"
    for message in outbox():
        assert "Can't make it?" in message.text_body and cancel_link in message.text_body, message.kind
        assert f'href="http://labapp.test{cancel_link}"' in message.html_body
    page = client.get(cancel_link).get_data(as_text=True)
    assert page.count("<button") == 1 and "Yes, cancel my registration" in page
