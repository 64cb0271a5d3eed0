"""Calendar files (iCalendar, RFC 5545/5546) built with the `icalendar` library, never by string formatting.

This module knows nothing about registrations or sessions: callers describe each event with a
`CalendarEvent` and pick a method (REQUEST for an invite, CANCEL to remove it, PUBLISH for a
download or a feed). A stable UID per event is what lets a later update or cancellation change
the entry people already have instead of adding a second one.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum
from functools import lru_cache
from urllib.parse import urlencode, urlsplit
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event, Timezone, vCalAddress, vText

PRODID = "-//Conversation Labs//labapp//EN"
# VTIMEZONE rules are generated for a window around the events: a year either side is plenty
# for clients to place the start correctly across any DST change, and keeps the file small.
ZONE_MARGIN = timedelta(days=366)
_METHOD_LINE = re.compile(r"^METHOD:(REQUEST|CANCEL|PUBLISH)\r?$", re.MULTILINE)


class CalendarMethod(StrEnum):
    REQUEST = "REQUEST"  # an invite: add or update this entry
    CANCEL = "CANCEL"  # remove the entry with this UID
    PUBLISH = "PUBLISH"  # a file to import or a feed to subscribe to


@dataclass(frozen=True)
class CalendarEvent:
    """One VEVENT: what, when (aware datetimes, shown in `timezone`), where, and who organises it."""

    uid: str
    sequence: int
    starts_at: datetime
    ends_at: datetime
    timezone: str
    summary: str
    description: str
    location: str
    organizer_name: str
    organizer_email: str
    url: str | None = None
    attendee_name: str | None = None
    attendee_email: str | None = None
    is_cancelled: bool = False


def uid_domain(base_url: str) -> str:
    """The host part of BASE_URL, used to make UIDs and Message-IDs globally unique."""
    return urlsplit(base_url).hostname or "localhost"


def _event_component(event: CalendarEvent, *, now: datetime) -> Event:
    zone = ZoneInfo(event.timezone)
    component = Event()
    component.add("uid", event.uid)
    component.add("sequence", event.sequence)
    component.add("dtstamp", now)
    # Local wall time with a TZID (plus a VTIMEZONE below) so calendars show the session's own zone.
    component.add("dtstart", event.starts_at.astimezone(zone))
    component.add("dtend", event.ends_at.astimezone(zone))
    component.add("summary", event.summary)
    component.add("description", event.description)
    if event.location:
        component.add("location", event.location)
    if event.url:
        component.add("url", event.url)
    organizer = vCalAddress(f"mailto:{event.organizer_email}")
    organizer.params["cn"] = vText(event.organizer_name)
    component.add("organizer", organizer)
    if event.attendee_email:
        attendee = vCalAddress(f"mailto:{event.attendee_email}")
        if event.attendee_name:
            attendee.params["cn"] = vText(event.attendee_name)
        attendee.params["role"] = vText("REQ-PARTICIPANT")
        # They registered already: no RSVP buttons that would mail replies to the organiser.
        attendee.params["partstat"] = vText("DECLINED" if event.is_cancelled else "ACCEPTED")
        attendee.params["rsvp"] = vText("FALSE")
        component.add("attendee", attendee)
    component.add("status", "CANCELLED" if event.is_cancelled else "CONFIRMED")
    component.add("transp", "TRANSPARENT" if event.is_cancelled else "OPAQUE")
    return component


def build_calendar(
    events: Iterable[CalendarEvent], *, method: CalendarMethod, now: datetime, name: str | None = None
) -> str:
    """A VCALENDAR with one VEVENT per event and the VTIMEZONEs they use, as text with CRLF lines."""
    events = list(events)
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", method.value)
    if name:
        calendar.add("x-wr-calname", name)
    for event in events:
        calendar.add_component(_event_component(event, now=now))
    text = calendar.to_ical().decode()
    if not events:
        return text
    first_date = (min(e.starts_at for e in events) - ZONE_MARGIN).date()
    last_date = (max(e.ends_at for e in events) + ZONE_MARGIN).date()
    zones = "".join(_vtimezone(tzid, first_date, last_date) for tzid in sorted(calendar.get_missing_tzids()))
    # Where add_missing_timezones() would put them: before the first event that refers to them.
    at = text.index("BEGIN:VEVENT\r\n")
    return text[:at] + zones + text[at:]


@lru_cache(maxsize=256)
def _vtimezone(tzid: str, first_date: date, last_date: date) -> str:
    """One VTIMEZONE as iCalendar text, or "" for a zone icalendar does not know.

    Generating it from the tz database was most of the cost of an invite (built while a
    registration holds its session's row lock), and it is the same for every invite to one
    session, so each (zone, window) is built once per process.
    """
    try:
        return Timezone.from_tzid(tzid, first_date=first_date, last_date=last_date).to_ical().decode()
    except ValueError:
        return ""


def calendar_method(ics: str) -> CalendarMethod:
    """The METHOD of a calendar built here (the MIME part must repeat it in its Content-Type)."""
    # A line match, not a full parse: delivery calls this for every invite it sends.
    found = _METHOD_LINE.search(ics)
    return CalendarMethod(found.group(1)) if found else CalendarMethod.PUBLISH


def _utc_stamp(value: datetime) -> str:
    return value.astimezone(ZoneInfo("UTC")).strftime("%Y%m%dT%H%M%SZ")


def google_calendar_url(event: CalendarEvent) -> str:
    """An 'Add to Google Calendar' link that pre-fills the event (opened by the person, not by us)."""
    query = {
        "action": "TEMPLATE",
        "text": event.summary,
        "dates": f"{_utc_stamp(event.starts_at)}/{_utc_stamp(event.ends_at)}",
        "ctz": event.timezone,
        "details": event.description,
        "location": event.location,
    }
    return "https://calendar.google.com/calendar/render?" + urlencode(query)


def outlook_calendar_url(event: CalendarEvent, *, host: str = "outlook.live.com") -> str:
    """An 'Add to Outlook' link; host 'outlook.office.com' for work or school (Microsoft 365) accounts."""
    query = {
        "path": "/calendar/action/compose",
        "rru": "addevent",
        "subject": event.summary,
        "startdt": event.starts_at.astimezone(ZoneInfo("UTC")).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "enddt": event.ends_at.astimezone(ZoneInfo("UTC")).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "body": event.description,
        "location": event.location,
    }
    return f"https://{host}/calendar/0/deeplink/compose?" + urlencode(query)
