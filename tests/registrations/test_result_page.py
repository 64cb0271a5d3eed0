"""The page after registering: a receipt for the browser that registered, never a key to someone's data.

Typing an address proves nothing, so that page (and everything it links to) carries no manage token,
shows none of the address's earlier answers and offers no erasure; the manage link arrives by email.
"""

from __future__ import annotations

import json
import re
from datetime import timedelta
from html.parser import HTMLParser
from urllib.parse import parse_qs, urlsplit

import pytest
from flask import Flask
from flask.testing import FlaskClient
from icalendar import Calendar
from sqlalchemy import select

from labapp.db import db
from labapp.mail.deliver import deliver_pending
from labapp.registrations.links import manage_token
from labapp.registrations.models import Registration
from labapp.registrations.services import RegistrationDetails, update_details
from tests.factories import make_lab_session, make_registration, now_utc, registration_form
from tests.mail.support import invite_of

ADDRESS = "maya.robinson@example.edu"
FIRST_ANSWERS = {
    "full_name": "Maya Robinson",
    "organisation": "Lincoln Middle School",
    "accommodations": "I use a wheelchair; please seat me near the door.",
    "hopes": "How to talk with my principal about my son's IEP.",
}


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name in {"href", "src", "action"} and value:
                self.urls.append(value)


def _links(body: str) -> list[str]:
    parser = _Links()
    parser.feed(body)
    return parser.urls


def _register(client: FlaskClient, lab, **fields):
    return client.post(f"/sessions/{lab.slug}/register", data=registration_form(**fields), follow_redirects=True)


def _secrets() -> list[str]:
    """Every manage token there is (both registrations of the address, and anyone else's)."""
    db.session.expire_all()
    return [manage_token(r) for r in db.session.scalars(select(Registration))]


def _cookie_text(app: Flask, client: FlaskClient) -> str:
    """The browser's cookies as stored, plus the signed session cookie decoded."""
    session_cookie = client.get_cookie(app.config["SESSION_COOKIE_NAME"])
    decoded = app.session_interface.get_signing_serializer(app).loads(session_cookie.value) if session_cookie else {}
    return json.dumps(decoded) + " ".join(cookie.value for cookie in client._cookies.values())


def _walk_two_clicks_deep(app: Flask, client: FlaskClient, start: str) -> dict[str, tuple[int, str, str]]:
    """GET the page and every same-site link on it, two clicks deep: {url: (status, headers, body)}.

    Links to other sites are recorded, not followed (their URL is what the browser would send).
    """
    seen: dict[str, tuple[int, str, str]] = {}
    frontier = [start]
    for _ in range(3):  # the start page, then two clicks
        found = []
        for url in frontier:
            if url in seen:
                continue
            parts = urlsplit(url)
            if parts.netloc and parts.netloc != urlsplit(app.config["BASE_URL"]).netloc:
                seen[url] = (0, "", url)
                continue
            path = parts.path + (f"?{parts.query}" if parts.query else "")
            response = client.get(path)
            body = response.get_data(as_text=True)
            seen[url] = (response.status_code, str(response.headers), body)
            if response.mimetype == "text/html":
                found += [link.split("#")[0] or path for link in _links(body)]
        frontier = found
    return seen


@pytest.mark.parametrize("second_session", [True, False], ids=["another-session", "the-same-session"])
def test_registering_someones_address_shows_nothing_of_theirs_two_clicks_deep(app, client, second_session):
    first_lab, second_lab = make_lab_session(title="Listening Lab"), make_lab_session(title="Families Lab")
    assert _register(client, first_lab, email=ADDRESS, **FIRST_ANSWERS).status_code == 200

    stranger = app.test_client()  # another browser that only knows the address
    lab = second_lab if second_session else first_lab
    response = _register(stranger, lab, email="Maya.Robinson@Example.EDU", full_name="Not Maya",
                         organisation="Elsewhere")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert ("You're confirmed" in page) is second_session
    assert ("Check your email" in page) is not second_session

    pages = _walk_two_clicks_deep(app, stranger, response.request.path)
    assert len(pages) > 10, sorted(pages)  # the walk really went somewhere
    secrets = _secrets()
    assert len(secrets) == (2 if second_session else 1)
    for url, (status, headers, body) in pages.items():
        assert status < 500, url
        for answer in FIRST_ANSWERS.values():
            assert answer not in body, f"{url} shows the first registration's {answer!r}"
        assert "Delete my data" not in body and "/delete" not in body and "my-data.json" not in body, url
        assert not any(secret in body or secret in headers or secret in url for secret in secrets), url
        assert "/manage/" not in body and "/manage/" not in headers, url
    assert not any(secret in _cookie_text(app, stranger) for secret in secrets)


def test_the_manage_link_arrives_only_by_email_and_opens_the_manage_page(app, client, smtp):
    lab = make_lab_session(title="Listening Lab")
    now = now_utc()
    app.config["CLOCK"] = lambda: now
    response = client.post(f"/sessions/{lab.slug}/register", data=registration_form(email=ADDRESS, **FIRST_ANSWERS))
    assert response.status_code == 302 and response.location == f"/sessions/{lab.slug}/registered"
    [token] = _secrets()
    page = client.get(response.location)
    assert token not in page.get_data(as_text=True) and token not in str(page.headers)

    deliver_pending(now=now)
    [confirmation] = smtp.to(ADDRESS)
    link = re.search(r"http://labapp\.test(/manage/[\w-]+)", confirmation.get_body(("plain",)).get_content())
    assert link and link.group(1) == f"/manage/{token}"
    manage = app.test_client().get(link.group(1)).get_data(as_text=True)
    assert "Your registration" in manage and FIRST_ANSWERS["accommodations"] in manage
    exported = app.test_client().get(f"{link.group(1)}/my-data.json").get_json()
    assert FIRST_ANSWERS["hopes"] in json.dumps(exported)


