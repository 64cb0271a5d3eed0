"""The manage page says which reminders are coming and turns them off, or back on."""

from __future__ import annotations

from datetime import timedelta

from labapp.db import db
from labapp.registrations.links import manage_token
from labapp.registrations.models import Registration
from labapp.worker import run_pass
from tests.factories import make_lab_session, make_registration
from tests.reminders.test_sending_reminders import EARLY, HOUR, START, reminder_subjects


def _manage(client, registration):
    return f"/manage/{manage_token(registration)}"


def test_reminders_turned_off_and_back_on_from_the_manage_page(app, client, smtp):
    app.config["CLOCK"] = lambda: START - 30 * HOUR
    lab = make_lab_session(now=EARLY, starts_at=START, title="Switch Lab")
    registration = make_registration(lab, now=EARLY)
    url, email, registration_id = _manage(client, registration), registration.email, registration.id

    page = client.get(url).get_data(as_text=True)
    assert "We'll remind you by email 24 hours before and 1 hour before it starts." in page
    response = client.post(f"{url}/reminders", data={"turn": "off"}, follow_redirects=True)
    assert "Reminders are off for this session. Your seat stays yours." in response.get_data(as_text=True)
    assert "Turn reminders back on" in response.get_data(as_text=True)

    run_pass(now=START - 23 * HOUR)  # the 24-hour moment passes while they are off
    assert reminder_subjects(smtp, email) == []

    app.config["CLOCK"] = lambda: START - 20 * HOUR
    response = client.post(f"{url}/reminders", data={"turn": "on"}, follow_redirects=True)
    assert "Reminders are back on." in response.get_data(as_text=True)
    assert db.session.get(Registration, registration_id).reminders_stopped_at is None
    run_pass(now=START - 20 * HOUR + timedelta(seconds=1))  # the reminder due by now goes at once
    run_pass(now=START - HOUR)
    assert reminder_subjects(smtp, email) == [
        "Reminder: Switch Lab — starts tomorrow at 4:00 PM EST",
        "Reminder: Switch Lab — starts in 1 hour (4:00 PM EST)",
    ]


def test_a_waitlisted_person_is_not_offered_reminders(client):
    lab = make_lab_session(capacity=1)
    make_registration(lab)
    waiting = make_registration(lab)
    assert "Reminder emails" not in client.get(_manage(client, waiting)).get_data(as_text=True)


def test_a_tampered_reminders_switch_is_refused_and_changes_nothing(client):
    registration = make_registration(make_lab_session())
    url, registration_id = _manage(client, registration), registration.id
    assert client.post(f"{url}/reminders", data={"turn": "sometimes"}).status_code == 400
    assert client.post("/manage/not-a-real-token/reminders", data={"turn": "off"}).status_code == 404
    db.session.expire_all()
    assert db.session.get(Registration, registration_id).reminders_stopped_at is None


def test_the_reminders_switch_needs_the_forms_csrf_token(app, client):
    app.config["WTF_CSRF_ENABLED"] = True
    registration = make_registration(make_lab_session())
    url, registration_id = _manage(client, registration), registration.id
    assert client.post(f"{url}/reminders", data={"turn": "off"}).status_code == 400
    db.session.expire_all()
    assert db.session.get(Registration, registration_id).reminders_stopped_at is None
