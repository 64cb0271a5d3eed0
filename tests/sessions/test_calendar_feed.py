"""/sessions.ics: a feed of upcoming published sessions that calendar apps subscribe to."""

from __future__ import annotations

from datetime import timedelta

from icalendar import Calendar

from labapp.session_changes.services import cancel_session
from tests.factories import make_lab_session, make_registration, now_utc
from tests.helpers import count_queries


def _feed(client) -> Calendar:
    response = client.get("/sessions.ics")
    assert response.status_code == 200 and response.mimetype == "text/calendar"
    return Calendar.from_ical(response.data)


def test_feed_lists_upcoming_published_sessions_only(app, client):
    now = now_utc()
    app.config["CLOCK"] = lambda: now
    soon = make_lab_session(now=now, title="Soon", timezone="Europe/London")
    later = make_lab_session(now=now, title="Later", starts_at=now + timedelta(days=30))
    make_lab_session(now=now, title="Draft", publish=False)
    make_lab_session(now=now - timedelta(days=10), title="Past", starts_at=now - timedelta(days=2))
    calendar = _feed(client)
    assert [str(e["SUMMARY"]) for e in calendar.events] == ["Soon", "Later"]
    assert [e.start for e in calendar.events] == [soon.starts_at, later.starts_at]
    assert {tz.tz_name for tz in calendar.timezones} == {"Europe/London", "America/New_York"}
    assert str(calendar.events[0]["UID"]) == f"session-{soon.id}@labapp.test"


def test_feed_has_no_join_links_and_no_personal_data(app, client):
    lab = make_lab_session(join_url="https://meet.example.org/secret-room")
    make_registration(lab, email="private.person@example.edu", full_name="Private Person")
    body = client.get("/sessions.ics").get_data(as_text=True)
    assert "secret-room" not in body
    assert "private.person" not in body and "Private Person" not in body
    assert "/manage/" not in body


def test_feed_costs_the_same_queries_for_one_or_many_sessions(app, client):
    make_lab_session()
    with count_queries() as one:
        client.get("/sessions.ics")
    for _ in range(6):
        make_lab_session()
    with count_queries() as many:
        client.get("/sessions.ics")
    assert many.count == one.count <= 2


def test_a_cancelled_session_stays_in_the_feed_marked_cancelled_until_its_date_has_passed(app, client):
    now = now_utc()
    app.config["CLOCK"] = lambda: now
    lab = make_lab_session(now=now, title="Families as Partners")
    [before] = _feed(client).events
    cancel_session(lab_session_id=lab.id, now=now, reason="The room flooded.")

    [after] = _feed(client).events
    # The same entry, newer, and cancelled: subscribers see it struck out, not silently gone.
    assert str(after["UID"]) == str(before["UID"])
    assert int(after["SEQUENCE"]) > int(before["SEQUENCE"])
    assert after["STATUS"] == "CANCELLED" and before["STATUS"] == "CONFIRMED"
    assert str(after["SUMMARY"]) == "Cancelled: Families as Partners"
    assert after.start == lab.starts_at

    app.config["CLOCK"] = lambda: lab.ends_at
    assert _feed(client).events == []
