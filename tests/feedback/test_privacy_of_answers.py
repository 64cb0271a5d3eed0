"""Answers are sensitive: erased after RETENTION_DAYS_SENSITIVE, exported, deleted with the person."""

from __future__ import annotations

import json
from datetime import timedelta

from sqlalchemy import select

from labapp.db import db
from labapp.feedback.models import FeedbackResponse
from labapp.privacy.services import purge_expired
from labapp.registrations.links import manage_token
from labapp.registrations.models import Registration
from labapp.tokens import hash_token
from labapp.worker import resolve_requests
from tests.factories import now_utc
from tests.feedback.support import answers, at, came, ended_lab, feedback_path
from tests.helpers import outbox


def _response() -> FeedbackResponse | None:
    db.session.expire_all()
    return db.session.scalar(select(FeedbackResponse))


def test_retention_erases_the_words_and_keeps_the_score(app, client):
    lab = ended_lab()
    person = came(lab)
    client.post(feedback_path(person), data=answers(suggestion="Shorter intro."))
    days = app.config["RETENTION_DAYS_SENSITIVE"]
    purge_expired(now=lab.ends_at + timedelta(days=days) - timedelta(seconds=1))
    assert _response().commitment.startswith("Call two families")
    purge_expired(now=lab.ends_at + timedelta(days=days))
    response = _response()
    assert (response.commitment, response.suggestion, response.focus_populations) == ("", "", [])
    assert response.usefulness == 4 and response.words_erased_at is not None
    at(app, lab.ends_at + timedelta(days=days))
    assert client.get(feedback_path(person)).status_code == 410


def test_my_data_json_includes_the_answers(client):
    person = came(ended_lab())
    client.post(feedback_path(person), data=answers(suggestion="Shorter intro."))
    data = json.loads(client.get(f"/manage/{manage_token(person)}/my-data.json").data)
    [feedback] = data["feedback"]
    assert feedback["usefulness"] == 4 and feedback["commitment"].startswith("Call two families")
    assert feedback["for_which_students"] == ["Newcomer students"] and feedback["suggestion"] == "Shorter intro."


def test_delete_my_data_removes_the_answers(client):
    person = came(ended_lab())
    client.post(feedback_path(person), data=answers(commitment="A very personal plan."))
    token = manage_token(person)
    assert client.post(f"/manage/{token}/delete").status_code == 302
    assert _response() is None
    assert client.get(feedback_path(person)).status_code == 404
    db.session.expire_all()
    assert db.session.scalar(select(Registration).where(Registration.token_hash == hash_token(token))) is None
    assert not any("A very personal plan." in (m.text_body or "") for m in outbox())


def test_my_record_shows_what_they_planned(client):
    lab = ended_lab(title="Listening to Families")
    person = came(lab, email="rae@example.org")
    client.post(feedback_path(person), data=answers(commitment="Call two families <b>first</b>."))
    client.post("/my-record", data={"email": "rae@example.org"})
    resolve_requests(now=now_utc())
    [link] = outbox("record_link")
    path = "/my-record/" + link.text_body.split("/my-record/")[1].split()[0]
    page = client.get(path).get_data(as_text=True)
    assert "Listening to Families" in page
    assert "You planned to: Call two families &lt;b&gt;first&lt;/b&gt;." in page
