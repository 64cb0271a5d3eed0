"""A registration's calendar entry: the invite in its emails, the .ics download, the add-to-calendar links.

The UID comes from the registration (`registration-<key>@<BASE_URL host>`, the key derived from its
token salt), so the confirmation, every later update and the cancellation all change the same entry
in the person's calendar.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime

from flask import current_app
from flask_babel import gettext

from labapp.mail.calendar import (
    CalendarEvent,
    CalendarMethod,
    build_calendar,
    google_calendar_url,
    outlook_calendar_url,
    uid_domain,
)
from labapp.mail.compose import envelope_sender
from labapp.mail.kinds import EmailKind
from labapp.registrations.links import manage_url
from labapp.registrations.models import Registration
from labapp.sessions.links import agenda_url, session_url


def registration_uid(registration: Registration) -> str:
    """The calendar UID of this person's entry, the same in every invite, update and cancellation.

    Derived from the per-row salt rather than the row id, so the confirmation can be rendered
    before the registration is inserted (outside the session's row lock: see register). A hash,
    so the UID (which the person's calendar may share) reveals nothing about their manage link.
    """
    key = hashlib.sha256(f"calendar-uid:{registration.token_salt}".encode()).hexdigest()[:32]
    return f"registration-{key}@{uid_domain(current_app.config['BASE_URL'])}"


def shows_join_link(registration: Registration) -> bool:
    """The join link goes only to people holding a seat in a session that is online in part."""
    lab = registration.lab_session
    return registration.is_confirmed and lab.is_online and bool(lab.join_url) and not lab.is_cancelled


def registration_event(registration: Registration, *, cancelled: bool = False, private: bool = True,
                       join: bool = True) -> CalendarEvent:
    """The entry as the person should see it; `private=False` leaves out their link (third-party links).

    `join=False` leaves out the join link too: the page after registering gets only public details.
    """
    lab = registration.lab_session
    join = join and shows_join_link(registration) and not cancelled
    # In the current language: the person's own in an email's invite (see notifications.py), the page's
    # for a download. SUMMARY stays the session's title, as its facilitator wrote it.
    lines = [lab.summary] if lab.summary else []
    if join:
        lines.append(gettext("Join online: %(url)s", url=lab.join_url))
    lines.append(gettext("Agenda: %(url)s", url=agenda_url(lab)))
    if private:
        lines.append(gettext("Your registration (update or cancel): %(url)s", url=manage_url(registration)))
    if lab.has_venue:
        location = lab.location
    else:
        location = lab.join_url if join else gettext("Online")
    return CalendarEvent(
        uid=registration_uid(registration),
        # A cancellation must not be older than the invite it removes, or clients ignore it.
        sequence=lab.sequence + (1 if cancelled else 0),
        starts_at=lab.starts_at,
        ends_at=lab.ends_at,
        timezone=lab.timezone,
        summary=lab.title,
        description="\n\n".join(str(line) for line in lines),
        location=str(location),
        organizer_name=current_app.config["ORGANISATION_NAME"],
        organizer_email=envelope_sender(current_app.config["MAIL_DEFAULT_SENDER"]),
        url=session_url(lab),
        attendee_name=registration.full_name if private else None,
        attendee_email=registration.email if private else None,
        is_cancelled=cancelled,
    )


def invite_for_email(registration: Registration, *, kind: EmailKind, now: datetime) -> str | None:
    """The iCalendar text an email of `kind` carries, or None.

    REQUEST only to people holding a seat; CANCEL only to people who once had one (a waitlisted
    person never received an invite, so there is nothing to remove).
    """
    method = kind.invite
    if method is None:
        return None
    if method == CalendarMethod.REQUEST and not registration.is_confirmed:
        return None
    if method == CalendarMethod.CANCEL and registration.confirmed_at is None:
        return None
    cancelled = method == CalendarMethod.CANCEL
    return build_calendar([registration_event(registration, cancelled=cancelled)], method=method, now=now)


def has_calendar_entry(registration: Registration) -> bool:
    """True while the person holds a seat in a session that still takes place."""
    return registration.is_confirmed and not registration.lab_session.is_cancelled


def invite_download(registration: Registration, *, now: datetime, private: bool = True) -> str:
    """The .ics file offered on the manage page (PUBLISH: a file to import, same UID as the emails).

    `private=False`: the file offered after registering, with public details only (no link, no join link).
    """
    event = registration_event(registration, private=private, join=private)
    return build_calendar([event], method=CalendarMethod.PUBLISH, now=now)


@dataclass(frozen=True)
class CalendarLinks:
    ics_url: str
    google_url: str
    outlook_url: str
    office_url: str


def calendar_links(registration: Registration, *, ics_url: str, join: bool = True) -> CalendarLinks | None:
    """Links for the manage or result page, or None when the person has no seat to put in a calendar.

    Google and Outlook get the event in their URL, so never the person's link; `join=False` keeps
    the join link out too.
    """
    if not has_calendar_entry(registration):
        return None
    event = registration_event(registration, private=False, join=join)
    return CalendarLinks(
        ics_url=ics_url,
        google_url=google_calendar_url(event),
        outlook_url=outlook_calendar_url(event),
        office_url=outlook_calendar_url(event, host="outlook.office.com"),
    )
