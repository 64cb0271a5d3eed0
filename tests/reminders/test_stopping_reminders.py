"""'Stop these reminders': a GET only asks, a POST (RFC 8058 one-click) stops — for that registration only."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from labapp.db import db
from labapp.mail.deliver import deliver_pending
from labapp.registrations.models import Registration
from labapp.reminders.emails import stop_url
from labapp.reminders.services import queue_due_reminders
from tests.factories import make_lab_session, make_registration
from tests.helpers import outbox

START = datetime(2026, 12, 8, 21, 0, tzinfo=UTC)
EARLY = START - timedelta(days=5)


def path_of(url: str) -> str:
    return url.removeprefix("http://labapp.test")


def stopped_at(registration_id: int):
    db.session.expire_all()
    return db.session.get(Registration, registration_id).reminders_stopped_at


def test_opening_the_stop_link_only_asks_and_never_stops(client):
    registration = make_registration(make_lab_session(now=EARLY, starts_at=START), now=EARLY)
    response = client.get(path_of(stop_url(registration)))
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Stop reminders for this session?" in page and "<form method=\"post\">" in page
    assert stopped_at(registration.id) is None


def test_one_click_post_stops_reminders_for_that_registration_only(app, client):
    lab = make_lab_session(now=EARLY, starts_at=START)
    other_lab = make_lab_session(now=EARLY, starts_at=START)
    registration = make_registration(lab, now=EARLY, email="same@example.org")
    other = make_registration(other_lab, now=EARLY, email="same@example.org")
    other_id = other.id

    response = client.post(path_of(stop_url(registration)), data={"List-Unsubscribe": "One-Click"})

    assert response.status_code == 200
    assert "Reminders stopped" in response.get_data(as_text=True)
    assert stopped_at(registration.id) is not None and stopped_at(other_id) is None
    assert queue_due_reminders(now=START - timedelta(hours=1)) == 1
    assert [m.registration_id for m in outbox("reminder")] == [other_id]


def test_stopping_twice_is_fine(client):
    registration = make_registration(make_lab_session(now=EARLY, starts_at=START), now=EARLY)
    url = path_of(stop_url(registration))
    assert client.post(url).status_code == 200
    first = stopped_at(registration.id)
    assert client.post(url).status_code == 200
    assert stopped_at(registration.id) == first
    assert "already stopped" in client.get(url).get_data(as_text=True)


@pytest.mark.parametrize("method", ["get", "post"])
def test_a_wrong_or_foreign_stop_link_is_a_404(client, method):
    lab = make_lab_session(now=EARLY, starts_at=START)
    mine = make_registration(lab, now=EARLY)
    someone_else = make_registration(lab, now=EARLY)
    token = stop_url(mine).rsplit("/", 1)[1]
    send = getattr(client, method)
    assert send(f"/reminders/stop/{someone_else.id}/{token}").status_code == 404
    assert send(f"/reminders/stop/{mine.id}/not-the-token").status_code == 404
    assert send(f"/reminders/stop/999999/{token}").status_code == 404
    assert send(f"/reminders/stop/99999999999999/{token}").status_code == 404
    assert stopped_at(mine.id) is None and stopped_at(someone_else.id) is None


@pytest.fixture
def app_config():
    return {"WTF_CSRF_ENABLED": True, "RATELIMIT_ENABLED": True}


def test_one_click_needs_no_csrf_token_and_is_rate_limited(client):
    registration = make_registration(make_lab_session(now=EARLY, starts_at=START), now=EARLY)
    url = path_of(stop_url(registration))
    codes = [client.post(url, data="List-Unsubscribe=One-Click",
                         content_type="application/x-www-form-urlencoded").status_code for _ in range(11)]
    assert codes[:10] == [200] * 10
    assert codes[10] == 429


def test_a_reminder_waiting_in_the_outbox_is_not_sent_after_stopping(app, client, smtp):
    registration = make_registration(make_lab_session(now=EARLY, starts_at=START), now=EARLY)
    email = registration.email
    assert queue_due_reminders(now=START - timedelta(hours=1)) == 1

    client.post(path_of(stop_url(registration)))
    deliver_pending(now=START - timedelta(minutes=59))

    assert not [m for m in smtp.to(email) if str(m["Subject"]).startswith("Reminder:")]
