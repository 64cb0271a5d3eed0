"""Private pages are never stored by a cache nor indexed; robots.txt keeps crawlers to the public pages."""

from __future__ import annotations

import re
from urllib.robotparser import RobotFileParser

import pytest

from labapp.records.services import request_record_link
from labapp.registrations.links import manage_token
from tests.factories import make_lab_session, make_registration, make_user, now_utc
from tests.helpers import login, outbox, resolve_mail_requests

PUBLIC_PAGES = ["/", "/protocol", "/privacy", "/my-record", "/sessions.ics"]


def _private_pages(client) -> list[str]:
    """A real page of every private area, as the person it belongs to would open it."""
    now = now_utc()
    facilitator = make_user()
    lab = make_lab_session(now=now, facilitators=[facilitator])
    registration = make_registration(lab, now=now)
    request_record_link(email=registration.email, now=now)
    resolve_mail_requests(now=now)
    record = re.search(r"/my-record/([\w-]+)", outbox("record_link")[0].text_body).group(0)
    token = manage_token(registration)
    login(client, facilitator)
    return [f"/manage/{token}", f"/manage/{token}/cancel", f"/manage/{token}/invite.ics", record,
            "/dashboard/", f"/dashboard/sessions/{lab.id}/roster", "/account/reset"]


def _is_private(response) -> bool:
    return "no-store" in response.headers.get("Cache-Control", "") and response.headers.get("X-Robots-Tag") == "noindex"


def test_private_pages_are_neither_stored_nor_indexed(app, client):
    for path in _private_pages(client):
        response = client.get(path)
        assert response.status_code == 200, path
        assert _is_private(response), path


@pytest.mark.parametrize("path", ["/manage/not-a-token", "/my-record/not-a-token", "/dashboard/sessions/999"])
def test_private_error_pages_and_redirects_are_neither_stored_nor_indexed(app, client, path):
    # A wrong or expired link, or a visitor who is not signed in, must not leave a cached copy either.
    response = client.get(path)
    assert response.status_code in (302, 404, 410)
    assert _is_private(response)


def test_public_pages_may_be_cached_and_indexed(app, client):
    lab = make_lab_session()
    for path in [*PUBLIC_PAGES, f"/sessions/{lab.slug}"]:
        response = client.get(path)
        assert response.status_code == 200, path
        assert "X-Robots-Tag" not in response.headers, path
        assert "no-store" not in response.headers.get("Cache-Control", ""), path


def test_a_new_page_in_a_private_area_is_private_without_extra_code(app, client):
    # How a colleague's new feature (e.g. /feedback/<token>) gets the same treatment: its URL alone.
    app.add_url_rule("/feedback/<token>", "feedback_demo", lambda token: "Thanks for your feedback")
    response = client.get("/feedback/abc")
    assert response.status_code == 200 and _is_private(response)


def test_robots_txt_lets_crawlers_read_public_pages_only(app, client):
    lab = make_lab_session()
    response = client.get("/robots.txt")
    assert response.status_code == 200 and response.mimetype == "text/plain"
    robots = RobotFileParser()
    robots.parse(response.get_data(as_text=True).splitlines())
    for path in [*PUBLIC_PAGES, f"/sessions/{lab.slug}", "/static/css/site.css"]:
        assert robots.can_fetch("Googlebot", f"http://labapp.test{path}"), path
    for path in ["/manage/abc", "/dashboard/", "/dashboard/sessions/1/roster", "/account/login",
                 "/my-record/abc", "/feedback/abc"]:
        assert not robots.can_fetch("Googlebot", f"http://labapp.test{path}"), path
