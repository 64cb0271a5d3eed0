"""Every dashboard URL needs sign-in, and a facilitator can't open another facilitator's session."""

from __future__ import annotations

import re

from flask import url_for

from labapp.messages.models import MessageAudience
from labapp.messages.services import send_attendee_message
from tests.factories import make_admin, make_lab_session, make_registration, make_user, now_utc
from tests.helpers import login, outbox


def _dashboard_rules(app):
    return [rule for rule in app.url_map.iter_rules() if rule.rule.startswith("/dashboard")]


def _url(app, rule, ids):
    with app.test_request_context():
        return url_for(rule.endpoint, **{arg: ids[arg] for arg in rule.arguments})


def _others_ids(app):
    """IDs that all belong to a session (and a user) the signed-in facilitator has nothing to do with."""
    owner = make_user()
    lab = make_lab_session(facilitators=[owner], title="Someone Else's Lab")
    registration = make_registration(lab, email="private.person@example.edu", full_name="Private Person")
    message = send_attendee_message(lab_session_id=lab.id, audience=MessageAudience.CONFIRMED, subject="Hello",
                                    body="See you soon", sent_by_id=owner.id, sender_name=owner.name, now=now_utc())
    from labapp.protocol.services import list_components

    return {"lab_id": lab.id, "registration_id": registration.id, "message_id": message.id,
            "user_id": owner.id, "outbox_id": outbox()[0].id, "session_id": lab.id,
            "component_id": list_components()[0].id, "direction": "up", "action": "retire", "language": "es"}


def test_every_dashboard_url_sends_anonymous_visitors_to_sign_in(app, client):
    ids = _others_ids(app)
    rules = _dashboard_rules(app)
    assert len(rules) >= 20
    for rule in rules:
        url = _url(app, rule, ids)
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            response = client.open(url, method=method)
            assert response.status_code == 302, f"{method} {url} answered {response.status_code}"
            assert "/account/login" in response.headers["Location"], f"{method} {url}"


def test_a_facilitator_cannot_open_or_change_another_facilitators_session(app, client):
    ids = _others_ids(app)
    before = [(m.id, m.status) for m in outbox()]
    intruder = make_user()
    make_lab_session(facilitators=[intruder], title="Intruder's own lab")
    login(client, intruder)
    checked = 0
    for rule in _dashboard_rules(app):
        url = _url(app, rule, ids)
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            response = client.open(url, method=method)
            body = response.get_data(as_text=True)
            if rule.arguments:
                assert response.status_code in (403, 404), f"{method} {url} answered {response.status_code}"
                checked += 1
            assert "Private Person" not in body and "private.person@" not in body, f"{method} {url} leaked"
            assert "Someone Else" not in body, f"{method} {url} leaked"
    assert checked >= 15
    assert [(m.id, m.status) for m in outbox()] == before  # nothing was sent or changed


def test_ids_of_another_session_are_refused_even_under_ones_own_session(client, app):
    owner = make_user()
    mine = make_lab_session(facilitators=[owner])
    theirs = make_lab_session()
    stranger = make_registration(theirs)
    login(client, owner)
    response = client.post(f"/dashboard/sessions/{mine.id}/registrations/{stranger.id}/cancel")
    assert response.status_code == 404
    assert client.post(f"/dashboard/sessions/{mine.id}/registrations/{stranger.id}/check-in").status_code == 404


def test_admins_see_every_session_and_the_admin_pages(client):
    admin = make_admin()
    other = make_lab_session(title="Run By Someone Else")
    login(client, admin)
    assert "Run By Someone Else" in client.get("/dashboard/").get_data(as_text=True)
    assert client.get(f"/dashboard/sessions/{other.id}/roster").status_code == 200
    assert client.get("/dashboard/users").status_code == 200
    assert client.get("/dashboard/outbox").status_code == 200


def test_facilitators_are_refused_the_admin_pages(client):
    login(client, make_user())
    assert client.get("/dashboard/users").status_code == 403
    assert client.get("/dashboard/outbox").status_code == 403


def test_every_dashboard_form_needs_a_csrf_token(app, client):
    facilitator = make_user()
    lab = make_lab_session(facilitators=[facilitator])
    registration = make_registration(lab)
    login(client, facilitator)
    app.config["WTF_CSRF_ENABLED"] = True
    response = client.post(f"/dashboard/sessions/{lab.id}/registrations/{registration.id}/cancel")
    assert response.status_code == 400
    assert not [m for m in outbox() if m.kind == "registration_cancelled"]


def test_facilitator_text_is_escaped_on_the_public_page(client):
    lab = make_lab_session(title="<script>alert(1)</script> Lab", description="<b>bold</b>")
    page = client.get(f"/sessions/{lab.slug}").get_data(as_text=True)
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;" in page and "&lt;b&gt;bold&lt;/b&gt;" in page
    assert re.search(r"<b>bold</b>", page) is None


def test_dashboard_without_a_trailing_slash_goes_straight_to_sign_in(client):
    response = client.get("/dashboard")
    assert response.status_code == 302 and "/account/login" in response.headers["Location"]
