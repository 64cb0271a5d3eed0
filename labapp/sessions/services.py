"""Reading and creating sessions. Registration rules live in registrations/."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from sqlalchemy import Select, bindparam, select, update
from sqlalchemy.orm import lazyload

from labapp.accounts.models import User
from labapp.db import db, is_postgres, unit_of_work
from labapp.sessions.models import LabSession, SessionFormat, SessionStatus, session_facilitators


class SessionNotFound(LookupError):
    """No session with that id or slug."""


class InvalidSession(ValueError):
    """The session's fields break a rule; the message says which."""


def is_valid_timezone(name: str) -> bool:
    """True for an IANA zone name that zoneinfo knows."""
    if not name or name not in _zone_names():
        return False
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return True


_ZONES: set[str] = set()


def _zone_names() -> set[str]:
    if not _ZONES:
        _ZONES.update(available_timezones())
    return _ZONES


def slugify(text: str) -> str:
    """A readable URL part: 'Listening with Empathy!' -> 'listening-with-empathy'."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    return slug[:80].strip("-") or "session"


def unique_slug(title: str, starts_at: datetime, zone: str) -> str:
    """Title plus local date, with a counter if that is taken; stable once saved."""
    base = f"{slugify(title)}-{starts_at.astimezone(ZoneInfo(zone)).strftime('%Y-%m-%d')}"
    taken = set(db.session.scalars(select(LabSession.slug).where(LabSession.slug.like(f"{base}%"))))
    slug, counter = base, 2
    while slug in taken:
        slug, counter = f"{base}-{counter}", counter + 1
    return slug


def get_session_by_slug(slug: str, *, with_facilitators: bool = True) -> LabSession:
    """The session with this slug, or SessionNotFound.

    `with_facilitators=False` skips the facilitators query (they load on first use instead):
    the registration POST only needs them when it shows the page again with errors.
    """
    query = select(LabSession).where(LabSession.slug == slug)
    if not with_facilitators:
        query = query.options(lazyload(LabSession.facilitators))
    lab = db.session.scalar(query)
    if lab is None:
        raise SessionNotFound(slug)
    return lab


@cache
def _lock_statement() -> Select[LabSession]:
    """Built once (on first use, when every model is mapped): every registration runs it."""
    return (
        select(LabSession)
        .where(LabSession.id == bindparam("lab_session_id"))
        .with_for_update()
        # Fresh seat-relevant columns, but no second facilitator query: loaded only if someone asks.
        .options(lazyload(LabSession.facilitators))
        .execution_options(populate_existing=True)
    )


def lock_lab_session(lab_session_id: int) -> LabSession:
    """Load a session and hold its row lock until the transaction ends.

    PostgreSQL: SELECT ... FOR UPDATE, so requests for the last seat take turns.
    SQLite has no row locks: a no-op UPDATE takes the database write lock first,
    which serialises writers the same way (readers are not blocked under WAL).
    """
    if not is_postgres():
        db.session.execute(update(LabSession).where(LabSession.id == lab_session_id).values(id=LabSession.id))
    lab = db.session.scalar(_lock_statement(), {"lab_session_id": lab_session_id})
    if lab is None:
        raise SessionNotFound(lab_session_id)
    return lab


# The automatic follow-up goes at most a week after the end: later, a thank-you no longer reads as one.
MAX_FOLLOW_UP_HOURS = 168
# New sessions send it (with the feedback ask) an hour after the end unless turned off; sessions made
# before this default keep the setting stored on their row.
DEFAULT_FOLLOW_UP_HOURS = 1


def validate_session_fields(
    *,
    title: str,
    starts_at: datetime,
    timezone: str,
    duration_minutes: int,
    capacity: int,
    format: SessionFormat,
    location: str,
    join_url: str,
    registration_opens_at: datetime | None = None,
    registration_closes_at: datetime | None = None,
    follow_up_after_hours: int | None = None,
) -> None:
    """Raise InvalidSession with a readable message when a field breaks a rule."""
    if not title.strip():
        raise InvalidSession("A session needs a title.")
    if starts_at.tzinfo is None:
        raise InvalidSession("The start time needs a time zone.")
    if not is_valid_timezone(timezone):
        raise InvalidSession(f"Unknown time zone {timezone!r}: use an IANA name such as America/New_York.")
    if not 1 <= duration_minutes <= 24 * 60:
        raise InvalidSession("Duration must be between 1 minute and 24 hours.")
    if not 1 <= capacity <= 10_000:
        raise InvalidSession("Capacity must be between 1 and 10,000.")
    if format == SessionFormat.IN_PERSON and not location.strip():
        raise InvalidSession("An in-person session needs a location.")
    if join_url and not join_url.startswith("https://"):
        raise InvalidSession("The join link must start with https://.")
    if registration_closes_at and registration_closes_at > starts_at + timedelta(minutes=duration_minutes):
        raise InvalidSession("Registration must close before the session ends.")
    if registration_opens_at and registration_opens_at >= (registration_closes_at or starts_at):
        raise InvalidSession("Registration must open before it closes.")
    if follow_up_after_hours is not None and not 1 <= follow_up_after_hours <= MAX_FOLLOW_UP_HOURS:
        raise InvalidSession(f"The follow-up email goes 1 to {MAX_FOLLOW_UP_HOURS} hours (a week) after the end; "
                             "leave it empty for none.")


def create_session(
    *,
    title: str,
    starts_at: datetime,
    timezone: str,
    duration_minutes: int,
    capacity: int,
    now: datetime,
    format: SessionFormat = SessionFormat.ONLINE,
    summary: str = "",
    description: str = "",
    location: str = "",
    join_url: str = "",
    facilitators: list[User] | None = None,
    publish: bool = False,
    registration_opens_at: datetime | None = None,
    registration_closes_at: datetime | None = None,
    reminder_offsets: str | None = None,
    slug: str | None = None,
    follow_up_after_hours: int | None = DEFAULT_FOLLOW_UP_HOURS,
) -> LabSession:
    """Create a session (draft unless publish=True) after checking its fields."""
    validate_session_fields(
        title=title, starts_at=starts_at, timezone=timezone, duration_minutes=duration_minutes,
        capacity=capacity, format=format, location=location, join_url=join_url,
        registration_opens_at=registration_opens_at, registration_closes_at=registration_closes_at,
        follow_up_after_hours=follow_up_after_hours,
    )
    with unit_of_work():
        lab = LabSession(
            slug=slug or unique_slug(title, starts_at, timezone),
            title=title.strip(),
            summary=summary.strip(),
            description=description.strip(),
            starts_at=starts_at,
            duration_minutes=duration_minutes,
            timezone=timezone,
            format=format,
            location=location.strip(),
            join_url=join_url.strip(),
            capacity=capacity,
            status=SessionStatus.PUBLISHED if publish else SessionStatus.DRAFT,
            registration_opens_at=registration_opens_at,
            registration_closes_at=registration_closes_at,
            reminder_offsets=reminder_offsets,
            follow_up_after_hours=follow_up_after_hours,
            created_at=now,
            updated_at=now,
        )
        lab.facilitators = list(facilitators or [])
        db.session.add(lab)
    return lab


# --- Changing a session from the dashboard -------------------------------------------------------
#
# These services notify registrants and refill seats, which are registration rules; they import
# labapp.registrations inside the function because registrations imports this module at load time.

# How far ahead of its start a session's registration may open (a school year is the longest plan).
MAX_REGISTRATION_LEAD = timedelta(days=365)
# "Run again next month": same weekday and local time, four weeks later.
DUPLICATE_GAP = timedelta(weeks=4)
# Fields whose change moves people's calendars: they bump `sequence` and send `Updated: …`.
SCHEDULE_FIELDS = ("starts_at", "duration_minutes", "timezone", "format", "location", "join_url")


class CapacityBelowConfirmed(InvalidSession):
    """Lowering capacity would take seats away from people who already have one."""


class SessionChangeNotAllowed(InvalidSession):
    """The session's state does not allow that change (cancelled, already started, ...)."""


