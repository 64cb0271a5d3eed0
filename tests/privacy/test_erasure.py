"""Delete-my-data and admin erasure leave nothing personal in any table."""

from __future__ import annotations

import json
from datetime import timedelta

from sqlalchemy import JSON, String, Text, select

from labapp.db import db
from labapp.mail.deliver import deliver_pending
from labapp.registrations.links import manage_token
from labapp.registrations.models import Registration, RegistrationStatus
from labapp.worker import cleanup_erased_copies
from tests.factories import make_lab_session, make_registration, now_utc
from tests.helpers import outbox

NAME, EMAIL, ANSWER = "Zora Quillfeather", "Zora.Q@Example.org", "Quillfeather family visits"


def _every_text_value() -> list[str]:
    """Every string in every text column of every table."""
    values: list[str] = []
    with db.engine.connect() as connection:
        for table in db.metadata.sorted_tables:
            columns = [c for c in table.columns if isinstance(c.type, (String, Text, JSON))]
            if not columns:
                continue
            for row in connection.execute(select(*columns)):
                values.extend(json.dumps(v) if not isinstance(v, str) else v for v in row if v is not None)
    return values


def test_delete_my_data_leaves_no_personal_data_in_any_table(client, smtp):
    lab = make_lab_session(capacity=1)
    registration = make_registration(lab, full_name=NAME, email=EMAIL, hopes=ANSWER, organisation="Quill School")
    waiting = make_registration(lab)
    other = make_registration(make_lab_session(), full_name=NAME, email=EMAIL.upper())
    deliver_pending(now=now_utc() + timedelta(seconds=1))
    token = manage_token(registration)

    assert "Delete your data?" in client.get(f"/manage/{token}/delete").get_data(as_text=True)
    response = client.post(f"/manage/{token}/delete", follow_redirects=True)
    assert "Your data is deleted" in response.get_data(as_text=True)

    db.session.expire_all()
    assert db.session.get(Registration, waiting.id).status == RegistrationStatus.CONFIRMED
    deliver_pending(now=now_utc() + timedelta(seconds=1))
    cleanup_erased_copies()
    assert sum("Cancelled:" in s for s in smtp.subjects()) == 2  # both of Zora's sessions
    leftovers = [v for v in _every_text_value() if "quill" in v.lower() or "zora" in v.lower()]
    assert leftovers == []
    assert client.get(f"/manage/{token}").status_code == 404
    assert db.session.get(Registration, other.id).anonymised_at is not None


def test_download_my_data_has_every_registration_of_the_person(client):
    first = make_registration(make_lab_session(title="First lab"), email="dl@example.org", hopes="Listening")
    make_registration(make_lab_session(title="Second lab"), email="DL@example.org")
    response = client.get(f"/manage/{manage_token(first)}/my-data.json")
    data = response.get_json(force=True)
    assert {r["session"] for r in data["registrations"]} == {"First lab", "Second lab"}
    assert data["registrations"][0]["hopes"] == "Listening"
    assert len(data["emails"]) == 2


def test_admin_erase_by_email_from_the_cli_is_logged_without_personal_data(runner, app):
    make_registration(make_lab_session(), email="erase.me@example.org", full_name="Erase Me")
    result = runner.invoke(args=["privacy", "erase", "--email", "ERASE.ME@example.org"])
    assert "Erased 1 registration" in result.output
    from labapp.privacy.models import AuditEvent

    [event] = db.session.scalars(select(AuditEvent)).all()
    assert event.action == "person_erased" and "erase" not in json.dumps(event.details).lower()
    assert outbox("registration_cancelled")[0].to_address == "erase.me@example.org"
