"""Reading and creating sessions. Registration rules live in registrations/."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from functools import cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, bindparam, select, update
from sqlalchemy.orm import lazyload

from labapp.accounts.models import User
from labapp.core.text import slugify
from labapp.db import db, is_postgres, unit_of_work
from labapp.sessions.errors import InvalidSession, SessionChangeNotAllowed, SessionNotFound
from labapp.sessions.models import LabSession, SessionFormat, SessionLanguage, SessionStatus, session_facilitators


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


def unique_slug(title: str, starts_at: datetime, zone: str) -> str:
    """Title plus local date, with a counter if that is taken; stable once saved."""
    base = f"{slugify(title)}-{starts_at.astimezone(ZoneInfo(zone)).strftime('%Y-%m-%d')}"
    taken = set(db.session.scalars(select(LabSession.slug).where(LabSession.slug.like(f"{base}%"))))
    slug, counter = base, 2
    while slug in taken:
        slug, counter = f"{base}-{counter}", counter + 1
    return slug


def list_all_sessions() -> list[LabSession]:
    """Every session, newest start first; seat counts are the trigger-kept columns on each row."""
    return list(db.session.scalars(select(LabSession).order_by(LabSession.starts_at.desc())))


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
# A lab runs the protocol's components (the shortest agenda takes a quarter of an hour); more than a
# working day is a typo (minutes typed as hours), not a session. The form, the CLI and every service use this.
MIN_DURATION_MINUTES, MAX_DURATION_MINUTES = 15, 8 * 60
MAX_CAPACITY = 10_000


@dataclass(frozen=True, kw_only=True)
class SessionFields:
    """Every field a facilitator or operator sets on a session: the one shape create, update, duplicate,
    the dashboard form and the CLI pass around. `validate()` holds every limit."""

    title: str
    starts_at: datetime
    timezone: str
    duration_minutes: int
    capacity: int
    format: SessionFormat = SessionFormat.ONLINE
    language: SessionLanguage = SessionLanguage.EN  # the conversation's language: en, es or bilingual
    summary: str = ""
    description: str = ""
    location: str = ""
    join_url: str = ""
    registration_opens_at: datetime | None = None
    registration_closes_at: datetime | None = None
    reply_to: str | None = None
    reminder_offsets: str | None = None  # None: REMINDER_OFFSETS; the sessions CLI and demo never set it
    follow_up_after_hours: int | None = DEFAULT_FOLLOW_UP_HOURS  # None: no automatic follow-up

    def validate(self) -> None:
        """Raise InvalidSession with a readable message when a field breaks a rule."""
        if not self.title.strip():
            raise InvalidSession(_l("A session needs a title."))
        if self.starts_at.tzinfo is None:
            raise InvalidSession(_l("The start time needs a time zone."))
        if not is_valid_timezone(self.timezone):
            raise InvalidSession(_l("Unknown time zone %(zone)r: use an IANA name such as America/New_York.",
                                    zone=self.timezone))
        if not MIN_DURATION_MINUTES <= self.duration_minutes <= MAX_DURATION_MINUTES:
            raise InvalidSession(_l("Duration must be between 15 minutes and 8 hours."))
        if not 1 <= self.capacity <= MAX_CAPACITY:
            raise InvalidSession(_l("Capacity must be between 1 and 10,000."))
        if SessionLanguage.parse(self.language) is None:
            raise InvalidSession(_l("A session is held in English (en), Spanish (es) or both (bilingual)."))
        if self.format == SessionFormat.IN_PERSON and not self.location.strip():
            raise InvalidSession(_l("An in-person session needs a location."))
        if self.join_url and not self.join_url.startswith("https://"):
            raise InvalidSession(_l("The join link must start with https://."))
        if self.registration_closes_at and self.registration_closes_at > self.ends_at:
            raise InvalidSession(_l("Registration must close before the session ends."))
        if self.registration_opens_at and self.registration_opens_at >= (self.registration_closes_at or self.starts_at):
            raise InvalidSession(_l("Registration must open before it closes."))
        if self.follow_up_after_hours is not None and not 1 <= self.follow_up_after_hours <= MAX_FOLLOW_UP_HOURS:
            raise InvalidSession(_l("The follow-up email goes 1 to %(hours)s hours (a week) after the end; "
                                    "leave it empty for none.", hours=MAX_FOLLOW_UP_HOURS))

    @property
    def ends_at(self) -> datetime:
        return self.starts_at + timedelta(minutes=self.duration_minutes)

    def apply_to(self, lab: LabSession) -> None:
        """Copy the fields onto a session row, trimmed as they are stored."""
        lab.title = self.title.strip()
        lab.summary = self.summary.strip()
        lab.description = self.description.strip()
        lab.starts_at = self.starts_at
        lab.duration_minutes = self.duration_minutes
        lab.timezone = self.timezone
        lab.format = self.format
        lab.language = SessionLanguage(self.language)
        lab.location = self.location.strip()
        lab.join_url = self.join_url.strip()
        lab.capacity = self.capacity
        lab.registration_opens_at = self.registration_opens_at
        lab.registration_closes_at = self.registration_closes_at
        lab.reply_to = (self.reply_to or "").strip() or None
        lab.follow_up_after_hours = self.follow_up_after_hours


def create_session(
    *,
    fields: SessionFields,
    now: datetime,
    facilitators: list[User] | None = None,
    publish: bool = False,
    slug: str | None = None,
) -> LabSession:
    """Create a session (draft unless publish=True) after checking its fields, in one transaction."""
    fields.validate()
    with unit_of_work():
        lab = LabSession(
            slug=slug or unique_slug(fields.title, fields.starts_at, fields.timezone),
            status=SessionStatus.PUBLISHED if publish else SessionStatus.DRAFT,
            reminder_offsets=fields.reminder_offsets,
            created_at=now,
            updated_at=now,
        )
        fields.apply_to(lab)
        lab.facilitators = list(facilitators or [])
        db.session.add(lab)
    return lab


# --- Changing a session from the dashboard -------------------------------------------------------
# (changes that reach registrations and reminders live in labapp.session_changes)

# How far ahead of its start a session's registration may open (a school year is the longest plan).
MAX_REGISTRATION_LEAD = timedelta(days=365)
# "Run again next month": same weekday and local time, four weeks later.
DUPLICATE_GAP = timedelta(weeks=4)
# Fields whose change moves people's calendars: they bump `sequence` and send `Updated: …`.
SCHEDULE_FIELDS = ("starts_at", "duration_minutes", "timezone", "format", "location", "join_url")


def validate_schedule(*, starts_at: datetime, registration_opens_at: datetime | None,
                      registration_closes_at: datetime | None, now: datetime) -> None:
    """Raise InvalidSession unless the start is in the future and the registration window is sensible."""
    if starts_at <= now:
        raise InvalidSession(_l("The start time must be in the future."))
    if registration_opens_at and registration_opens_at < starts_at - MAX_REGISTRATION_LEAD:
        raise InvalidSession(_l("Registration can open at most one year before the session starts."))
    if registration_closes_at and registration_closes_at <= now:
        raise InvalidSession(_l("Registration must close in the future."))


def create_session_from_form(*, fields: SessionFields, facilitators: list[User], now: datetime) -> LabSession:
    """Create a draft session from the dashboard form, after the dashboard's stricter checks."""
    validate_schedule(starts_at=fields.starts_at, registration_opens_at=fields.registration_opens_at,
                      registration_closes_at=fields.registration_closes_at, now=now)
    return create_session(fields=fields, facilitators=facilitators, now=now)