@dataclass(frozen=True)
class SessionChanges:
    """Every editable field of a session, as the dashboard form sends them."""

    title: str
    starts_at: datetime
    timezone: str
    duration_minutes: int
    capacity: int
    format: SessionFormat = SessionFormat.ONLINE
    summary: str = ""
    description: str = ""
    location: str = ""
    join_url: str = ""
    registration_opens_at: datetime | None = None
    registration_closes_at: datetime | None = None
    reply_to: str | None = None
    follow_up_after_hours: int | None = None  # None: no automatic follow-up (the default)


def validate_schedule(*, starts_at: datetime, registration_opens_at: datetime | None,
                      registration_closes_at: datetime | None, now: datetime) -> None:
    """Raise InvalidSession unless the start is in the future and the registration window is sensible."""
    if starts_at <= now:
        raise InvalidSession("The start time must be in the future.")
    if registration_opens_at and registration_opens_at < starts_at - MAX_REGISTRATION_LEAD:
        raise InvalidSession("Registration can open at most one year before the session starts.")
    if registration_closes_at and registration_closes_at <= now:
        raise InvalidSession("Registration must close in the future.")


def _changes_kwargs(changes: SessionChanges) -> dict[str, object]:
    return {
        "title": changes.title, "starts_at": changes.starts_at, "timezone": changes.timezone,
        "duration_minutes": changes.duration_minutes, "capacity": changes.capacity, "format": changes.format,
        "location": changes.location, "join_url": changes.join_url,
        "registration_opens_at": changes.registration_opens_at,
        "registration_closes_at": changes.registration_closes_at,
        "follow_up_after_hours": changes.follow_up_after_hours,
    }


