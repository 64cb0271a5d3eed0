"""BASE_URL sets the router's SERVER_NAME, yet requests under another Host (nginx, health checks) still work."""

from __future__ import annotations

from labapp.db import db
from tests.factories import make_lab_session, registration_form
from tests.helpers import outbox


def test_pages_answer_under_a_host_other_than_base_urls(app, client):
    lab = make_lab_session(title="Listening well")
    assert app.config["SERVER_NAME"] == "labapp.test"
    for base_url in ("http://127.0.0.1:8000", "http://labs.internal"):
        assert client.get("/healthz", base_url=base_url).status_code == 200
        page = client.get("/", base_url=base_url)
        assert page.status_code == 200 and "Listening well" in page.get_data(as_text=True)
        assert client.get(f"/sessions/{lab.slug}", base_url=base_url).status_code == 200


def test_an_email_queued_during_a_request_under_another_host_links_to_base_url(app, client):
    lab = make_lab_session()
    response = client.post(f"/sessions/{lab.slug}/register", data=registration_form(email="host@example.org"),
                           base_url="http://127.0.0.1:8000")
    assert response.status_code in (302, 303)
    db.session.expire_all()
    [confirmation] = outbox()
    assert "http://labapp.test/manage/" in confirmation.text_body
    assert "127.0.0.1" not in confirmation.text_body + confirmation.html_body + (confirmation.calendar_ics or "")
