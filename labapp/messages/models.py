"""The record of what a facilitator sent to whom.

Recipients are kept as links to registrations and outbox rows, never as copies of names or
addresses: erasing a person (privacy) then leaves nothing of them here.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from labapp.db import Model, str_enum


class MessageAudience(StrEnum):
    """Who a message goes to: by seat (confirmed, waitlisted) or, after the start, by attendance."""

    CONFIRMED = "confirmed"
    WAITLISTED = "waitlisted"
    ATTENDED = "attended"  # confirmed and checked in
    ABSENT = "absent"  # confirmed, not checked in: "registered but absent"

    @property
    def label(self) -> str:
        return {
            "confirmed": "Everyone with a seat",
            "waitlisted": "People on the waitlist",
            "attended": "People who came (checked in)",
            "absent": "People who had a seat but did not come",
        }[self.value]

    @property
    def is_by_attendance(self) -> bool:
        """Attended and absent only mean something once the session has started."""
        return self in (MessageAudience.ATTENDED, MessageAudience.ABSENT)


class AttendeeMessage(Model):
    __tablename__ = "attendee_messages"

    id: Mapped[int] = mapped_column(primary_key=True)
    lab_session_id: Mapped[int] = mapped_column(ForeignKey("lab_sessions.id", ondelete="CASCADE"), index=True)
    sent_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    audience: Mapped[MessageAudience] = mapped_column(str_enum(MessageAudience, length=20))
    subject: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    recipient_count: Mapped[int] = mapped_column(default=0)
    sent_at: Mapped[datetime]

    recipients: Mapped[list[AttendeeMessageRecipient]] = relationship(
        back_populates="message", lazy="raise_on_sql", cascade="all, delete-orphan"
    )

    @property
    def audience_label(self) -> str:
        """Who it went to, in words ("People who came (checked in)")."""
        return MessageAudience(self.audience).label


class AttendeeMessageRecipient(Model):
    __tablename__ = "attendee_message_recipients"

    id: Mapped[int] = mapped_column(primary_key=True)
    message_id: Mapped[int] = mapped_column(ForeignKey("attendee_messages.id", ondelete="CASCADE"), index=True)
    registration_id: Mapped[int | None] = mapped_column(
        ForeignKey("registrations.id", ondelete="SET NULL"), index=True
    )
    outbox_message_id: Mapped[int | None] = mapped_column(ForeignKey("outbox_messages.id", ondelete="SET NULL"))

    message: Mapped[AttendeeMessage] = relationship(back_populates="recipients")
