"""The public list of sessions and each session's page."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from labapp.sessions.errors import InvalidSession
from labapp.sessions.models import SessionFormat
from labapp.timefmt import format_when
from tests.factories import make_lab_session, make_registration, now_utc
from tests.helpers import count_queries


def test_home_lists_upcoming_published_sessions_soonest_first(client):
    later = make_lab_session(title="Later lab", starts_at=now_utc() + timedelta(days=9))
    sooner = make_lab_session(title="Sooner lab", starts_at=now_utc() + timedelta(days=2))
    page = client.get("/").get_data(as_text=True)
    assert page.index(sooner.title) < page.index(later.title)


def test_home_hides_drafts_past_and_cancelled_sessions(client):
    make_lab_session(title="Draft lab", publish=False)
    make_lab_session(title="Past lab", starts_at=now_utc() - timedelta(days=1), now=now_utc() - timedelta(days=3))
    from labapp.db import db
    from labapp.sessions.models import SessionStatus

    cancelled = make_lab_session(title="Cancelled lab")
    cancelled.status = SessionStatus.CANCELLED
    db.session.commit()
    page = client.get("/").get_data(as_text=True)
    assert "Draft lab" not in page and "Past lab" not in page and "Cancelled lab" not in page
    response = client.get(f"/sessions/{cancelled.slug}")
    assert response.status_code == 200
    assert "This session has been cancelled" in response.get_data(as_text=True)


def test_home_shows_seats_left_full_and_closed(client):
    roomy = make_lab_session(title="Roomy", capacity=5)
    make_registration(roomy)
    full = make_lab_session(title="Packed", capacity=1)
    make_registration(full)
    page = client.get("/").get_data(as_text=True)
    assert "4 seats left" in page
    assert "Full — join the waitlist" in page


def test_registration_window_closed_is_shown(client, app):
    lab = make_lab_session(title="Closed window")
    app.config["CLOCK"] = lambda: lab.starts_at - timedelta(minutes=1)
    lab.registration_closes_at = lab.starts_at - timedelta(hours=1)
    from labapp.db import db

    db.session.commit()
    page = client.get("/").get_data(as_text=True)
    assert "Registration closed" in page


def test_home_page_makes_the_same_number_of_queries_for_3_or_30_sessions(client):
    for _ in range(3):
        make_registration(make_lab_session())
    with count_queries() as few:
        assert client.get("/").status_code == 200
    for _ in range(27):
        make_registration(make_lab_session())
    with count_queries() as many:
        page = client.get("/").get_data(as_text=True)
    assert page.count('class="session-card"') == 30
    assert many.count == few.count


def test_session_page_shows_local_time_with_zone_abbreviation(client):
    starts = datetime(2030, 12, 10, 21, 0, tzinfo=UTC)  # 4:00 PM in New York (EST)
    lab = make_lab_session(starts_at=starts, duration_minutes=90, timezone="America/New_York")
    page = client.get(f"/sessions/{lab.slug}").get_data(as_text=True)
    assert "Tue, Dec 10 · 4:00–5:30 PM EST" in page


def test_session_page_never_shows_the_join_link(client):
    lab = make_lab_session(join_url="https://meet.example.org/secret-room")
    page = client.get(f"/sessions/{lab.slug}").get_data(as_text=True)
    assert "secret-room" not in page


def test_draft_session_page_is_not_found(client):
    lab = make_lab_session(publish=False)
    assert client.get(f"/sessions/{lab.slug}").status_code == 404


def test_session_page_links_to_the_protocol(client):
    lab = make_lab_session()
    assert 'href="/protocol"' in client.get(f"/sessions/{lab.slug}").get_data(as_text=True)


def test_time_range_switches_meridiem_and_crosses_zones():
    start = datetime(2026, 7, 1, 15, 30, tzinfo=UTC)
    assert format_when(start, start + timedelta(minutes=120), "America/New_York") == "Wed, Jul 1 · 11:30 AM–1:30 PM EDT"
    assert format_when(start, start + timedelta(minutes=60), "Europe/London") == "Wed, Jul 1 · 4:30–5:30 PM BST"


def test_sessions_with_bad_fields_are_refused(app):
    with pytest.raises(InvalidSession, match="time zone"):
        make_lab_session(timezone="Mars/Olympus")
    with pytest.raises(InvalidSession, match="https"):
        make_lab_session(join_url="http://insecure.example.org")
    with pytest.raises(InvalidSession, match="location"):
        make_lab_session(format=SessionFormat.IN_PERSON, location="")


def test_session_page_makes_the_same_number_of_queries_for_2_or_40_people_registered(client):
    lab = make_lab_session(capacity=50)
    for _ in range(2):
        make_registration(lab)
    with count_queries() as few:
        assert client.get(f"/sessions/{lab.slug}").status_code == 200
    for _ in range(38):
        make_registration(lab)
    with count_queries() as many:
        page = client.get(f"/sessions/{lab.slug}").get_data(as_text=True)
    assert "10 seats left" in page
    assert many.count == few.count
