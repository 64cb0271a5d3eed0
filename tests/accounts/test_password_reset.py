"""Forgotten password: a neutral answer, an emailed link that works for an hour, once."""

from __future__ import annotations

import re
from datetime import timedelta

from labapp.accounts.services import set_language
from labapp.mail.deliver import deliver_pending
from tests.factories import make_user, now_utc
from tests.helpers import login, outbox, resolve_mail_requests


def _reset_path(message) -> str:
    return re.search(r"/account/reset/[\w.\-]+", message.text_body).group(0)


def test_reset_request_answers_the_same_for_known_and_unknown_emails(client):
    user = make_user()
    known = client.post("/account/reset", data={"email": user.email}).get_data(as_text=True)
    resolve_mail_requests()  # the worker's next pass
    unknown = client.post("/account/reset", data={"email": "nobody@example.org"}).get_data(as_text=True)
    resolve_mail_requests()  # the worker's next pass
    assert known == unknown
    assert [m.to_address for m in outbox("password_reset")] == [user.email]


def test_reset_link_sets_a_new_password_and_works_only_once(client):
    user = make_user()
    client.post("/account/reset", data={"email": user.email})
    resolve_mail_requests()  # the worker's next pass
    path = _reset_path(outbox("password_reset")[0])
    assert client.get(path).status_code == 200
    done = client.post(path, data={"password": "my new long password", "confirm": "my new long password"})
    assert done.status_code == 302
    login(client, user, "my new long password")
    again = client.post(path, data={"password": "another long password", "confirm": "another long password"})
    assert again.status_code == 410
    assert "already been used" in again.get_data(as_text=True)


def test_reset_link_expires_after_an_hour(app, client):
    user = make_user()
    asked_at = now_utc()
    app.config["CLOCK"] = lambda: asked_at
    client.post("/account/reset", data={"email": user.email})
    resolve_mail_requests()  # the worker's next pass
    path = _reset_path(outbox("password_reset")[0])
    app.config["CLOCK"] = lambda: asked_at + timedelta(minutes=61)
    response = client.get(path)
    assert response.status_code == 410
    assert "expired" in response.get_data(as_text=True)


def test_tampered_reset_link_is_refused(client):
    user = make_user()
    client.post("/account/reset", data={"email": user.email})
    resolve_mail_requests()  # the worker's next pass
    path = _reset_path(outbox("password_reset")[0])
    assert client.get(path[:-3] + "xyz").status_code == 410


def test_mismatched_new_passwords_are_refused_without_change(client):
    user = make_user()
    client.post("/account/reset", data={"email": user.email})
    resolve_mail_requests()  # the worker's next pass
    path = _reset_path(outbox("password_reset")[0])
    response = client.post(path, data={"password": "my new long password", "confirm": "something else entirely"})
    assert response.status_code == 400
    assert "not the same" in response.get_data(as_text=True)
    login(client, user)


def test_the_reset_email_speaks_the_language_the_facilitator_chose(client, smtp):
    spanish, english = make_user(email="ana@example.org"), make_user(email="bo@example.org")
    set_language(user_id=spanish.id, language="es")
    for user in (spanish, english):
        # Asked from an English page: the inbox's owner, not the asker's page, decides the language.
        client.post("/account/reset", data={"email": user.email}, headers={"Accept-Language": "en"})
    now = now_utc()
    resolve_mail_requests(now)
    deliver_pending(now=now)
    [to_ana], [to_bo] = smtp.to("ana@example.org"), smtp.to("bo@example.org")
    assert to_ana["Content-Language"] == "es"
    assert "contraseña" in str(to_ana["Subject"])
    assert to_bo["Content-Language"] == "en"
    assert str(to_bo["Subject"]) == "Reset your Conversation Labs password"
