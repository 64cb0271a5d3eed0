"""Health check, configuration refusal, error pages, headers."""

from __future__ import annotations

import pytest

from labapp import create_app
from labapp.db import db
from labapp.registrations.models import Registration
from tests.factories import make_lab_session, registration_form


def test_healthz_answers_ok_when_the_database_answers(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "database": "ok"}


def test_healthz_answers_503_when_the_database_does_not(tmp_path):
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path}/missing/dir/db.sqlite3")
    response = app.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.get_json()["status"] == "error"


@pytest.mark.parametrize("missing", ["SECRET_KEY", "DATABASE_URL", "BASE_URL"])
def test_production_refuses_to_start_without_required_settings(monkeypatch, missing):
    monkeypatch.setenv("SECRET_KEY", "s" * 32)
    monkeypatch.setenv("DATABASE_URL", "sqlite://")
    monkeypatch.setenv("BASE_URL", "https://labs.example.org")
    monkeypatch.delenv(missing)
    with pytest.raises(RuntimeError, match=missing):
        create_app("production")


@pytest.mark.parametrize("offsets", ["24h,soon", "1 day", "-1h", "0"])
def test_unreadable_reminder_offsets_stop_the_app_at_start_with_the_reason(offsets):
    with pytest.raises(RuntimeError, match="REMINDER_OFFSETS must be positive durations like '24h,1h'"):
        create_app("testing", REMINDER_OFFSETS=offsets)


def test_readable_reminder_offsets_start_the_app():
    assert create_app("testing", REMINDER_OFFSETS="2d, 90m,1h").config["REMINDER_OFFSETS"] == "2d, 90m,1h"


def test_unknown_session_shows_a_404_page_in_the_sites_style(client):
    response = client.get("/sessions/no-such-session")
    assert response.status_code == 404
    assert b"Page not found" in response.data
    assert b"See upcoming sessions" in response.data


def test_oversized_body_is_refused_with_413_and_nothing_written(client):
    lab = make_lab_session()
    form = registration_form(hopes="x" * (1024 * 1024 + 10))
    response = client.post(f"/sessions/{lab.slug}/register", data=form)
    assert response.status_code == 413
    assert db.session.query(Registration).count() == 0


def test_every_page_sends_security_headers(client):
    response = client.get("/")
    csp = response.headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in csp
    assert "unsafe-inline" not in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert "Permissions-Policy" in response.headers
