"""Close to the start a freed seat is offered to the waitlist; the first to accept gets it."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
from sqlalchemy import select

from labapp.db import db
from labapp.registrations.errors import SeatAlreadyTaken
from labapp.registrations.links import manage_token
from labapp.registrations.models import Registration, RegistrationStatus
from labapp.registrations.seat_offers import take_offered_seat
from labapp.registrations.services import cancel_registration, waitlist_position
from tests.factories import make_lab_session, make_registration, registration_form
from tests.helpers import outbox


def _status(registration_id: int) -> RegistrationStatus:
    db.session.expire_all()
    return db.session.get(Registration, registration_id).status


def _full_session_starting_soon(waiting: int = 2):
    lab = make_lab_session(capacity=1)
    seated = make_registration(lab)
    queue = [make_registration(lab) for _ in range(waiting)]
    return lab, seated, queue


def test_inside_the_cutoff_the_waitlist_is_offered_the_seat_instead_of_promoted(app):
    lab, seated, queue = _full_session_starting_soon()
    one_hour_before = lab.starts_at - timedelta(hours=1)
    cancel_registration(registration_id=seated.id, now=one_hour_before)
    assert [_status(r.id) for r in queue] == [RegistrationStatus.WAITLISTED] * 2
    offers = outbox("registration_seat_open")
    assert sorted(m.to_address for m in offers) == sorted(r.email for r in queue)
    assert all("/take-seat" in m.text_body for m in offers)


def test_outside_the_cutoff_the_first_waiting_person_is_promoted(app):
    lab, seated, queue = _full_session_starting_soon()
    cancel_registration(registration_id=seated.id, now=lab.starts_at - timedelta(hours=3))
    assert _status(queue[0].id) == RegistrationStatus.CONFIRMED
    assert outbox("registration_seat_open") == []


def test_first_click_gets_the_seat_and_the_second_sees_already_taken(client, app):
    lab, seated, (first, second) = _full_session_starting_soon()
    app.config["CLOCK"] = lambda: lab.starts_at - timedelta(minutes=30)
    cancel_registration(registration_id=seated.id, now=lab.starts_at - timedelta(minutes=30))
    page = client.get(f"/manage/{manage_token(second)}/take-seat").get_data(as_text=True)
    assert "I'll take it" in page
    assert _status(second.id) == RegistrationStatus.WAITLISTED  # a GET never takes the seat
    response = client.post(f"/manage/{manage_token(second)}/take-seat", follow_redirects=True)
    assert "The seat is yours" in response.get_data(as_text=True)
    response = client.post(f"/manage/{manage_token(first)}/take-seat", follow_redirects=True)
    assert "someone else took that seat first" in response.get_data(as_text=True)
    assert (_status(second.id), _status(first.id)) == (RegistrationStatus.CONFIRMED, RegistrationStatus.WAITLISTED)
    assert [m.to_address for m in outbox("registration_promoted")] == [second.email]


def test_thirty_people_clicking_at_once_for_one_seat_give_exactly_one_seat(app, backend):
    if backend != "postgresql":
        pytest.skip("row-lock race: PostgreSQL")
    lab = make_lab_session(capacity=1)
    seated = make_registration(lab)
    waiting_ids = [make_registration(lab).id for _ in range(30)]
    soon = lab.starts_at - timedelta(minutes=20)
    cancel_registration(registration_id=seated.id, now=soon)

    def click(registration_id: int) -> bool:
        with app.app_context():
            try:
                take_offered_seat(registration_id=registration_id, now=soon)
                return True
            except SeatAlreadyTaken:
                return False
            finally:
                db.session.remove()

    with ThreadPoolExecutor(max_workers=15) as pool:
        results = list(pool.map(click, waiting_ids))
    assert results.count(True) == 1
    db.session.expire_all()
    confirmed = db.session.scalars(select(Registration).where(
        Registration.lab_session_id == lab.id, Registration.status == RegistrationStatus.CONFIRMED)).all()
    assert len(confirmed) == 1


def test_leaving_the_waitlist_moves_everyone_behind_up(client):
    lab = make_lab_session(capacity=1)
    make_registration(lab)
    first, second, third = (make_registration(lab) for _ in range(3))
    client.post(f"/manage/{manage_token(first)}/cancel")
    db.session.expire_all()
    assert waitlist_position(db.session.get(Registration, second.id)) == 1
    assert waitlist_position(db.session.get(Registration, third.id)) == 2


def test_a_newcomer_joins_the_waitlist_behind_the_people_a_seat_is_on_offer_to(client, app):
    lab, seated, (first, second) = _full_session_starting_soon()
    soon = lab.starts_at - timedelta(minutes=30)
    app.config["CLOCK"] = lambda: soon
    cancel_registration(registration_id=seated.id, now=soon)
    response = client.post(f"/sessions/{lab.slug}/register", data=registration_form(email="newcomer@example.edu"),
                           follow_redirects=True)
    assert "number 3 in line" in response.get_data(as_text=True)
    newcomer = db.session.scalars(select(Registration).where(Registration.email == "newcomer@example.edu")).one()
    assert (newcomer.status, waitlist_position(newcomer)) == (RegistrationStatus.WAITLISTED, 3)
    assert outbox()[-1].kind == "registration_waitlisted"
    response = client.post(f"/manage/{manage_token(second)}/take-seat", follow_redirects=True)
    assert "The seat is yours" in response.get_data(as_text=True)
    assert [_status(r.id) for r in (first, second, newcomer)] == [
        RegistrationStatus.WAITLISTED, RegistrationStatus.CONFIRMED, RegistrationStatus.WAITLISTED]


def test_a_seat_on_offer_goes_to_a_newcomer_once_nobody_is_waiting(app):
    lab, seated, (only,) = _full_session_starting_soon(waiting=1)
    soon = lab.starts_at - timedelta(minutes=30)
    cancel_registration(registration_id=seated.id, now=soon)
    cancel_registration(registration_id=only.id, now=soon)
    newcomer = make_registration(lab, now=soon + timedelta(minutes=1))
    assert newcomer.status == RegistrationStatus.CONFIRMED


def test_while_a_seat_is_on_offer_the_public_pages_say_full_join_the_waitlist(client, app):
    lab, seated, (only,) = _full_session_starting_soon(waiting=1)
    soon = lab.starts_at - timedelta(minutes=30)
    app.config["CLOCK"] = lambda: soon
    cancel_registration(registration_id=seated.id, now=soon)
    for path in ("/", f"/sessions/{lab.slug}"):
        page = client.get(path).get_data(as_text=True)
        assert "Full — join the waitlist" in page and "1 seat left" not in page, path
    assert "Join the waitlist</button>" in client.get(f"/sessions/{lab.slug}").get_data(as_text=True)
    cancel_registration(registration_id=only.id, now=soon)  # nobody left to offer it to
    assert "1 seat left" in client.get(f"/sessions/{lab.slug}").get_data(as_text=True)
