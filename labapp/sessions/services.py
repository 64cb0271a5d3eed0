"""Reading and creating sessions. Registration rules live in registrations/."""

from __future__ import annotations

import re
import unicodedata
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from sqlalchemy import select, update
from sqlalchemy.orm import lazyload

from labapp.accounts.models import User
from labapp.db import db, is_postgres, unit_of_work
from labapp.sessions.models import LabSession, SessionFormat, SessionStatus


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


def get_session_by_slug(slug: str) -> LabSession:
    """The session with this slug, or SessionNotFound."""
    lab = db.session.scalar(select(LabSession).where(LabSession.slug == slug))
    if lab is None:
        raise SessionNotFound(slug)
    return lab


def lock_lab_session(lab_session_id: int) -> LabSession:
    """Load a session and hold its row lock until the transaction ends.

    PostgreSQL: SELECT ... FOR UPDATE, so requests for the last seat take turns.
    SQLite has no row locks: a no-op UPDATE takes the database write lock first,
    which serialises writers the same way (readers are not blocked under WAL).
    """
    if not is_postgres():
        db.session.execute(update(LabSession).where(LabSession.id == lab_session_id).values(id=LabSession.id))
    lab = db.session.scalar(
        select(LabSession)
        .where(LabSession.id == lab_session_id)
        .with_for_update()
        # Fresh seat-relevant columns, but no second facilitator query: loaded only if someone asks.
        .options(lazyload(LabSession.facilitators))
        .execution_options(populate_existing=True)
    )
    if lab is None:
        raise SessionNotFound(lab_session_id)
    return lab


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
) -> LabSession:
    """Create a session (draft unless publish=True) after checking its fields."""
    validate_session_fields(
        title=title, starts_at=starts_at, timezone=timezone, duration_minutes=duration_minutes,
        capacity=capacity, format=format, location=location, join_url=join_url,
        registration_opens_at=registration_opens_at, registration_closes_at=registration_closes_at,
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
            created_at=now,
            updated_at=now,
        )
        lab.facilitators = list(facilitators or [])
        db.session.add(lab)
    return lab
