"""A Conversation Lab session: when, where, how many seats, who facilitates."""

from __future__ import annotations

from datetime import datetime, timedelta
from enum import StrEnum
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from flask_babel import lazy_gettext as _l
from sqlalchemy import CheckConstraint, Column, ForeignKey, String, Table, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from labapp.accounts.models import User
from labapp.db import Model, str_enum

if TYPE_CHECKING:
    from labapp.registrations.models import Registration


# Lazy, so a form that lists them at import time still shows them in the page's language.
FORMAT_LABELS = {"online": _l("Online"), "in_person": _l("In person"), "hybrid": _l("Hybrid")}


class SessionFormat(StrEnum):
    ONLINE = "online"
    IN_PERSON = "in_person"
    HYBRID = "hybrid"

    @property
    def label(self) -> str:
        return str(FORMAT_LABELS[self.value])


LANGUAGE_LABELS = {"en": _l("In English"), "es": _l("In Spanish"), "bilingual": _l("Bilingual (English and Spanish)")}


class SessionLanguage(StrEnum):
    """The language a session's conversation is held in (not the language of its pages)."""

    EN = "en"
    ES = "es"
    BILINGUAL = "bilingual"

    @property
    def label(self) -> str:
        """The badge: 'In English', 'En inglés' on a Spanish page, ..."""
        return str(LANGUAGE_LABELS[self.value])

    @classmethod
    def parse(cls, value: str | None) -> SessionLanguage | None:
        """The member for 'en', 'es' or 'bilingual' (any case, trimmed); None for anything else."""
        try:
            return cls((value or "").strip().lower())
        except ValueError:
            return None

    def listed_with(self) -> tuple[SessionLanguage, ...]:
        """Sessions someone looking for this language can join: a bilingual one suits either language."""
        if self is SessionLanguage.BILINGUAL:
            return (SessionLanguage.BILINGUAL,)
        return (self, SessionLanguage.BILINGUAL)

    @property
    def html_lang(self) -> str | None:
        """The value for a `lang` attribute on text in this language; None for bilingual."""
        return None if self is SessionLanguage.BILINGUAL else self.value


class SessionStatus(StrEnum):
    DRAFT = "draft"
    PUBLISHED = "published"
    CANCELLED = "cancelled"


session_facilitators = Table(
    "session_facilitators",
    Model.metadata,
    Column("lab_session_id", ForeignKey("lab_sessions.id", ondelete="CASCADE"), primary_key=True),
    Column("user_id", ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
)


class LabSession(Model):
    __tablename__ = "lab_sessions"
    __table_args__ = (
        CheckConstraint("capacity >= 1", name="capacity_positive"),
        CheckConstraint("duration_minutes >= 1", name="duration_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(120), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    summary: Mapped[str] = mapped_column(String(500), default="")
    description: Mapped[str] = mapped_column(Text, default="")
    starts_at: Mapped[datetime] = mapped_column(index=True)
    duration_minutes: Mapped[int]
    timezone: Mapped[str] = mapped_column(String(64))
    format: Mapped[SessionFormat] = mapped_column(str_enum(SessionFormat, length=20), default=SessionFormat.ONLINE)
    location: Mapped[str] = mapped_column(String(300), default="")
    language: Mapped[SessionLanguage] = mapped_column(
        str_enum(SessionLanguage, length=10), default=SessionLanguage.EN, server_default="en"
    )
    join_url: Mapped[str] = mapped_column(String(500), default="")
    capacity: Mapped[int]
    registration_opens_at: Mapped[datetime | None]
    registration_closes_at: Mapped[datetime | None]
    status: Mapped[SessionStatus] = mapped_column(str_enum(SessionStatus, length=20), default=SessionStatus.DRAFT)
    reminder_offsets: Mapped[str | None] = mapped_column(String(100))
    # Bumped whenever time, place or link change, so calendar invites update in place.
    sequence: Mapped[int] = mapped_column(default=0)
    reply_to: Mapped[str | None] = mapped_column(String(254))
    # Hours after the end when checked-in attendees get a thank-you with next steps; None = off.
    follow_up_after_hours: Mapped[int | None]
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    cancelled_at: Mapped[datetime | None]
    # Seats taken and people waiting, kept by the database (triggers on registrations, migration
    # 0007) so registering reads them from the locked row instead of counting rows. The app never
    # writes them, and an object loaded before a change in the same transaction holds old values:
    # rely on them only as read by lock_lab_session.
    confirmed_count: Mapped[int] = mapped_column(default=0, server_default="0")
    waitlisted_count: Mapped[int] = mapped_column(default=0, server_default="0")

    facilitators: Mapped[list[User]] = relationship(secondary=session_facilitators, lazy="selectin")
    registrations: Mapped[list[Registration]] = relationship(back_populates="lab_session", lazy="raise_on_sql")

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def ends_at(self) -> datetime:
        return self.starts_at + timedelta(minutes=self.duration_minutes)

    @property
    def local_starts_at(self) -> datetime:
        return self.starts_at.astimezone(self.zone)

    @property
    def local_ends_at(self) -> datetime:
        return self.ends_at.astimezone(self.zone)

    @property
    def closes_at(self) -> datetime:
        return self.registration_closes_at or self.starts_at

    @property
    def is_cancelled(self) -> bool:
        return self.status == SessionStatus.CANCELLED

    @property
    def format_label(self) -> str:
        """'Online', 'In person' or 'Hybrid' (a loaded row holds the plain string, not the enum)."""
        return SessionFormat(self.format).label

    @property
    def language_label(self) -> str:
        """'In English', 'In Spanish' or 'Bilingual (English and Spanish)', in the page's language."""
        return SessionLanguage(self.language).label

    @property
    def is_published(self) -> bool:
        return self.status == SessionStatus.PUBLISHED

    @property
    def is_online(self) -> bool:
        return self.format in (SessionFormat.ONLINE, SessionFormat.HYBRID)

    @property
    def has_venue(self) -> bool:
        return self.format in (SessionFormat.IN_PERSON, SessionFormat.HYBRID)

    def is_open_for_registration(self, now: datetime) -> bool:
        """Published, not started, and inside its registration window."""
        opens = self.registration_opens_at
        return self.is_published and (opens is None or opens <= now) and now < self.closes_at

    def __repr__(self) -> str:
        return f"<LabSession {self.id} {self.slug}>"