def publish_session(*, lab_session_id: int, now: datetime) -> LabSession:
    """Make a draft session public; a cancelled or past session stays as it is."""
    with unit_of_work():
        lab = lock_lab_session(lab_session_id)
        if lab.is_cancelled:
            raise SessionChangeNotAllowed(_l("A cancelled session cannot be published again. Duplicate it instead."))
        if now >= lab.starts_at:
            raise SessionChangeNotAllowed(_l("This session has already started."))
        lab.status = SessionStatus.PUBLISHED
        lab.updated_at = now
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


def session_fields(lab: LabSession) -> SessionFields:
    """A session's current fields, as a form or a copy starts from."""
    return SessionFields(
        title=lab.title, starts_at=lab.starts_at, timezone=lab.timezone, duration_minutes=lab.duration_minutes,
        capacity=lab.capacity, format=SessionFormat(lab.format), language=SessionLanguage(lab.language),
        summary=lab.summary, description=lab.description,
        location=lab.location, join_url=lab.join_url, registration_opens_at=lab.registration_opens_at,
        registration_closes_at=lab.registration_closes_at, reply_to=lab.reply_to,
        reminder_offsets=lab.reminder_offsets, follow_up_after_hours=lab.follow_up_after_hours,
    )


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
        fields=replace(session_fields(lab), starts_at=starts_at,
                       registration_opens_at=shifted(lab.registration_opens_at),
                       registration_closes_at=shifted(lab.registration_closes_at)),
        facilitators=list(facilitators if facilitators is not None else lab.facilitators), now=now,
    )
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
