"""The public calendar feed (/sessions.ics): upcoming published sessions, nothing private.

A cancelled session stays in the feed, marked cancelled, until it would have ended: a subscriber's
calendar then shows it cancelled instead of the entry silently vanishing.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from flask import current_app
from flask_babel import gettext
from sqlalchemy import select
from sqlalchemy.orm import lazyload

from labapp.db import db
from labapp.mail.calendar import CalendarEvent, CalendarMethod, build_calendar, uid_domain
from labapp.mail.compose import envelope_sender
from labapp.sessions.links import agenda_url, session_url
from labapp.sessions.models import LabSession, SessionStatus

# Sessions last at most MAX_DURATION_MINUTES (8 hours); rows made before that limit may last a day,
# so looking a day back finds every one still running.
LONGEST_SESSION = timedelta(hours=24)


# Cancelling bumps a session's SEQUENCE (cancel_session), so calendars take the cancellation as newer.
FEED_STATUSES = (SessionStatus.PUBLISHED, SessionStatus.CANCELLED)


def feed_sessions(*, now: datetime) -> list[LabSession]:
    """Published and cancelled sessions that have not ended, soonest first, in one query."""
    candidates = db.session.scalars(
        select(LabSession)
        .where(LabSession.status.in_(FEED_STATUSES), LabSession.starts_at > now - LONGEST_SESSION)
        .order_by(LabSession.starts_at, LabSession.id)
        .options(lazyload(LabSession.facilitators))
    )
    return [lab for lab in candidates if lab.ends_at > now]


def session_event(lab: LabSession) -> CalendarEvent:
    """A session as a public calendar entry: where and what, never the join link or who is coming.

    The words around the links follow the page's language (`/sessions.ics?lang=es`); the title is the session's.
    """
    description = "\n\n".join(part for part in (
        lab.summary,
        str(gettext("Details and registration: %(url)s", url=session_url(lab))),
        str(gettext("Agenda: %(url)s", url=agenda_url(lab))),
    ) if part)
    return CalendarEvent(
        uid=f"session-{lab.id}@{uid_domain(current_app.config['BASE_URL'])}",
        sequence=lab.sequence,
        starts_at=lab.starts_at,
        ends_at=lab.ends_at,
        timezone=lab.timezone,
        # Not every client draws STATUS:CANCELLED, so the title says it too.
        summary=str(gettext("Cancelled: %(title)s", title=lab.title)) if lab.is_cancelled else lab.title,
        description=description,
        location=lab.location if lab.has_venue else str(gettext("Online")),
        organizer_name=current_app.config["ORGANISATION_NAME"],
        organizer_email=envelope_sender(current_app.config["MAIL_DEFAULT_SENDER"]),
        url=session_url(lab),
        is_cancelled=lab.is_cancelled,
    )


def sessions_feed(*, now: datetime) -> str:
    """The iCalendar text of the public feed as of `now`."""
    return build_calendar(
        [session_event(lab) for lab in feed_sessions(now=now)],
        method=CalendarMethod.PUBLISH,
        now=now,
        name=current_app.config["ORGANISATION_NAME"],
    )
