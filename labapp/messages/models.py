"""The record of what a facilitator sent to whom.

Recipients are kept as links to registrations and outbox rows, never as copies of names or
addresses: erasing a person (privacy) then leaves nothing of them here.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from labapp.db import db


class MessageAudience(StrEnum):
    CONFIRMED = "confirmed"
    WAITLISTED = "waitlisted"

    @property
    def label(self) -> str:
        return {"confirmed": "People with a seat", "waitlisted": "People on the waitlist"}[self.value]


class AttendeeMessage(db.Model):
    __tablename__ = "attendee_messages"

    id: Mapped[int] = mapped_column(primary_key=True)
    lab_session_id: Mapped[int] = mapped_column(ForeignKey("lab_sessions.id", ondelete="CASCADE"), index=True)
    sent_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    audience: Mapped[MessageAudience] = mapped_column(String(20))
    subject: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    recipient_count: Mapped[int] = mapped_column(default=0)
    sent_at: Mapped[datetime]

    recipients: Mapped[list[AttendeeMessageRecipient]] = relationship(
        back_populates="message", lazy="raise_on_sql", cascade="all, delete-orphan"
    )


class AttendeeMessageRecipient(db.Model):
    __tablename__ = "attendee_message_recipients"

    id: Mapped[int] = mapped_column(primary_key=True)
    message_id: Mapped[int] = mapped_column(ForeignKey("attendee_messages.id", ondelete="CASCADE"), index=True)
    registration_id: Mapped[int | None] = mapped_column(
        ForeignKey("registrations.id", ondelete="SET NULL"), index=True
    )
    outbox_message_id: Mapped[int | None] = mapped_column(ForeignKey("outbox_messages.id", ondelete="SET NULL"))

    message: Mapped[AttendeeMessage] = relationship(back_populates="recipients")
