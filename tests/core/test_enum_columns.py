"""Status-like columns load as their enums and are stored as the plain values they always were."""

from __future__ import annotations

from sqlalchemy import text

from labapp.db import db
from labapp.registrations.models import EducatorRole, Registration, RegistrationStatus
from labapp.sessions.models import SessionFormat, SessionStatus
from tests.factories import make_lab_session, make_registration, registration_form


def test_a_loaded_registration_holds_enums(app):
    registration_id = make_registration(make_lab_session(), role=EducatorRole.COACH).id
    db.session.expire_all()
    loaded = db.session.get_one(Registration, registration_id)
    assert type(loaded.status) is RegistrationStatus and loaded.status is RegistrationStatus.CONFIRMED
    assert type(loaded.role) is EducatorRole and loaded.role is EducatorRole.COACH
    assert type(loaded.lab_session.status) is SessionStatus
    assert type(loaded.lab_session.format) is SessionFormat


def test_the_table_keeps_the_values_not_the_enum_names(app, client):
    lab = make_lab_session()
    assert client.post(f"/sessions/{lab.slug}/register", data=registration_form(role="school_leader")).status_code < 400
    stored = db.session.execute(text("SELECT status, role FROM registrations WHERE lab_session_id = :id"),
                                {"id": lab.id}).one()
    assert tuple(stored) == ("confirmed", "school_leader")
