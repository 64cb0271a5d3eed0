"""Certificates of participation: only for people who were checked in, once the session is over."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from labapp.db import db
from labapp.extensions import mail
from labapp.mail.deliver import deliver_pending
from labapp.registrations.certificates import queue_certificate_email
from labapp.registrations.errors import CertificateNotAvailable
from labapp.registrations.links import manage_token
from labapp.registrations.services import cancel_registration
from tests.factories import make_lab_session, make_registration, make_user
from tests.helpers import outbox

BEFORE = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)
# 6:30 PM in Honolulu on Dec 8 is already Dec 9 in UTC: the certificate must say the local date.
STARTS = datetime(2026, 12, 8, 18, 30, tzinfo=ZoneInfo("Pacific/Honolulu"))
AFTER = STARTS + timedelta(hours=3)


@pytest.fixture
def lab(app):
    return make_lab_session(title="Listening with empathy", starts_at=STARTS, timezone="Pacific/Honolulu",
                            duration_minutes=75, now=BEFORE, facilitators=[make_user(name="Rosa Parker")])


def _attended(lab, **overrides):
    registration = make_registration(lab, now=BEFORE, **overrides)
    registration.checked_in_at = STARTS + timedelta(minutes=2)
    db.session.commit()
    return registration


def test_checked_in_attendee_opens_a_printable_certificate_after_the_session(client, app, lab):
    registration = _attended(lab, full_name="Maya Robinson")
    app.config["CLOCK"] = lambda: AFTER
    manage = client.get(f"/manage/{manage_token(registration)}").get_data(as_text=True)
    assert f"/manage/{manage_token(registration)}/certificate" in manage
    response = client.get(f"/manage/{manage_token(registration)}/certificate")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    for expected in ("Certificate of participation", "Maya Robinson", "Listening with empathy",
                     "Tuesday, December 8, 2026", "75 minutes", "Rosa Parker", "Norms for listening with empathy"):
        assert expected in page, expected


def test_no_certificate_before_the_session_ends(client, app, lab):
    registration = _attended(lab)
    app.config["CLOCK"] = lambda: STARTS + timedelta(minutes=74)
    assert client.get(f"/manage/{manage_token(registration)}/certificate").status_code == 403
    assert "/certificate" not in client.get(f"/manage/{manage_token(registration)}").get_data(as_text=True)


def test_no_certificate_for_people_who_were_not_checked_in(client, app, lab):
    registration = make_registration(lab, now=BEFORE)
    app.config["CLOCK"] = lambda: AFTER
    response = client.get(f"/manage/{manage_token(registration)}/certificate")
    assert response.status_code == 403
    assert "people who attended" in response.get_data(as_text=True)


def test_no_certificate_for_cancelled_or_waitlisted_registrations(client, app):
    lab = make_lab_session(starts_at=STARTS, timezone="Pacific/Honolulu", capacity=1, now=BEFORE)
    seated = _attended(lab)
    waiting = make_registration(lab, now=BEFORE)
    waiting.checked_in_at = STARTS
    db.session.commit()
    cancel_registration(registration_id=seated.id, now=STARTS + timedelta(minutes=30))
    app.config["CLOCK"] = lambda: AFTER
    for registration in (seated, waiting):
        assert client.get(f"/manage/{manage_token(registration)}/certificate").status_code == 403


def test_unknown_link_has_no_certificate(client):
    assert client.get("/manage/not-a-token/certificate").status_code == 404


def test_facilitators_can_resend_the_certificate_by_email(app, lab, smtp):
    # Flask-Mail suppresses sending when app.testing; the shared `smtp` fixture does not undo that yet.
    app.config["MAIL_SUPPRESS_SEND"] = False
    mail.init_app(app)
    registration = _attended(lab, full_name="Maya Robinson", email="maya@example.edu")
    queue_certificate_email(registration, now=AFTER)
    [message] = outbox("registration_certificate")
    assert message.subject == "Certificate of participation: Listening with empathy — Tuesday, December 8, 2026"
    deliver_pending(now=AFTER)
    sent = smtp.messages[-1]
    assert sent["Subject"] == message.subject
    assert sent["To"].addresses[0].addr_spec == "maya@example.edu"
    body = sent.get_body(("plain",)).get_content()
    assert f"/manage/{manage_token(registration)}/certificate" in body


def test_resending_is_refused_for_someone_who_did_not_attend(app, lab):
    registration = make_registration(lab, now=BEFORE)
    with pytest.raises(CertificateNotAvailable):
        queue_certificate_email(registration, now=AFTER)
    assert outbox() == [o for o in outbox() if o.kind != "registration_certificate"]
