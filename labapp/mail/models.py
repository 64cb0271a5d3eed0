"""The durable outbox: every email is a row first, written with the change that causes it."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, Enum, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from labapp.db import Model, str_enum
from labapp.mail.kinds import EmailKind


class OutboxStatus(StrEnum):
    PENDING = "pending"
    SENT = "sent"
    FAILED = "failed"


class OutboxMessage(Model):
    __tablename__ = "outbox_messages"
    __table_args__ = (Index("ix_outbox_messages_due", "status", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # Stored as the member's value in the same VARCHAR(60) as before: no schema change, old rows load.
    kind: Mapped[EmailKind] = mapped_column(
        Enum(EmailKind, native_enum=False, length=60, values_callable=lambda kinds: [k.value for k in kinds])
    )
    to_address: Mapped[str] = mapped_column(String(254))
    to_name: Mapped[str] = mapped_column(String(200), default="")
    subject: Mapped[str] = mapped_column(String(300))
    text_body: Mapped[str] = mapped_column(Text)
    html_body: Mapped[str] = mapped_column(Text)
    calendar_ics: Mapped[str | None] = mapped_column(Text)
    reply_to: Mapped[str | None] = mapped_column(String(254))
    headers: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    # Links the copy to a person so erasure can find it; SET NULL keeps the delivery record.
    registration_id: Mapped[int | None] = mapped_column(
        ForeignKey("registrations.id", ondelete="SET NULL"), index=True
    )
    # The person was erased while this email waited: it goes out (they are told), then the copy is deleted.
    # (Migration 0010 gives it a server default for existing rows; none here, so batched inserts need no RETURNING.)
    is_erased_after_delivery: Mapped[bool] = mapped_column(default=False)
    status: Mapped[OutboxStatus] = mapped_column(str_enum(OutboxStatus, length=20), default=OutboxStatus.PENDING)
    attempts: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime]
    # Set when someone puts the email back in line (outbox.requeue): the day of retries counts from here.
    requeued_at: Mapped[datetime | None]
    next_attempt_at: Mapped[datetime]
    claimed_until: Mapped[datetime | None]
    sent_at: Mapped[datetime | None]
    failed_at: Mapped[datetime | None]
    message_id: Mapped[str | None] = mapped_column(String(300))
    last_error: Mapped[str | None] = mapped_column(Text)

    def __repr__(self) -> str:
        return f"<OutboxMessage {self.id} {self.kind} {self.status}>"


class MailRequestKind(StrEnum):
    """Emails a visitor can ask for by typing an address; the worker decides whether one goes out."""

    PASSWORD_RESET = "password_reset"  # noqa: S105 - a kind of email, not a password
    RECORD_LINK = "record_link"
    MANAGE_LINK = "manage_link"


class MailRequest(Model):
    """"Email me my link": kept until the worker's next pass looks the address up (then deleted).

    The request does the same work for any address (one INSERT), so its timing says nothing about
    whether the address is known; rendering the email, or dropping the request, happens in the worker.
    """

    __tablename__ = "mail_requests"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[MailRequestKind] = mapped_column(str_enum(MailRequestKind, length=40))
    email: Mapped[str] = mapped_column(String(254))
    # For a manage link: which session (no foreign key: a deleted session just makes it a no-op).
    lab_session_id: Mapped[int | None]
    # The language of the page the request came from: the email is written in it.
    language: Mapped[str] = mapped_column(String(5), default="en", server_default="en")
    created_at: Mapped[datetime]
