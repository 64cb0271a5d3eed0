"""Registering on the public site: seats, waitlist, duplicates, closed windows, bad input."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from labapp.db import db
from labapp.registrations.links import manage_token
from labapp.registrations.models import Registration, RegistrationStatus
from labapp.registrations.services import normalise_email, waitlist_position
from tests.factories import make_lab_session, make_registration, now_utc, registration_form
from tests.helpers import outbox


def _registrations() -> list[Registration]:
    db.session.expire_all()
    return list(db.session.scalars(select(Registration).order_by(Registration.id)))


def test_registering_while_seats_remain_confirms_and_says_so(client):
    lab = make_lab_session(capacity=2)
    response = client.post(f"/sessions/{lab.slug}/register", data=registration_form(full_name="Maya Robinson"),
                           follow_redirects=True)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "You're confirmed" in page and "You're confirmed for this session" in page
    [registration] = _registrations()
    assert registration.status == RegistrationStatus.CONFIRMED
    assert [m.kind for m in outbox()] == ["registration_confirmed"]


def test_registering_when_full_puts_the_person_on_the_waitlist_with_a_position(client):
    lab = make_lab_session(capacity=1)
    make_registration(lab)
    make_registration(lab)
    response = client.post(f"/sessions/{lab.slug}/register", data=registration_form(), follow_redirects=True)
    page = response.get_data(as_text=True)
    assert "You're on the waitlist" in page and "number 2 in line" in page
    assert outbox()[-1].kind == "registration_waitlisted"
    assert "Waitlist:" in outbox()[-1].subject


def test_same_email_twice_gives_one_registration_and_a_neutral_page(client):
    lab = make_lab_session()
    client.post(f"/sessions/{lab.slug}/register", data=registration_form(email="Maya.R@School.ORG"))
    response = client.post(f"/sessions/{lab.slug}/register",
                           data=registration_form(email="  maya.r@school.org "), follow_redirects=True)
    page = response.get_data(as_text=True)
    assert "Check your email" in page
    assert "confirmed" not in page.lower()
    [registration] = _registrations()
    assert registration.email == "Maya.R@school.org"
    assert [m.kind for m in outbox()] == ["registration_confirmed", "registration_manage_link"]


def test_email_is_kept_as_typed_with_a_lower_cased_domain(app):
    assert normalise_email("  Ana.Lopez@Example.EDU ") == ("Ana.Lopez@example.edu", "ana.lopez@example.edu")


@pytest.mark.parametrize("bad_email", ["not-an-email", "a@b", "two@@example.org", "x@example.org\r\nBcc: y@z.org"])
def test_invalid_email_shows_the_form_again_with_the_typed_values(client, bad_email):
    lab = make_lab_session()
    response = client.post(f"/sessions/{lab.slug}/register",
                           data=registration_form(email=bad_email, organisation="Typed School"))
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "valid email address" in page
    assert 'value="Typed School"' in page
    assert _registrations() == []


def test_missing_required_fields_are_named_next_to_the_field(client):
    lab = make_lab_session()
    response = client.post(f"/sessions/{lab.slug}/register", data=registration_form(full_name="", consent=None))
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert 'id="full_name-error"' in page and "Please enter your name." in page
    assert "Please agree to receive emails" in page
    assert 'aria-describedby="full_name-error"' in page
    assert _registrations() == []


def test_registration_outside_the_window_is_refused_with_a_clear_message(client, app):
    lab = make_lab_session(registration_opens_at=now_utc() + timedelta(days=1))
    response = client.post(f"/sessions/{lab.slug}/register", data=registration_form())
    assert response.status_code == 400
    assert "has not opened yet" in response.get_data(as_text=True)
    app.config["CLOCK"] = lambda: lab.starts_at + timedelta(minutes=1)
    response = client.post(f"/sessions/{lab.slug}/register", data=registration_form())
    assert "already started" in response.get_data(as_text=True)
    assert _registrations() == []


def test_registration_for_a_draft_session_is_not_found(client):
    lab = make_lab_session(publish=False)
    assert client.post(f"/sessions/{lab.slug}/register", data=registration_form()).status_code == 404


def test_post_without_a_csrf_token_is_refused_and_writes_nothing(app, client):
    app.config["WTF_CSRF_ENABLED"] = True
    lab = make_lab_session()
    response = client.post(f"/sessions/{lab.slug}/register", data=registration_form())
    assert response.status_code == 400
    assert "The form expired" in response.get_data(as_text=True)
    assert _registrations() == []


def test_names_and_answers_containing_html_are_shown_escaped(client):
    lab = make_lab_session()
    response = client.post(f"/sessions/{lab.slug}/register",
                           data=registration_form(full_name="<script>alert(1)</script>", hopes="<b>bold</b>"),
                           follow_redirects=True)
    page = response.get_data(as_text=True)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page and "&lt;b&gt;bold&lt;/b&gt;" in page
    assert "<script>alert(1)</script>" not in page and "<b>bold</b>" not in page
    [registration] = _registrations()
    manage = client.get(f"/manage/{manage_token(registration)}").get_data(as_text=True)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in manage and "<b>bold</b>" not in manage


def test_waitlist_positions_follow_registration_order(app):
    lab = make_lab_session(capacity=1)
    make_registration(lab)
    second, third = make_registration(lab), make_registration(lab)
    assert (waitlist_position(second), waitlist_position(third)) == (1, 2)
