"""Calendar invites in emails: one entry per registration, at the right instant, removed on cancellation."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from labapp.db import db, unit_of_work
from labapp.mail.deliver import deliver_pending
from labapp.registrations.invites import registration_uid
from labapp.registrations.links import manage_token, manage_url
from labapp.registrations.services import cancel_registration
from labapp.sessions.models import LabSession, SessionFormat
from tests.factories import make_lab_session, make_registration, now_utc
from tests.mail.support import calendar_part, invite_of


def _event(message):
    [event] = invite_of(message).events
    return event


def test_invite_start_is_the_right_instant_across_a_dst_change(app, smtp):
    # Registered while New York is on daylight time (EDT), for a session after clocks go back (EST).
    now = datetime(2026, 10, 20, 15, 0, tzinfo=UTC)
    starts_at = datetime(2026, 11, 2, 9, 0, tzinfo=ZoneInfo("America/New_York"))
    lab = make_lab_session(now=now, starts_at=starts_at, timezone="America/New_York")
    make_registration(lab, now=now, email="dst@example.edu")
    deliver_pending(now=now)
    calendar = invite_of(smtp.to("dst@example.edu")[0])
    [event] = calendar.events
    assert event.start == datetime(2026, 11, 2, 14, 0, tzinfo=UTC)
    assert event.end - event.start == timedelta(minutes=90)
    assert event["DTSTART"].params["TZID"] == "America/New_York"
    # The VTIMEZONE shipped in the file places it correctly too (for clients that do not know the zone).
    [zone] = calendar.timezones
    shipped = zone.to_tz()
    assert datetime(2026, 11, 2, 9, 0, tzinfo=shipped).astimezone(UTC) == datetime(2026, 11, 2, 14, 0, tzinfo=UTC)
    assert datetime(2026, 10, 20, 9, 0, tzinfo=shipped).utcoffset() == timedelta(hours=-4)


def test_invite_has_stamp_summary_organizer_links_and_join_url_for_a_confirmed_person(app, smtp):
    now = now_utc()
    lab = make_lab_session(now=now, title="Families as Partners", join_url="https://meet.example.org/fap")
    registration = make_registration(lab, now=now, email="conf@example.edu", full_name="Conf Person")
    deliver_pending(now=now)
    event = _event(smtp.to("conf@example.edu")[0])
    # One entry per person, named without the row id or anything that leads to their manage link.
    assert str(event["UID"]) == registration_uid(registration)
    assert re.fullmatch(r"registration-[0-9a-f]{32}@labapp\.test", str(event["UID"]))
    assert manage_token(registration) not in str(event["UID"])
    assert event.DTSTAMP == now
    assert str(event["SUMMARY"]) == "Families as Partners"
    assert str(event["ORGANIZER"]) == "mailto:labs@labapp.test"
    assert str(event["LOCATION"]) == "https://meet.example.org/fap"
    description = str(event["DESCRIPTION"])
    assert manage_url(registration) in description and f"/sessions/{lab.slug}#agenda" in description
    assert "https://meet.example.org/fap" in description
    assert str(event["ATTENDEE"]) == "mailto:conf@example.edu"


def test_an_in_person_invite_gives_the_place_not_a_join_link(app, smtp):
    now = now_utc()
    lab = make_lab_session(now=now, format=SessionFormat.IN_PERSON, location="Room 12, Lincoln MS", join_url="")
    make_registration(lab, now=now, email="room@example.edu")
    deliver_pending(now=now)
    event = _event(smtp.to("room@example.edu")[0])
    assert str(event["LOCATION"]) == "Room 12, Lincoln MS"


def test_cancelling_sends_a_cancel_for_the_same_calendar_entry(app, smtp):
    now = now_utc()
    lab = make_lab_session(now=now)
    registration = make_registration(lab, now=now, email="leaving@example.edu")
    cancel_registration(registration_id=registration.id, now=now + timedelta(hours=1))
    deliver_pending(now=now + timedelta(hours=1))
    confirmed, cancelled = smtp.to("leaving@example.edu")
    assert str(cancelled["Subject"]).startswith("Cancelled: ")
    assert calendar_part(cancelled).get_param("method") == "CANCEL"
    assert invite_of(cancelled)["METHOD"] == "CANCEL"
    original, removal = _event(confirmed), _event(cancelled)
    assert str(removal["UID"]) == str(original["UID"])
    assert removal["STATUS"] == "CANCELLED"
    assert int(removal["SEQUENCE"]) > int(original["SEQUENCE"])
    assert lab.join_url not in str(removal.get("DESCRIPTION", ""))


def test_leaving_the_waitlist_sends_no_calendar_part(app, smtp):
    now = now_utc()
    lab = make_lab_session(now=now, capacity=1)
    make_registration(lab, now=now)
    waiting = make_registration(lab, now=now, email="waiting@example.edu")
    cancel_registration(registration_id=waiting.id, now=now)
    deliver_pending(now=now)
    assert [calendar_part(m) for m in smtp.to("waiting@example.edu")] == [None, None]


def test_promotion_from_the_waitlist_carries_an_invite_with_the_join_link(app, smtp):
    now = now_utc()
    lab = make_lab_session(now=now, capacity=1)
    seated = make_registration(lab, now=now)
    make_registration(lab, now=now, email="next@example.edu")
    cancel_registration(registration_id=seated.id, now=now)
    deliver_pending(now=now)
    waitlisted, promoted = smtp.to("next@example.edu")
    assert str(promoted["Subject"]).startswith("You're in: ")
    assert calendar_part(waitlisted) is None
    assert calendar_part(promoted).get_param("method") == "REQUEST"
    assert str(_event(promoted)["LOCATION"]) == lab.join_url


def test_invite_sequence_follows_the_sessions_changes(app, smtp):
    now = now_utc()
    lab = make_lab_session(now=now)
    with unit_of_work():
        db.session.get(LabSession, lab.id).sequence = 3  # the session was changed three times
    make_registration(lab, now=now, email="late@example.edu")
    deliver_pending(now=now)
    assert int(_event(smtp.to("late@example.edu")[0])["SEQUENCE"]) == 3


# A session in the hour after each zone's spring-forward change (none in Kolkata, which keeps one offset).
SPRING_FORWARD_SESSIONS = {
    "America/New_York": datetime(2027, 3, 14, 3, 30),
    "Europe/London": datetime(2027, 3, 28, 2, 30),
    "Australia/Sydney": datetime(2027, 10, 3, 3, 30),
    "Asia/Kolkata": datetime(2027, 3, 14, 3, 30),
}


@pytest.mark.parametrize("zone_name", SPRING_FORWARD_SESSIONS)
def test_every_change_in_the_invites_time_zone_agrees_with_the_tz_database(app, smtp, zone_name):
    zone = ZoneInfo(zone_name)
    starts_at = SPRING_FORWARD_SESSIONS[zone_name].replace(tzinfo=zone)
    now = datetime(2026, 12, 3, 12, 0, tzinfo=UTC)
    lab = make_lab_session(now=now, starts_at=starts_at, timezone=zone_name)
    make_registration(lab, now=now, email="zone@example.edu")
    deliver_pending(now=now)
    calendar = invite_of(smtp.to("zone@example.edu")[0])
    [timezone] = calendar.timezones
    assert str(timezone["TZID"]) == zone_name
    observances = timezone.standard + timezone.daylight
    for observance in observances:
        offset_from, offset_to = observance["TZOFFSETFROM"].td, observance["TZOFFSETTO"].td
        # DTSTART is the onset as the clock read before the change (RFC 5545's 20070311T020000).
        onset = (observance.DTSTART - offset_from).replace(tzinfo=UTC)
        assert (onset - timedelta(seconds=1)).astimezone(zone).utcoffset() == offset_from, observance.DTSTART
        assert onset.astimezone(zone).utcoffset() == offset_to, observance.DTSTART
        assert (observance.name == "DAYLIGHT") == bool(onset.astimezone(zone).dst())
        assert observance.DTSTART.year == 2027  # only the year the invite needs
    changes = [o for o in observances if o["TZOFFSETFROM"].td != o["TZOFFSETTO"].td]
    assert len(changes) == (0 if zone_name == "Asia/Kolkata" else 2)
    # A client that trusts the shipped zone (Outlook does) puts the start at the right instant.
    [event] = calendar.events
    shipped = timezone.to_tz()
    assert event.DTSTART.replace(tzinfo=shipped).astimezone(UTC) == starts_at.astimezone(UTC)
