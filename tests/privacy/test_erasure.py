"""Delete-my-data and admin erasure leave nothing personal in any table."""

from __future__ import annotations

import json
import sqlite3
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import JSON, String, Text, select, text

from labapp.accounts.services import set_active
from labapp.db import _sqlite_pragmas, db
from labapp.mail.deliver import deliver_pending
from labapp.registrations.links import manage_token
from labapp.registrations.models import Registration, RegistrationStatus
from labapp.registrations.services import cancel_registration
from labapp.reminders.emails import stop_url
from labapp.worker import cleanup_erased_copies, resolve_requests
from tests.factories import make_lab_session, make_registration, make_user, now_utc
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


def test_delete_my_data_reaches_record_links_seat_offers_and_stop_links_too(app, client, smtp):
    now = now_utc()
    app.config["CLOCK"] = lambda: now
    soon = make_lab_session(capacity=1, starts_at=now + timedelta(minutes=90), now=now)
    seated = make_registration(soon, now=now)
    on_the_waitlist = make_registration(soon, full_name=NAME, email=EMAIL, hopes=ANSWER, now=now)
    cancel_registration(registration_id=seated.id, now=now)  # inside the cutoff: the seat is offered
    taken = client.post(f"/manage/{manage_token(on_the_waitlist)}/take-seat", follow_redirects=True)
    assert "The seat is yours" in taken.get_data(as_text=True)
    lab = make_lab_session(capacity=1, now=now)
    registration = make_registration(lab, full_name=NAME, email=EMAIL, hopes=ANSWER, organisation="Quill School",
                                     now=now)
    assert client.post(stop_url(registration).removeprefix("http://labapp.test")).status_code == 200
    client.post("/my-record", data={"email": "ZORA.Q@example.org"})
    resolve_requests(now=now)
    deliver_pending(now=now + timedelta(seconds=1))
    client.post("/my-record", data={"email": "zora.q@example.org"})  # still waiting when she deletes
    resolve_requests(now=now + timedelta(seconds=1))
    assert len(outbox("record_link")) == 2 and all(m.registration_id is None for m in outbox("record_link"))

    assert client.post(f"/manage/{manage_token(registration)}/delete").status_code == 302
    deliver_pending(now=now + timedelta(seconds=2))
    cleanup_erased_copies()

    to_her = smtp.to("zora.q@example.org")
    assert sum("professional-learning record" in m["Subject"] for m in to_her) == 2  # the waiting one went out
    assert sum(m["Subject"].startswith("Cancelled:") for m in to_her) == 2
    leftovers = [v for v in _every_text_value() if "quill" in v.lower() or "zora" in v.lower()]
    assert leftovers == []


def test_emails_delivered_before_the_erasure_are_gone_at_once(app, client):
    registration = make_registration(make_lab_session(), email="gone@example.org")
    client.post("/my-record", data={"email": "Gone@Example.org"})
    resolve_requests(now=now_utc())
    deliver_pending(now=now_utc() + timedelta(seconds=1))
    assert {m.kind for m in outbox()} == {"registration_confirmed", "record_link"}
    client.post(f"/manage/{manage_token(registration)}/delete")
    assert [m.kind for m in outbox()] == ["registration_cancelled"]  # the last one waits to be delivered


def test_password_reset_emails_of_a_deactivated_account_are_erased(app, client, smtp):
    user = make_user(email="leaving@example.org", name="Lea Ving")
    stays = make_user(email="staying@example.org")
    for address in ("leaving@example.org", "staying@example.org"):
        client.post("/account/reset", data={"email": address})
    resolve_requests(now=now_utc())
    deliver_pending(now=now_utc() + timedelta(seconds=1))
    set_active(user_id=user.id, is_active=False)
    cleanup_erased_copies()
    assert [m.to_address for m in outbox("password_reset")] == [stays.email]
    assert len(smtp.to("leaving@example.org")) == 1


def test_sqlite_overwrites_what_was_erased(app, client, backend):
    if backend != "sqlite":
        pytest.skip("PostgreSQL: VACUUM reclaims dead rows (README, Privacy)")
    assert db.session.execute(text("PRAGMA secure_delete")).scalar() == 1
    raw = sqlite3.connect(":memory:")  # some builds default to ON: check the app turns it on regardless
    raw.execute("PRAGMA secure_delete=OFF")
    _sqlite_pragmas(raw, None)
    assert raw.execute("PRAGMA secure_delete").fetchone()[0] == 1
    raw.close()
    name = "Xanthe Marblewood"
    registration = make_registration(make_lab_session(), full_name=name, email="xanthe@marblewood.example")
    deliver_pending(now=now_utc() + timedelta(seconds=1))
    client.post(f"/manage/{manage_token(registration)}/delete")
    deliver_pending(now=now_utc() + timedelta(seconds=2))
    cleanup_erased_copies()
    db.session.remove()
    with db.engine.connect() as connection:
        connection.execute(text("PRAGMA wal_checkpoint(TRUNCATE)"))
    database = Path(db.engine.url.database)
    files = [database, database.with_name(database.name + "-wal")]
    assert not any(b"marblewood" in f.read_bytes().lower() for f in files if f.exists())


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