def create_session_from_form(*, changes: SessionChanges, facilitators: list[User], now: datetime) -> LabSession:
    """Create a draft session from the dashboard form, after the dashboard's stricter checks."""
    validate_schedule(starts_at=changes.starts_at, registration_opens_at=changes.registration_opens_at,
                      registration_closes_at=changes.registration_closes_at, now=now)
    lab = create_session(**_changes_kwargs(changes), summary=changes.summary,  # type: ignore[arg-type]
                         description=changes.description, facilitators=facilitators, now=now)
    if changes.reply_to:
        with unit_of_work():
            lab.reply_to = changes.reply_to.strip()
    return lab


def update_session(*, lab_session_id: int, changes: SessionChanges, now: datetime,
                   facilitators: list[User] | None = None) -> LabSession:
    """Save a session's new fields; a new time, place or link tells confirmed people, more seats fill the waitlist.

    A new start also makes the reminders due again for the new time (reminders.services.reschedule_reminders).

    Lowering capacity below the confirmed count raises CapacityBelowConfirmed and changes nothing.
    `facilitators`, when given (admins only), replaces who runs the session.
    """
    from labapp.registrations.notifications import notify_session_updated
    from labapp.registrations.services import confirmed_count, fill_free_seats
    from labapp.reminders.services import reschedule_reminders

    validate_session_fields(**_changes_kwargs(changes))  # type: ignore[arg-type]
    with unit_of_work():
        lab = lock_lab_session(lab_session_id)
        if lab.is_cancelled:
            raise SessionChangeNotAllowed("This session is cancelled, so it can no longer be changed.")
        if now >= lab.ends_at:
            raise SessionChangeNotAllowed("This session is over, so it can no longer be changed.")
        if changes.starts_at != lab.starts_at or (changes.registration_opens_at, changes.registration_closes_at) != (
            lab.registration_opens_at, lab.registration_closes_at
        ):
            validate_schedule(starts_at=changes.starts_at, registration_opens_at=changes.registration_opens_at,
                              registration_closes_at=changes.registration_closes_at, now=now)
        confirmed = confirmed_count(lab.id)
        if changes.capacity < confirmed:
            raise CapacityBelowConfirmed(
                f"{confirmed} people already have a seat, so capacity cannot go below {confirmed}. "
                "Cancel registrations first if the room really is smaller."
            )
        new_values = {
            "starts_at": changes.starts_at, "duration_minutes": changes.duration_minutes,
            "timezone": changes.timezone, "format": changes.format, "location": changes.location.strip(),
            "join_url": changes.join_url.strip(),
        }
        schedule_changed = any(getattr(lab, name) != new_values[name] for name in SCHEDULE_FIELDS)
        start_moved = lab.starts_at != changes.starts_at
        for name, value in new_values.items():
            setattr(lab, name, value)
        lab.title = changes.title.strip()
        lab.summary = changes.summary.strip()
        lab.description = changes.description.strip()
        lab.capacity = changes.capacity
        lab.registration_opens_at = changes.registration_opens_at
        lab.registration_closes_at = changes.registration_closes_at
        lab.reply_to = (changes.reply_to or "").strip() or None
        lab.follow_up_after_hours = changes.follow_up_after_hours
        lab.updated_at = now
        if facilitators is not None:
            if not facilitators:
                raise InvalidSession("A session needs at least one facilitator.")
            lab.facilitators = list(facilitators)
        if schedule_changed:
            lab.sequence += 1
            if lab.is_published:
                notify_session_updated(lab, now=now)
        if start_moved:
            reschedule_reminders(lab, now=now)
        db.session.flush()
        if changes.capacity > confirmed and now < lab.starts_at:
            fill_free_seats(lab, now=now)
    return lab


