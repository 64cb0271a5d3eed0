"""Creating, editing, publishing, cancelling and duplicating sessions from the dashboard."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from labapp.db import db
from labapp.registrations.models import Registration, RegistrationStatus
from labapp.session_changes.services import cancel_session, update_session
from labapp.sessions.errors import CapacityBelowConfirmed
from labapp.sessions.models import LabSession, SessionStatus
from labapp.sessions.services import SessionFields, duplicate_session
from tests.factories import make_lab_session, make_registration, now_utc
from tests.helpers import outbox


def _form(**overrides):
    start = (now_utc() + timedelta(days=10)).strftime("%Y-%m-%dT16:00")
    form = {"title": "Hearing Student Voices", "starts_at": start, "timezone": "America/Chicago",
            "duration_minutes": "90", "capacity": "12", "format": "online", "join_url": "https://meet.example.org/x"}
    form.update(overrides)
    return form


def _changes(lab, **overrides):
    fields = {name: getattr(lab, name) for name in (
        "title", "starts_at", "timezone", "duration_minutes", "capacity", "format", "summary", "description",
        "location", "join_url", "registration_opens_at", "registration_closes_at", "reply_to")}
    fields.update(overrides)
    return SessionFields(**fields)


def _reload(lab_id):
    db.session.expire_all()
    return db.session.get(LabSession, lab_id)


def test_facilitator_creates_a_draft_session_in_its_local_time(signed_in, facilitator):
    response = signed_in.post("/dashboard/sessions/new", data=_form())
    assert response.status_code == 302
    lab = db.session.scalar(select(LabSession).where(LabSession.title == "Hearing Student Voices"))
    assert lab.status == SessionStatus.DRAFT
    assert lab.local_starts_at.hour == 16 and lab.timezone == "America/Chicago"
    assert [f.id for f in lab.facilitators] == [facilitator.id]


@pytest.mark.parametrize(("field", "value", "message"), [
    ("starts_at", "2001-01-01T10:00", "must be in the future"),
    ("capacity", "0", "Seats must be between 1 and 10,000"),
    ("timezone", "Mars/Olympus_Mons", "Not a valid choice"),
    ("join_url", "http://meet.example.org/x", "must start with https://"),
    ("registration_opens_at", "2001-01-01T10:00", "at most one year before"),
])
def test_bad_session_fields_are_refused_with_a_clear_message(signed_in, field, value, message):
    response = signed_in.post("/dashboard/sessions/new", data=_form(**{field: value}))
    assert response.status_code == 400
    assert message in response.get_data(as_text=True).replace("&#39;", "'")
    assert db.session.scalar(select(LabSession).where(LabSession.title == "Hearing Student Voices")) is None


def test_registration_must_close_after_it_opens(signed_in):
    start = now_utc() + timedelta(days=10)
    response = signed_in.post("/dashboard/sessions/new", data=_form(
        registration_opens_at=(start - timedelta(days=2)).strftime("%Y-%m-%dT10:00"),
        registration_closes_at=(start - timedelta(days=3)).strftime("%Y-%m-%dT10:00")))
    assert response.status_code == 400
    assert "Registration must open before it closes" in response.get_data(as_text=True)


def test_changing_the_time_tells_confirmed_people_with_a_higher_sequence(signed_in, lab):
    seated = make_registration(lab, email="seated@example.edu")
    make_registration(lab)
    make_registration(lab)
    waiting = make_registration(lab, email="waiting@example.edu")
    assert waiting.status == RegistrationStatus.WAITLISTED
    edit = signed_in.get(f"/dashboard/sessions/{lab.id}/edit")
    assert edit.status_code == 200 and "Listening to Families" in edit.get_data(as_text=True)
    new_start = lab.local_starts_at + timedelta(hours=2)
    response = signed_in.post(f"/dashboard/sessions/{lab.id}/edit", data=_form(
        title=lab.title, timezone=lab.timezone, capacity="3", starts_at=new_start.strftime("%Y-%m-%dT%H:%M")))
    assert response.status_code == 302
    assert _reload(lab.id).sequence == 1
    updated = outbox("registration_session_updated")
    assert len(updated) == 3 and seated.email in {m.to_address for m in updated}
    assert "waiting@example.edu" not in {m.to_address for m in updated}
    assert updated[0].subject.startswith(f"Updated: {lab.title} — ")


def test_changing_only_the_title_sends_nothing(app, lab):
    make_registration(lab)
    update_session(lab_session_id=lab.id, changes=_changes(lab, title="A Better Title"), now=now_utc())
    assert _reload(lab.id).sequence == 0
    assert not outbox("registration_session_updated")


def test_raising_capacity_promotes_the_waitlist_in_order(app, lab):
    for _ in range(3):
        make_registration(lab)
    first, second, third = (make_registration(lab) for _ in range(3))
    update_session(lab_session_id=lab.id, changes=_changes(lab, capacity=5), now=now_utc())
    db.session.expire_all()
    statuses = [db.session.get(Registration, r.id).status for r in (first, second, third)]
    assert statuses == [RegistrationStatus.CONFIRMED, RegistrationStatus.CONFIRMED, RegistrationStatus.WAITLISTED]
    assert [m.to_address for m in outbox("registration_promoted")] == [first.email, second.email]


def test_lowering_capacity_below_the_confirmed_count_is_refused(signed_in, lab):
    for _ in range(3):
        make_registration(lab)
    with pytest.raises(CapacityBelowConfirmed):
        update_session(lab_session_id=lab.id, changes=_changes(lab, capacity=2), now=now_utc())
    response = signed_in.post(f"/dashboard/sessions/{lab.id}/edit", data=_form(
        title=lab.title, timezone=lab.timezone, capacity="2",
        starts_at=lab.local_starts_at.strftime("%Y-%m-%dT%H:%M")))
    assert response.status_code == 400
    assert "3 people already have a seat" in response.get_data(as_text=True)
    assert _reload(lab.id).capacity == 3


def test_cancelling_tells_everyone_registered_and_nobody_else(signed_in, lab):
    people = [make_registration(lab) for _ in range(4)]  # 3 seated, 1 waiting
    gone = make_registration(lab)
    from labapp.registrations.services import cancel_registration

    cancel_registration(registration_id=gone.id, now=now_utc())
    assert "Cancel this session?" in signed_in.get(f"/dashboard/sessions/{lab.id}/cancel").get_data(as_text=True)
    assert _reload(lab.id).status == SessionStatus.PUBLISHED
    response = signed_in.post(f"/dashboard/sessions/{lab.id}/cancel", data={"reason": "The facilitator is ill."})
    assert response.status_code == 302
    lab = _reload(lab.id)
    assert lab.status == SessionStatus.CANCELLED
    cancelled = outbox("registration_session_cancelled")
    assert sorted(m.to_address for m in cancelled) == sorted(p.email for p in people)
    assert cancelled[0].subject.startswith(f"Cancelled: {lab.title} — ")
    assert "The facilitator is ill." in cancelled[0].text_body
    assert all(r.reminders_stopped_at is not None for r in db.session.scalars(
        select(Registration).where(Registration.status != RegistrationStatus.CANCELLED)))


def test_a_cancelled_session_cannot_be_edited_or_published(app, lab):
    from labapp.sessions.errors import InvalidSession
    from labapp.sessions.services import publish_session

    cancel_session(lab_session_id=lab.id, now=now_utc())
    with pytest.raises(InvalidSession):
        update_session(lab_session_id=lab.id, changes=_changes(lab, title="New"), now=now_utc())
    with pytest.raises(InvalidSession):
        publish_session(lab_session_id=lab.id, now=now_utc())


def test_publish_and_unpublish(signed_in, facilitator):
    lab = make_lab_session(facilitators=[facilitator], publish=False)
    signed_in.post(f"/dashboard/sessions/{lab.id}/publish")
    assert _reload(lab.id).status == SessionStatus.PUBLISHED
    signed_in.post(f"/dashboard/sessions/{lab.id}/unpublish")
    assert _reload(lab.id).status == SessionStatus.DRAFT


def test_a_session_with_people_cannot_be_unpublished(signed_in, lab):
    make_registration(lab)
    page = signed_in.post(f"/dashboard/sessions/{lab.id}/unpublish", follow_redirects=True)
    assert "Cancel it to tell them" in page.get_data(as_text=True)
    assert _reload(lab.id).status == SessionStatus.PUBLISHED


def test_run_again_next_month_makes_a_draft_four_weeks_later_at_the_same_local_time(signed_in, lab, facilitator):
    response = signed_in.post(f"/dashboard/sessions/{lab.id}/duplicate")
    assert response.status_code == 302
    copy = db.session.scalar(select(LabSession).where(LabSession.id != lab.id))
    assert copy.status == SessionStatus.DRAFT and copy.title == lab.title
    assert copy.local_starts_at.date() - lab.local_starts_at.date() == timedelta(weeks=4)
    assert copy.local_starts_at.time() == lab.local_starts_at.time()
    assert [f.id for f in copy.facilitators] == [facilitator.id]


def test_duplicating_a_past_session_lands_in_the_future(app):
    now = now_utc()
    lab = make_lab_session(starts_at=now + timedelta(days=1), now=now - timedelta(days=200))
    copy = duplicate_session(lab_session_id=lab.id, now=now + timedelta(days=100))
    assert copy.starts_at > now + timedelta(days=100)


def test_admin_chooses_who_facilitates_and_facilitators_cannot(client, signed_in, lab, facilitator):
    from tests.factories import make_admin, make_user
    from tests.helpers import login

    colleague = make_user(name="Colleague Cole")
    form = _form(title=lab.title, timezone=lab.timezone, capacity="3",
                 starts_at=lab.local_starts_at.strftime("%Y-%m-%dT%H:%M"), facilitator_ids=[str(colleague.id)])
    assert "Colleague Cole" not in signed_in.get(f"/dashboard/sessions/{lab.id}/edit").get_data(as_text=True)
    signed_in.post(f"/dashboard/sessions/{lab.id}/edit", data=form)
    assert [f.id for f in _reload(lab.id).facilitators] == [facilitator.id]
    signed_in.post("/account/logout")
    login(client, make_admin())
    assert "Colleague Cole" in client.get(f"/dashboard/sessions/{lab.id}/edit").get_data(as_text=True)
    assert client.post(f"/dashboard/sessions/{lab.id}/edit", data=form).status_code == 302
    assert [f.id for f in _reload(lab.id).facilitators] == [colleague.id]
    nobody = client.post(f"/dashboard/sessions/{lab.id}/edit", data={**form, "facilitator_ids": []})
    assert nobody.status_code == 400 and "at least one facilitator" in nobody.get_data(as_text=True)


def test_saving_the_form_without_changing_the_time_sends_no_update(signed_in, lab):
    make_registration(lab)
    form = _form(title="Renamed", timezone=lab.timezone, capacity="3", join_url=lab.join_url,
                 starts_at=lab.local_starts_at.strftime("%Y-%m-%dT%H:%M"))
    assert signed_in.post(f"/dashboard/sessions/{lab.id}/edit", data=form).status_code == 302
    assert _reload(lab.id).title == "Renamed" and _reload(lab.id).sequence == 0
    assert not outbox("registration_session_updated")


def test_new_sessions_follow_up_an_hour_after_the_end_until_a_facilitator_changes_it(signed_in):
    # Issue 17: the follow-up (which asks for feedback) is on by default for new sessions.
    assert 'name="follow_up_after_hours" type="number" value="1"' in signed_in.get(
        "/dashboard/sessions/new").get_data(as_text=True)
    assert signed_in.post("/dashboard/sessions/new", data=_form(follow_up_after_hours="1")).status_code == 302
    lab = db.session.scalar(select(LabSession).where(LabSession.title == "Hearing Student Voices"))
    assert lab.follow_up_after_hours == 1
    detail = signed_in.get(f"/dashboard/sessions/{lab.id}").get_data(as_text=True)
    assert "1 hour after the end" in detail
    form = _form(starts_at=lab.local_starts_at.strftime("%Y-%m-%dT%H:%M"), follow_up_after_hours="24")
    assert signed_in.post(f"/dashboard/sessions/{lab.id}/edit", data=form).status_code == 302
    assert _reload(lab.id).follow_up_after_hours == 24
    detail = signed_in.get(f"/dashboard/sessions/{lab.id}").get_data(as_text=True)
    assert "24 hours after the end" in detail and "to the people who were checked in" in detail
    assert 'value="24"' in signed_in.get(f"/dashboard/sessions/{lab.id}/edit").get_data(as_text=True)
    signed_in.post(f"/dashboard/sessions/{lab.id}/edit", data={**form, "follow_up_after_hours": ""})
    assert _reload(lab.id).follow_up_after_hours is None
    assert "Follow-up email</dt><dd>Off" in signed_in.get(f"/dashboard/sessions/{lab.id}").get_data(as_text=True)


@pytest.mark.parametrize("hours", ["0", "169", "-3", "soon"])
def test_follow_up_hours_outside_one_to_168_are_refused(signed_in, hours):
    response = signed_in.post("/dashboard/sessions/new", data=_form(follow_up_after_hours=hours))
    assert response.status_code == 400
    text = response.get_data(as_text=True)
    assert "1 to 168 hours after the end" in text or "Not a valid integer" in text
    assert db.session.scalar(select(LabSession).where(LabSession.title == "Hearing Student Voices")) is None


def test_a_session_run_again_keeps_its_follow_up_setting(app):
    lab = make_lab_session(follow_up_after_hours=48)
    assert duplicate_session(lab_session_id=lab.id, now=now_utc()).follow_up_after_hours == 48
