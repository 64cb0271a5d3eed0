"""An educator's seat (or place in line) for one session."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import JSON, ForeignKey, Index, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from labapp.db import Model, str_enum
from labapp.sessions.models import LabSession


class RegistrationStatus(StrEnum):
    CONFIRMED = "confirmed"
    WAITLISTED = "waitlisted"
    CANCELLED = "cancelled"


class EducatorRole(StrEnum):
    TEACHER = "teacher"
    COACH = "instructional_coach"
    SCHOOL_LEADER = "school_leader"
    DISTRICT_LEADER = "district_leader"
    FAMILY = "family_or_community"
    OTHER = "other"

    @property
    def label(self) -> str:
        return str(ROLE_LABELS[self])


# Lazy: shown in the reader's language (str() them where a plain string is needed).
ROLE_LABELS: dict[EducatorRole, Any] = {
    EducatorRole.TEACHER: _l("Teacher"),
    EducatorRole.COACH: _l("Instructional coach"),
    EducatorRole.SCHOOL_LEADER: _l("School leader"),
    EducatorRole.DISTRICT_LEADER: _l("District leader"),
    EducatorRole.FAMILY: _l("Family or community member"),
    EducatorRole.OTHER: _l("Other"),
}

FOCUS_POPULATIONS: dict[str, Any] = {
    "english_learners": _l("English learners"),
    "students_with_disabilities": _l("Students with disabilities"),
    "poverty_or_homelessness": _l("Students experiencing poverty or homelessness"),
    "students_of_color": _l("Students of color"),
    "newcomers": _l("Newcomer students"),
    "other": _l("Other"),
}


class Registration(Model):
    __tablename__ = "registrations"
    __table_args__ = (
        # One active registration per person per session; the database has the last word
        # on double submits, the session row lock has it on capacity.
        Index(
            "uq_registrations_active_email",
            "lab_session_id",
            "email_key",
            unique=True,
            postgresql_where=text("status <> 'cancelled'"),
            sqlite_where=text("status <> 'cancelled'"),
        ),
        Index("ix_registrations_session_status", "lab_session_id", "status", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    lab_session_id: Mapped[int] = mapped_column(ForeignKey("lab_sessions.id", ondelete="CASCADE"))
    # As typed (trimmed, domain lower-cased) and the whole address lower-cased for matching.
    email: Mapped[str] = mapped_column(String(254))
    email_key: Mapped[str] = mapped_column(String(254), index=True)
    full_name: Mapped[str] = mapped_column(String(200))
    role: Mapped[EducatorRole] = mapped_column(str_enum(EducatorRole, length=40))
    organisation: Mapped[str] = mapped_column(String(200), default="")
    focus_populations: Mapped[list[str]] = mapped_column(JSON, default=list)
    accommodations: Mapped[str] = mapped_column(Text, default="")
    hopes: Mapped[str] = mapped_column(Text, default="")
    prework_answers: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    status: Mapped[RegistrationStatus] = mapped_column(str_enum(RegistrationStatus, length=20))
    # Random per-registration salt; the manage token is HMAC(SECRET_KEY, salt) and only its hash is kept.
    token_salt: Mapped[str] = mapped_column(String(64))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    consented_at: Mapped[datetime]
    registered_at: Mapped[datetime]
    confirmed_at: Mapped[datetime | None]
    waitlisted_at: Mapped[datetime | None]
    promoted_at: Mapped[datetime | None]
    cancelled_at: Mapped[datetime | None]
    updated_at: Mapped[datetime]
    checked_in_at: Mapped[datetime | None]
    reminders_stopped_at: Mapped[datetime | None]
    sensitive_erased_at: Mapped[datetime | None]
    anonymised_at: Mapped[datetime | None]
    follow_up_sent_at: Mapped[datetime | None]
    # The language every email to this person is written in ('en' or 'es'): the page's language
    # when they registered, changeable on the manage page.
    language: Mapped[str] = mapped_column(String(5), default="en", server_default="en")

    lab_session: Mapped[LabSession] = relationship(back_populates="registrations", lazy="joined", innerjoin=True)

    @property
    def is_confirmed(self) -> bool:
        return self.status == RegistrationStatus.CONFIRMED

    @property
    def is_waitlisted(self) -> bool:
        return self.status == RegistrationStatus.WAITLISTED

    @property
    def is_cancelled(self) -> bool:
        return self.status == RegistrationStatus.CANCELLED

    @property
    def role_label(self) -> str:
        try:
            return EducatorRole(self.role).label
        except ValueError:
            return str(self.role)

    @property
    def focus_labels(self) -> list[str]:
        return [str(FOCUS_POPULATIONS.get(key, key)) for key in self.focus_populations or []]

    @property
    def first_name(self) -> str:
        return (self.full_name.split() or [""])[0]

    def __repr__(self) -> str:
        return f"<Registration {self.id} {self.status}>"


class SeatOffer(Model):
    """A seat freed close to the start: offered to everyone waiting, first to accept gets it."""

    __tablename__ = "seat_offers"

    id: Mapped[int] = mapped_column(primary_key=True)
    lab_session_id: Mapped[int] = mapped_column(ForeignKey("lab_sessions.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime]
    taken_at: Mapped[datetime | None]
    taken_by_id: Mapped[int | None] = mapped_column(ForeignKey("registrations.id", ondelete="SET NULL"))

    @property
    def is_taken(self) -> bool:
        return self.taken_at is not None
