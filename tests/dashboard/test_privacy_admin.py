"""Admins erase a person by email in the dashboard, after an "Are you sure?" page; the audit keeps counts only."""

from __future__ import annotations

from datetime import timedelta

from labapp.db import db
from labapp.mail.deliver import deliver_pending
from labapp.privacy.models import AuditEvent
from labapp.registrations.models import Registration, RegistrationStatus
from tests.factories import make_admin, make_lab_session, make_registration, make_user, now_utc
from tests.helpers import login, outbox

EMAIL = "Quentin.Marsh@Example.org"


def _reload(registration):
    db.session.expire_all()
    return db.session.get(Registration, registration.id)


def test_admin_erases_a_person_after_seeing_how_many_registrations_match(client, smtp):
    admin = make_admin(name="Ada Admin")
    lab = make_lab_session(capacity=1, title="Full Lab")
    person = make_registration(lab, full_name="Quentin Marsh", email=EMAIL)
    waiting = make_registration(lab, full_name="Wanda Waiting")
    elsewhere = make_registration(make_lab_session(), full_name="Quentin Marsh", email=EMAIL.lower())
    deliver_pending(now=now_utc() + timedelta(seconds=1))
    smtp.messages.clear()
    login(client, admin)

    confirm = client.post("/dashboard/privacy", data={"email": "  quentin.marsh@example.ORG "})
    page = confirm.get_data(as_text=True)
    assert confirm.status_code == 200 and "Are you sure?" in page
    assert "<strong>2</strong> registrations" in page and "Yes, erase 2 registrations" in page
    assert "Wanda" not in page and "Full Lab" not in page  # nobody else, and not where they registered
    assert _reload(person).anonymised_at is None  # looking up erases nothing

    response = client.post("/dashboard/privacy/erase", data={"email": "quentin.marsh@example.org"})
    assert response.status_code == 302
    assert _reload(person).anonymised_at is not None and _reload(elsewhere).anonymised_at is not None
    assert _reload(waiting).status == RegistrationStatus.CONFIRMED  # the freed seat went to the waitlist
    deliver_pending(now=now_utc() + timedelta(seconds=1))
    subjects = {(m["To"].addresses[0].addr_spec.lower(), m["Subject"].split(":")[0]) for m in smtp.messages}
    assert (EMAIL.lower(), "Cancelled") in subjects and (waiting.email, "You're in") in subjects

    listing = client.get("/dashboard/privacy").get_data(as_text=True)
    assert "Erased 2 registrations" in listing
    assert "Person erased" in listing and "Ada Admin" in listing and "registrations: 2" in listing
    assert "quentin" not in listing.lower()
    [event] = db.session.query(AuditEvent).filter_by(action="person_erased").all()
    assert event.actor_user_id == admin.id and event.details == {"registrations": 2}


def test_an_address_with_no_registrations_offers_nothing_to_erase(client):
    login(client, make_admin())
    page = client.post("/dashboard/privacy", data={"email": "nobody@example.org"}).get_data(as_text=True)
    assert "nothing to erase" in page and "Yes, erase" not in page


def test_a_malformed_address_is_refused_with_a_clear_message(client):
    person = make_registration(make_lab_session())
    login(client, make_admin())
    for url in ("/dashboard/privacy", "/dashboard/privacy/erase"):
        for email in ("not an address", ""):
            response = client.post(url, data={"email": email})
            assert response.status_code == 400, (url, email)
            text = response.get_data(as_text=True)
            assert "not a valid email address" in text or "Please give the email address" in text
    assert _reload(person).anonymised_at is None
    assert not db.session.query(AuditEvent).count()


def test_facilitators_cannot_erase_anyone_or_see_the_audit_list(client):
    person = make_registration(make_lab_session(), email="kept@example.org")
    login(client, make_user())
    assert client.get("/dashboard/privacy").status_code == 403
    assert client.post("/dashboard/privacy", data={"email": "kept@example.org"}).status_code == 403
    assert client.post("/dashboard/privacy/erase", data={"email": "kept@example.org"}).status_code == 403
    assert _reload(person).anonymised_at is None
    assert not outbox("registration_cancelled")


def test_retention_passes_and_self_service_deletions_appear_in_the_audit_list(client):
    from labapp.privacy.services import erase_person

    erase_person(email=make_registration(make_lab_session()).email, now=now_utc())
    login(client, make_admin())
    page = client.get("/dashboard/privacy").get_data(as_text=True)
    assert "the person, or the command line" in page and "registrations: 1" in page
