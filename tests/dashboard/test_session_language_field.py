"""The dashboard's session form sets the conversation language."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from labapp.db import db
from labapp.sessions.models import LabSession, SessionLanguage
from tests.factories import make_lab_session, now_utc


def _form(**overrides):
    start = (now_utc() + timedelta(days=10)).strftime("%Y-%m-%dT16:00")
    form = {"title": "Familias y escuela", "starts_at": start, "timezone": "America/Los_Angeles",
            "duration_minutes": "75", "capacity": "15", "format": "online", "join_url": "https://meet.example.org/x"}
    form.update(overrides)
    return form


def test_facilitator_creates_a_spanish_session_from_the_form(signed_in):
    page = signed_in.get("/dashboard/sessions/new").get_data(as_text=True)
    assert '<option selected value="en">In English</option>' in page
    assert '<option value="es">In Spanish</option>' in page
    response = signed_in.post("/dashboard/sessions/new", data=_form(language="es"))
    assert response.status_code == 302
    lab = db.session.scalar(select(LabSession).where(LabSession.title == "Familias y escuela"))
    assert lab.language == SessionLanguage.ES


def test_the_edit_form_shows_and_changes_the_language(signed_in, facilitator):
    lab = make_lab_session(facilitators=[facilitator], language=SessionLanguage.BILINGUAL)
    page = signed_in.get(f"/dashboard/sessions/{lab.id}/edit").get_data(as_text=True)
    assert '<option selected value="bilingual">' in page
    start = lab.local_starts_at.strftime("%Y-%m-%dT%H:%M")
    response = signed_in.post(f"/dashboard/sessions/{lab.id}/edit", data=_form(
        title=lab.title, starts_at=start, timezone=lab.timezone, duration_minutes="90", capacity="10",
        language="es"))
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(LabSession, lab.id).language == SessionLanguage.ES


def test_an_unknown_language_is_refused_with_a_message(signed_in):
    response = signed_in.post("/dashboard/sessions/new", data=_form(language="fr"))
    assert response.status_code == 400
    assert "Not a valid choice" in response.get_data(as_text=True)
    assert db.session.scalar(select(LabSession.id)) is None
