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
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from functools import lru_cache
from urllib.parse import urlencode, urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from icalendar import Calendar, Event, Timezone, TimezoneDaylight, TimezoneStandard, vCalAddress, vText

PRODID = "-//Conversation Labs//labapp//EN"
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
        # Outlook: no "propose a new time" either, since nobody reads replies to the sender address.
        component.add("x-microsoft-disallow-counter", "TRUE")
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
    text: str = calendar.to_ical().decode()  # icalendar's to_ical() is untyped
    if not events:
        return text
    zones = "".join(_vtimezone(tzid, *_local_years(events, tzid)) for tzid in sorted(calendar.get_missing_tzids()))
    # Where add_missing_timezones() would put them: before the first event that refers to them.
    at = text.index("BEGIN:VEVENT\r\n")
    return text[:at] + zones + text[at:]


def _local_years(events: list[CalendarEvent], tzid: str) -> tuple[int, int]:
    """The first and last calendar year, in that zone, of the events shown in it: all its VTIMEZONE needs."""
    zone = ZoneInfo(tzid)
    years = [moment.astimezone(zone).year for e in events if e.timezone == tzid for moment in (e.starts_at, e.ends_at)]
    return min(years), max(years)


@dataclass(frozen=True)
class Onset:
    """One change of a zone's offset: at `at` (UTC) the offset goes from `offset_from` to `offset_to`."""

    at: datetime
    offset_from: timedelta
    offset_to: timedelta
    name: str
    is_daylight: bool


def _state(zone: ZoneInfo, at: datetime) -> tuple[timedelta, str]:
    local = at.astimezone(zone)
    return local.utcoffset() or timedelta(0), local.tzname() or ""


def zone_onsets(tzid: str, *, first_year: int, last_year: int) -> list[Onset]:
    """The offset in force on 1 January of `first_year`, then every change up to the end of `last_year`.

    Read from zoneinfo (the system's tz database): scan a day at a time, then find the second of
    each change by bisection. The first onset is the start of the window itself (from = to).
    """
    zone = ZoneInfo(tzid)
    start = datetime(first_year, 1, 1, tzinfo=UTC)
    start -= _state(zone, start)[0]  # local midnight, not UTC midnight
    end = datetime(last_year + 1, 1, 1, tzinfo=UTC)
    offset, name = _state(zone, start)
    onsets = [Onset(start, offset, offset, name, _is_daylight(zone, start))]
    day = timedelta(days=1)
    at = start
    while at < end:
        following = at + day
        if _state(zone, following) != (offset, name):
            low, high = at, following  # the change happens after `low` and by `high`
            while high - low > timedelta(seconds=1):
                middle = low + (high - low) / 2
                if _state(zone, middle) == (offset, name):
                    low = middle
                else:
                    high = middle
            high = high.replace(microsecond=0)
            new_offset, new_name = _state(zone, high)
            onsets.append(Onset(high, offset, new_offset, new_name, _is_daylight(zone, high)))
            offset, name = new_offset, new_name
            following = high
        at = following
    return onsets


def _is_daylight(zone: ZoneInfo, at: datetime) -> bool:
    saving = at.astimezone(zone).dst()
    return bool(saving and saving > timedelta(0))


@lru_cache(maxsize=256)
def _vtimezone(tzid: str, first_year: int, last_year: int) -> str:
    """One VTIMEZONE covering whole years, as iCalendar text, or "" for a zone zoneinfo does not know.

    Each observance's DTSTART is its onset as the clock read *before* the change (RFC 5545:
    "DTSTART:20070311T020000" with TZOFFSETFROM:-0500), one observance per change, no RRULEs,
    so there is no rule for a client to get wrong. icalendar 7.3's Timezone.from_tzid wrote the
    new wall time instead, which put every spring-forward change an hour late in Outlook.
    Cached: it is the same for every invite to one session, and built while a registration
    holds its session's row lock.
    """
    try:
        onsets = zone_onsets(tzid, first_year=first_year, last_year=last_year)
    except (ZoneInfoNotFoundError, ValueError):
        return ""
    timezone = Timezone()
    timezone.add("tzid", tzid)
    for onset in onsets:
        observance = TimezoneDaylight() if onset.is_daylight else TimezoneStandard()
        observance.add("dtstart", (onset.at + onset.offset_from).replace(tzinfo=None))
        observance.add("tzoffsetfrom", onset.offset_from)
        observance.add("tzoffsetto", onset.offset_to)
        if onset.name:
            observance.add("tzname", onset.name)
        timezone.add_component(observance)
    ical: str = timezone.to_ical().decode()
    return ical


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
