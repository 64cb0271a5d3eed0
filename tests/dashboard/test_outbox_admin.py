"""Admins see queued, sent and failed emails with the error, and can retry a failure."""

from __future__ import annotations

from datetime import timedelta

from labapp.mail.deliver import deliver_pending
from labapp.mail.models import OutboxStatus
from tests.factories import make_admin, make_lab_session, make_registration, now_utc
from tests.helpers import login, outbox


def test_a_failed_email_shows_its_error_and_retry_sends_it(client, smtp):
    make_registration(make_lab_session(), email="bounce@example.edu")
    smtp.reply_with("550 5.1.1 mailbox unavailable")
    deliver_pending(now=now_utc() + timedelta(seconds=1))
    failed = outbox()[0]
    assert failed.status == OutboxStatus.FAILED
    login(client, make_admin())
    page = client.get("/dashboard/outbox?status=failed").get_data(as_text=True)
    assert "bounce@example.edu" in page and "mailbox unavailable" in page
    assert client.post(f"/dashboard/outbox/{failed.id}/retry").status_code == 302
    assert outbox()[0].status == OutboxStatus.PENDING
    deliver_pending(now=now_utc() + timedelta(seconds=1))
    assert outbox()[0].status == OutboxStatus.SENT
    assert "bounce@example.edu" in client.get("/dashboard/outbox?status=sent").get_data(as_text=True)


def test_admin_creates_and_deactivates_a_facilitator(client):
    admin = make_admin()
    login(client, admin)
    response = client.post("/dashboard/users", data={"name": "New Facilitator", "email": "new@example.org",
                                                     "role": "facilitator", "password": "long enough pw",
                                                     "confirm": "long enough pw"})
    assert response.status_code == 302
    page = client.get("/dashboard/users").get_data(as_text=True)
    assert "new@example.org" in page
    duplicate = client.post("/dashboard/users", data={"name": "Again", "email": "NEW@example.org",
                                                      "role": "facilitator", "password": "long enough pw",
                                                      "confirm": "long enough pw"})
    assert duplicate.status_code == 400 and "already exists" in duplicate.get_data(as_text=True)