def publish_session(*, lab_session_id: int, now: datetime) -> LabSession:
    """Make a draft session public; a cancelled or past session stays as it is."""
    with unit_of_work():
        lab = lock_lab_session(lab_session_id)
        if lab.is_cancelled:
            raise SessionChangeNotAllowed("A cancelled session cannot be published again. Duplicate it instead.")
        if now >= lab.starts_at:
            raise SessionChangeNotAllowed("This session has already started.")
        lab.status = SessionStatus.PUBLISHED
        lab.updated_at = now
    return lab


def unpublish_session(*, lab_session_id: int, now: datetime) -> LabSession:
    """Take a session back to draft, only while nobody is registered (otherwise: cancel it)."""
    from labapp.registrations.availability import get_listing

    with unit_of_work():
        lab = lock_lab_session(lab_session_id)
        if lab.is_cancelled:
            raise SessionChangeNotAllowed("This session is cancelled.")
        counts = get_listing(lab).counts
        if counts.confirmed or counts.waitlisted:
            raise SessionChangeNotAllowed(
                "People are registered, so the session cannot be hidden. Cancel it to tell them."
            )
        lab.status = SessionStatus.DRAFT
        lab.updated_at = now
    return lab


def cancel_session(*, lab_session_id: int, now: datetime, reason: str = "") -> LabSession:
    """Cancel a session and tell everyone registered (confirmed and waitlisted), in one transaction."""
    from labapp.registrations.models import Registration, RegistrationStatus
    from labapp.registrations.notifications import notify_session_cancelled

    with unit_of_work():
        lab = lock_lab_session(lab_session_id)
        if lab.is_cancelled:
            return lab
        if now >= lab.ends_at:
            raise SessionChangeNotAllowed("This session is over, so it can no longer be cancelled.")
        was_published = lab.is_published
        lab.status = SessionStatus.CANCELLED
        lab.cancelled_at = now
        lab.updated_at = now
        lab.sequence += 1
        if was_published:
            notify_session_cancelled(lab, now=now, reason=reason.strip())
        # Nobody should get a reminder for a session that will not happen.
        db.session.execute(
            update(Registration)
            .where(Registration.lab_session_id == lab.id, Registration.reminders_stopped_at.is_(None),
                   Registration.status != RegistrationStatus.CANCELLED)
            .values(reminders_stopped_at=now)
        )
    return lab


def next_month_start(lab: LabSession, *, now: datetime) -> datetime:
    """The same weekday and local wall-clock time four weeks on (again until it is in the future)."""
    local = lab.local_starts_at.replace(tzinfo=None)
    candidate = local
    while True:
        candidate = candidate + DUPLICATE_GAP
        aware = candidate.replace(tzinfo=lab.zone)
        if aware > now:
            return aware


def duplicate_session(*, lab_session_id: int, now: datetime, facilitators: list[User] | None = None) -> LabSession:
    """A draft copy of a session "next month", with the same facilitators and registration window offsets."""
    lab = db.session.get(LabSession, lab_session_id)
    if lab is None:
        raise SessionNotFound(lab_session_id)
    starts_at = next_month_start(lab, now=now)
    shift = starts_at - lab.starts_at

    def shifted(value: datetime | None) -> datetime | None:
        return value + shift if value is not None else None

    copy = create_session(
        title=lab.title, starts_at=starts_at, timezone=lab.timezone, duration_minutes=lab.duration_minutes,
        capacity=lab.capacity, format=SessionFormat(lab.format), summary=lab.summary,
        description=lab.description, location=lab.location, join_url=lab.join_url,
        facilitators=list(facilitators if facilitators is not None else lab.facilitators),
        registration_opens_at=shifted(lab.registration_opens_at),
        registration_closes_at=shifted(lab.registration_closes_at),
        reminder_offsets=lab.reminder_offsets, follow_up_after_hours=lab.follow_up_after_hours, now=now,
    )
    if lab.reply_to:
        with unit_of_work():
            copy.reply_to = lab.reply_to
    return copy


def is_facilitated_by(lab: LabSession, user: User) -> bool:
    """True when the user runs this session (admins may see every session; that is the caller's rule)."""
    return any(f.id == user.id for f in lab.facilitators)


def sessions_visible_to(user: User) -> list[LabSession]:
    """Sessions a user may open in the dashboard: every session for admins, their own for facilitators."""
    query = select(LabSession).order_by(LabSession.starts_at.desc(), LabSession.id.desc())
    if not user.is_admin:
        query = query.join(session_facilitators).where(session_facilitators.c.user_id == user.id)
    return list(db.session.scalars(query))
