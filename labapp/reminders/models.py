"""Which reminder each registration got: one row per (registration, offset), written when it is decided."""

from __future__ import annotations

from datetime import datetime, timedelta
from enum import StrEnum

from sqlalchemy import ForeignKey, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from labapp.db import Model, str_enum


class ReminderDeliveryStatus(StrEnum):
    QUEUED = "queued"  # handed to the outbox; the outbox row says whether it went out
    SUPERSEDED = "superseded"  # due together with a later reminder, which went instead


class ReminderDelivery(Model):
    __tablename__ = "reminder_deliveries"
    __table_args__ = (
        # The last guard against a second copy: two workers that both decide to send
        # the same reminder collide here, and the loser inserts nothing.
        UniqueConstraint("registration_id", "offset_seconds"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    registration_id: Mapped[int] = mapped_column(ForeignKey("registrations.id", ondelete="CASCADE"))
    offset_seconds: Mapped[int]
    status: Mapped[ReminderDeliveryStatus] = mapped_column(str_enum(ReminderDeliveryStatus, length=20))
    due_at: Mapped[datetime]
    decided_at: Mapped[datetime]
    outbox_message_id: Mapped[int | None] = mapped_column(
        ForeignKey("outbox_messages.id", ondelete="SET NULL"), index=True
    )

    @property
    def offset(self) -> timedelta:
        return timedelta(seconds=self.offset_seconds)

    def __repr__(self) -> str:
        return f"<ReminderDelivery {self.registration_id} -{self.offset_seconds}s {self.status}>"