def test_the_result_page_shows_the_session_the_status_and_what_was_typed(client):
    lab = make_lab_session(title="Listening Lab", join_url="https://meet.example.org/secret-room")
    response = _register(client, lab, email=ADDRESS, **FIRST_ANSWERS)
    page = response.get_data(as_text=True)
    assert "<h1>You're confirmed</h1>" in page and "You're confirmed for this session." in page
    assert "Listening Lab" in page and ADDRESS in page
    assert all(value.replace("'", "&#39;") in page for value in FIRST_ANSWERS.values())
    assert "meet.example.org" not in page  # the join link is in the confirmation email only
    assert "private, no-store" in response.headers["Cache-Control"]


def test_a_waitlisted_result_page_says_the_place_in_line(client):
    lab = make_lab_session(capacity=1)
    make_registration(lab)
    make_registration(lab)
    page = _register(client, lab).get_data(as_text=True)
    assert "You're #2 on the waitlist" in page and "number 2 in line" in page
    assert "Add to Google Calendar" not in page  # no seat, nothing for a calendar
    assert client.get(f"/sessions/{lab.slug}/registered/calendar.ics").status_code == 410


def test_another_browser_sees_an_expired_page(app, client):
    lab = make_lab_session()
    _register(client, lab, email=ADDRESS)
    response = app.test_client().get(f"/sessions/{lab.slug}/registered")
    assert response.status_code == 410
    page = response.get_data(as_text=True)
    assert "This page has expired" in page and ADDRESS not in page


def test_the_result_page_expires_after_thirty_minutes(app, client):
    lab = make_lab_session()
    registered_at = now_utc()
    app.config["CLOCK"] = lambda: registered_at
    _register(client, lab, email=ADDRESS)
    app.config["CLOCK"] = lambda: registered_at + timedelta(minutes=29)
    assert client.get(f"/sessions/{lab.slug}/registered").status_code == 200
    app.config["CLOCK"] = lambda: registered_at + timedelta(minutes=30)
    response = client.get(f"/sessions/{lab.slug}/registered")
    assert response.status_code == 410 and ADDRESS not in response.get_data(as_text=True)
    assert client.get(f"/sessions/{lab.slug}/registered/calendar.ics").status_code == 410


def test_answers_changed_from_the_emailed_link_no_longer_show_on_the_result_page(client):
    lab = make_lab_session()
    _register(client, lab, email=ADDRESS, **FIRST_ANSWERS)
    registration = db.session.scalars(select(Registration)).one()
    new_hopes = "Something new I only told the inbox owner."
    update_details(registration_id=registration.id, now=now_utc() + timedelta(minutes=5), details=RegistrationDetails(
        full_name="Maya R.", email=ADDRESS, role=registration.role, organisation="Lincoln", hopes=new_hopes))
    page = client.get(f"/sessions/{lab.slug}/registered").get_data(as_text=True)
    assert "You're confirmed" in page
    assert new_hopes not in page and "Maya R." not in page and FIRST_ANSWERS["accommodations"] not in page


def test_add_to_calendar_offers_a_file_and_google_and_outlook_links_without_any_private_link(app, client, smtp):
    lab = make_lab_session(title="Listening Lab", join_url="https://meet.example.org/secret-room")
    now = now_utc()
    app.config["CLOCK"] = lambda: now
    page = _register(client, lab, email=ADDRESS).get_data(as_text=True).replace("&amp;", "&")
    [token] = _secrets()
    links = _links(page)
    assert f"/sessions/{lab.slug}/registered/calendar.ics" in links
    google = next(link for link in links if link.startswith("https://calendar.google.com/"))
    assert parse_qs(urlsplit(google).query)["text"] == ["Listening Lab"]
    assert any(link.startswith("https://outlook.live.com/calendar/") for link in links)
    assert not any(token in link or "secret-room" in link for link in links)

    response = client.get(f"/sessions/{lab.slug}/registered/calendar.ics")
    assert response.status_code == 200 and response.mimetype == "text/calendar"
    assert "attachment" in response.headers["Content-Disposition"]
    text = response.get_data(as_text=True)
    assert token not in text and "/manage/" not in text and "secret-room" not in text and ADDRESS not in text
    [downloaded] = Calendar.from_ical(response.data).events
    deliver_pending(now=now)
    [emailed] = invite_of(smtp.to(ADDRESS)[0]).events
    assert str(downloaded["UID"]) == str(emailed["UID"])  # importing both gives one entry, not two
    assert downloaded.start == emailed.start


def test_a_browser_keeps_the_result_pages_of_its_five_latest_registrations(app, client):
    start = now_utc()
    labs = [make_lab_session() for _ in range(6)]
    for minute, lab in enumerate(labs):
        app.config["CLOCK"] = lambda minute=minute: start + timedelta(minutes=minute)
        _register(client, lab, email=ADDRESS)
    statuses = [client.get(f"/sessions/{lab.slug}/registered").status_code for lab in labs]
    assert statuses == [410, 200, 200, 200, 200, 200]
